import type { Kysely } from 'kysely';

/**
 * Accounts of a pool whose custom database is in "own database" mode (docs/pipeline.md): the
 * Gatehouse account that stands for a user of the pool's own store, and that user's id there.
 * Such an account has no password in Gatehouse; every password check asks the pool's script.
 * No foreign key to `users`: when the account is deleted the link is still read once, to ask
 * the script to delete the user in its store.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('pipeline_custom_database_users')
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('external_id', 'varchar(320)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('pipeline_custom_database_users_pk', ['pool_id', 'user_id'])
    .execute();
  await db.schema.createIndex('pipeline_custom_database_users_external').unique().on('pipeline_custom_database_users').columns(['pool_id', 'external_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('pipeline_custom_database_users').execute();
}
