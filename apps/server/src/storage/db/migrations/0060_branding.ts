import type { Kysely } from 'kysely';

/**
 * Login UI and branding: the pool-wide login page configuration (vendor
 * `update-login-page-config`) that every application of the pool inherits unless it sets its
 * own `brandingConfig`. Per-application branding stays in the application's settings JSON.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('login_page_configs')
    .addColumn('pool_id', 'varchar(64)', (c) => c.primaryKey().references('user_pools.id').onDelete('cascade'))
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('login_page_configs').execute();
}
