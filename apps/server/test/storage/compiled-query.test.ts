import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDb, type DbHandle } from '../../src/storage/db/connect.js';
import { compiledQuery, compiledWrite } from '../../src/storage/db/compiled-query.js';
import { migrateToLatest } from '../../src/storage/db/migrate.js';
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
