import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectDb, type DbHandle } from '../../src/storage/db/connect.js';
import { migrateToLatest } from '../../src/storage/db/migrate.js';
import { createKv } from '../../src/storage/kv/create-kv.js';
import { createRedisKv } from '../../src/storage/kv/redis-kv.js';
import { scopedKv } from '../../src/storage/kv/scoped.js';
import { createSqlKv } from '../../src/storage/kv/sql-kv.js';
import { kvDelMany, kvGetMany, type KvStore } from '../../src/storage/kv/types.js';
import { createPgDatabase, postgresAvailable, REDIS_URL, redisAvailable } from '../support/services.js';
import { kvBackends, openSqlKv, purgeRedisPrefix, tempSqliteUrl, type KvSubject } from '../support/kv-backends.js';

const hasPg = await postgresAvailable();
const hasRedis = await redisAvailable();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Short enough to wait out, long enough to be set before it lapses. */
const SHORT = 80;
/** Comfortably longer than SHORT so the wait never races the expiry. */
const PAST_SHORT = 250;
const LONG = 60_000;
const N = 50;

let seq = 0;
/** A fresh key per assertion group, so tests never see each other's state. */
const key = (label: string) => `${label}:${++seq}:${randomBytes(3).toString('hex')}`;

type Subject = KvSubject;

