import type { Kysely } from 'kysely';

/**
 * Per-user MFA state (docs/mfa.md):
 *  - `trigger_data`: the user's MFA trigger data set by `setUsersMfaStatus` (JSON: the factors
 *    demanded of this user and an optional mode). It can only add to the pool's and the app's
 *    policy, never weaken it.
 *  - `devices_revoked_at`: "remember this device" cookies issued before this instant are dead
 *    (set when the user's factors are reset).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mfa_user_settings')
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('trigger_data', 'text')
    .addColumn('devices_revoked_at', 'varchar(32)')
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('mfa_user_settings_pk', ['pool_id', 'user_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('mfa_user_settings').execute();
}
