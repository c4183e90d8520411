import type { Kysely } from 'kysely';

/**
 * Resources and permission grants (docs/permissions.md). A grant gives one action on one resource
 * to one target: a user, a role, a group or a department. The target is held in its own
 * foreign-key column (exactly one is set), so deleting the user, role, group or department deletes
 * its grants with it (no orphans), and `target_key` ('USER:<id>' …) keeps one grant per target,
 * resource and action.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('resources')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('namespace', 'varchar(64)', (c) => c.notNull())
    .addColumn('code', 'varchar(128)', (c) => c.notNull())
    .addColumn('name', 'varchar(255)')
    .addColumn('description', 'text')
    .addColumn('type', 'varchar(16)', (c) => c.notNull())
    /** JSON array of { name, description }. */
    .addColumn('actions', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('api_identifier', 'varchar(512)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('resources_pool_ns_code').on('resources').columns(['pool_id', 'namespace', 'code']).unique().execute();

  await db.schema
    .createTable('permission_grants')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('resource_id', 'varchar(64)', (c) => c.notNull().references('resources.id').onDelete('cascade'))
    .addColumn('action', 'varchar(64)', (c) => c.notNull())
    .addColumn('target_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('target_key', 'varchar(96)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(64)', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('role_id', 'varchar(64)', (c) => c.references('roles.id').onDelete('cascade'))
    .addColumn('group_id', 'varchar(64)', (c) => c.references('user_groups.id').onDelete('cascade'))
    .addColumn('department_id', 'varchar(64)', (c) => c.references('departments.id').onDelete('cascade'))
    /** Department grants only: 1 = members of every sub-department inherit it. */
    .addColumn('include_children', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('permission_grants_unique').on('permission_grants').columns(['resource_id', 'action', 'target_key']).unique().execute();
  await db.schema.createIndex('permission_grants_target').on('permission_grants').columns(['pool_id', 'target_key']).execute();
  for (const col of ['user_id', 'role_id', 'group_id', 'department_id']) {
    await db.schema.createIndex(`permission_grants_${col}`).on('permission_grants').column(col).execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('permission_grants').ifExists().execute();
  await db.schema.dropTable('resources').ifExists().execute();
}
