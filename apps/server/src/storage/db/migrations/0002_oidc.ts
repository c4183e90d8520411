import type { Kysely } from 'kysely';

/** OIDC signing keys per user pool (oidc/signing-keys.ts). Private keys are sealed (SecretBox). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('oidc_signing_keys')
    .addColumn('kid', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('alg', 'varchar(16)', (c) => c.notNull())
    /** 'active' signs new tokens; 'retired' is only published for verification. */
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('private_jwk_enc', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('retired_at', 'varchar(32)')
    .execute();
  await db.schema.createIndex('oidc_signing_keys_pool').on('oidc_signing_keys').columns(['pool_id', 'status']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('oidc_signing_keys').ifExists().execute();
}
