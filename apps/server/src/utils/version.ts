import { readFileSync } from 'node:fs';

/** The server's version (apps/server/package.json), shown by `--version`, the landing page and the first start. */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