/** The one suite every KV backend must pass (design §6). */
function kvContract(name: string, open: () => Promise<Subject>, skip = false) {
  describe.skipIf(skip)(`KvStore contract: ${name}`, () => {
    let subject: Subject;
    let kv: KvStore;
    beforeAll(async () => {
      subject = await open();
      kv = subject.kv;
    });
    afterAll(async () => {
      await subject?.teardown();
    });

    it('pings', async () => {
      await expect(kv.ping()).resolves.toBeUndefined();
    });

    it('get returns null for a missing key, set/get round-trips, set overwrites', async () => {
      const k = key('get');
      expect(await kv.get(k)).toBeNull();
      await kv.set(k, 'one', LONG);
      expect(await kv.get(k)).toBe('one');
      await kv.set(k, 'two', LONG);
      expect(await kv.get(k)).toBe('two');
    });

    it('getMany (and its per-key fallback) answers in order, null for absent and expired keys', async () => {
      const [a, b, gone, none] = [key('many-a'), key('many-b'), key('many-gone'), key('many-none')];
      await kv.set(a, 'A', LONG);
      await kv.set(b, '', LONG);
      await kv.set(gone, 'x', SHORT);
      await sleep(PAST_SHORT);
      for (const n of [1, 2, 3, 4, 5, 6]) {
        const keys = [none, b, gone, a, a, none].slice(0, n);
        const expected = [null, '', null, 'A', 'A', null].slice(0, n);
        expect(await kvGetMany(kv, keys)).toEqual(expected);
      }
      expect(await kvGetMany(kv, [])).toEqual([]);
    });

    it('delMany (and its per-key fallback) deletes the named keys only, absent and expired ones included', async () => {
      // Live keys, an absent one (the last of each set) and an expired one (the second, when
      // there is one); sets of 1 to 7 keys, through delMany and through the per-key fallback.
      const cases = [1, 2, 3, 6, 7].flatMap((n) => [false, true].map((withFallback) => ({ withFallback, named: Array.from({ length: n }, (_, i) => key(`delmany-${n}-${i}`)) })));
      const kept = key('delmany-kept');
      for (const { named } of cases) for (const k of named.slice(0, -1)) await kv.set(k, 'v', k === named[1] ? SHORT : LONG);
      await kv.set(kept, 'stays', LONG);
      await sleep(PAST_SHORT);
      for (const { withFallback, named } of cases) {
        const store: KvStore = withFallback ? { ...kv, delMany: undefined } : kv;
        await kvDelMany(store, [...named, named[0]!]); // a repeated key is harmless
        expect(await kvGetMany(kv, named)).toEqual(named.map(() => null));
        // A deleted key starts afresh: a counter restarts at 1.
        expect(await kv.incr(named[0]!, LONG)).toBe(1);
      }
      expect(await kv.get(kept)).toBe('stays');
      await expect(kvDelMany(kv, [])).resolves.toBeUndefined();
    });

    it('keeps values byte-exact (unicode, empty, JSON)', async () => {
      const k = key('exact');
      const v = JSON.stringify({ a: '验证码 ✓', b: [1, 2], c: "'; drop table kv; --" });
      await kv.set(k, v, LONG);
      expect(await kv.get(k)).toBe(v);
      const e = key('empty');
      await kv.set(e, '', LONG);
      expect(await kv.get(e)).toBe('');
    });

    it('expires values after their TTL', async () => {
      const k = key('exp');
      await kv.set(k, 'v', SHORT);
      await sleep(PAST_SHORT);
      expect(await kv.get(k)).toBeNull();
      expect(await kv.ttl(k)).toBeNull();
    });

    it('set on an expired key gives it a fresh TTL', async () => {
      const k = key('reset');
      await kv.set(k, 'old', SHORT);
      await sleep(PAST_SHORT);
      await kv.set(k, 'new', LONG);
      expect(await kv.get(k)).toBe('new');
      const ttl = await kv.ttl(k);
      expect(ttl).toBeGreaterThan(SHORT);
    });

    it('setIfAbsent sets once, then refuses while the value lives', async () => {
      const k = key('nx');
      expect(await kv.setIfAbsent(k, 'first', LONG)).toBe(true);
      expect(await kv.setIfAbsent(k, 'second', LONG)).toBe(false);
      expect(await kv.get(k)).toBe('first');
    });

    it('setIfAbsent succeeds again after expiry', async () => {
      const k = key('nx-exp');
      expect(await kv.setIfAbsent(k, 'first', SHORT)).toBe(true);
      await sleep(PAST_SHORT);
      expect(await kv.setIfAbsent(k, 'second', LONG)).toBe(true);
      expect(await kv.get(k)).toBe('second');
      expect(await kv.ttl(k)).toBeGreaterThan(SHORT);
    });

    it('setIfAbsent refuses over a value written by set', async () => {
      const k = key('nx-set');
      await kv.set(k, 'x', LONG);
      expect(await kv.setIfAbsent(k, 'y', LONG)).toBe(false);
      expect(await kv.get(k)).toBe('x');
    });

    it('incr starts a missing key at 1, then counts up and keeps the first expiry', async () => {
      const k = key('incr');
      expect(await kv.incr(k, LONG)).toBe(1);
      expect(await kv.incr(k, 10 * LONG)).toBe(2);
      expect(await kv.incr(k, 10 * LONG)).toBe(3);
      expect(await kv.get(k)).toBe('3');
      // Fixed window: the later, longer TTLs did not extend the counter's life.
      const ttl = await kv.ttl(k);
      expect(ttl).not.toBeNull();
      expect(ttl!).toBeLessThanOrEqual(LONG);
    });

    it('incr honours `by`, including negative steps', async () => {
      const k = key('incr-by');
      expect(await kv.incr(k, LONG, 5)).toBe(5);
      expect(await kv.incr(k, LONG, 3)).toBe(8);
      expect(await kv.incr(k, LONG, -2)).toBe(6);
    });

    it('incr on an existing numeric value set by set continues from it', async () => {
      const k = key('incr-set');
      await kv.set(k, '41', LONG);
      expect(await kv.incr(k, LONG)).toBe(42);
    });

    it('incr after expiry restarts from `by` with a new expiry', async () => {
      const k = key('incr-exp');
      expect(await kv.incr(k, SHORT, 7)).toBe(7);
      await sleep(PAST_SHORT);
      expect(await kv.incr(k, LONG, 2)).toBe(2);
      expect(await kv.ttl(k)).toBeGreaterThan(SHORT);
    });

    it(`atomic incr: ${N} parallel calls return exactly 1..${N}`, async () => {
      const k = key('incr-par');
      const got = await Promise.all(Array.from({ length: N }, () => kv.incr(k, LONG)));
      expect([...got].sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
      expect(await kv.get(k)).toBe(String(N));
    });

    it(`atomic setIfAbsent: ${N} parallel calls, exactly one wins`, async () => {
      const k = key('nx-par');
      const got = await Promise.all(Array.from({ length: N }, (_, i) => kv.setIfAbsent(k, `v${i}`, LONG)));
      expect(got.filter(Boolean)).toHaveLength(1);
      expect(await kv.get(k)).toBe(`v${got.indexOf(true)}`);
    });

    it(`atomic take: ${N} parallel calls, exactly one gets the value`, async () => {
      const k = key('take-par');
      await kv.set(k, 'ticket', LONG);
      const got = await Promise.all(Array.from({ length: N }, () => kv.take(k)));
      expect(got.filter((v) => v !== null)).toEqual(['ticket']);
      expect(await kv.get(k)).toBeNull();
    });

    it('writes issued together each get their own result', async () => {
      const [once, ctr, ticket, gone, plain] = [key('together-once'), key('together-ctr'), key('together-ticket'), key('together-gone'), key('together-plain')];
      await kv.set(ticket, 'ST-1', LONG);
      await kv.set(gone, 'old', LONG);
      const results = await Promise.all([kv.setIfAbsent(once, 'first', LONG), kv.incr(ctr, LONG, 5), kv.take(ticket), kv.del(gone), kv.set(plain, 'p', LONG)]);
      expect(results).toEqual([true, 5, 'ST-1', true, undefined]);
      expect(await kvGetMany(kv, [once, ctr, ticket, gone, plain])).toEqual(['first', '5', null, null, 'p']);
    });

    it('take returns and removes the value once; null when missing or expired', async () => {
      const k = key('take');
      expect(await kv.take(k)).toBeNull();
      await kv.set(k, 'code', LONG);
      expect(await kv.take(k)).toBe('code');
      expect(await kv.take(k)).toBeNull();
      expect(await kv.get(k)).toBeNull();

      const e = key('take-exp');
      await kv.set(e, 'code', SHORT);
      await sleep(PAST_SHORT);
      expect(await kv.take(e)).toBeNull();
    });

    it('del is true only when a live value was removed', async () => {
      const k = key('del');
      expect(await kv.del(k)).toBe(false);
      await kv.set(k, 'v', LONG);
      expect(await kv.del(k)).toBe(true);
      expect(await kv.get(k)).toBeNull();
      expect(await kv.del(k)).toBe(false);

      const e = key('del-exp');
      await kv.set(e, 'v', SHORT);
      await sleep(PAST_SHORT);
      expect(await kv.del(e)).toBe(false);
      // …and the key is usable afterwards.
      expect(await kv.setIfAbsent(e, 'w', LONG)).toBe(true);
    });

    it('ttl is null when absent, and within (0, ttl] when present', async () => {
      const k = key('ttl');
      expect(await kv.ttl(k)).toBeNull();
      await kv.set(k, 'v', 10_000);
      const ttl = await kv.ttl(k);
      expect(ttl).not.toBeNull();
      expect(ttl!).toBeGreaterThan(0);
      expect(ttl!).toBeLessThanOrEqual(10_000);
    });

    it('pools are isolated through scopedKv', async () => {
      const a = scopedKv(kv, 'poolA');
      const b = scopedKv(kv, 'poolB');
      const k = key('pool');

      await a.set(k, 'A', LONG);
      await b.set(k, 'B', LONG);
      expect(await a.get(k)).toBe('A');
      expect(await b.get(k)).toBe('B');
      expect(await kv.get(k)).toBeNull(); // the unscoped key is a different key

      expect(await a.take(k)).toBe('A');
      expect(await a.get(k)).toBeNull();
      expect(await b.get(k)).toBe('B');

      const c = key('pool-ctr');
      expect(await a.incr(c, LONG)).toBe(1);
      expect(await a.incr(c, LONG)).toBe(2);
      expect(await b.incr(c, LONG)).toBe(1);

      const n = key('pool-nx');
      expect(await a.setIfAbsent(n, 'x', LONG)).toBe(true);
      expect(await b.setIfAbsent(n, 'x', LONG)).toBe(true);
      expect(await a.del(n)).toBe(true);
      expect(await b.ttl(n)).toBeGreaterThan(0);

      // Closing a view must not close the store it looks through.
      await a.close();
      expect(await b.get(k)).toBe('B');
      await expect(kv.ping()).resolves.toBeUndefined();
    });

    it('rejects a non-integer `by`', async () => {
      await expect(kv.incr(key('by-frac'), LONG, 1.5)).rejects.toThrow();
    });
  });
}

// ---------------------------------------------------------------- the four backends

for (const backend of await kvBackends()) kvContract(backend.name, backend.open, backend.skip);

// The SQLite KV runs its statements directly on better-sqlite3 (sql-kv.ts); the same contract
// through the Kysely path it falls back to while a transaction holds the connection.
kvContract('sql (SQLite, Kysely path)', async () => {
  const { url, cleanup } = tempSqliteUrl();
  return openSqlKv(url, cleanup, (handle) => ({ ...handle, sqlite: undefined }));
});

// ---------------------------------------------------------------- SQL-specific behaviour

function sqlBehaviour(name: string, makeDb: () => Promise<{ url: string; cleanup: () => Promise<void> | void }>, skip = false) {
  describe.skipIf(skip)(`sql KV specifics: ${name}`, () => {
    let url: string;
    let cleanup: () => Promise<void> | void;
    const handles: DbHandle[] = [];
    const open = async () => {
      const h = await connectDb(url);
      handles.push(h);
      return h;
    };

    beforeAll(async () => {
      ({ url, cleanup } = await makeDb());
      await migrateToLatest(await open());
    });
    afterAll(async () => {
      for (const h of handles) await h.close();
      await cleanup?.();
    });

    it('a write made while a transaction holds the connection is not part of it (rolled back or not)', async () => {
      const h = await open();
      const kv = createSqlKv(h);
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let begun!: () => void;
      const started = new Promise<void>((r) => (begun = r));
      const trx = h.db
        .transaction()
        .execute(async (t) => {
          await t.selectFrom('kv').select('key').execute();
          begun();
          await gate;
          throw new Error('rolled back on purpose');
        })
        .catch((e: Error) => e.message);
      await started;
      const write = kv.set('trx-probe', 'kept', 60_000);
      release();
      expect(await trx).toBe('rolled back on purpose');
      await write;
      expect(await kv.get('trx-probe')).toBe('kept');
      await kv.close();
    });

    it('a write lets work that was already waiting run first (a turn of the event loop; on SQLite the statement itself is synchronous)', async () => {
      const kv = createSqlKv(await open());
      const writes: Array<[string, () => Promise<unknown>]> = [
        ['set', () => kv.set('turn-a', 'v', 60_000)],
        ['setIfAbsent', () => kv.setIfAbsent('turn-b', 'v', 60_000)],
        ['incr', () => kv.incr('turn-c', 60_000)],
        ['take', () => kv.take('turn-a')],
        ['del', () => kv.del('turn-b')],
        ['delMany', () => kv.delMany!(['turn-c', 'turn-d'])],
      ];
      for (const [name, write] of writes) {
        const order: string[] = [];
        setImmediate(() => order.push('waiting'));
        await write();
        order.push(name);
        expect(order).toEqual(['waiting', name]);
      }
      expect(await kv.get('turn-a')).toBeNull();
      await kv.close();
    });

    it('a write that fails fails its own caller only; the writes issued with it take effect', async () => {
      const kv = createSqlKv(await open());
      const [a, bad, c] = [key('grp-a'), key('grp-bad'), key('grp-c')];
      // A null value breaks the table's NOT NULL: the statement fails, as a storage error would.
      const settled = await Promise.allSettled([kv.set(a, 'A', LONG), kv.set(bad, null as never, LONG), kv.set(c, 'C', LONG)]);
      expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(await kvGetMany(kv, [a, bad, c])).toEqual(['A', null, 'C']);
      await kv.close();
    });

    it('close() commits the writes already issued before it returns', async () => {
      const handle = await open();
      const kv = createSqlKv(handle);
      const k = key('close-pending');
      const pending = kv.set(k, 'v', LONG);
      await kv.close();
      const rows = await handle.db.selectFrom('kv').select('value').where('key', '=', k).execute();
      expect(rows).toEqual([{ value: 'v' }]);
      await pending;
    });

    it('two instances over two handles on one database see each other (nodes sharing a DB)', async () => {
      const node1 = createSqlKv(await open());
      const node2 = createSqlKv(await open());
      try {
        const k = key('shared');
        await node1.set(k, 'from-1', LONG);
        expect(await node2.get(k)).toBe('from-1');
        expect(await node2.setIfAbsent(k, 'from-2', LONG)).toBe(false);

        const c = key('shared-ctr');
        const got = await Promise.all(
          Array.from({ length: N }, (_, i) => (i % 2 === 0 ? node1 : node2).incr(c, LONG)),
        );
        expect([...got].sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i + 1));

        const t = key('shared-take');
        await node2.set(t, 'ticket', LONG);
        const taken = await Promise.all(
          Array.from({ length: N }, (_, i) => (i % 2 === 0 ? node1 : node2).take(t)),
        );
        expect(taken.filter((v) => v !== null)).toEqual(['ticket']);
      } finally {
        await node1.close();
        await node2.close();
      }
    });

    it('the sweep deletes expired rows; close() leaves the handle open', async () => {
      const handle = await open();
      const kv = createSqlKv(handle, { sweepIntervalMs: 20 });
      const k = key('sweep');
      const live = key('sweep-live');
      await kv.set(k, 'v', 1);
      await kv.set(live, 'v', LONG);
      const rows = (kk: string) => handle.db.selectFrom('kv').select('key').where('key', '=', kk).execute();
      await vi.waitFor(async () => expect(await rows(k)).toHaveLength(0), { timeout: 5_000, interval: 25 });
      expect(await rows(live)).toHaveLength(1);
      await kv.close();
      await expect(handle.ping()).resolves.toBeUndefined();
      expect(await rows(live)).toHaveLength(1);
    });
  });
}

