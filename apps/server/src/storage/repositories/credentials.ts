import type { Kysely, Selectable } from 'kysely';
import type { Database, LoginEventTable, LoginMethodInstanceTable } from '../db/schema.js';

/**
 * SQL for issue #4's tables (migration 0003) and the password columns of `users`. Every query
 * is scoped by pool.
 */
export type LoginEventRow = Selectable<LoginEventTable>;
export type LoginMethodInstanceRow = Selectable<LoginMethodInstanceTable>;

export function createCredentialsRepo(db: Kysely<Database>) {
  return {
    // --- users' password columns
    setPasswordHash: async (poolId: string, userId: string, hash: string | null, at: string, opts: { keepSetAt?: boolean } = {}) => {
      const res = await db
        .updateTable('users')
        .set({ password_hash: hash, password_refresh: 0, updated_at: at, ...(opts.keepSetAt ? {} : { password_last_set_at: hash ? at : null }) })
        .where('pool_id', '=', poolId)
        .where('id', '=', userId)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    },
    // bcrypt hashes are left unmarked: they are upgraded at the next sign-in anyway, except after
    // an input bcrypt may have truncated (72 bytes or more), which must never be rehashed.
    markAllForRefresh: async (poolId: string) => {
      const res = await db
        .updateTable('users')
        .set({ password_refresh: 1 })
        .where('pool_id', '=', poolId)
        .where('password_hash', 'is not', null)
        .where('password_hash', 'not like', '$2_$%')
        .executeTakeFirst();
      return Number(res.numUpdatedRows);
    },
    recordLogin: async (poolId: string, userId: string, at: string, ip: string | null): Promise<void> => {
      await db
        .updateTable('users')
        .set((eb) => ({ logins_count: eb('logins_count', '+', 1), last_login: at, last_ip: ip }))
        .where('pool_id', '=', poolId)
        .where('id', '=', userId)
        .execute();
    },

    /**
     * A batch of sign-ins in one transaction (services/credentials/login-writes.ts): each user's
     * count grows by the sign-ins in the batch, last login / last IP are the latest; the
     * history rows are inserted in multi-row INSERTs.
     */
    writeLogins: (counts: Array<{ poolId: string; userId: string; n: number; at: string; ip: string | null }>, events: LoginEventRow[]) =>
      db.transaction().execute(async (trx) => {
        for (const c of counts) {
          await trx
            .updateTable('users')
            .set((eb) => ({ logins_count: eb('logins_count', '+', c.n), last_login: c.at, last_ip: c.ip }))
            .where('pool_id', '=', c.poolId)
            .where('id', '=', c.userId)
            .execute();
        }
        // 11 columns a row: 200 rows stay far below SQLite's and PostgreSQL's parameter limits.
        for (let i = 0; i < events.length; i += 200) await trx.insertInto('login_events').values(events.slice(i, i + 200)).execute();
      }),

    // --- settings
    getSettings: async (poolId: string) =>
      (await db.selectFrom('pool_auth_settings').select('settings').where('pool_id', '=', poolId).executeTakeFirst())?.settings ?? null,
    putSettings: async (poolId: string, settings: string, at: string) => {
      await db
        .insertInto('pool_auth_settings')
        .values({ pool_id: poolId, settings, updated_at: at })
        .onConflict((oc) => oc.column('pool_id').doUpdateSet({ settings, updated_at: at }))
        .execute();
    },

    // --- encryption keys
    getKey: (poolId: string, kind: string) =>
      db.selectFrom('pool_crypto_keys').selectAll().where('pool_id', '=', poolId).where('kind', '=', kind).executeTakeFirst(),
    /** Inserts unless present (concurrent first use: one wins, everybody reads the winner). */
    insertKeyIfAbsent: (row: { pool_id: string; kind: string; public_key: string; private_key_enc: string; created_at: string }) =>
      db.insertInto('pool_crypto_keys').values(row).onConflict((oc) => oc.columns(['pool_id', 'kind']).doNothing()).execute(),

    // --- login history
    insertLoginEvent: async (row: LoginEventRow): Promise<void> => {
      await db.insertInto('login_events').values(row).execute();
    },
    listLoginEvents: async (
      poolId: string,
      q: { userId: string; appId?: string; ip?: string; success?: boolean; start?: string; end?: string; offset: number; limit: number },
    ) => {
      let base = db.selectFrom('login_events').where('pool_id', '=', poolId).where('user_id', '=', q.userId);
      if (q.appId) base = base.where('app_id', '=', q.appId);
      if (q.ip) base = base.where('ip', '=', q.ip);
      if (q.success !== undefined) base = base.where('success', '=', q.success ? 1 : 0);
      if (q.start) base = base.where('at', '>=', q.start);
      if (q.end) base = base.where('at', '<=', q.end);
      const [rows, count] = await Promise.all([
        base.selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(q.limit).offset(q.offset).execute(),
        base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { rows, total: Number(count.n) };
    },

    // --- password history
    addHistory: (row: { id: string; pool_id: string; user_id: string; hash: string; created_at: string }) => db.insertInto('password_history').values(row).execute(),
    recentHistory: (poolId: string, userId: string, n: number) =>
      db.selectFrom('password_history').select('hash').where('pool_id', '=', poolId).where('user_id', '=', userId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(n).execute(),

    // --- login-method instances
    upsertInstance: async (row: LoginMethodInstanceRow) => {
      await db
        .insertInto('login_method_instances')
        .values(row)
        .onConflict((oc) => oc.columns(['pool_id', 'name']).doUpdateSet({ type: row.type, element: row.element, config: row.config, source: row.source, updated_at: row.updated_at }))
        .execute();
    },
    getInstance: (poolId: string, name: string) =>
      db.selectFrom('login_method_instances').selectAll().where('pool_id', '=', poolId).where('name', '=', name).executeTakeFirst(),
    listInstances: (poolId: string) => db.selectFrom('login_method_instances').selectAll().where('pool_id', '=', poolId).orderBy('name').execute(),
    deleteInstance: async (poolId: string, name: string) =>
      Number((await db.deleteFrom('login_method_instances').where('pool_id', '=', poolId).where('name', '=', name).executeTakeFirst()).numDeletedRows) > 0,
  };
}
export type CredentialsRepo = ReturnType<typeof createCredentialsRepo>;
