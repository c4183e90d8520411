// Builds the login UI during `npm install` / `npm ci` (the root `prepare` script), so that
// `npm install && npm start` serves it with no extra step and nothing is fetched at run time.
// Skipped (with a note) where the sources or Vite are absent — the Docker image's dependency
// stage and `npm ci --omit=dev` — which build it in their own step (see the Dockerfile).
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('..', import.meta.url));
const vite = fileURLToPath(new URL('../../../node_modules/vite/bin/vite.js', import.meta.url));
if (!existsSync(`${dir}/src/main.tsx`) || !existsSync(vite)) {
  console.log('[gatehouse] login UI not built here (no sources or no Vite); run `npm run build:login` where they are');
  process.exit(0);
}
for (const args of [['build'], ['build', '--config', 'vite.element.config.ts']]) {
  execFileSync(process.execPath, [vite, ...args, '--logLevel', 'warn'], { cwd: dir, stdio: 'inherit' });
}
console.log('[gatehouse] login UI built (apps/login/dist, packages/login-element/dist)');
