import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, UserGroupTable, UserTable } from '../db/schema.js';
import { likePattern, pageOf } from './list-queries.js';

export type GroupRow = Selectable<UserGroupTable>;
type UserRow = Selectable<UserTable>;

export type GroupPatch = Partial<Pick<GroupRow, 'code' | 'name' | 'description' | 'type' | 'rule' | 'custom_data' | 'updated_at'>>;

/** All SQL for user groups and their members, scoped by pool. */
export function createGroupsRepo(db: Kysely<Database>) {
  return {
    insertMany: (rows: GroupRow[]) =>
      db.transaction().execute(async (trx) => {
        for (const row of rows) await trx.insertInto('user_groups').values(row).execute();
      }),

    findByCode: (poolId: string, code: string) => db.selectFrom('user_groups').selectAll().where('pool_id', '=', poolId).where('code', '=', code).executeTakeFirst(),

    findByCodes: (poolId: string, codes: string[]) =>
      codes.length === 0 ? Promise.resolve([]) : db.selectFrom('user_groups').selectAll().where('pool_id', '=', poolId).where('code', 'in', codes).execute(),

    list: (poolId: string, q: { page: number; limit: number; keywords?: string }) => {
      let where = db.selectFrom('user_groups').where('pool_id', '=', poolId);
      if (q.keywords) {
        const pattern = likePattern(q.keywords);
        where = where.where(sql<boolean>`(lower(code) like ${pattern} escape '\\' or lower(name) like ${pattern} escape '\\')`);
      }
      return pageOf(where, (w) => w.selectAll().orderBy('created_at', 'asc').orderBy('id', 'asc'), q);
    },

    /** Every group of the pool, at most `limit` (vendor get-all-groups has no paging). */
    all: (poolId: string, limit: number) => db.selectFrom('user_groups').selectAll().where('pool_id', '=', poolId).orderBy('created_at').orderBy('id').limit(limit).execute(),

    dynamic: (poolId: string) => db.selectFrom('user_groups').selectAll().where('pool_id', '=', poolId).where('type', '=', 'DYNAMIC').execute(),

    update: (poolId: string, id: string, patch: GroupPatch) => db.updateTable('user_groups').set(patch).where('pool_id', '=', poolId).where('id', '=', id).execute(),

    /**
     * Deletes the groups; memberships cascade. `alsoIn` runs in the same transaction (the
     * permission grants of the groups go with them).
     */
    deleteMany: (poolId: string, ids: string[], alsoIn?: (trx: Kysely<Database>) => Promise<void>) =>
      db.transaction().execute(async (trx) => {
        if (alsoIn) await alsoIn(trx);
        await trx.deleteFrom('user_groups').where('pool_id', '=', poolId).where('id', 'in', ids).execute();
      }),

    addMembers: (poolId: string, groupId: string, userIds: string[], at: string) =>
      db.transaction().execute(async (trx) => {
        for (const userId of userIds) {
          await trx.insertInto('group_members').values({ pool_id: poolId, group_id: groupId, user_id: userId, created_at: at }).onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing()).execute();
        }
      }),

    removeMembers: async (poolId: string, groupId: string, userIds: string[]) =>
      Number((await db.deleteFrom('group_members').where('pool_id', '=', poolId).where('group_id', '=', groupId).where('user_id', 'in', userIds).executeTakeFirst()).numDeletedRows),

    /** Makes the user a member of exactly the `inGroups` among `groupIds` (dynamic groups at sign-in). Returns what changed. */
    syncUser: (poolId: string, userId: string, groupIds: string[], inGroups: Set<string>, at: string) =>
      db.transaction().execute(async (trx) => {
        if (groupIds.length === 0) return { added: [] as string[], removed: [] as string[] };
        const current = new Set((await trx.selectFrom('group_members').select('group_id').where('user_id', '=', userId).where('group_id', 'in', groupIds).execute()).map((r) => r.group_id));
        const added = groupIds.filter((g) => inGroups.has(g) && !current.has(g));
        const removed = groupIds.filter((g) => !inGroups.has(g) && current.has(g));
        for (const g of added) await trx.insertInto('group_members').values({ pool_id: poolId, group_id: g, user_id: userId, created_at: at }).onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing()).execute();
        if (removed.length > 0) await trx.deleteFrom('group_members').where('user_id', '=', userId).where('group_id', 'in', removed).execute();
        return { added, removed };
      }),

    listMembers: (poolId: string, groupId: string, q: { page: number; limit: number }) => {
      const where = db.selectFrom('group_members as m').innerJoin('users as u', 'u.id', 'm.user_id').where('m.group_id', '=', groupId).where('u.pool_id', '=', poolId);
      return pageOf(where, (w) => w.selectAll('u').orderBy('m.created_at', 'asc').orderBy('u.id', 'asc'), q) as Promise<{ rows: UserRow[]; totalCount: number }>;
    },

    /** Members of several groups at once, at most `perGroup` each (get-all-groups with fetchMembers). */
    membersOf: async (groupIds: string[], perGroup: number): Promise<Map<string, UserRow[]>> => {
      const out = new Map<string, UserRow[]>();
      for (const id of groupIds) {
        const rows = await db.selectFrom('group_members as m').innerJoin('users as u', 'u.id', 'm.user_id').selectAll('u').where('m.group_id', '=', id).orderBy('m.created_at').limit(perGroup).execute();
        out.set(id, rows);
      }
      return out;
    },

    ofUser: (poolId: string, userId: string) =>
      db.selectFrom('group_members as m').innerJoin('user_groups as g', 'g.id', 'm.group_id').selectAll('g').where('m.pool_id', '=', poolId).where('m.user_id', '=', userId).orderBy('g.created_at').orderBy('g.id').execute(),
  };
}
export type GroupsRepo = ReturnType<typeof createGroupsRepo>;
