import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCatalog, renderMessage, type ErrorCode } from '../src/index.js';

/**
 * Published error codes are frozen (design.md §5): `lock/<area>.json` are the committed copies
 * of `code → {apiCode, status}`. Removing or renumbering an entry fails here. A new entry must
 * be added to its area's lock file in the same commit (the failure message prints the line to add).
 */
type Lock = Record<string, { apiCode: number; status: number }>;
const lockDir = new URL('../src/errors/lock/', import.meta.url);
/** One lock file per area (`lock/<area>.json`); together they are every published code. */
const locks = Object.fromEntries(readdirSync(lockDir).filter((f) => f.endsWith('.json')).map((f) => [f, JSON.parse(readFileSync(new URL(f, lockDir), 'utf8')) as Lock]));
const lock: Lock = Object.assign({}, ...Object.values(locks));
const codes = Object.keys(errorCatalog) as ErrorCode[];

describe('error catalog', () => {
  it('never removes or renumbers a published code', () => {
    for (const [code, frozen] of Object.entries(lock)) {
      expect(errorCatalog, `published code ${code} was removed`).toHaveProperty([code]);
      const cur = errorCatalog[code as ErrorCode];
      expect({ apiCode: cur.apiCode, status: cur.status }, `published code ${code} changed`).toEqual(frozen);
    }
  });

  it('has every code in the lock file', () => {
    const missing = codes.filter((c) => !(c in lock)).map((c) => `"${c}": ${JSON.stringify({ apiCode: errorCatalog[c].apiCode, status: errorCatalog[c].status })}`);
    expect(missing, `add to lock/<area>.json:\n${missing.join(',\n')}`).toEqual([]);
  });

  it('uses each apiCode once', () => {
    const seen = new Map<number, string>();
    for (const c of codes) {
      const n = errorCatalog[c].apiCode;
      expect(seen.get(n), `${c} reuses apiCode ${n}`).toBeUndefined();
      seen.set(n, c);
    }
  });

  it('names codes domain.reason and has both languages', () => {
    for (const c of codes) {
      expect(c).toMatch(/^[a-z][a-z_]*\.[a-z_]+$/);
      expect(errorCatalog[c].en.length).toBeGreaterThan(0);
      expect(errorCatalog[c].zh.length).toBeGreaterThan(0);
      // placeholders must be the same in both languages
      const ph = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(ph(errorCatalog[c].zh), c).toEqual(ph(errorCatalog[c].en));
    }
  });

  it('renders placeholders and keeps unknown ones visible', () => {
    expect(renderMessage('user.already_exists', 'en', { field: 'email' })).toBe('A user with this email already exists in the user pool.');
    expect(renderMessage('user.already_exists', 'en')).toContain('{field}');
  });
});

describe('docs/errors.md', () => {
  it('is generated from the current catalog (run `npm run docs:errors` after changing it)', async () => {
    const { renderErrorDocs } = await import('../src/index.js');
    const onDisk = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(renderErrorDocs());
  });
});
