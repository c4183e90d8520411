import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * GATEHOUSE_SECRET, or the generated one in <dataDir>/secret.key (created 0600 on first
 * start). Returns whether it was generated so the caller can warn. Anyone who can read the
 * data directory can read this file: production should set GATEHOUSE_SECRET instead.
 */
export function loadMasterSecret(configured: string, dataDir: string): { secret: string; source: 'config' | 'file' | 'generated' } {
  if (configured) return { secret: configured, source: 'config' };
  const dir = resolve(dataDir);
  const file = join(dir, 'secret.key');
  if (existsSync(file)) return { secret: readFileSync(file, 'utf8').trim(), source: 'file' };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { secret, source: 'generated' };
}