describe('sql KV on SQLite: group commit', () => {
  it('writes issued together run in the order they were issued, each caller getting its own statement\'s result', async () => {
    const { url, cleanup } = tempSqliteUrl();
    const { kv, teardown } = await openSqlKv(url, cleanup);
      const once = key('together-once');
      const ctr = key('together-ctr');
      const ticket = key('together-ticket');
      const gone = key('together-gone');
      await kv.set(gone, 'old', LONG);
      const results = await Promise.all([
        kv.setIfAbsent(once, 'first', LONG),
        kv.setIfAbsent(once, 'second', LONG),
        kv.incr(ctr, LONG),
        kv.incr(ctr, LONG, 5),
        kv.set(ticket, 'ST-1', LONG),
        kv.take(ticket),
        kv.take(ticket),
        kv.del(gone),
        kv.del(gone),
      ]);
      expect(results).toEqual([true, false, 1, 6, undefined, 'ST-1', null, true, false]);
      expect(await kvGetMany(kv, [once, ctr, ticket, gone])).toEqual(['first', '6', null, null]);
    await teardown();
  });

  it('writes issued in the same turn are committed in one transaction (the WAL grows by the pages they touched once, not once per write)', async () => {
    const { url, cleanup } = tempSqliteUrl();
    const handle = await connectDb(url);
    try {
      await migrateToLatest(handle);
      // A second connection to the same file reads the WAL's frame count (PRAGMA wal_checkpoint,
      // https://www.sqlite.org/pragma.html#pragma_wal_checkpoint): each COMMIT appends every page
      // it changed, so eight separate commits of one small row each append at least eight frames.
      const Sqlite = (await import('better-sqlite3')).default;
      const file = url.replace(/^sqlite:/, '');
      const other = new Sqlite(file);
      other.pragma('busy_timeout = 5000');
      const kv = createSqlKv(handle);
      const frames = () => (other.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>)[0]!.log;
      await kv.set('warm', 'v', LONG); // the table's pages exist before the count starts
      await vi.waitFor(() => expect((other.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>)[0]!.busy).toBe(0));
      expect(frames()).toBe(0);
      await Promise.all(Array.from({ length: 8 }, (_, i) => kv.set(`group-${i}`, `value ${i}`, LONG)));
      expect(frames()).toBeGreaterThan(0);
      expect(frames()).toBeLessThan(8);
      expect(await kvGetMany(kv, Array.from({ length: 8 }, (_, i) => `group-${i}`))).toEqual(Array.from({ length: 8 }, (_, i) => `value ${i}`));
      other.close();
      await kv.close();
    } finally {
      await handle.close();
      await cleanup();
    }
  });
});

