import type { Kysely } from 'kysely';

/**
 * Organisations, departments and groups (docs/organizations.md).
 *
 * The department tree is a closure table (`department_closure`: one row per ancestor/descendant
 * pair, the node itself at depth 0), so a subtree, the ancestors of a node and "is X under Y"
 * are each one indexed query on either database, with no recursive SQL and no collation-dependent
 * string ranges (a materialised path would need a binary collation on PostgreSQL).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('organizations')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('code', 'varchar(64)', (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('root_department_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('organizations_pool_code').on('organizations').columns(['pool_id', 'code']).unique().execute();

  await db.schema
    .createTable('departments')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('organization_id', 'varchar(64)', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    // null only for an organisation's root department
    .addColumn('parent_id', 'varchar(64)')
    .addColumn('code', 'varchar(64)')
    /** Vendor `openDepartmentId`: the caller's (or a synchronised directory's) own id. */
    .addColumn('open_department_id', 'varchar(128)')
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('is_virtual', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('i18n', 'text')
    .addColumn('custom_data', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  // Codes and external ids are unique inside an organisation (several NULLs are allowed on both databases).
  await db.schema.createIndex('departments_org_code').on('departments').columns(['organization_id', 'code']).unique().execute();
  await db.schema.createIndex('departments_org_open_id').on('departments').columns(['organization_id', 'open_department_id']).unique().execute();
  await db.schema.createIndex('departments_parent').on('departments').columns(['parent_id', 'created_at']).execute();
  await db.schema.createIndex('departments_pool').on('departments').columns(['pool_id', 'organization_id']).execute();

  await db.schema
    .createTable('department_closure')
    .addColumn('ancestor_id', 'varchar(64)', (c) => c.notNull().references('departments.id').onDelete('cascade'))
    .addColumn('descendant_id', 'varchar(64)', (c) => c.notNull().references('departments.id').onDelete('cascade'))
    .addColumn('depth', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('department_closure_pk', ['ancestor_id', 'descendant_id'])
    .execute();
  await db.schema.createIndex('department_closure_descendant').on('department_closure').columns(['descendant_id', 'depth']).execute();

  await db.schema
    .createTable('department_members')
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('department_id', 'varchar(64)', (c) => c.notNull().references('departments.id').onDelete('cascade'))
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('is_leader', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_main', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('joined_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('department_members_pk', ['department_id', 'user_id'])
    .execute();
  await db.schema.createIndex('department_members_user').on('department_members').columns(['user_id']).execute();
  await db.schema.createIndex('department_members_joined').on('department_members').columns(['department_id', 'joined_at']).execute();

  await db.schema
    .createTable('user_groups')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('code', 'varchar(64)', (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('description', 'text')
    /** Vendor `type`: STATIC (members added by hand) or DYNAMIC (members follow `rule`). */
    .addColumn('type', 'varchar(16)', (c) => c.notNull())
    .addColumn('rule', 'text')
    .addColumn('custom_data', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('user_groups_pool_code').on('user_groups').columns(['pool_id', 'code']).unique().execute();

  await db.schema
    .createTable('group_members')
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('group_id', 'varchar(64)', (c) => c.notNull().references('user_groups.id').onDelete('cascade'))
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'user_id'])
    .execute();
  await db.schema.createIndex('group_members_user').on('group_members').columns(['user_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['group_members', 'user_groups', 'department_members', 'department_closure', 'departments', 'organizations']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
