import type { Kysely, Selectable } from 'kysely';
import type { AccessKeyTable, Database } from '../db/schema.js';

export type AccessKeyRow = Selectable<AccessKeyTable>;
const LISTED = ['id', 'pool_id', 'name', 'enabled', 'created_at', 'last_used_at'] as const;
export type AccessKeyListing = Pick<AccessKeyRow, (typeof LISTED)[number]>;

export function createAccessKeysRepo(db: Kysely<Database>) {
  return {
    insert: (row: AccessKeyRow) => db.insertInto('access_keys').values(row).execute(),
    findById: (id: string) => db.selectFrom('access_keys').selectAll().where('id', '=', id).executeTakeFirst(),
    /** A key of one pool, without its sealed secret. */
    findInPool: (poolId: string, id: string): Promise<AccessKeyListing | undefined> =>
      db.selectFrom('access_keys').select(LISTED).where('pool_id', '=', poolId).where('id', '=', id).executeTakeFirst(),
    listByPool: (poolId: string): Promise<AccessKeyListing[]> => db.selectFrom('access_keys').select(LISTED).where('pool_id', '=', poolId).orderBy('created_at').orderBy('id').execute(),
    async setEnabled(poolId: string, id: string, enabled: boolean): Promise<boolean> {
      const r = await db.updateTable('access_keys').set({ enabled: enabled ? 1 : 0 }).where('pool_id', '=', poolId).where('id', '=', id).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async delete(poolId: string, id: string): Promise<boolean> {
      const r = await db.deleteFrom('access_keys').where('pool_id', '=', poolId).where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    /** Enabled keys of the pool other than `exceptId`. */
    async countOtherEnabled(poolId: string, exceptId: string): Promise<number> {
      const r = await db.selectFrom('access_keys').select((eb) => eb.fn.countAll<string | number>().as('n')).where('pool_id', '=', poolId).where('enabled', '=', 1).where('id', '!=', exceptId).executeTakeFirstOrThrow();
      return Number(r.n);
    },
    touchLastUsed: (id: string, at: string) => db.updateTable('access_keys').set({ last_used_at: at }).where('id', '=', id).execute(),
  };
}
export type AccessKeysRepo = ReturnType<typeof createAccessKeysRepo>;
