import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database, DepartmentTable, OrganizationTable } from '../db/schema.js';
import { likePattern, pageOf } from './list-queries.js';

export type OrganizationRow = Selectable<OrganizationTable>;
export type DepartmentRow = Selectable<DepartmentTable>;

/** A department with what its vendor DTO shows besides its own columns. */
export type DepartmentView = DepartmentRow & { organization_code: string; parent_code: string | null; members_count: number; has_children: boolean };

/** The department columns a department may be named by (vendor `departmentIdType`). */
export type DepartmentKey = 'id' | 'code' | 'open_department_id';

export type DepartmentPatch = Partial<Pick<DepartmentRow, 'name' | 'code' | 'description' | 'open_department_id' | 'status' | 'i18n' | 'custom_data' | 'is_virtual'>>;

type Db = Kysely<Database> | Transaction<Database>;

const toView = (r: Record<string, unknown>): DepartmentView =>
  ({ ...(r as DepartmentRow), organization_code: r.organization_code as string, parent_code: (r.parent_code as string | null) ?? null, members_count: Number(r.members_count), has_children: Boolean(Number(r.has_children)) }) as DepartmentView;

/** Departments with their organisation code, parent code, direct member count and whether they have children. */
const viewQuery = (db: Db) =>
  db
    .selectFrom('departments as d')
    .innerJoin('organizations as o', 'o.id', 'd.organization_id')
    .leftJoin('departments as p', 'p.id', 'd.parent_id')
    .selectAll('d')
    .select(['o.code as organization_code', 'p.code as parent_code'])
    .select((eb) => [
      eb.selectFrom('department_members as m').select(eb.fn.countAll().as('n')).whereRef('m.department_id', '=', 'd.id').as('members_count'),
      eb.exists(eb.selectFrom('departments as c').select('c.id').whereRef('c.parent_id', '=', 'd.id')).as('has_children'),
    ]);

/**
 * All SQL for organisations and the department tree, scoped by pool. The tree is a closure
 * table (migration 0055): every structural change (create, move, delete) runs in one
 * transaction that first touches the organisation row, so on PostgreSQL concurrent changes of
 * one organisation's tree are serialised (the row lock) and a cycle check cannot be raced; SQLite
 * has one writer anyway.
 */
