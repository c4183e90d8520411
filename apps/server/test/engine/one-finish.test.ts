import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Tokens for a sign-in are issued in exactly one place: the engine's finish. Every call of the
 * token issuer's `issue(` in the server's source must be there, and only the container may hand
 * the issuer to it.
 */
const src = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');
const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : f.endsWith('.ts') ? [join(dir, f)] : []));

describe('one finish', () => {
  it('only flows/engine/complete.ts calls the token issuer', () => {
    const callers = files(src).filter((f) => /\btokens?\s*\(\s*\)\s*\.\s*issue\s*\(|tokenService\([^)]*\)\s*\.\s*issue\s*\(|\.tokens\s*\.\s*issue\s*\(|\bTokenIssuer\b/.test(readFileSync(f, 'utf8')));
    const rel = callers.map((f) => relative(src, f)).sort();
    // The interface's home, the implementation, the container wiring, and the one caller.
    expect(rel).toEqual(['container/engine.ts', 'flows/engine/complete.ts', 'services/tokens/types.ts']);
    const complete = readFileSync(join(src, 'flows/engine/complete.ts'), 'utf8');
    expect(complete.match(/tokens\(\)\.issue\(/g)).toHaveLength(1);
  });
});
