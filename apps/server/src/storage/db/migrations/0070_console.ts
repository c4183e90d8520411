import type { Kysely } from 'kysely';

/**
 * The admin console (docs/console.md). Administrators are users of a system pool (they sign in
 * through Gatehouse's own hosted login, so the pool's MFA and passkeys protect them);
 * `console_administrators` gives such a user a role: `owner` (every pool), `pool-admin` (the
 * pools in `pool_ids`, a JSON array) or `auditor` (read-only, every pool or the listed ones).
 * `console_system` is a single row naming the system pool and the console's OIDC client.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('console_system')
    .addColumn('id', 'varchar(16)', (c) => c.primaryKey())
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('app_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('console_administrators')
    .addColumn('user_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('role', 'varchar(16)', (c) => c.notNull())
    .addColumn('pool_ids', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('console_administrators').execute();
  await db.schema.dropTable('console_system').execute();
}
