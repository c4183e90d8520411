import type { Kysely, Selectable } from 'kysely';
import type { Database, PipelineCustomDatabaseTable, PipelineCustomDatabaseUserTable, PipelineEnvTable, PipelineFunctionTable, PipelineLogTable } from '../db/schema.js';

export type CustomDatabaseRow = Selectable<PipelineCustomDatabaseTable>;
export type OwnUserRow = Selectable<PipelineCustomDatabaseUserTable>;

export type PipelineFunctionRow = Selectable<PipelineFunctionTable>;
export type PipelineLogRow = Selectable<PipelineLogTable>;
export type PipelineEnvRow = Selectable<PipelineEnvTable>;

/** SQL for user scripts, their environment and their run log (migration 0040). */
export function createPipelineRepo(db: Kysely<Database>) {
  return {
    insert: async (row: PipelineFunctionRow): Promise<void> => {
      await db.insertInto('pipeline_functions').values(row).execute();
    },
    findById: async (poolId: string, id: string): Promise<PipelineFunctionRow | undefined> =>
      db.selectFrom('pipeline_functions').selectAll().where('pool_id', '=', poolId).where('id', '=', id).executeTakeFirst(),
    /** Functions of a pool, in scene order; one scene when named. */
    list: async (poolId: string, scene?: string): Promise<PipelineFunctionRow[]> => {
      let q = db.selectFrom('pipeline_functions').selectAll().where('pool_id', '=', poolId);
      if (scene) q = q.where('scene', '=', scene);
      return q.orderBy('scene').orderBy('position').orderBy('created_at').execute();
    },
    countInScene: async (poolId: string, scene: string): Promise<number> =>
      Number((await db.selectFrom('pipeline_functions').select((e) => e.fn.countAll<number>().as('n')).where('pool_id', '=', poolId).where('scene', '=', scene).executeTakeFirst())?.n ?? 0),
    update: async (poolId: string, id: string, patch: Partial<Omit<PipelineFunctionRow, 'id' | 'pool_id' | 'created_at'>>): Promise<void> => {
      await db.updateTable('pipeline_functions').set(patch).where('pool_id', '=', poolId).where('id', '=', id).execute();
    },
    /** New positions of a scene's functions, in one transaction (all or none). */
    reorder: async (poolId: string, scene: string, ids: readonly string[], at: string): Promise<void> => {
      await db.transaction().execute(async (tx) => {
        for (const [i, id] of ids.entries()) {
          await tx.updateTable('pipeline_functions').set({ position: i, updated_at: at }).where('pool_id', '=', poolId).where('scene', '=', scene).where('id', '=', id).execute();
        }
      });
    },
    delete: async (poolId: string, id: string): Promise<boolean> => {
      const r = await db.deleteFrom('pipeline_functions').where('pool_id', '=', poolId).where('id', '=', id).executeTakeFirst();
      await db.deleteFrom('pipeline_logs').where('pool_id', '=', poolId).where('func_id', '=', id).execute();
      return Number(r.numDeletedRows) > 0;
    },
    setLastStatus: async (poolId: string, id: string, status: string): Promise<void> => {
      await db.updateTable('pipeline_functions').set({ last_status: status }).where('pool_id', '=', poolId).where('id', '=', id).execute();
    },

    putEnv: async (row: PipelineEnvRow): Promise<void> => {
      await db
        .insertInto('pipeline_env')
        .values(row)
        .onConflict((oc) => oc.columns(['pool_id', 'name']).doUpdateSet({ value_enc: row.value_enc, updated_at: row.updated_at }))
        .execute();
    },
    listEnv: async (poolId: string): Promise<PipelineEnvRow[]> => db.selectFrom('pipeline_env').selectAll().where('pool_id', '=', poolId).orderBy('name').execute(),
    findEnv: async (poolId: string, name: string): Promise<PipelineEnvRow | undefined> =>
      db.selectFrom('pipeline_env').selectAll().where('pool_id', '=', poolId).where('name', '=', name).executeTakeFirst(),
    deleteEnv: async (poolId: string, name: string): Promise<boolean> =>
      Number((await db.deleteFrom('pipeline_env').where('pool_id', '=', poolId).where('name', '=', name).executeTakeFirst()).numDeletedRows) > 0,

    findCustomDatabase: async (poolId: string): Promise<CustomDatabaseRow | undefined> =>
      db.selectFrom('pipeline_custom_databases').selectAll().where('pool_id', '=', poolId).executeTakeFirst(),
    putCustomDatabase: async (row: CustomDatabaseRow): Promise<void> => {
      const { pool_id: _p, ...rest } = row;
      await db.insertInto('pipeline_custom_databases').values(row).onConflict((oc) => oc.column('pool_id').doUpdateSet(rest)).execute();
    },

    findOwnUser: async (poolId: string, userId: string): Promise<OwnUserRow | undefined> =>
      db.selectFrom('pipeline_custom_database_users').selectAll().where('pool_id', '=', poolId).where('user_id', '=', userId).executeTakeFirst(),
    findOwnUserByExternal: async (poolId: string, externalId: string): Promise<OwnUserRow | undefined> =>
      db.selectFrom('pipeline_custom_database_users').selectAll().where('pool_id', '=', poolId).where('external_id', '=', externalId).executeTakeFirst(),
    insertOwnUser: async (row: OwnUserRow): Promise<void> => {
      await db.insertInto('pipeline_custom_database_users').values(row).execute();
    },
    deleteOwnUser: async (poolId: string, userId: string): Promise<void> => {
      await db.deleteFrom('pipeline_custom_database_users').where('pool_id', '=', poolId).where('user_id', '=', userId).execute();
    },

    insertLog: async (row: PipelineLogRow): Promise<void> => {
      await db.insertInto('pipeline_logs').values(row).execute();
    },
    /** Newest first; all functions of the pool unless one is named. */
    listLogs: async (poolId: string, funcId: string | undefined, page: number, limit: number): Promise<{ rows: PipelineLogRow[]; total: number }> => {
      let base = db.selectFrom('pipeline_logs').where('pool_id', '=', poolId);
      if (funcId) base = base.where('func_id', '=', funcId);
      const rows = await base.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).offset((page - 1) * limit).execute();
      const total = Number((await base.select((e) => e.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
      return { rows, total };
    },
  };
}
export type PipelineRepo = ReturnType<typeof createPipelineRepo>;
