import type { Kysely } from 'kysely';

/**
 * Multi-factor authentication (docs/mfa.md):
 *  - `mfa_factors`: a user's enrolled second factors, one per type (OTP, SMS, EMAIL). An OTP
 *    secret is sealed with the master secret; `last_step` is the last accepted TOTP time step, so
 *    each code is accepted once (RFC 6238 §5.2 leaves replay to the verifier).
 *  - `mfa_recovery_codes`: keyed digests of the ten recovery codes, single use.
 *  - `mfa_policies`: per pool (`app_id` '') and per application: mode (off, optional, required)
 *    and the enabled factor types; the pool row also says whether OTP secrets may be read back.
 *  - `webauthn_credentials`: passkeys / security keys (public keys, signature counters).
 * Enrolment tokens, WebAuthn challenges and waiting sign-ins live in the shared KV.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mfa_factors')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('factor_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('profile', 'text', (c) => c.notNull())
    .addColumn('secret_enc', 'text')
    .addColumn('last_step', 'integer')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('mfa_factors_user_type').on('mfa_factors').columns(['pool_id', 'user_id', 'factor_type']).unique().execute();

  await db.schema
    .createTable('mfa_recovery_codes')
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('code_digest', 'varchar(64)', (c) => c.notNull())
    .addColumn('used_at', 'varchar(32)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('mfa_recovery_codes_pk', ['pool_id', 'user_id', 'code_digest'])
    .execute();

  await db.schema
    .createTable('mfa_policies')
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('app_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('mode', 'varchar(16)', (c) => c.notNull())
    .addColumn('factors', 'text', (c) => c.notNull())
    .addColumn('allow_otp_export', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('remember_device_days', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('mfa_policies_pk', ['pool_id', 'app_id'])
    .execute();

  await db.schema
    .createTable('webauthn_credentials')
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('credential_id', 'varchar(512)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('counter', 'bigint', (c) => c.notNull())
    .addColumn('transports', 'text', (c) => c.notNull())
    .addColumn('device_type', 'varchar(32)', (c) => c.notNull())
    .addColumn('backed_up', 'integer', (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('last_used_at', 'varchar(32)')
    .addPrimaryKeyConstraint('webauthn_credentials_pk', ['pool_id', 'credential_id'])
    .execute();
  await db.schema.createIndex('webauthn_credentials_user').on('webauthn_credentials').columns(['pool_id', 'user_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('webauthn_credentials').execute();
  await db.schema.dropTable('mfa_policies').execute();
  await db.schema.dropTable('mfa_recovery_codes').execute();
  await db.schema.dropTable('mfa_factors').execute();
}
