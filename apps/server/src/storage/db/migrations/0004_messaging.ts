import type { Kysely } from 'kysely';

/**
 * Issue #5: SMS / email verification codes. Codes themselves live in the KV store (short-lived,
 * hashed); these tables hold what must survive restarts and be shared by every node:
 * the outbox, per-pool providers (credentials sealed), per-pool settings and templates.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Outbox: every message is written here first, then delivered (with retries and backoff).
  // `payload_enc` (sealed with the master key: it contains the code) is cleared once the row is final.
  await db.schema
    .createTable('message_outbox')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('kind', 'varchar(8)', (c) => c.notNull())
    .addColumn('channel', 'varchar(64)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('payload_enc', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('last_error', 'varchar(64)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('message_outbox_due').on('message_outbox').columns(['status', 'next_attempt_at']).execute();

  // Per-pool SMS / email provider: connector id and its config (whole JSON sealed; secrets never returned).
  await db.schema
    .createTable('pool_message_providers')
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('kind', 'varchar(8)', (c) => c.notNull())
    .addColumn('provider', 'varchar(64)', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('config_enc', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('pool_message_providers_pk', ['pool_id', 'kind'])
    .execute();

  // Per-pool messaging settings (code length/lifetime, send quotas, captcha, registration mails) as JSON.
  await db.schema
    .createTable('pool_message_settings')
    .addColumn('pool_id', 'varchar(64)', (c) => c.primaryKey().references('user_pools.id').onDelete('cascade'))
    .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();

  // Per-pool template overrides; the shipped defaults (en, zh-CN) live in code.
  await db.schema
    .createTable('message_templates')
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('kind', 'varchar(8)', (c) => c.notNull())
    .addColumn('channel', 'varchar(64)', (c) => c.notNull())
    .addColumn('lang', 'varchar(16)', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('html', 'text')
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('message_templates_pk', ['pool_id', 'kind', 'channel', 'lang'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['message_templates', 'pool_message_settings', 'pool_message_providers', 'message_outbox']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
