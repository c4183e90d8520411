// Builds the admin console during `npm install` / `npm ci` (the root `prepare` script), so that
// `npm install && npm start` serves /console with no extra step and nothing is fetched at run time.
// Skipped (with a note) where the sources or Vite are absent (`npm ci --omit=dev`, the Docker
// image's dependency stage), which build it in their own step.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('..', import.meta.url));
const vite = fileURLToPath(new URL('../../../node_modules/vite/bin/vite.js', import.meta.url));
if (!existsSync(`${dir}/src/main.tsx`) || !existsSync(vite)) {
  console.log('[gatehouse] admin console not built here (no sources or no Vite); run `npm run build:console` where they are');
  process.exit(0);
}
execFileSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: dir, stdio: 'inherit' });
console.log('[gatehouse] admin console built (apps/console/dist)');
