import type { Kysely, Selectable } from 'kysely';
import type { SqliteConnection } from '../db/connect.js';
import { compiledQuery, unindexed } from '../db/compiled-query.js';
import type { Database, ExtIdpConnTable, ExtIdpTable, UserIdentityTable } from '../db/schema.js';

/**
 * SQL of the federation tables (migration 0020): identity sources, their connections, the
 * applications a connection is enabled for, and users' external identities. Every query is
 * scoped by pool. `direct`: the SQLite connection under `db`, for the connection lookup every
 * directory and social sign-in runs (compiled-query.ts).
 */
export type ExtIdpRow = Selectable<ExtIdpTable>;
export type ExtIdpConnRow = Selectable<ExtIdpConnTable>;
export type UserIdentityRow = Selectable<UserIdentityTable>;

export function createExtIdpsRepo(db: Kysely<Database>, direct?: SqliteConnection) {
  // An IN subquery, not a join, the pool term `unindexed`: the reasons are the same as for the
  // user's roles (roles.ts, rolesOfUser). Measured in a directory sign-in: ~150 µs of the event
  // loop in the join through Kysely (docs/performance.md, session 12).
  const enabledConnsForApp = compiledQuery<ExtIdpConnRow>(db, direct, 2, (k, poolId: string, appId: string) =>
    k
      .selectFrom('ext_idp_conns as c')
      .selectAll('c')
      .where('c.id', 'in', k.selectFrom('ext_idp_conn_apps as a').select('a.conn_id').where('a.pool_id', '=', poolId).where('a.app_id', '=', appId))
      .where(unindexed(direct, 'c.pool_id'), '=', poolId)
      .orderBy('c.created_at')
      .orderBy('c.id'),
  );
  return {
    // --- sources
    insertIdp: (row: ExtIdpRow) => db.insertInto('ext_idps').values(row).execute(),
    findIdp: (poolId: string, id: string) => db.selectFrom('ext_idps').selectAll().where('pool_id', '=', poolId).where('id', '=', id).executeTakeFirst(),
    listIdps: (poolId: string, tenantId?: string) => {
      let q = db.selectFrom('ext_idps').selectAll().where('pool_id', '=', poolId);
      if (tenantId !== undefined) q = q.where('tenant_id', '=', tenantId);
      return q.orderBy('created_at').orderBy('id').execute();
    },
    renameIdp: (poolId: string, id: string, name: string, at: string) => db.updateTable('ext_idps').set({ name, updated_at: at }).where('pool_id', '=', poolId).where('id', '=', id).execute(),
    deleteIdp: async (poolId: string, id: string) => Number((await db.deleteFrom('ext_idps').where('pool_id', '=', poolId).where('id', '=', id).executeTakeFirst()).numDeletedRows) > 0,

    // --- connections
    insertConn: (row: ExtIdpConnRow) => db.insertInto('ext_idp_conns').values(row).execute(),
    findConn: (poolId: string, id: string) => db.selectFrom('ext_idp_conns').selectAll().where('pool_id', '=', poolId).where('id', '=', id).executeTakeFirst(),
    findConnByIdentifier: (poolId: string, identifier: string) => db.selectFrom('ext_idp_conns').selectAll().where('pool_id', '=', poolId).where('identifier', '=', identifier).executeTakeFirst(),
    /** A connection by id without knowing its pool (browser callbacks carry only the connection). */
    findConnAnyPool: (id: string) => db.selectFrom('ext_idp_conns').selectAll().where('id', '=', id).executeTakeFirst(),
    /** Connections by identifier in every pool (an official account's push names only the identifier). */
    findConnsByIdentifierAnyPool: (identifier: string) => db.selectFrom('ext_idp_conns').selectAll().where('identifier', '=', identifier).orderBy('created_at').limit(20).execute(),
    /** Connections of these types in every pool (the scheduled organisation sync looks for its sources). */
    findConnsByTypesAnyPool: (types: string[]) => (types.length ? db.selectFrom('ext_idp_conns').selectAll().where('type', 'in', types).orderBy('created_at').orderBy('id').execute() : Promise.resolve([] as ExtIdpConnRow[])),
    listConns: (poolId: string, idpIds: string[]) =>
      idpIds.length ? db.selectFrom('ext_idp_conns').selectAll().where('pool_id', '=', poolId).where('ext_idp_id', 'in', idpIds).orderBy('created_at').orderBy('id').execute() : Promise.resolve([] as ExtIdpConnRow[]),
    updateConn: (poolId: string, id: string, set: Partial<Pick<ExtIdpConnRow, 'display_name' | 'logo' | 'login_only' | 'fields_enc' | 'updated_at'>>) =>
      db.updateTable('ext_idp_conns').set(set).where('pool_id', '=', poolId).where('id', '=', id).execute(),
    deleteConn: async (poolId: string, id: string) => Number((await db.deleteFrom('ext_idp_conns').where('pool_id', '=', poolId).where('id', '=', id).executeTakeFirst()).numDeletedRows) > 0,

    // --- per-application enablement
    enableForApps: async (poolId: string, connId: string, appIds: string[], at: string) => {
      if (!appIds.length) return;
      await db
        .insertInto('ext_idp_conn_apps')
        .values(appIds.map((app_id) => ({ conn_id: connId, app_id, pool_id: poolId, created_at: at })))
        .onConflict((oc) => oc.columns(['conn_id', 'app_id']).doNothing())
        .execute();
    },
    disableForApps: async (poolId: string, connId: string, appIds: string[]) => {
      if (appIds.length) await db.deleteFrom('ext_idp_conn_apps').where('pool_id', '=', poolId).where('conn_id', '=', connId).where('app_id', 'in', appIds).execute();
    },
    appsOfConns: (poolId: string, connIds: string[]) =>
      connIds.length ? db.selectFrom('ext_idp_conn_apps').select(['conn_id', 'app_id']).where('pool_id', '=', poolId).where('conn_id', 'in', connIds).execute() : Promise.resolve([] as Array<{ conn_id: string; app_id: string }>),
    /** Connections enabled for an application, oldest first (the order of the login buttons). */
    enabledConnsForApp: (poolId: string, appId: string) => enabledConnsForApp(poolId, appId),

    // --- identities
    insertIdentity: (row: UserIdentityRow) => db.insertInto('user_identities').values(row).execute(),
    findIdentity: (poolId: string, scope: string, idType: string, subject: string) =>
      db.selectFrom('user_identities').selectAll().where('pool_id', '=', poolId).where('scope', '=', scope).where('id_type', '=', idType).where('subject', '=', subject).executeTakeFirst(),
    identitiesOfUser: (poolId: string, userId: string) => db.selectFrom('user_identities').selectAll().where('pool_id', '=', poolId).where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute(),
    touchIdentity: (id: string, set: Pick<UserIdentityRow, 'userinfo' | 'origin_conn_ids' | 'updated_at'>) => db.updateTable('user_identities').set(set).where('id', '=', id).execute(),
    /** The (user, subject) pairs of one connection's own identities (organisation sync: who is no longer a member). */
    subjectsOfScope: (poolId: string, scope: string) => db.selectFrom('user_identities').select(['user_id', 'subject']).where('pool_id', '=', poolId).where('scope', '=', scope).where('id_type', '=', 'generic').execute(),
    deleteIdentities: async (poolId: string, userId: string, extIdpId: string, idType?: string) => {
      let q = db.deleteFrom('user_identities').where('pool_id', '=', poolId).where('user_id', '=', userId).where('ext_idp_id', '=', extIdpId);
      if (idType !== undefined) q = q.where('id_type', '=', idType);
      return Number((await q.executeTakeFirst()).numDeletedRows);
    },
    deleteIdentitiesOfConn: (poolId: string, connId: string) => db.deleteFrom('user_identities').where('pool_id', '=', poolId).where('scope', '=', connId).execute(),
  };
}
export type ExtIdpsRepo = ReturnType<typeof createExtIdpsRepo>;
