import type { Kysely } from 'kysely';

/**
 * User scripts in the login flow (docs/pipeline.md): the functions of a pool (vendor
 * `create-pipeline-function`), the pool's script environment (secrets, sealed), and the run log
 * (`get-pipeline-logs`). `version` grows with every source change: compiled scripts are cached
 * per (function, version).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('pipeline_functions')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('name', 'varchar(128)', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('scene', 'varchar(64)', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('is_async', 'integer', (c) => c.notNull())
    .addColumn('timeout', 'integer', (c) => c.notNull())
    .addColumn('terminate_on_timeout', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('fetch_allow_list', 'text', (c) => c.notNull())
    .addColumn('app_ids', 'text')
    .addColumn('last_status', 'text')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('pipeline_functions_pool_scene').on('pipeline_functions').columns(['pool_id', 'scene', 'position']).execute();

  await db.schema
    .createTable('pipeline_env')
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('name', 'varchar(64)', (c) => c.notNull())
    .addColumn('value_enc', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('pipeline_env_pk', ['pool_id', 'name'])
    .execute();

  await db.schema
    .createTable('pipeline_logs')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('func_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('scene', 'varchar(64)', (c) => c.notNull())
    .addColumn('result', 'varchar(16)', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('message', 'text')
    .addColumn('output', 'text')
    .addColumn('user_id', 'varchar(64)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('pipeline_logs_pool_func').on('pipeline_logs').columns(['pool_id', 'func_id', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('pipeline_logs').execute();
  await db.schema.dropTable('pipeline_env').execute();
  await db.schema.dropTable('pipeline_functions').execute();
}
