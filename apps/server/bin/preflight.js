// Runs before anything else of Gatehouse is loaded (no imports, plain JavaScript that every
// Node version can parse), so an unsupported Node stops here with a message instead of crashing
// later in a native module (the SQLite binding segfaults on Node 20) after half-creating ./data.
const REQUIRED = { major: 22, minor: 12 };
const [major = 0, minor = 0] = String(process.versions.node).split('.').map(Number);
if (major < REQUIRED.major || (major === REQUIRED.major && minor < REQUIRED.minor)) {
  process.stderr.write(
    `gatehouse: Node.js ${REQUIRED.major}.${REQUIRED.minor} or newer is required (24 LTS recommended); this is Node.js ${process.versions.node}.\n` +
      '  Install a current Node.js from https://nodejs.org, or with a version manager: nvm install 24 && nvm use 24\n' +
      '  Nothing was started and nothing was written.\n',
  );
  process.exit(1);
}
