import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { Asset } from '../login-ui/assets.js';

/**
 * The console's built files (apps/console: `npm install` builds them, docs/console.md), read
 * once, compressed once and served from memory. Without a build, /console says how to build it.
 */
export const CONSOLE_DIST = fileURLToPath(new URL('../../../../../console/dist/', import.meta.url));

const TYPES: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', svg: 'image/svg+xml', png: 'image/png', woff2: 'font/woff2' };

export interface ConsoleBuild {
  entry: { js: string; css: string[] } | null;
  assets: Map<string, Asset>;
}

let cached: ConsoleBuild | undefined;

export function consoleBuild(): ConsoleBuild {
  if (cached) return cached;
  const assets = new Map<string, Asset>();
  let entry: ConsoleBuild['entry'] = null;
  const manifestPath = join(CONSOLE_DIST, '.vite', 'manifest.json');
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, { file: string; css?: string[]; isEntry?: boolean }>;
    const main = Object.values(manifest).find((m) => m.isEntry);
    if (main) entry = { js: main.file, css: main.css ?? [] };
    const dir = join(CONSOLE_DIST, 'assets');
    for (const name of existsSync(dir) ? readdirSync(dir) : []) {
      const body = readFileSync(join(dir, name));
      assets.set(`assets/${name}`, { body, br: brotliCompressSync(body), gzip: gzipSync(body, { level: 9 }), type: TYPES[name.split('.').pop() ?? ''] ?? 'application/octet-stream', etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
    }
  }
  cached = { entry, assets };
  return cached;
}
