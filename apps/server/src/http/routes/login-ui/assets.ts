import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';

/**
 * The login UI's built files (apps/login: `npm install` builds them, see docs/login-ui.md),
 * read once, compressed once (brotli and gzip) and served from memory. Nothing is fetched at run
 * time. When the build is missing, the hosted page still works without JavaScript.
 */
export const LOGIN_DIST = fileURLToPath(new URL('../../../../../login/dist/', import.meta.url));
export const ELEMENT_DIST = fileURLToPath(new URL('../../../../../../packages/login-element/dist/', import.meta.url));

export interface Asset {
  body: Buffer;
  br: Buffer;
  gzip: Buffer;
  type: string;
  etag: string;
}

const TYPES: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', svg: 'image/svg+xml', png: 'image/png', json: 'application/json', map: 'application/json' };

function load(file: string): Asset {
  const body = readFileSync(file);
  const ext = file.split('.').pop() ?? '';
  return { body, br: brotliCompressSync(body), gzip: gzipSync(body, { level: 9 }), type: TYPES[ext] ?? 'application/octet-stream', etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

function walk(dir: string, prefix = ''): Array<[string, string]> {
  if (!existsSync(dir)) return [];
  const out: Array<[string, string]> = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full, `${prefix}${name}/`));
    else out.push([`${prefix}${name}`, full]);
  }
  return out;
}

export interface LoginBuild {
  /** The entry's script and style sheets (paths under /login/). */
  entry: { js: string; css: string[] } | null;
  assets: Map<string, Asset>;
  element: Asset | null;
}

let cached: LoginBuild | undefined;

export function loginBuild(): LoginBuild {
  if (cached) return cached;
  const manifestPath = join(LOGIN_DIST, '.vite', 'manifest.json');
  const assets = new Map<string, Asset>();
  let entry: LoginBuild['entry'] = null;
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, { file: string; css?: string[]; isEntry?: boolean }>;
    const main = Object.values(manifest).find((m) => m.isEntry);
    if (main) entry = { js: main.file, css: main.css ?? [] };
    for (const [rel, full] of walk(join(LOGIN_DIST, 'assets'), 'assets/')) assets.set(rel, load(full));
  }
  const elementFile = join(ELEMENT_DIST, 'gatehouse-login.js');
  cached = { entry, assets, element: existsSync(elementFile) ? load(elementFile) : null };
  return cached;
}

/** Picks the best encoding the client accepts. */
export function encodingFor(acceptEncoding: string | undefined): 'br' | 'gzip' | null {
  const a = acceptEncoding ?? '';
  if (/\bbr\b/.test(a)) return 'br';
  if (/\bgzip\b/.test(a)) return 'gzip';
  return null;
}
