import type { Kysely } from 'kysely';

/**
 * Federation (issue 12): identity sources (`ext_idps`), their connections (`ext_idp_conns`,
 * `fields` sealed with the master key because they hold client secrets and private keys), the
 * per-application enablement of a connection (`ext_idp_conn_apps`) and the external identities
 * of users (`user_identities`).
 *
 * An identity is keyed by (`scope`, `id_type`, `subject`) inside a pool, never by email
 * (security checklist item 28): `scope` is the connection id for the provider's own subject
 * (`id_type` `generic`), or the source id for a subject several connections of one source share
 * (`id_type` `unionid`: WeChat's unionid across the Open Platform apps of one account).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ext_idps')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('type', 'varchar(64)', (c) => c.notNull())
    .addColumn('tenant_id', 'varchar(64)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ext_idps_pool').on('ext_idps').column('pool_id').execute();

  await db.schema
    .createTable('ext_idp_conns')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('ext_idp_id', 'varchar(64)', (c) => c.notNull().references('ext_idps.id').onDelete('cascade'))
    .addColumn('type', 'varchar(64)', (c) => c.notNull())
    .addColumn('identifier', 'varchar(128)', (c) => c.notNull())
    .addColumn('display_name', 'varchar(255)', (c) => c.notNull())
    .addColumn('logo', 'text')
    .addColumn('login_only', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('fields_enc', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ext_idp_conns_identifier').on('ext_idp_conns').columns(['pool_id', 'identifier']).unique().execute();
  await db.schema.createIndex('ext_idp_conns_idp').on('ext_idp_conns').column('ext_idp_id').execute();

  await db.schema
    .createTable('ext_idp_conn_apps')
    .addColumn('conn_id', 'varchar(64)', (c) => c.notNull().references('ext_idp_conns.id').onDelete('cascade'))
    .addColumn('app_id', 'varchar(64)', (c) => c.notNull().references('applications.id').onDelete('cascade'))
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('ext_idp_conn_apps_pk', ['conn_id', 'app_id'])
    .execute();
  await db.schema.createIndex('ext_idp_conn_apps_app').on('ext_idp_conn_apps').columns(['pool_id', 'app_id']).execute();

  await db.schema
    .createTable('user_identities')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('ext_idp_id', 'varchar(64)', (c) => c.notNull().references('ext_idps.id').onDelete('cascade'))
    .addColumn('conn_id', 'varchar(64)')
    .addColumn('scope', 'varchar(64)', (c) => c.notNull())
    .addColumn('id_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('subject', 'varchar(512)', (c) => c.notNull())
    .addColumn('provider', 'varchar(64)', (c) => c.notNull())
    .addColumn('userinfo', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('origin_conn_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('user_identities_key').on('user_identities').columns(['pool_id', 'scope', 'id_type', 'subject']).unique().execute();
  await db.schema.createIndex('user_identities_user').on('user_identities').columns(['pool_id', 'user_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['user_identities', 'ext_idp_conn_apps', 'ext_idp_conns', 'ext_idps']) await db.schema.dropTable(t).ifExists().execute();
}
