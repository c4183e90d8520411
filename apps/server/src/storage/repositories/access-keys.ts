import type { Kysely, Selectable } from 'kysely';
import type { AccessKeyTable, Database } from '../db/schema.js';

export type AccessKeyRow = Selectable<AccessKeyTable>;

export function createAccessKeysRepo(db: Kysely<Database>) {
  return {
    insert: (row: AccessKeyRow) => db.insertInto('access_keys').values(row).execute(),
    findById: (id: string) => db.selectFrom('access_keys').selectAll().where('id', '=', id).executeTakeFirst(),
    listByPool: (poolId: string) =>
      db.selectFrom('access_keys').select(['id', 'pool_id', 'name', 'enabled', 'created_at', 'last_used_at']).where('pool_id', '=', poolId).orderBy('created_at').execute(),
    setEnabled: (poolId: string, id: string, enabled: boolean) =>
      db.updateTable('access_keys').set({ enabled: enabled ? 1 : 0 }).where('pool_id', '=', poolId).where('id', '=', id).executeTakeFirst(),
  };
}
export type AccessKeysRepo = ReturnType<typeof createAccessKeysRepo>;
