// First: refuse an unsupported Node before any native module loads (also when run through tsx directly).
import '../../bin/preflight.js';
import { buildProgram } from './program.js';
import { reportError } from './output.js';
import { warnIfRenamed } from './aliases.js';

/**
 * Entry point of the `gatehouse` CLI (bin/gatehouse.js, `npm run gatehouse`, `npm start`).
 * Errors thrown by actions are rendered in one place; commander itself reports usage errors.
 * On failure we exit explicitly: a half-started server (say, port taken) may still hold a
 * database pool or Redis connection that would keep the process alive.
 */

// `npm start` / `npm run gatehouse` at the repo root run this in apps/server (npm switches to
// the workspace). Relative settings (sqlite:./data/…, ./data) must mean where the user typed
// the command, so go back there; INIT_CWD is npm's record of it.
if (process.env.npm_lifecycle_event && process.env.INIT_CWD && process.env.INIT_CWD !== process.cwd()) {
  try {
    process.chdir(process.env.INIT_CWD);
  } catch {
    // The directory vanished: stay where npm put us.
  }
}

warnIfRenamed(process.argv);
try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  process.exit(reportError(err));
}