sqlBehaviour('SQLite', async () => tempSqliteUrl());
sqlBehaviour(
  'PostgreSQL',
  async () => {
    const pg = await createPgDatabase();
    return { url: pg.url, cleanup: pg.drop };
  },
  !hasPg,
);

// ---------------------------------------------------------------- backend selection

describe('createKv', () => {
  it('uses memory when nothing is configured', async () => {
    const { kv, backend } = await createKv({});
    expect(backend).toBe('memory');
    await kv.close();
  });

  it('uses sql when a database is given and no Redis URL', async () => {
    const { url, cleanup } = tempSqliteUrl();
    const db = await connectDb(url);
    try {
      await migrateToLatest(db);
      const { kv, backend } = await createKv({ db, redisUrl: '' });
      expect(backend).toBe('sql');
      await kv.set('k', 'v', LONG);
      expect(await kv.get('k')).toBe('v');
      await kv.close();
    } finally {
      await db.close();
      cleanup();
    }
  });

  it('honours an explicit backend and refuses one it cannot build', async () => {
    const { kv, backend } = await createKv({ backend: 'memory', redisUrl: 'redis://127.0.0.1:1' });
    expect(backend).toBe('memory');
    await kv.close();
    await expect(createKv({ backend: 'sql' })).rejects.toThrow(/database/);
    await expect(createKv({ backend: 'redis' })).rejects.toThrow(/Redis URL/);
  });

  it.skipIf(!hasRedis)('uses redis when a Redis URL is set', async () => {
    const keyPrefix = `gh-test:${randomBytes(6).toString('hex')}:`;
    const { kv, backend } = await createKv({ redisUrl: REDIS_URL, redis: { keyPrefix } });
    expect(backend).toBe('redis');
    await kv.set('k', 'v', LONG);
    expect(await kv.get('k')).toBe('v');
    await kv.close();
    await purgeRedisPrefix(keyPrefix);
  });

  it('fails fast when Redis is unreachable', async () => {
    await expect(createRedisKv('redis://127.0.0.1:1')).rejects.toThrow();
  });
});
