import { sql } from 'kysely';
import type { DbHandle, SqliteConnection, SqliteStatement } from '../db/connect.js';
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
 * On SQLite the same statements also run directly as prepared better-sqlite3 statements (one
 * synchronous call each) instead of through Kysely: the KV is on every token request
 * (several reads and writes per request) and Kysely's per-query building, compiling and
 * connection mutex cost more than the statement itself (issue #7 profile). Identical SQL, so
 * identical semantics; while a Kysely transaction holds the connection the Kysely path is
 * used, so a KV operation never joins someone else's transaction.
 *
 * **Writes on SQLite are committed in groups**, in the connection's group commit
 * (storage/db/write-group.ts, which says what it keeps and what it does not change): a write is
 * queued and the queue runs at the next turn of the event loop, every write queued by then in one
 * transaction. Two effects, both measured (docs/performance.md, sessions 10 and 11):
 *  - the turn: a direct statement completes synchronously, so without it a request whose KV
 *    calls all resolve at once runs its whole handler in one stretch while the requests that
 *    arrived with it wait, each then running every stage of the path (oidc-provider's code, the
 *    ES256 signatures) alone with the CPU caches cold for it. Yielding lets the requests that are
 *    ready together advance stage by stage, as a network KV (Redis) makes them do anyway
 *    (refresh rotation +28 %, a CAS ticket +20 %, client credentials unchanged);
 *  - the group commit: an autocommit write pays its own transaction (locks, WAL frames, the
 *    WAL index) — in the server ~32 µs for an upsert that costs ~9 µs inside a shared
 *    transaction. A CAS ticket makes eight writes, a SAML assertion and a refresh rotation a
 *    handful.
 * Reads do not wait: yielding at every operation cost more turns than it saved. PostgreSQL is
 * unchanged (its statements are I/O already, and a pool of connections would gain nothing from
 * sharing one).
 *
 * close() stops the sweep and waits for the writes already issued; it does not close the
 * DbHandle, which belongs to whoever created it.
 */
export function createSqlKv(handle: DbHandle, opts: SqlKvOptions = {}): KvStore {
  const { db } = handle;
  const conn = handle.sqlite;
  const statements = conn ? preparedStatements(conn) : undefined;
  /** The statements for a read now: undefined while a Kysely transaction holds the connection. */
  const direct = conn && statements ? () => (conn.inTransaction ? undefined : statements()) : undefined;
  /**
   * A write: `direct` runs the prepared statement (inside the group's transaction), `viaKysely`
   * the same SQL through Kysely. On SQLite the write is queued for the connection's next group
   * commit (storage/db/write-group.ts, see above); on PostgreSQL it runs through Kysely at once.
   */
  const group = conn?.writes;
  /** PostgreSQL writes in flight, for close(). */
  const inFlight = new Set<Promise<unknown>>();
  const write = <T>(runDirect: (d: DirectStatements) => T, viaKysely: () => Promise<T>): Promise<T> => {
    // The group runs `direct` only when no transaction holds the connection (it checks).
    if (group && statements) return group(() => runDirect(statements()), viaKysely);
    const p = viaKysely();
    inFlight.add(p);
    const forget = () => void inFlight.delete(p);
    p.then(forget, forget);
    return p;
  };

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
      const d = direct?.();
      if (d) return (d.get.get(key, Date.now()) as { value: string } | undefined)?.value ?? null;
      const row = await db
        .selectFrom('kv')
        .select('value')
        .where('key', '=', key)
        .where('expires_at', '>', Date.now())
        .executeTakeFirst();
      return row?.value ?? null;
    },

    // Meant for a handful of keys (revocation tombstones of one token): one IN list.
    async getMany(keys) {
      if (keys.length === 0) return [];
      const now = Date.now();
      const d = direct?.();
      const rows = (
        d && keys.length <= MANY_DIRECT
          ? (d[`many${keys.length}` as 'many1'].all(...keys, now) as { key: string; value: string }[])
          : await db.selectFrom('kv').select(['key', 'value']).where('key', 'in', keys).where('expires_at', '>', now).execute()
      );
      const found = new Map(rows.map((r) => [r.key, r.value]));
      return keys.map((k) => found.get(k) ?? null);
    },

    set: (key, value, ttlMs) =>
      write(
        (d) => void d.set.run(key, value, Date.now() + ttlMs),
        async () => {
          await db
            .insertInto('kv')
            .values({ key, value, expires_at: Date.now() + ttlMs })
            .onConflict((oc) =>
              oc.column('key').doUpdateSet((eb) => ({
                value: eb.ref('excluded.value'),
                expires_at: eb.ref('excluded.expires_at'),
              })),
            )
            .execute();
        },
      ),

    // Inserts when the key is new; overwrites only an expired row (the WHERE on DO UPDATE).
    // A live row makes the statement a no-op that returns nothing.
    setIfAbsent: (key, value, ttlMs) =>
      write(
        (d) => {
          const now = Date.now();
          return d.setIfAbsent.get(key, value, now + ttlMs, now) !== undefined;
        },
        async () => {
          const now = Date.now();
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
      ),

    // The inserted row carries `by` as both the start value and the increment
    // (excluded.value). On conflict: an expired row restarts at `by` with the new expiry; a live
    // one adds `by` and keeps its expiry (fixed windows). The value column is text, hence the
    // casts; `bigint` is valid in both dialects.
    async incr(key, ttlMs, by = 1) {
      if (!Number.isSafeInteger(by)) throw new Error('KV incr: `by` must be an integer');
      return write(
        (d) => {
          const now = Date.now();
          return Number((d.incr.get(key, String(by), now + ttlMs, now, now) as { value: string }).value);
        },
        async () => {
          const now = Date.now();
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
      );
    },

    take: (key) =>
      write(
        (d) => (d.take.get(key, Date.now()) as { value: string } | undefined)?.value ?? null,
        async () => {
          const row = await db.deleteFrom('kv').where('key', '=', key).where('expires_at', '>', Date.now()).returning('value').executeTakeFirst();
          return row?.value ?? null;
        },
      ),

    // Deletes an expired leftover too (it is garbage), but only a live one counts.
    del: (key) =>
      write(
        (d) => {
          const hit = d.del.get(key) as { expires_at: number } | undefined;
          return hit !== undefined && Number(hit.expires_at) > Date.now();
        },
        async () => {
          const now = Date.now();
          const row = await db.deleteFrom('kv').where('key', '=', key).returning('expires_at').executeTakeFirst();
          return row !== undefined && Number(row.expires_at) > now;
        },
      ),

    async delMany(keys) {
      if (keys.length === 0) return;
      const viaKysely = async () => void (await db.deleteFrom('kv').where('key', 'in', keys).execute());
      // More keys than the prepared statements cover: Kysely, outside the group.
      if (keys.length > MANY_DIRECT) return viaKysely();
      return write((d) => void d[`delMany${keys.length}` as 'delMany1'].run(...keys), viaKysely);
    },

    async ttl(key) {
      const now = Date.now();
      const d = direct?.();
      if (d) {
        const hit = d.ttl.get(key, now) as { expires_at: number } | undefined;
        return hit ? Number(hit.expires_at) - now : null;
      }
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
      // Writes already issued are committed before the owner may close the handle.
      await group?.pending();
      await Promise.allSettled(inFlight);
      // The owner may close the handle right after us; let an in-flight sweep finish first.
      await sweeping;
    },
  };
}

/**
 * getMany and delMany run directly for up to this many keys (one prepared statement per key
 * count). Five is what the lean introspection reads at once: a JWT's deny-list entry, its grant's record and the
 * three tombstones (oidc/adapter.ts, createJwtReader).
 */
const MANY_DIRECT = 6;
type DirectStatements = Record<'get' | 'set' | 'setIfAbsent' | 'incr' | 'take' | 'del' | 'ttl' | `many${1 | 2 | 3 | 4 | 5 | 6}` | `delMany${1 | 2 | 3 | 4 | 5 | 6}`, SqliteStatement>;

/**
 * The KV statements as prepared better-sqlite3 statements, the same SQL Kysely generates
 * above, prepared on first use (the table exists by then). The caller checks that no
 * transaction holds the connection before running one (reads: `direct`; writes: the group).
 */
function preparedStatements(conn: SqliteConnection): () => DirectStatements {
  let stmts: DirectStatements | undefined;
  const list = (n: number) => Array(n).fill('?').join(', ');
  const many = (n: number) => conn.prepare(`select "key", "value" from "kv" where "key" in (${list(n)}) and "expires_at" > ?`);
  const delMany = (n: number) => conn.prepare(`delete from "kv" where "key" in (${list(n)})`);
  const upsert = 'insert into "kv" ("key", "value", "expires_at") values (?, ?, ?) on conflict ("key") do update set';
  return () => {
    stmts ??= {
      get: conn.prepare('select "value" from "kv" where "key" = ? and "expires_at" > ?'),
      set: conn.prepare(`${upsert} "value" = "excluded"."value", "expires_at" = "excluded"."expires_at"`),
      setIfAbsent: conn.prepare(`${upsert} "value" = "excluded"."value", "expires_at" = "excluded"."expires_at" where "kv"."expires_at" <= ? returning "key"`),
      incr: conn.prepare(
        `${upsert} "value" = case when kv.expires_at <= ? then excluded.value else cast(cast(kv.value as bigint) + cast(excluded.value as bigint) as text) end, ` +
          '"expires_at" = case when kv.expires_at <= ? then excluded.expires_at else kv.expires_at end returning "value"',
      ),
      take: conn.prepare('delete from "kv" where "key" = ? and "expires_at" > ? returning "value"'),
      del: conn.prepare('delete from "kv" where "key" = ? returning "expires_at"'),
      ttl: conn.prepare('select "expires_at" from "kv" where "key" = ? and "expires_at" > ?'),
      many1: many(1),
      many2: many(2),
      many3: many(3),
      many4: many(4),
      many5: many(5),
      many6: many(6),
      delMany1: delMany(1),
      delMany2: delMany(2),
      delMany3: delMany(3),
      delMany4: delMany(4),
      delMany5: delMany(5),
      delMany6: delMany(6),
    };
    return stmts;
  };
}
