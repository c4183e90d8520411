import { sql, type Kysely, type Selectable } from 'kysely';
import type { SqliteConnection } from '../db/connect.js';
import { compiledQuery, unindexed } from '../db/compiled-query.js';
import type { Database, RoleTable } from '../db/schema.js';
import { likePattern, pageOf } from './list-queries.js';

export type RoleRow = Selectable<RoleTable>;

/** The user columns get-user-roles may look a user up by (vendor `userIdType`). */
export type UserLookupColumn = 'id' | 'username' | 'email' | 'phone' | 'external_id';

/**
 * All SQL for roles and role assignments, scoped by pool. `direct`: the SQLite connection under
 * `db`, for the role codes every token issue reads (compiled-query.ts).
 */
export function createRolesRepo(db: Kysely<Database>, direct?: SqliteConnection) {
  // The user's roles as one IN subquery rather than a join: on the SQLite that better-sqlite3
  // bundles (3.54), the join with bound parameters cost 15-25 µs a run even on empty tables,
  // the subquery 4-5 µs (docs/performance.md, session 12), and it ran on every sign-in whose
  // user was not in the account cache. The pool and namespace terms on `roles` are `unindexed`:
  // the planner would otherwise scan the pool's roles through `roles_pool_ns_code` and probe the
  // subquery for each, instead of reading the user's few role ids through the primary key.
  const rolesOfUser = compiledQuery<RoleRow>(db, direct, 3, (k, poolId: string, userId: string, namespace: string) =>
    k
      .selectFrom('roles')
      .selectAll('roles')
      .where('roles.id', 'in', k.selectFrom('user_roles').select('user_roles.role_id').where('user_roles.pool_id', '=', poolId).where('user_roles.user_id', '=', userId))
      .where(unindexed(direct, 'roles.pool_id'), '=', poolId)
      .where(unindexed(direct, 'roles.namespace'), '=', namespace)
      .orderBy('roles.created_at', 'asc')
      .orderBy('roles.id', 'asc'),
  );
  const listWhere = (poolId: string, namespace: string, keywords?: string) => {
    let q = db.selectFrom('roles').where('pool_id', '=', poolId).where('namespace', '=', namespace);
    if (keywords) {
      const pattern = likePattern(keywords);
      q = q.where(sql<boolean>`(lower(code) like ${pattern} escape '\\' or lower(coalesce(name, '')) like ${pattern} escape '\\')`);
    }
    return q;
  };

  return {
    insert: (row: RoleRow) => db.insertInto('roles').values(row).execute(),

    findByCode: (poolId: string, namespace: string, code: string) =>
      db.selectFrom('roles').selectAll().where('pool_id', '=', poolId).where('namespace', '=', namespace).where('code', '=', code).executeTakeFirst(),

    async list(poolId: string, q: { namespace: string; page: number; limit: number; keywords?: string }): Promise<{ rows: RoleRow[]; totalCount: number }> {
      return pageOf(listWhere(poolId, q.namespace, q.keywords), (where) => where.selectAll().orderBy('created_at', 'asc').orderBy('id', 'asc'), q);
    },

    /**
     * The ids among `userIds` that are users of this pool. Its own query on purpose: roles need
     * only existence, not the users repository's shape.
     */
    async existingUserIds(poolId: string, userIds: string[]): Promise<Set<string>> {
      if (userIds.length === 0) return new Set();
      const rows = await db.selectFrom('users').select('id').where('pool_id', '=', poolId).where('id', 'in', userIds).execute();
      return new Set(rows.map((r) => r.id));
    },

    userExists: async (poolId: string, userId: string) =>
      (await db.selectFrom('users').select('id').where('pool_id', '=', poolId).where('id', '=', userId).executeTakeFirst()) !== undefined,

    /** A user's id from one of its unique identifiers in this pool. */
    findUserId: async (poolId: string, column: UserLookupColumn, value: string) =>
      (await db.selectFrom('users').select('id').where('pool_id', '=', poolId).where(column, '=', value).executeTakeFirst())?.id,

    /** Adds the assignments in one transaction; existing ones are left as they are (idempotent). */
    assign: (poolId: string, roleId: string, userIds: string[], at: string) =>
      db.transaction().execute(async (trx) => {
        for (const userId of userIds) {
          await trx
            .insertInto('user_roles')
            .values({ pool_id: poolId, user_id: userId, role_id: roleId, created_at: at })
            .onConflict((oc) => oc.columns(['user_id', 'role_id']).doNothing())
            .execute();
        }
      }),

    revoke: async (poolId: string, roleId: string, userIds: string[]) =>
      Number((await db.deleteFrom('user_roles').where('pool_id', '=', poolId).where('role_id', '=', roleId).where('user_id', 'in', userIds).executeTakeFirst()).numDeletedRows),

    findByCodes: (poolId: string, namespace: string, codes: string[]) =>
      codes.length === 0 ? Promise.resolve([] as RoleRow[]) : db.selectFrom('roles').selectAll().where('pool_id', '=', poolId).where('namespace', '=', namespace).where('code', 'in', codes).execute(),

    /** Assignments and permission grants of the roles go with them (ON DELETE CASCADE). */
    deleteMany: (poolId: string, ids: string[]) => db.deleteFrom('roles').where('pool_id', '=', poolId).where('id', 'in', ids).execute(),

    update: (poolId: string, id: string, patch: Partial<Pick<RoleRow, 'code' | 'name' | 'description'>>) => db.updateTable('roles').set(patch).where('pool_id', '=', poolId).where('id', '=', id).execute(),

    /** One page of the users holding the role. */
    members: (poolId: string, roleId: string, q: { page: number; limit: number }) => {
      const where = db.selectFrom('user_roles as ur').innerJoin('users as u', 'u.id', 'ur.user_id').where('ur.role_id', '=', roleId).where('u.pool_id', '=', poolId);
      return pageOf(where, (w) => w.selectAll('u').orderBy('ur.created_at', 'asc').orderBy('u.id', 'asc'), q);
    },

    /** Removes one user's assignments of these roles (directory role mapping: membership ended). */
    unassign: async (poolId: string, userId: string, roleIds: string[]) => {
      if (roleIds.length) await db.deleteFrom('user_roles').where('pool_id', '=', poolId).where('user_id', '=', userId).where('role_id', 'in', roleIds).execute();
    },

    rolesOfUser: (poolId: string, userId: string, namespace: string): Promise<RoleRow[]> => rolesOfUser(poolId, userId, namespace),
  };
}
export type RolesRepo = ReturnType<typeof createRolesRepo>;
