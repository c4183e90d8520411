import type { Kysely } from 'kysely';

/** Portable DDL: text ids, ISO text timestamps, 0/1 integers, JSON as text (see schema.ts). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('user_pools')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('access_keys')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('name', 'varchar(255)')
    .addColumn('secret_enc', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('last_used_at', 'varchar(32)')
    .execute();
  await db.schema.createIndex('access_keys_pool').on('access_keys').column('pool_id').execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('username', 'varchar(255)')
    .addColumn('email', 'varchar(320)')
    .addColumn('phone', 'varchar(64)')
    .addColumn('phone_country_code', 'varchar(16)')
    .addColumn('external_id', 'varchar(255)')
    .addColumn('name', 'varchar(255)')
    .addColumn('nickname', 'varchar(255)')
    .addColumn('given_name', 'varchar(255)')
    .addColumn('family_name', 'varchar(255)')
    .addColumn('middle_name', 'varchar(255)')
    .addColumn('preferred_username', 'varchar(255)')
    .addColumn('profile', 'text')
    .addColumn('website', 'text')
    .addColumn('photo', 'text')
    .addColumn('gender', 'varchar(8)', (c) => c.notNull().defaultTo('U'))
    .addColumn('birthdate', 'varchar(32)')
    .addColumn('zoneinfo', 'varchar(64)')
    .addColumn('locale', 'varchar(32)')
    .addColumn('address', 'text')
    .addColumn('street_address', 'text')
    .addColumn('city', 'varchar(255)')
    .addColumn('province', 'varchar(255)')
    .addColumn('region', 'varchar(255)')
    .addColumn('formatted', 'text')
    .addColumn('postal_code', 'varchar(64)')
    .addColumn('country', 'varchar(64)')
    .addColumn('company', 'varchar(255)')
    .addColumn('browser', 'varchar(255)')
    .addColumn('device', 'varchar(255)')
    .addColumn('identity_number', 'varchar(64)')
    .addColumn('email_verified', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('phone_verified', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'varchar(32)', (c) => c.notNull().defaultTo('Activated'))
    .addColumn('blocked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('logins_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_login', 'varchar(32)')
    .addColumn('last_ip', 'varchar(64)')
    .addColumn('signed_up', 'varchar(32)')
    .addColumn('password_hash', 'text')
    .addColumn('password_last_set_at', 'varchar(32)')
    .addColumn('reset_password_on_next_login', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('custom_data', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  // Identifiers are unique per pool; NULLs do not collide on SQLite or PostgreSQL.
  await db.schema.createIndex('users_pool_username').on('users').columns(['pool_id', 'username']).unique().execute();
  await db.schema.createIndex('users_pool_email').on('users').columns(['pool_id', 'email']).unique().execute();
  await db.schema.createIndex('users_pool_phone').on('users').columns(['pool_id', 'phone']).unique().execute();
  await db.schema.createIndex('users_pool_external_id').on('users').columns(['pool_id', 'external_id']).unique().execute();
  await db.schema.createIndex('users_pool_created').on('users').columns(['pool_id', 'created_at']).execute();

  await db.schema
    .createTable('applications')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('identifier', 'varchar(255)', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('logo', 'text')
    .addColumn('type', 'varchar(16)', (c) => c.notNull())
    .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('secret_enc', 'text', (c) => c.notNull())
    .addColumn('secret_digest', 'varchar(128)', (c) => c.notNull())
    .addColumn('redirect_uris', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('logout_redirect_uris', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('token_endpoint_auth_method', 'varchar(32)', (c) => c.notNull())
    .addColumn('oidc_config', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('login_methods', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('applications_pool').on('applications').columns(['pool_id', 'created_at']).execute();
  await db.schema.createIndex('applications_pool_identifier').on('applications').columns(['pool_id', 'identifier']).unique().execute();

  await db.schema
    .createTable('roles')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('namespace', 'varchar(64)', (c) => c.notNull())
    .addColumn('code', 'varchar(64)', (c) => c.notNull())
    .addColumn('name', 'varchar(255)')
    .addColumn('description', 'text')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('roles_pool_ns_code').on('roles').columns(['pool_id', 'namespace', 'code']).unique().execute();

  await db.schema
    .createTable('user_roles')
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role_id', 'varchar(64)', (c) => c.notNull().references('roles.id').onDelete('cascade'))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_roles_pk', ['user_id', 'role_id'])
    .execute();
  await db.schema.createIndex('user_roles_role').on('user_roles').column('role_id').execute();

  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey()) // time-ordered id, see utils/ids.ts
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('at', 'varchar(32)', (c) => c.notNull())
    .addColumn('type', 'varchar(64)', (c) => c.notNull())
    .addColumn('actor', 'varchar(128)')
    .addColumn('subject', 'varchar(128)')
    .addColumn('ip', 'varchar(64)')
    .addColumn('user_agent', 'text')
    .addColumn('result', 'varchar(16)', (c) => c.notNull())
    .addColumn('request_id', 'varchar(64)')
    .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema.createIndex('audit_events_pool_at').on('audit_events').columns(['pool_id', 'at']).execute();

  // Short-lived shared state when no Redis is configured (storage/kv/sql-kv.ts).
  await db.schema
    .createTable('kv')
    .addColumn('key', 'varchar(512)', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('kv_expires').on('kv').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['kv', 'audit_events', 'user_roles', 'roles', 'applications', 'users', 'access_keys', 'user_pools']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
