import type { Kysely } from 'kysely';

/**
 * Issue #4: password sign-in, registration and account lifecycle. Portable DDL as in 0001.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Per-pool authentication settings (password policy, brute-force limits, registration switches).
  await db.schema
    .createTable('pool_auth_settings')
    .addColumn('pool_id', 'varchar(64)', (c) => c.primaryKey().references('user_pools.id').onDelete('cascade'))
    .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();

  // Per-pool key pairs for client-side password encryption (rsa, sm2); private keys sealed with the master key.
  await db.schema
    .createTable('pool_crypto_keys')
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('private_key_enc', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('pool_crypto_keys_pk', ['pool_id', 'kind'])
    .execute();

  // Login history: one row per sign-in attempt (time, IP, user agent, method, result).
  await db.schema
    .createTable('login_events')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('user_id', 'varchar(64)')
    .addColumn('app_id', 'varchar(64)')
    .addColumn('at', 'varchar(32)', (c) => c.notNull())
    .addColumn('ip', 'varchar(64)')
    .addColumn('user_agent', 'varchar(512)')
    .addColumn('method', 'varchar(64)', (c) => c.notNull())
    .addColumn('success', 'integer', (c) => c.notNull())
    .addColumn('code', 'varchar(64)')
    .addColumn('request_id', 'varchar(64)')
    .execute();
  await db.schema.createIndex('login_events_user').on('login_events').columns(['pool_id', 'user_id', 'at']).execute();

  // Previous password hashes for the optional no-reuse rule.
  await db.schema
    .createTable('password_history')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('password_history_user').on('password_history').columns(['pool_id', 'user_id', 'created_at']).execute();

  // JitAi login-method instances (auths/loginTypes/<Name>), from a directory or the API.
  await db.schema
    .createTable('login_method_instances')
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('name', 'varchar(128)', (c) => c.notNull())
    .addColumn('type', 'varchar(128)', (c) => c.notNull())
    .addColumn('element', 'text', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('source', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('login_method_instances_pk', ['pool_id', 'name'])
    .execute();

  // Set by "refresh all hashes" (JitAi refreshDbPassword): the next successful sign-in rehashes.
  await db.schema.alterTable('users').addColumn('password_refresh', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('password_refresh').execute();
  for (const t of ['login_method_instances', 'password_history', 'login_events', 'pool_crypto_keys', 'pool_auth_settings']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
