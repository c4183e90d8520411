import type { Kysely, Selectable } from 'kysely';
import type { Database, UserPoolTable } from '../db/schema.js';

export type PoolRow = Selectable<UserPoolTable>;

export function createPoolsRepo(db: Kysely<Database>) {
  return {
    insert: (row: PoolRow) => db.insertInto('user_pools').values(row).execute(),
    findById: (id: string) => db.selectFrom('user_pools').selectAll().where('id', '=', id).executeTakeFirst(),
    findDefault: () => db.selectFrom('user_pools').selectAll().where('is_default', '=', 1).executeTakeFirst(),
    list: () => db.selectFrom('user_pools').selectAll().orderBy('created_at').execute(),
    count: async () => Number((await db.selectFrom('user_pools').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
  };
}
export type PoolsRepo = ReturnType<typeof createPoolsRepo>;

/** Removes a pool and (by ON DELETE CASCADE) everything in it; used to undo a failed provisioning. */
export const deletePool = (db: Kysely<Database>, id: string) => db.deleteFrom('user_pools').where('id', '=', id).execute();
