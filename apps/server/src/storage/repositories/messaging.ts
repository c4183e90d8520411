import type { Kysely, Selectable } from 'kysely';
import type { Database, MessageOutboxTable, MessageTemplateTable, PoolMessageProviderTable } from '../db/schema.js';

/**
 * SQL for issue #5's tables (migration 0004): the outbox, per-pool providers, settings and
 * templates. Every query on pool data is scoped by pool; the outbox worker reads across pools.
 */
export type OutboxRow = Selectable<MessageOutboxTable>;
export type ProviderRow = Selectable<PoolMessageProviderTable>;
export type TemplateRow = Selectable<MessageTemplateTable>;

export function createMessagingRepo(db: Kysely<Database>) {
  return {
    // --- outbox
    insertOutbox: (row: OutboxRow) => db.insertInto('message_outbox').values(row).execute(),
    findOutbox: (id: string) => db.selectFrom('message_outbox').selectAll().where('id', '=', id).executeTakeFirst(),
    /** Ids of rows that are due (pending, next attempt reached), oldest first. */
    dueOutbox: async (now: number, limit: number) =>
      (await db.selectFrom('message_outbox').select('id').where('status', '=', 'pending').where('next_attempt_at', '<=', now).orderBy('next_attempt_at').limit(limit).execute()).map((r) => r.id),
    /**
     * Claims a row for one delivery attempt: a single conditional UPDATE, so of several nodes
     * (or the request and the worker) exactly one wins. The lease puts the next attempt in the
     * future in case this node dies mid-send; the row then becomes due again.
     */
    claimOutbox: async (id: string, expect: { status: 'pending'; attempts: number }, leaseUntil: number, at: string) => {
      const res = await db
        .updateTable('message_outbox')
        .set({ attempts: expect.attempts + 1, next_attempt_at: leaseUntil, updated_at: at })
        .where('id', '=', id)
        .where('status', '=', expect.status)
        .where('attempts', '=', expect.attempts)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },
    /** Final states clear the sealed payload: the code is not kept at rest longer than needed. */
    finishOutbox: (id: string, status: 'sent' | 'failed' | 'expired', error: string | null, at: string) =>
      db.updateTable('message_outbox').set({ status, payload_enc: '', last_error: error, updated_at: at }).where('id', '=', id).execute(),
    retryOutbox: (id: string, nextAttemptAt: number, error: string, at: string) =>
      db.updateTable('message_outbox').set({ status: 'pending', next_attempt_at: nextAttemptAt, last_error: error, updated_at: at }).where('id', '=', id).execute(),

    // --- providers
    getProvider: (poolId: string, kind: string) =>
      db.selectFrom('pool_message_providers').selectAll().where('pool_id', '=', poolId).where('kind', '=', kind).executeTakeFirst(),
    putProvider: async (row: ProviderRow) => {
      await db
        .insertInto('pool_message_providers')
        .values(row)
        .onConflict((oc) => oc.columns(['pool_id', 'kind']).doUpdateSet({ provider: row.provider, enabled: row.enabled, config_enc: row.config_enc, updated_at: row.updated_at }))
        .execute();
    },

    // --- settings
    getSettings: async (poolId: string) =>
      (await db.selectFrom('pool_message_settings').select('settings').where('pool_id', '=', poolId).executeTakeFirst())?.settings ?? null,
    putSettings: async (poolId: string, settings: string, at: string) => {
      await db
        .insertInto('pool_message_settings')
        .values({ pool_id: poolId, settings, updated_at: at })
        .onConflict((oc) => oc.column('pool_id').doUpdateSet({ settings, updated_at: at }))
        .execute();
    },

    // --- templates
    getTemplate: (poolId: string, kind: string, channel: string, lang: string) =>
      db.selectFrom('message_templates').selectAll().where('pool_id', '=', poolId).where('kind', '=', kind).where('channel', '=', channel).where('lang', '=', lang).executeTakeFirst(),
    listTemplates: (poolId: string) => db.selectFrom('message_templates').selectAll().where('pool_id', '=', poolId).orderBy('kind').orderBy('channel').orderBy('lang').execute(),
    putTemplate: async (row: TemplateRow) => {
      await db
        .insertInto('message_templates')
        .values(row)
        .onConflict((oc) => oc.columns(['pool_id', 'kind', 'channel', 'lang']).doUpdateSet({ subject: row.subject, text: row.text, html: row.html, updated_at: row.updated_at }))
        .execute();
    },
    deleteTemplate: async (poolId: string, kind: string, channel: string, lang: string) =>
      Number((await db.deleteFrom('message_templates').where('pool_id', '=', poolId).where('kind', '=', kind).where('channel', '=', channel).where('lang', '=', lang).executeTakeFirst()).numDeletedRows) > 0,
  };
}
export type MessagingRepo = ReturnType<typeof createMessagingRepo>;
