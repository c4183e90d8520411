import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, PermissionGrantTable, ResourceTable } from '../db/schema.js';
import { likePattern, pageOf } from './list-queries.js';

export type ResourceRow = Selectable<ResourceTable>;
export type GrantRow = Selectable<PermissionGrantTable>;
export type TargetType = 'USER' | 'ROLE' | 'GROUP' | 'DEPARTMENT';

/** The foreign-key column each target type is held in. */
export const TARGET_COLUMN = { USER: 'user_id', ROLE: 'role_id', GROUP: 'group_id', DEPARTMENT: 'department_id' } as const;

/** A grant joined with its resource. */
export interface GrantView {
  code: string;
  type: string;
  api_identifier: string | null;
  description: string | null;
  action: string;
}

/** All SQL for resources and permission grants, scoped by pool. */
export function createPermissionsRepo(db: Kysely<Database>) {
  const grantView = () =>
    db
      .selectFrom('permission_grants as g')
      .innerJoin('resources as r', 'r.id', 'g.resource_id')
      .select(['r.code', 'r.type', 'r.api_identifier', 'r.description', 'g.action'])
      .distinct();

  return {
    insertResource: (row: ResourceRow) => db.insertInto('resources').values(row).execute(),

    findResource: (poolId: string, namespace: string, code: string) =>
      db.selectFrom('resources').selectAll().where('pool_id', '=', poolId).where('namespace', '=', namespace).where('code', '=', code).executeTakeFirst(),

    findResources: (poolId: string, namespace: string, codes: string[]) =>
      codes.length === 0 ? Promise.resolve([]) : db.selectFrom('resources').selectAll().where('pool_id', '=', poolId).where('namespace', '=', namespace).where('code', 'in', codes).execute(),

    /** All or none: one transaction (a duplicate code fails the whole batch). */
    insertResources: (rows: ResourceRow[]) =>
      db.transaction().execute(async (trx) => {
        for (const row of rows) await trx.insertInto('resources').values(row).execute();
      }),

    findResourcesByIds: (poolId: string, ids: string[]) =>
      ids.length === 0 ? Promise.resolve([]) : db.selectFrom('resources').selectAll().where('pool_id', '=', poolId).where('id', 'in', ids).execute(),

    /**
     * One page of resources: in the namespaces given (all of the pool's when none), of one type,
     * and/or whose code, name or description contains `keyword` (case-insensitive).
     */
    listResources: (poolId: string, q: { namespaces?: string[] | undefined; type?: string | undefined; keyword?: string | undefined; page: number; limit: number }) => {
      let where = db.selectFrom('resources').where('pool_id', '=', poolId);
      if (q.namespaces && q.namespaces.length > 0) where = where.where('namespace', 'in', q.namespaces);
      if (q.type !== undefined) where = where.where('type', '=', q.type);
      if (q.keyword) {
        const pattern = likePattern(q.keyword);
        where = where.where(sql<boolean>`(lower(code) like ${pattern} escape '\\' or lower(coalesce(name, '')) like ${pattern} escape '\\' or lower(coalesce(description, '')) like ${pattern} escape '\\')`);
      }
      return pageOf(where, (w) => w.selectAll().orderBy('created_at', 'asc').orderBy('id', 'asc'), q);
    },

    /** Grants on the resources go with them (ON DELETE CASCADE); one transaction; returns how many grants there were. */
    deleteResources: (poolId: string, ids: string[]) =>
      db.transaction().execute(async (trx) => {
        const { n } = await trx.selectFrom('permission_grants').select((eb) => eb.fn.countAll().as('n')).where('resource_id', 'in', ids).executeTakeFirstOrThrow();
        await trx.deleteFrom('resources').where('pool_id', '=', poolId).where('id', 'in', ids).execute();
        return Number(n);
      }),

    updateResource: (poolId: string, id: string, patch: Partial<Pick<ResourceRow, 'name' | 'description' | 'type' | 'actions' | 'api_identifier' | 'updated_at'>>) =>
      db.updateTable('resources').set(patch).where('pool_id', '=', poolId).where('id', '=', id).execute(),

    /** Grants on the resource go with it (ON DELETE CASCADE); returns how many there were. */
    deleteResource: (poolId: string, id: string) =>
      db.transaction().execute(async (trx) => {
        const { n } = await trx.selectFrom('permission_grants').select((eb) => eb.fn.countAll().as('n')).where('resource_id', '=', id).executeTakeFirstOrThrow();
        await trx.deleteFrom('resources').where('pool_id', '=', poolId).where('id', '=', id).execute();
        return Number(n);
      }),

    /**
     * Sets, in one transaction, the actions each (target, resource) pair has: rows not in the
     * new list are removed, new ones added. Returns what was added and removed.
     */
    setGrants: (poolId: string, items: Array<{ targetType: TargetType; targetId: string; resourceId: string; actions: string[]; includeChildren: boolean }>, newId: () => string, at: string) =>
      db.transaction().execute(async (trx) => {
        const added: Array<{ targetType: TargetType; targetId: string; resourceId: string; action: string }> = [];
        const removed: typeof added = [];
        for (const it of items) {
          const key = `${it.targetType}:${it.targetId}`;
          const current = await trx.selectFrom('permission_grants').select(['action', 'include_children']).where('resource_id', '=', it.resourceId).where('target_key', '=', key).execute();
          const have = new Set(current.map((c) => c.action));
          const want = new Set(it.actions);
          const gone = [...have].filter((a) => !want.has(a));
          if (gone.length > 0) await trx.deleteFrom('permission_grants').where('resource_id', '=', it.resourceId).where('target_key', '=', key).where('action', 'in', gone).execute();
          for (const a of gone) removed.push({ targetType: it.targetType, targetId: it.targetId, resourceId: it.resourceId, action: a });
          // The inheritance flag is the pair's, not an action's: kept in step on every row.
          await trx.updateTable('permission_grants').set({ include_children: it.includeChildren ? 1 : 0 }).where('resource_id', '=', it.resourceId).where('target_key', '=', key).execute();
          for (const a of want) {
            if (have.has(a)) continue;
            await trx
              .insertInto('permission_grants')
              .values({ id: newId(), pool_id: poolId, resource_id: it.resourceId, action: a, target_type: it.targetType, target_key: key, user_id: null, role_id: null, group_id: null, department_id: null, [TARGET_COLUMN[it.targetType]]: it.targetId, include_children: it.includeChildren ? 1 : 0, created_at: at })
              .execute();
            added.push({ targetType: it.targetType, targetId: it.targetId, resourceId: it.resourceId, action: a });
          }
        }
        return { added, removed };
      }),

    /** Grants given directly to one target, with their resources. */
    grantsOf: (poolId: string, targetType: TargetType, targetId: string, q: { namespace: string; type?: string | undefined; codes?: string[] | undefined }) =>
      grantView()
        .where('g.pool_id', '=', poolId)
        .where('g.target_key', '=', `${targetType}:${targetId}`)
        .where('r.namespace', '=', q.namespace)
        .$if(q.type !== undefined, (w) => w.where('r.type', '=', q.type!))
        .$if(q.codes !== undefined && q.codes.length > 0, (w) => w.where('r.code', 'in', q.codes!))
        .orderBy('r.code')
        .orderBy('g.action')
        .execute() as Promise<GrantView[]>,

    /** Grants of several targets of one type (groups being deleted, …). */
    countGrantsOfTargets: async (targetType: TargetType, ids: string[]) =>
      ids.length === 0 ? 0 : Number((await db.selectFrom('permission_grants').select((eb) => eb.fn.countAll().as('n')).where(TARGET_COLUMN[targetType], 'in', ids).executeTakeFirstOrThrow()).n),

    /**
     * Every grant that reaches the user, in one query: their own, their roles' (in the
     * namespace), their groups', their departments', and those of ancestor departments whose grant
     * includes sub-departments (docs/permissions.md).
     */
    effectiveGrants: (poolId: string, userId: string, namespace: string, type?: string) =>
      grantView()
        .where('g.pool_id', '=', poolId)
        .where('r.namespace', '=', namespace)
        .$if(type !== undefined, (w) => w.where('r.type', '=', type!))
        .where((eb) =>
          eb.or([
            eb('g.user_id', '=', userId),
            eb('g.role_id', 'in', eb.selectFrom('user_roles').select('role_id').where('user_id', '=', userId)),
            eb('g.group_id', 'in', eb.selectFrom('group_members').select('group_id').where('user_id', '=', userId)),
            eb('g.department_id', 'in', eb.selectFrom('department_members').select('department_id').where('user_id', '=', userId)),
            eb.and([
              eb('g.include_children', '=', 1),
              eb(
                'g.department_id',
                'in',
                eb.selectFrom('department_closure as cl').innerJoin('department_members as m', 'm.department_id', 'cl.descendant_id').select('cl.ancestor_id').where('m.user_id', '=', userId),
              ),
            ]),
          ]),
        )
        .orderBy('r.code')
        .orderBy('g.action')
        .execute() as Promise<GrantView[]>,

    /** Resource codes as stored, to tell a resource that does not exist from one not granted. */
    resourceExists: async (poolId: string, namespace: string, code: string) =>
      (await db.selectFrom('resources').select(sql<number>`1`.as('one')).where('pool_id', '=', poolId).where('namespace', '=', namespace).where('code', '=', code).executeTakeFirst()) !== undefined,
  };
}
export type PermissionsRepo = ReturnType<typeof createPermissionsRepo>;
