import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createContainer, type Container } from '../../src/container/index.js';
import { bootstrap } from '../../src/services/bootstrap.js';
import { copyJson } from '../../src/utils/json-copy.js';

/**
 * The per-node authentication-settings cache hands every caller its own copy (copyJson, not
 * structuredClone: the settings are read several times per sign-in): a caller that changes what
 * it got changes nothing for the next one, down to the allow-list's arrays.
 */
describe('authentication settings cache', () => {
  let dir: string;
  let c: Container;
  let poolId: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-settings-copy-'));
    c = await createContainer(loadConfig({}, { dataDir: dir, databaseUrl: `sqlite:${join(dir, 'gh.db')}`, secret: 'settings-copy-master-secret-0123456789abc', logLevel: 'silent' }));
    poolId = (await bootstrap(c))!.pool.id;
    await c.authn.settings.update(poolId, { bruteForce: { lockAfter: 7 }, registration: { allowList: { emailDomains: ['example.com'] } } });
  });
  afterAll(async () => {
    await c?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a changed copy leaves the cached settings as stored', async () => {
    const first = await c.authn.settings.get(poolId);
    expect(first.bruteForce.lockAfter).toBe(7);
    expect(first.registration.allowList?.emailDomains).toEqual(['example.com']);
    first.bruteForce.lockAfter = 1;
    first.registration.allowList!.emailDomains!.push('evil.example');
    first.passwordPolicy.minLength = 1;
    const second = await c.authn.settings.get(poolId);
    expect(second.bruteForce.lockAfter).toBe(7);
    expect(second.registration.allowList?.emailDomains).toEqual(['example.com']);
    expect(second.passwordPolicy.minLength).not.toBe(1);
    expect(second).not.toBe(first);
  });

  it('copyJson copies plain JSON data to any depth and shares no object', () => {
    const v = { a: [1, { b: 'x', c: [null, true] }], d: { e: { f: 2 } }, g: null, h: 'y' };
    const copy = copyJson(v);
    expect(copy).toEqual(v);
    const objects = (x: unknown, out: unknown[] = []): unknown[] => {
      if (x && typeof x === 'object') {
        out.push(x);
        for (const y of Object.values(x)) objects(y, out);
      }
      return out;
    };
    const original = new Set(objects(v));
    expect(objects(copy).filter((o) => original.has(o))).toEqual([]);
  });
});
