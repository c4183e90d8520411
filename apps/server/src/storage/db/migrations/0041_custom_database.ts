import type { Kysely } from 'kysely';

/**
 * A pool's custom database (docs/pipeline.md, "Custom database"): the scripts that look a user
 * up in the pool's own legacy store, and the name of the environment variable that holds that
 * store's URL (the URL itself is a sealed env value, never stored here).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('pipeline_custom_databases')
    .addColumn('pool_id', 'varchar(64)', (c) => c.primaryKey().references('user_pools.id').onDelete('cascade'))
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('mode', 'varchar(16)', (c) => c.notNull())
    .addColumn('login_source', 'text', (c) => c.notNull())
    .addColumn('db_url_env', 'varchar(64)', (c) => c.notNull())
    .addColumn('timeout', 'integer', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('pipeline_custom_databases').execute();
}
