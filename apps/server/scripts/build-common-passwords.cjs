// Regenerates src/services/passwords/common-passwords.txt from the ranked password list of
// @zxcvbn-ts/language-common (MIT; derived from public breach frequency lists).
// Usage (from a directory where the package is installed):
//   node apps/server/scripts/build-common-passwords.cjs > apps/server/src/services/passwords/common-passwords.txt
const list = require('@zxcvbn-ts/language-common/dist/passwords.json.cjs');
const words = (list.default ?? list).slice(0, 10000);
const seen = new Set();
const out = [];
for (const w of words) {
  const v = String(w).toLowerCase();
  if (v && !seen.has(v)) { seen.add(v); out.push(v); }
}
process.stdout.write(`# ${out.length} most common passwords, ranked; from @zxcvbn-ts/language-common 4.1.3 (MIT). Regenerate with scripts/build-common-passwords.cjs.\n` + out.join('\n') + '\n');
