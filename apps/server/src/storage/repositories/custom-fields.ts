import type { Kysely, Selectable } from 'kysely';
import type { CustomFieldTable, Database } from '../db/schema.js';

/**
 * The only SQL on custom fields (migration 0050) and on a user's `custom_data` when written as
 * custom data. Every query is scoped by pool.
 */
export type CustomFieldRow = Selectable<CustomFieldTable>;

/** The `custom_data` target-type suffix of a target's sealed document. */
const SEALED = ':sealed';

/** A unique-constraint violation on SQLite (better-sqlite3) or PostgreSQL. */
const isUniqueViolation = (err: unknown) => {
  const e = err as { code?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE';
};

export interface UniqueClaim {
  key: string;
  /** The normalised value; null releases the target's value of this field. */
  value: string | null;
}

export function createCustomFieldsRepo(db: Kysely<Database>) {
  return {
    list: (poolId: string, targetType?: string) => {
      let q = db.selectFrom('custom_fields').selectAll().where('pool_id', '=', poolId);
      if (targetType) q = q.where('target_type', '=', targetType);
      return q.orderBy('target_type').orderBy('created_at').orderBy('key').execute();
    },
    count: async (poolId: string, targetType: string) =>
      Number((await db.selectFrom('custom_fields').select((eb) => eb.fn.countAll().as('n')).where('pool_id', '=', poolId).where('target_type', '=', targetType).executeTakeFirstOrThrow()).n),
    find: (poolId: string, targetType: string, key: string) =>
      db.selectFrom('custom_fields').selectAll().where('pool_id', '=', poolId).where('target_type', '=', targetType).where('key', '=', key).executeTakeFirst(),
    /** Inserts new definitions and updates existing ones, all or nothing. */
    putMany: (rows: Array<{ row: CustomFieldRow; exists: boolean }>) =>
      db.transaction().execute(async (trx) => {
        for (const { row, exists } of rows) {
          if (!exists) await trx.insertInto('custom_fields').values(row).execute();
          else {
            const { pool_id, target_type, key, created_at: _c, ...rest } = row;
            await trx.updateTable('custom_fields').set(rest).where('pool_id', '=', pool_id).where('target_type', '=', target_type).where('key', '=', key).execute();
          }
        }
      }),
    /** Removes definitions and the unique values held under them (stored data is left as it is). */
    delete: (poolId: string, items: Array<{ targetType: string; key: string }>) =>
      db.transaction().execute(async (trx) => {
        for (const i of items) {
          await trx.deleteFrom('custom_fields').where('pool_id', '=', poolId).where('target_type', '=', i.targetType).where('key', '=', i.key).execute();
          await trx.deleteFrom('custom_field_unique_values').where('pool_id', '=', poolId).where('target_type', '=', i.targetType).where('key', '=', i.key).execute();
        }
      }),

    /** The stored custom data of a non-user target ({} when none). */
    dataOf: async (poolId: string, targetType: string, targetId: string) =>
      (await db.selectFrom('custom_data').select('data').where('pool_id', '=', poolId).where('target_type', '=', targetType).where('target_id', '=', targetId).executeTakeFirst())?.data ?? '{}',

    /**
     * Writes a target's whole custom data and its unique values in one transaction. A value
     * another target holds violates the primary key of `custom_field_unique_values`: nothing is
     * written and the key is returned.
     */
    /** A target's sealed document (values of encrypted fields), kept apart from its own row under `<TYPE>:sealed`. */
    sealedOf: async (poolId: string, targetType: string, targetId: string) =>
      (await db.selectFrom('custom_data').select('data').where('pool_id', '=', poolId).where('target_type', '=', `${targetType}${SEALED}`).where('target_id', '=', targetId).executeTakeFirst())?.data,

    async writeData(poolId: string, targetType: string, targetId: string, data: string, claims: UniqueClaim[], at: string, sealed?: string): Promise<{ conflict?: string }> {
      let current: string | undefined;
      try {
        await db.transaction().execute(async (trx) => {
          for (const c of claims) {
            current = c.key;
            await trx.deleteFrom('custom_field_unique_values').where('pool_id', '=', poolId).where('target_type', '=', targetType).where('key', '=', c.key).where('target_id', '=', targetId).execute();
            if (c.value !== null) await trx.insertInto('custom_field_unique_values').values({ pool_id: poolId, target_type: targetType, key: c.key, value: c.value, target_id: targetId }).execute();
          }
          current = undefined;
          if (sealed !== undefined)
            await trx
              .insertInto('custom_data')
              .values({ pool_id: poolId, target_type: `${targetType}${SEALED}`, target_id: targetId, data: sealed, updated_at: at })
              .onConflict((oc) => oc.columns(['pool_id', 'target_type', 'target_id']).doUpdateSet({ data: sealed, updated_at: at }))
              .execute();
          // Users, groups and departments hold their custom data in their own row (read with withCustomData); roles here.
          if (targetType === 'USER') await trx.updateTable('users').set({ custom_data: data, updated_at: at }).where('pool_id', '=', poolId).where('id', '=', targetId).execute();
          else if (targetType === 'GROUP') await trx.updateTable('user_groups').set({ custom_data: data }).where('pool_id', '=', poolId).where('id', '=', targetId).execute();
          else if (targetType === 'DEPARTMENT') await trx.updateTable('departments').set({ custom_data: data }).where('pool_id', '=', poolId).where('id', '=', targetId).execute();
          else
            await trx
              .insertInto('custom_data')
              .values({ pool_id: poolId, target_type: targetType, target_id: targetId, data, updated_at: at })
              .onConflict((oc) => oc.columns(['pool_id', 'target_type', 'target_id']).doUpdateSet({ data, updated_at: at }))
              .execute();
        });
        return {};
      } catch (err) {
        if (current !== undefined && isUniqueViolation(err)) return { conflict: current };
        throw err;
      }
    },
  };
}
export type CustomFieldsRepo = ReturnType<typeof createCustomFieldsRepo>;
