import type { Kysely } from 'kysely';

/**
 * SAML identity provider: the signing keys of each user pool (RSA 2048 with a self-signed X.509
 * certificate, as SAML metadata publishes keys as certificates). Private keys are sealed with the
 * master secret. `status`: `active` signs; `next` is published in metadata ahead of a rotation;
 * `retired` is still published so service providers with cached metadata keep verifying during
 * the overlap. Per-application SAML and CAS settings live in the application's settings JSON;
 * pending requests, service tickets and session participants live in the shared KV.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('saml_signing_keys')
    .addColumn('kid', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('private_key_enc', 'text', (c) => c.notNull())
    .addColumn('certificate', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('activated_at', 'varchar(32)')
    .addColumn('retired_at', 'varchar(32)')
    .execute();
  await db.schema.createIndex('saml_signing_keys_pool').on('saml_signing_keys').column('pool_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('saml_signing_keys').execute();
}
