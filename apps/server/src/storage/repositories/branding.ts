import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/** SQL for the pool-wide login page configuration (migration 0060). */
export function createBrandingRepo(db: Kysely<Database>) {
  return {
    getPoolConfig: async (poolId: string): Promise<string | null> =>
      (await db.selectFrom('login_page_configs').select('config').where('pool_id', '=', poolId).executeTakeFirst())?.config ?? null,
    putPoolConfig: async (poolId: string, config: string, at: string): Promise<void> => {
      await db
        .insertInto('login_page_configs')
        .values({ pool_id: poolId, config, updated_at: at })
        .onConflict((oc) => oc.column('pool_id').doUpdateSet({ config, updated_at: at }))
        .execute();
    },
  };
}
export type BrandingRepo = ReturnType<typeof createBrandingRepo>;
