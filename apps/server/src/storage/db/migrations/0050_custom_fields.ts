import type { Kysely } from 'kysely';

/**
 * Custom fields (docs/custom-fields.md): definitions per pool and target type; the data of roles,
 * groups and departments (a user's is the `custom_data` column of `users`); and the values of
 * unique fields, whose primary key makes the database refuse a second holder of one value —
 * not a read-then-write check that two concurrent requests could both pass.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('custom_fields')
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('target_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('key', 'varchar(64)', (c) => c.notNull())
    .addColumn('data_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('label', 'varchar(255)', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('i18n', 'text')
    .addColumn('encrypted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_unique', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('user_editable', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('visible_in_admin_console', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('visible_in_user_center', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('options', 'text')
    .addColumn('validate_rules', 'text')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('custom_fields_pk', ['pool_id', 'target_type', 'key'])
    .execute();

  await db.schema
    .createTable('custom_data')
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('target_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('target_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('custom_data_pk', ['pool_id', 'target_type', 'target_id'])
    .execute();

  await db.schema
    .createTable('custom_field_unique_values')
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('target_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('key', 'varchar(64)', (c) => c.notNull())
    .addColumn('value', 'varchar(512)', (c) => c.notNull())
    .addColumn('target_id', 'varchar(128)', (c) => c.notNull())
    .addPrimaryKeyConstraint('custom_field_unique_values_pk', ['pool_id', 'target_type', 'key', 'value'])
    .execute();
  await db.schema.createIndex('custom_field_unique_values_target').on('custom_field_unique_values').columns(['pool_id', 'target_type', 'target_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('custom_field_unique_values').execute();
  await db.schema.dropTable('custom_data').execute();
  await db.schema.dropTable('custom_fields').execute();
}
