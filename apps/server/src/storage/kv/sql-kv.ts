import { sql } from 'kysely';
import type { DbHandle } from '../db/connect.js';
import type { KvStore } from './types.js';

export interface SqlKvOptions {
  /** How often expired rows are deleted (they are already invisible); default 60 s. */
  sweepIntervalMs?: number;
}

/**
 * The KV store on the `kv` table, for deployments without Redis: every node sharing the
 * database shares the store. Works on SQLite and PostgreSQL alike.
 *
 * Atomicity comes from doing each operation as ONE statement, never read-then-write:
 * `INSERT … ON CONFLICT (key) DO UPDATE … RETURNING` and `DELETE … RETURNING`. PostgreSQL
 * guarantees an upsert either inserts or updates the latest row version even when racing
 * inserts of the same key (no unique-violation, no lost update), and SQLite runs every
 * statement under its single write lock.
 *
 * An expired row may still be in the table until the sweep removes it, so every statement
 * treats `expires_at <= now` as absent. `now` is this node's clock, passed as a parameter,
 * so all backends use the same notion of time as the caller.
 *
 * close() stops the sweep only: the DbHandle belongs to whoever created it.
 */
export function createSqlKv(handle: DbHandle, opts: SqlKvOptions = {}): KvStore {
  const { db } = handle;

  let sweeping: Promise<unknown> | undefined;
  const sweep = setInterval(() => {
    if (sweeping) return; // a slow sweep is not stacked on itself
    sweeping = db
      .deleteFrom('kv')
      .where('expires_at', '<=', Date.now())
      .execute()
      .catch(() => undefined) // best effort: the next tick retries, reads already hide these rows
      .finally(() => {
        sweeping = undefined;
      });
  }, opts.sweepIntervalMs ?? 60_000);
  sweep.unref(); // never keeps the process alive on its own

  return {
    async get(key) {
      const row = await db
        .selectFrom('kv')
        .select('value')
        .where('key', '=', key)
        .where('expires_at', '>', Date.now())
        .executeTakeFirst();
      return row?.value ?? null;
    },

    async set(key, value, ttlMs) {
      const now = Date.now();
      await db
        .insertInto('kv')
        .values({ key, value, expires_at: now + ttlMs })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet((eb) => ({
            value: eb.ref('excluded.value'),
            expires_at: eb.ref('excluded.expires_at'),
          })),
        )
        .execute();
    },

    async setIfAbsent(key, value, ttlMs) {
      const now = Date.now();
      // Inserts when the key is new; overwrites only an expired row (the WHERE on DO
      // UPDATE). A live row makes the statement a no-op that returns nothing.
      const row = await db
        .insertInto('kv')
        .values({ key, value, expires_at: now + ttlMs })
        .onConflict((oc) =>
          oc
            .column('key')
            .doUpdateSet((eb) => ({
              value: eb.ref('excluded.value'),
              expires_at: eb.ref('excluded.expires_at'),
            }))
            .where('kv.expires_at', '<=', now),
        )
        .returning('key')
        .executeTakeFirst();
      return row !== undefined;
    },

    async incr(key, ttlMs, by = 1) {
      if (!Number.isSafeInteger(by)) throw new Error('KV incr: `by` must be an integer');
      const now = Date.now();
      // The inserted row carries `by` as both the start value and the increment
      // (excluded.value). On conflict: an expired row restarts at `by` with the new expiry;
      // a live one adds `by` and keeps its expiry (fixed windows). The value column is
      // text, hence the casts; `bigint` is valid in both dialects.
      const row = await db
        .insertInto('kv')
        .values({ key, value: String(by), expires_at: now + ttlMs })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            value: sql<string>`case when kv.expires_at <= ${now} then excluded.value
              else cast(cast(kv.value as bigint) + cast(excluded.value as bigint) as text) end`,
            expires_at: sql<number>`case when kv.expires_at <= ${now} then excluded.expires_at
              else kv.expires_at end`,
          }),
        )
        .returning('value')
        .executeTakeFirstOrThrow();
      return Number(row.value);
    },

    async take(key) {
      const row = await db
        .deleteFrom('kv')
        .where('key', '=', key)
        .where('expires_at', '>', Date.now())
        .returning('value')
        .executeTakeFirst();
      return row?.value ?? null;
    },

    async del(key) {
      const now = Date.now();
      // Deletes an expired leftover too (it is garbage), but only a live one counts.
      const row = await db.deleteFrom('kv').where('key', '=', key).returning('expires_at').executeTakeFirst();
      return row !== undefined && Number(row.expires_at) > now;
    },

    async ttl(key) {
      const now = Date.now();
      const row = await db
        .selectFrom('kv')
        .select('expires_at')
        .where('key', '=', key)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return row ? Number(row.expires_at) - now : null;
    },

    ping: () => handle.ping(),

    async close() {
      clearInterval(sweep);
      // The owner may close the handle right after us; let an in-flight sweep finish first.
      await sweeping;
    },
  };
}