export function createOrganizationsRepo(db: Kysely<Database>) {
  const lockOrg = (trx: Transaction<Database>, orgId: string, at: string) => trx.updateTable('organizations').set({ updated_at: at }).where('id', '=', orgId).execute();

  /** Closure rows for a new node: its parent's ancestors (one deeper) and itself. */
  const linkNode = async (trx: Transaction<Database>, id: string, parentId: string | null) => {
    if (parentId) {
      await trx
        .insertInto('department_closure')
        .columns(['ancestor_id', 'descendant_id', 'depth'])
        .expression((eb) => eb.selectFrom('department_closure').select(['ancestor_id', eb.val(id).as('descendant_id'), sql<number>`depth + 1`.as('depth')]).where('descendant_id', '=', parentId))
        .execute();
    }
    await trx.insertInto('department_closure').values({ ancestor_id: id, descendant_id: id, depth: 0 }).execute();
  };

  return {
    // ---- organisations
    insertOrganization: (org: OrganizationRow, root: DepartmentRow) =>
      db.transaction().execute(async (trx) => {
        await trx.insertInto('organizations').values(org).execute();
        await trx.insertInto('departments').values(root).execute();
        await linkNode(trx, root.id, null);
      }),

    findOrganization: (poolId: string, code: string) => db.selectFrom('organizations').selectAll().where('pool_id', '=', poolId).where('code', '=', code).executeTakeFirst(),

    findOrganizations: (poolId: string, codes: string[]) =>
      codes.length === 0 ? Promise.resolve([]) : db.selectFrom('organizations').selectAll().where('pool_id', '=', poolId).where('code', 'in', codes).orderBy('created_at').execute(),

    listOrganizations: (poolId: string, q: { page: number; limit: number; keywords?: string }) => {
      let where = db.selectFrom('organizations').where('pool_id', '=', poolId);
      if (q.keywords) {
        const pattern = likePattern(q.keywords);
        where = where.where(sql<boolean>`(lower(code) like ${pattern} escape '\\' or lower(name) like ${pattern} escape '\\')`);
      }
      return pageOf(where, (w) => w.selectAll().orderBy('created_at', 'asc').orderBy('id', 'asc'), q);
    },

    updateOrganization: (poolId: string, id: string, patch: Partial<Pick<OrganizationRow, 'code' | 'name' | 'description' | 'updated_at'>>, rootPatch: DepartmentPatch) =>
      db.transaction().execute(async (trx) => {
        await trx.updateTable('organizations').set(patch).where('pool_id', '=', poolId).where('id', '=', id).execute();
        const org = await trx.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        if (Object.keys(rootPatch).length > 0) await trx.updateTable('departments').set({ ...rootPatch, updated_at: org.updated_at }).where('id', '=', org.root_department_id).execute();
        return org;
      }),

    /** Departments, closure rows and memberships go with it (ON DELETE CASCADE). */
    deleteOrganization: async (poolId: string, id: string) => Number((await db.deleteFrom('organizations').where('pool_id', '=', poolId).where('id', '=', id).executeTakeFirst()).numDeletedRows),

    // ---- departments
    findDepartment: async (poolId: string, orgId: string, key: DepartmentKey, value: string): Promise<DepartmentView | undefined> => {
      const r = await viewQuery(db).where('d.pool_id', '=', poolId).where('d.organization_id', '=', orgId).where(`d.${key}`, '=', value).executeTakeFirst();
      return r ? toView(r) : undefined;
    },

    /** By id alone (vendor get-department-by-id). */
    findDepartmentById: async (poolId: string, id: string): Promise<DepartmentView | undefined> => {
      const r = await viewQuery(db).where('d.pool_id', '=', poolId).where('d.id', '=', id).executeTakeFirst();
      return r ? toView(r) : undefined;
    },

    insertDepartment: (row: DepartmentRow) =>
      db.transaction().execute(async (trx) => {
        await lockOrg(trx, row.organization_id, row.created_at);
        // The parent may have been deleted since the caller read it: checked under the lock.
        const parent = await trx.selectFrom('departments').select('id').where('id', '=', row.parent_id!).where('organization_id', '=', row.organization_id).executeTakeFirst();
        if (!parent) return false;
        await trx.insertInto('departments').values(row).execute();
        await linkNode(trx, row.id, row.parent_id);
        return true;
      }),

    updateDepartment: (poolId: string, id: string, patch: DepartmentPatch & { updated_at: string }) => db.updateTable('departments').set(patch).where('pool_id', '=', poolId).where('id', '=', id).execute(),

    /**
     * Moves a subtree under `newParentId` (same organisation). Refused, with nothing written,
     * when the new parent is the node or one of its descendants ('cycle') or is gone ('missing').
     */
    moveDepartment: (orgId: string, id: string, newParentId: string, at: string): Promise<'moved' | 'cycle' | 'missing'> =>
      db.transaction().execute(async (trx) => {
        await lockOrg(trx, orgId, at);
        const parent = await trx.selectFrom('departments').select('id').where('id', '=', newParentId).where('organization_id', '=', orgId).executeTakeFirst();
        if (!parent) return 'missing';
        const below = await trx.selectFrom('department_closure').select('depth').where('ancestor_id', '=', id).where('descendant_id', '=', newParentId).executeTakeFirst();
        if (below) return 'cycle';
        // Detach the subtree from its old ancestors, then attach it under the new parent's (the classic closure-table move).
        await trx
          .deleteFrom('department_closure')
          .where('descendant_id', 'in', (eb) => eb.selectFrom('department_closure').select('descendant_id').where('ancestor_id', '=', id))
          .where('ancestor_id', 'not in', (eb) => eb.selectFrom('department_closure').select('descendant_id').where('ancestor_id', '=', id))
          .execute();
        await trx
          .insertInto('department_closure')
          .columns(['ancestor_id', 'descendant_id', 'depth'])
          .expression(
            trx
              .selectFrom('department_closure as up')
              .innerJoin('department_closure as sub', (j) => j.on('sub.ancestor_id', '=', id))
              .select(['up.ancestor_id', 'sub.descendant_id', sql<number>`up.depth + sub.depth + 1`.as('depth')])
              .where('up.descendant_id', '=', newParentId),
          )
          .execute();
        await trx.updateTable('departments').set({ parent_id: newParentId, updated_at: at }).where('id', '=', id).execute();
        return 'moved';
      }),

    /**
     * Deletes a department and its whole subtree (closure rows and memberships cascade). Without
     * `force`, refused ('not_empty') while it has sub-departments or members.
     */
    deleteDepartment: (orgId: string, id: string, force: boolean, at: string): Promise<'deleted' | 'not_empty' | 'missing'> =>
      db.transaction().execute(async (trx) => {
        await lockOrg(trx, orgId, at);
        const exists = await trx.selectFrom('departments').select('id').where('id', '=', id).where('organization_id', '=', orgId).executeTakeFirst();
        if (!exists) return 'missing';
        if (!force) {
          const child = await trx.selectFrom('departments').select('id').where('parent_id', '=', id).executeTakeFirst();
          const member = await trx.selectFrom('department_members').select('user_id').where('department_id', '=', id).executeTakeFirst();
          if (child || member) return 'not_empty';
        }
        const subtree = await trx.selectFrom('department_closure').select('descendant_id').where('ancestor_id', '=', id).execute();
        const ids = subtree.map((r) => r.descendant_id);
        // Deepest first is not needed: parent_id has no foreign key; closure and member rows cascade.
        for (let i = 0; i < ids.length; i += 500) await trx.deleteFrom('departments').where('id', 'in', ids.slice(i, i + 500)).execute();
        return 'deleted';
      }),

    /** Direct children, one page. */
    children: async (poolId: string, id: string, q: { page: number; limit: number; status?: boolean; virtual?: 'exclude' | 'only' }) => {
      const count = await db
        .selectFrom('departments as d')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('d.pool_id', '=', poolId)
        .where('d.parent_id', '=', id)
        .$if(q.status !== undefined, (w) => w.where('d.status', '=', q.status ? 1 : 0))
        .$if(q.virtual !== undefined, (w) => w.where('d.is_virtual', '=', q.virtual === 'only' ? 1 : 0))
        .executeTakeFirstOrThrow();
      const rows = await viewQuery(db)
        .where('d.pool_id', '=', poolId)
        .where('d.parent_id', '=', id)
        .$if(q.status !== undefined, (w) => w.where('d.status', '=', q.status ? 1 : 0))
        .$if(q.virtual !== undefined, (w) => w.where('d.is_virtual', '=', q.virtual === 'only' ? 1 : 0))
        .orderBy('d.created_at', 'asc')
        .orderBy('d.id', 'asc')
        .limit(q.limit)
        .offset((q.page - 1) * q.limit)
        .execute();
      return { rows: rows.map(toView), totalCount: Number(count.n) };
    },

    /**
     * Every department below `id` (not itself), shallowest first, then by id (ids are
     * time-ordered): read in the order of the closure index (ancestor, depth, descendant), so a
     * page stops after its rows instead of sorting the whole subtree (0057).
     */
    subtree: async (poolId: string, id: string, q: { page: number; limit: number }) => {
      const count = await db.selectFrom('department_closure').select((eb) => eb.fn.countAll().as('n')).where('ancestor_id', '=', id).where('depth', '>', 0).executeTakeFirstOrThrow();
      const rows = await viewQuery(db)
        .innerJoin('department_closure as cl', 'cl.descendant_id', 'd.id')
        .where('cl.ancestor_id', '=', id)
        .where('cl.depth', '>', 0)
        .where('d.pool_id', '=', poolId)
        .orderBy('cl.depth', 'asc')
        .orderBy('cl.descendant_id', 'asc')
        .limit(q.limit)
        .offset((q.page - 1) * q.limit)
        .execute();
      return { rows: rows.map(toView), totalCount: Number(count.n) };
    },

    /** Ids of the department and everything below it (for membership and permission checks). */
    subtreeIds: async (id: string) => (await db.selectFrom('department_closure').select('descendant_id').where('ancestor_id', '=', id).execute()).map((r) => r.descendant_id),

    /** Ancestors of each department, root first, with the department itself last. */
    paths: async (ids: string[]): Promise<Map<string, Array<{ id: string; code: string | null; name: string }>>> => {
      const out = new Map<string, Array<{ id: string; code: string | null; name: string; depth: number }>>();
      if (ids.length === 0) return out;
      const rows = await db
        .selectFrom('department_closure as cl')
        .innerJoin('departments as a', 'a.id', 'cl.ancestor_id')
        .select(['cl.descendant_id', 'cl.depth', 'a.id', 'a.code', 'a.name'])
        .where('cl.descendant_id', 'in', ids)
        .execute();
      for (const r of rows) {
        const list = out.get(r.descendant_id) ?? [];
        list.push({ id: r.id, code: r.code, name: r.name, depth: r.depth });
        out.set(r.descendant_id, list);
      }
      for (const list of out.values()) list.sort((a, b) => b.depth - a.depth);
      return out;
    },

    search: async (poolId: string, orgId: string, keywords: string, limit: number) => {
      const pattern = likePattern(keywords);
      const rows = await viewQuery(db)
        .where('d.pool_id', '=', poolId)
        .where('d.organization_id', '=', orgId)
        .where(sql<boolean>`(lower(d.name) like ${pattern} escape '\\' or lower(coalesce(d.code, '')) like ${pattern} escape '\\')`)
        .orderBy('d.created_at', 'asc')
        .limit(limit)
        .execute();
      return rows.map(toView);
    },

    /** Leader user ids of each department. */
    leaders: async (deptIds: string[]): Promise<Map<string, string[]>> => {
      const out = new Map<string, string[]>();
      if (deptIds.length === 0) return out;
      const rows = await db.selectFrom('department_members').select(['department_id', 'user_id']).where('department_id', 'in', deptIds).where('is_leader', '=', 1).orderBy('joined_at').execute();
      for (const r of rows) out.set(r.department_id, [...(out.get(r.department_id) ?? []), r.user_id]);
      return out;
    },
  };
}
export type OrganizationsRepo = ReturnType<typeof createOrganizationsRepo>;
