import { type Kysely, type Selectable } from 'kysely';
import type { Database, UserTable } from '../db/schema.js';
import { pageOf } from './list-queries.js';

type UserRow = Selectable<UserTable>;

/** A user's membership with the department and organisation it is in. */
export interface MembershipView {
  department_id: string;
  is_leader: number;
  is_main: number;
  joined_at: string;
  name: string;
  code: string | null;
  description: string | null;
  open_department_id: string | null;
  is_virtual: number;
  parent_id: string | null;
  custom_data: string;
  i18n: string | null;
  created_at: string;
  organization_code: string;
}

export type MemberSort = 'joined' | 'user_created' | 'user_updated' | 'user_id';

/** All SQL for department memberships (leaders and main departments included), scoped by pool. */
export function createDepartmentMembersRepo(db: Kysely<Database>) {
  /** Users directly in `deptId`, or anywhere in its subtree with `deep`. */
  const memberIds = (deptId: string, deep: boolean) =>
    deep
      ? db.selectFrom('department_members as m').innerJoin('department_closure as cl', 'cl.descendant_id', 'm.department_id').select('m.user_id').where('cl.ancestor_id', '=', deptId)
      : db.selectFrom('department_members as m').select('m.user_id').where('m.department_id', '=', deptId);

  return {
    /** Adds the users (existing memberships are kept as they are). */
    add: (poolId: string, deptId: string, userIds: string[], at: string) =>
      db.transaction().execute(async (trx) => {
        for (const userId of userIds) {
          await trx
            .insertInto('department_members')
            .values({ pool_id: poolId, department_id: deptId, user_id: userId, is_leader: 0, is_main: 0, joined_at: at })
            .onConflict((oc) => oc.columns(['department_id', 'user_id']).doNothing())
            .execute();
        }
      }),

    remove: async (poolId: string, deptId: string, userIds: string[]) =>
      Number((await db.deleteFrom('department_members').where('pool_id', '=', poolId).where('department_id', '=', deptId).where('user_id', 'in', userIds).executeTakeFirst()).numDeletedRows),

    /**
     * Makes exactly `userIds` the leaders of the department; a leader who is not a member yet
     * becomes one (a leader is always a member, so "members of X" includes its leaders).
     */
    setLeaders: (poolId: string, deptId: string, userIds: string[], at: string) =>
      db.transaction().execute(async (trx) => {
        await trx.updateTable('department_members').set({ is_leader: 0 }).where('department_id', '=', deptId).execute();
        for (const userId of userIds) {
          await trx
            .insertInto('department_members')
            .values({ pool_id: poolId, department_id: deptId, user_id: userId, is_leader: 1, is_main: 0, joined_at: at })
            .onConflict((oc) => oc.columns(['department_id', 'user_id']).doUpdateSet({ is_leader: 1 }))
            .execute();
        }
      }),

    /** One page of the users in a department (or its subtree), as user rows. */
    listUsers: (poolId: string, deptId: string, q: { page: number; limit: number; deep: boolean; sort: MemberSort; desc: boolean }) => {
      const dir = q.desc ? 'desc' : 'asc';
      if (!q.deep && q.sort === 'joined') {
        const where = db.selectFrom('department_members as m').innerJoin('users as u', 'u.id', 'm.user_id').where('m.department_id', '=', deptId).where('u.pool_id', '=', poolId);
        return pageOf(where, (w) => w.selectAll('u').orderBy('m.joined_at', dir).orderBy('u.id', dir), q) as Promise<{ rows: UserRow[]; totalCount: number }>;
      }
      const column = q.sort === 'user_updated' ? 'u.updated_at' : q.sort === 'user_id' ? 'u.id' : 'u.created_at';
      const where = db.selectFrom('users as u').where('u.pool_id', '=', poolId).where('u.id', 'in', memberIds(deptId, q.deep));
      return pageOf(where, (w) => w.selectAll('u').orderBy(column, dir).orderBy('u.id', dir), q) as Promise<{ rows: UserRow[]; totalCount: number }>;
    },

    /** Every member id (vendor list-department-member-ids has no paging); bounded by the caller. */
    ids: async (deptId: string, limit: number) => (await memberIds(deptId, false).orderBy('m.joined_at').limit(limit).execute()).map((r) => r.user_id),

    isMember: async (userId: string, deptId: string, deep: boolean) =>
      (await memberIds(deptId, deep).where('m.user_id', '=', userId).limit(1).executeTakeFirst()) !== undefined,

    /** Department ids of each user (for `withDepartmentIds`). */
    departmentIdsOf: async (userIds: string[]): Promise<Map<string, string[]>> => {
      const out = new Map<string, string[]>();
      if (userIds.length === 0) return out;
      const rows = await db.selectFrom('department_members').select(['user_id', 'department_id']).where('user_id', 'in', userIds).orderBy('joined_at').execute();
      for (const r of rows) out.set(r.user_id, [...(out.get(r.user_id) ?? []), r.department_id]);
      return out;
    },

    /** One page of a user's memberships with their departments. */
    ofUser: (poolId: string, userId: string, q: { page: number; limit: number; sort: 'created' | 'joined' | 'name' | 'code'; desc: boolean }) => {
      const where = db
        .selectFrom('department_members as m')
        .innerJoin('departments as d', 'd.id', 'm.department_id')
        .innerJoin('organizations as o', 'o.id', 'd.organization_id')
        .where('m.pool_id', '=', poolId)
        .where('m.user_id', '=', userId);
      const column = q.sort === 'joined' ? 'm.joined_at' : q.sort === 'name' ? 'd.name' : q.sort === 'code' ? 'd.code' : 'd.created_at';
      return pageOf(
        where,
        (w) =>
          w
            .select(['m.department_id', 'm.is_leader', 'm.is_main', 'm.joined_at', 'd.name', 'd.code', 'd.description', 'd.open_department_id', 'd.is_virtual', 'd.parent_id', 'd.custom_data', 'd.i18n', 'd.created_at', 'o.code as organization_code'])
            .orderBy(column, q.desc ? 'desc' : 'asc')
            .orderBy('m.department_id'),
        q,
      ) as Promise<{ rows: MembershipView[]; totalCount: number }>;
    },

    /** Replaces every membership of the user in one transaction (vendor set-user-departments). */
    replaceForUser: (poolId: string, userId: string, memberships: Array<{ departmentId: string; isLeader: boolean; isMain: boolean }>, at: string) =>
      db.transaction().execute(async (trx) => {
        const before = await trx.selectFrom('department_members').select(['department_id', 'joined_at']).where('user_id', '=', userId).execute();
        const joined = new Map(before.map((r) => [r.department_id, r.joined_at]));
        await trx.deleteFrom('department_members').where('pool_id', '=', poolId).where('user_id', '=', userId).execute();
        for (const m of memberships) {
          await trx
            .insertInto('department_members')
            .values({ pool_id: poolId, department_id: m.departmentId, user_id: userId, is_leader: m.isLeader ? 1 : 0, is_main: m.isMain ? 1 : 0, joined_at: joined.get(m.departmentId) ?? at })
            .execute();
        }
        return before.map((r) => r.department_id);
      }),
  };
}
export type DepartmentMembersRepo = ReturnType<typeof createDepartmentMembersRepo>;
