import { describe, expect, it } from 'vitest';
import { sortableId } from '../../src/utils/ids.js';

/** Record ids (users, audit events, history…): 24 hex characters, time first, 48 fresh random bits each — also across the buffer's refills. */
describe('sortableId', () => {
  it('is time-ordered, well-formed and never repeats its random part over several refills of its pool', () => {
    const n = 5_000; // the pool holds 1,024 ids' worth of bytes
    const ids = Array.from({ length: n }, (_, i) => sortableId(1_700_000_000_000 + i));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids.map((id) => id.slice(12))).size).toBe(n);
    expect(sortableId(0).slice(0, 12)).toBe('000000000000');
  });
});
