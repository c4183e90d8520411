import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectDb, type DbHandle } from '../../src/storage/db/connect.js';
import { compiledQuery, compiledWrite } from '../../src/storage/db/compiled-query.js';
import { migrateToLatest } from '../../src/storage/db/migrate.js';
import { createSqlKv } from '../../src/storage/kv/sql-kv.js';
import { createPgDatabase, postgresAvailable } from '../support/services.js';
import { tempSqliteUrl } from '../support/kv-backends.js';

/**
 * storage/db/compiled-query.ts: a repository's hot statement compiled by Kysely once and run
 * with new arguments — directly on SQLite when the connection is free, through Kysely inside a
 * transaction and on PostgreSQL. Its answers must be the builder's own, its arguments must stay
 * bound parameters, and on SQLite it must never run inside someone else's open transaction.
 */
const hasPg = await postgresAvailable();

function suite(kind: 'sqlite' | 'postgres', skip = false) {
  describe.skipIf(skip)(`compiled queries (${kind})`, () => {
    let handle: DbHandle;
    let cleanup: () => Promise<void> | void = () => undefined;

    beforeAll(async () => {
      if (kind === 'sqlite') {
        const t = tempSqliteUrl();
        handle = await connectDb(t.url);
        cleanup = t.cleanup;
      } else {
        const pg = await createPgDatabase();
        handle = await connectDb(pg.url);
        cleanup = pg.drop;
      }
      await migrateToLatest(handle);
      for (const [id, value] of [['a', '1'], ['b', '2'], ['c', "x'); drop table kv; --"]]) {
        await handle.db.insertInto('kv').values({ key: `cq:${id}`, value: value!, expires_at: Date.now() + 60_000 }).execute();
      }
    });
    afterAll(async () => {
      await handle?.close();
      await cleanup();
    });

    const byPrefix = () =>
      compiledQuery<{ key: string; value: string }>(handle.db, handle.sqlite, 2, (k, prefix: string, after: number) =>
        k.selectFrom('kv').select(['key', 'value']).where('key', 'like', prefix).where('expires_at', '>', after).orderBy('key'),
      );

    it('answers what the Kysely builder answers, for each call’s arguments', async () => {
      const q = byPrefix();
      for (const prefix of ['cq:%', 'cq:a%', 'nothing%']) {
        const viaKysely = await handle.db.selectFrom('kv').select(['key', 'value']).where('key', 'like', prefix).where('expires_at', '>', 0).orderBy('key').execute();
        expect(await q(prefix, 0)).toEqual(viaKysely);
      }
      expect((await q('cq:%', 0)).map((r) => r.key)).toEqual(['cq:a', 'cq:b', 'cq:c']);
      // The argument is a bound value, never SQL: the stored hostile string is found by equality.
      const exact = compiledQuery<{ key: string }>(handle.db, handle.sqlite, 1, (k, value: string) => k.selectFrom('kv').select('key').where('value', '=', value));
      expect(await exact("x'); drop table kv; --")).toEqual([{ key: 'cq:c' }]);
      expect(await exact("' or 1=1 --")).toEqual([]);
    });

    it('a write answers the number of rows it changed', async () => {
      const touch = compiledWrite(handle.db, handle.sqlite, 2, (k, value: string, key: string) => k.updateTable('kv').set({ value }).where('key', '=', key));
      expect(await touch('3', 'cq:b')).toBe(1);
      expect(await touch('3', 'cq:none')).toBe(0);
      expect((await handle.db.selectFrom('kv').select('value').where('key', '=', 'cq:b').executeTakeFirstOrThrow()).value).toBe('3');
    });

    it('refuses a builder that does not bind every argument', async () => {
      const unbound = compiledQuery(handle.db, handle.sqlite, 2, (k, key: string) => k.selectFrom('kv').select('key').where('key', '=', key));
      await expect(unbound('cq:a', 'ignored')).rejects.toThrow(/every argument/);
      await expect(byPrefix()('cq:%')).rejects.toThrow(/expected 2 arguments/);
    });

    it('does not join a transaction another request holds open on the connection', async () => {
      const q = byPrefix();
      let seenInside: Promise<Array<{ key: string }>> | undefined;
      await expect(
        handle.db.transaction().execute(async (trx) => {
          await trx.insertInto('kv').values({ key: 'cq:uncommitted', value: 'x', expires_at: Date.now() + 60_000 }).execute();
          // Started while the transaction holds the connection, not awaited inside it.
          seenInside = q('cq:uncommitted', 0);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      // It ran on its own, after the rollback: the row it would have seen inside never existed.
      expect(await seenInside).toEqual([]);
    });
  });
}

suite('sqlite');
suite('postgres', !hasPg);

describe('compiled writes on SQLite join the connection’s group commit (storage/db/write-group.ts)', () => {
  const setup = async () => {
    const t = tempSqliteUrl();
    const handle = await connectDb(t.url);
    await migrateToLatest(handle);
    const touch = compiledWrite(handle.db, handle.sqlite, 2, (k, value: string, key: string) => k.updateTable('kv').set({ value }).where('key', '=', key));
    const insert = compiledWrite(handle.db, handle.sqlite, 2, (k, key: string, value: string) => k.insertInto('kv').values({ key, value, expires_at: 4_000_000_000_000 }));
    return { ...t, handle, touch, insert };
  };

  it('writes issued in one turn, the KV’s among them, commit in one transaction, each with its own answer', async () => {
    const { url, cleanup, handle, touch, insert } = await setup();
    // A second connection reads the WAL's frame count (PRAGMA wal_checkpoint,
    // https://www.sqlite.org/pragma.html#pragma_wal_checkpoint): eight separate commits of one
    // small row each would append at least eight frames.
    const Sqlite = (await import('better-sqlite3')).default;
    const other = new Sqlite(url.replace(/^sqlite:/, ''));
    other.pragma('busy_timeout = 5000');
    const kv = createSqlKv(handle);
    try {
      await insert('gw:warm', 'v'); // the table's pages exist before the count starts
      const frames = () => (other.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>)[0]!.log;
      await vi.waitFor(() => expect((other.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>)[0]!.busy).toBe(0));
      expect(frames()).toBe(0);
      const results = await Promise.allSettled([
        insert('gw:a', '1'),
        insert('gw:b', '2'),
        touch('changed', 'gw:warm'),
        touch('nothing', 'gw:none'),
        insert('gw:a', 'duplicate'), // the primary key refuses it: this write fails alone
        kv.set('gw:kv', 'from the KV', 60_000),
        insert('gw:c', '3'),
        touch('after', 'gw:a'), // sees the insert queued before it, in the same transaction
      ]);
      expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'refused'))).toEqual([1, 1, 1, 0, 'refused', undefined, 1, 1]);
      expect(frames()).toBeGreaterThan(0);
      expect(frames()).toBeLessThan(7);
      const rows = await handle.db.selectFrom('kv').select(['key', 'value']).where('key', 'like', 'gw:%').orderBy('key').execute();
      expect(rows).toEqual([
        { key: 'gw:a', value: 'after' },
        { key: 'gw:b', value: '2' },
        { key: 'gw:c', value: '3' },
        { key: 'gw:kv', value: 'from the KV' },
        { key: 'gw:warm', value: 'changed' },
      ]);
    } finally {
      other.close();
      await kv.close();
      await handle.close();
      await cleanup();
    }
  });

  it('waits for a transaction that holds the connection instead of joining it', async () => {
    const { cleanup, handle, insert } = await setup();
    try {
      let queued: Promise<number> | undefined;
      await expect(
        handle.db.transaction().execute(async (trx) => {
          await trx.insertInto('kv').values({ key: 'gw:rolled-back', value: 'x', expires_at: 4_000_000_000_000 }).execute();
          queued = insert('gw:outside', 'kept');
          // The group's turn comes while this transaction is still open.
          await new Promise((r) => setImmediate(r));
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(await queued).toBe(1);
      const keys = (await handle.db.selectFrom('kv').select('key').where('key', 'like', 'gw:%').execute()).map((r) => r.key);
      expect(keys).toEqual(['gw:outside']);
    } finally {
      await handle.close();
      await cleanup();
    }
  });

  it('close() commits the writes already issued', async () => {
    const { url, cleanup, handle, insert } = await setup();
    const issued = insert('gw:late', 'issued before close');
    await handle.close();
    expect(await issued).toBe(1);
    const again = await connectDb(url);
    try {
      expect(await again.db.selectFrom('kv').select('value').where('key', '=', 'gw:late').executeTakeFirst()).toEqual({ value: 'issued before close' });
    } finally {
      await again.close();
      await cleanup();
    }
  });
});
