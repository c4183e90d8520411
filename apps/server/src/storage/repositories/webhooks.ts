import { sql, type Kysely, type Selectable } from 'kysely';
import type { SqliteConnection } from '../db/connect.js';
import { compiledQuery, compiledWrite } from '../db/compiled-query.js';
import type { Database, WebhookAttemptTable, WebhookDeliveryTable, WebhookTable } from '../db/schema.js';

/**
 * The only SQL on the webhook tables (migration 0045). Management queries are scoped by pool;
 * the delivery worker reads the outbox across pools.
 */
export type WebhookRow = Selectable<WebhookTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveryTable>;
export type WebhookAttemptRow = Selectable<WebhookAttemptTable>;
export type WebhookPatch = Partial<Omit<WebhookRow, 'id' | 'pool_id' | 'created_at'>>;

/** The attempt log's columns, in the order the compiled insert binds them. */
const ATTEMPT_COLUMNS = ['id', 'pool_id', 'webhook_id', 'delivery_id', 'event_name', 'attempt', 'request_headers', 'request_body', 'response_status', 'response_headers', 'response_body', 'duration_ms', 'success', 'error', 'at'] as const;

/**
 * `direct`: the SQLite connection under `db`, for the statements the delivery worker runs per
 * delivery (storage/db/compiled-query.ts); `within` (a transaction) runs everything through it.
 */
export function createWebhooksRepo(db: Kysely<Database>, direct?: SqliteConnection) {
  const delivery = compiledQuery<WebhookDeliveryRow>(db, direct, 1, (k, id: string) => k.selectFrom('webhook_deliveries').selectAll().where('id', '=', id));
  const hook = compiledQuery<WebhookRow>(db, direct, 1, (k, id: string) => k.selectFrom('webhooks').selectAll().where('id', '=', id));
  const claim = compiledWrite(db, direct, 5, (k, id: string, expected: number, now: number, leaseUntil: number, at: string) =>
    k
      .updateTable('webhook_deliveries')
      .set({ attempts: sql<number>`${expected} + 1`, next_attempt_at: leaseUntil, updated_at: at })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('attempts', '=', expected)
      .where('next_attempt_at', '<=', now),
  );
  const finish = compiledWrite(db, direct, 4, (k, id: string, status: string, error: string | null, at: string) =>
    k.updateTable('webhook_deliveries').set({ status, last_error: error, updated_at: at }).where('id', '=', id),
  );
  const retryLater = compiledWrite(db, direct, 4, (k, id: string, nextAttemptAt: number, error: string, at: string) =>
    k.updateTable('webhook_deliveries').set({ next_attempt_at: nextAttemptAt, last_error: error, updated_at: at }).where('id', '=', id).where('status', '=', 'pending'),
  );
  const insertAttempt = compiledWrite(db, direct, ATTEMPT_COLUMNS.length, (k, ...v: never[]) =>
    k.insertInto('webhook_attempts').values(Object.fromEntries(ATTEMPT_COLUMNS.map((c, i) => [c, v[i]])) as unknown as WebhookAttemptRow),
  );
  return {
    /**
     * The same queries on the caller's transaction (an event emitted inside one: the outbox rows
     * commit or roll back with the change). `trx` is the Kysely transaction the caller holds.
     */
    within(trx: unknown) {
      return trx ? createWebhooksRepo(trx as Kysely<Database>) : this;
    },

    // --- subscriptions
    insert: (row: WebhookRow) => db.insertInto('webhooks').values(row).execute(),
    find: (poolId: string, id: string) => db.selectFrom('webhooks').selectAll().where('pool_id', '=', poolId).where('id', '=', id).executeTakeFirst(),
    findById: async (id: string): Promise<WebhookRow | undefined> => (await hook(id))[0],
    count: async (poolId: string) => Number((await db.selectFrom('webhooks').select((eb) => eb.fn.countAll().as('n')).where('pool_id', '=', poolId).executeTakeFirstOrThrow()).n),
    list: (poolId: string, offset: number, limit: number) =>
      db.selectFrom('webhooks').selectAll().where('pool_id', '=', poolId).orderBy('created_at', 'desc').orderBy('id', 'desc').offset(offset).limit(limit).execute(),
    /** Enabled subscriptions of a pool (the outbox filters by event in code: the list is small). */
    enabledOf: (poolId: string) => db.selectFrom('webhooks').select(['id', 'events', 'retry_config']).where('pool_id', '=', poolId).where('enabled', '=', 1).execute(),
    update: async (poolId: string, id: string, patch: WebhookPatch) =>
      Number((await db.updateTable('webhooks').set(patch).where('pool_id', '=', poolId).where('id', '=', id).executeTakeFirst()).numUpdatedRows) > 0,
    /** Deliveries and attempts go with it (foreign keys cascade). Unknown ids are ignored (vendor). */
    delete: async (poolId: string, ids: string[]) => {
      if (ids.length === 0) return 0;
      return Number((await db.deleteFrom('webhooks').where('pool_id', '=', poolId).where('id', 'in', ids).executeTakeFirst()).numDeletedRows);
    },

    // --- outbox
    insertDeliveries: async (rows: WebhookDeliveryRow[]) => {
      if (rows.length > 0) await db.insertInto('webhook_deliveries').values(rows).execute();
    },
    findDelivery: async (id: string): Promise<WebhookDeliveryRow | undefined> => (await delivery(id))[0],
    findDeliveryOf: (poolId: string, webhookId: string, id: string) =>
      db.selectFrom('webhook_deliveries').selectAll().where('pool_id', '=', poolId).where('webhook_id', '=', webhookId).where('id', '=', id).executeTakeFirst(),
    /**
     * Due deliveries, oldest first, each the earliest unfinished one of its subject for its
     * webhook: a later event about the same user waits until the earlier one is delivered or
     * given up (ordered per subject).
     */
    due: (now: number, limit: number) =>
      db
        .selectFrom('webhook_deliveries as d')
        .select(['d.id', 'd.attempts'])
        .where('d.status', '=', 'pending')
        .where('d.next_attempt_at', '<=', now)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('webhook_deliveries as e')
                .select(sql`1`.as('one'))
                .whereRef('e.webhook_id', '=', 'd.webhook_id')
                .whereRef('e.subject', '=', 'd.subject')
                .where('e.status', '=', 'pending')
                .whereRef('e.seq', '<', 'd.seq'),
            ),
          ),
        )
        .orderBy('d.next_attempt_at')
        .orderBy('d.seq')
        .limit(limit)
        .execute(),
    /**
     * Claims one attempt of a delivery with a single conditional UPDATE: of several nodes polling
     * the same outbox exactly one matches `attempts = expected` (PostgreSQL re-checks the WHERE
     * of a concurrent update after the first commits; SQLite serialises writers). The lease moves
     * the next attempt into the future, so a node that dies mid-send leaves a row that becomes due
     * again — delivered again with the same message id (receivers deduplicate on it).
     */
    claim: async (id: string, expectedAttempts: number, now: number, leaseUntil: number, at: string) => (await claim(id, expectedAttempts, now, leaseUntil, at)) === 1,
    finish: async (id: string, status: 'delivered' | 'failed' | 'cancelled', error: string | null, at: string): Promise<void> => {
      await finish(id, status, error, at);
    },
    retryLater: async (id: string, nextAttemptAt: number, error: string, at: string): Promise<void> => {
      await retryLater(id, nextAttemptAt, error, at);
    },
    /** Redeliver: a finished delivery is pending again for one more attempt, with the same id. */
    reopen: async (poolId: string, id: string, now: number, at: string) =>
      Number(
        (
          await db
            .updateTable('webhook_deliveries')
            .set((eb) => ({ status: 'pending', max_attempts: eb('attempts', '+', 1), next_attempt_at: now, updated_at: at }))
            .where('pool_id', '=', poolId)
            .where('id', '=', id)
            .where('status', '!=', 'pending')
            .executeTakeFirst()
        ).numUpdatedRows,
      ) > 0,
    deliveryCounts: (poolId: string) =>
      db.selectFrom('webhook_deliveries').select(['status', (eb) => eb.fn.countAll().as('n')]).where('pool_id', '=', poolId).groupBy('status').execute(),

    // --- attempt log
    insertAttempt: async (row: WebhookAttemptRow): Promise<void> => {
      await insertAttempt(...ATTEMPT_COLUMNS.map((c) => row[c]));
    },
    countAttempts: async (poolId: string, webhookId: string) =>
      Number((await db.selectFrom('webhook_attempts').select((eb) => eb.fn.countAll().as('n')).where('pool_id', '=', poolId).where('webhook_id', '=', webhookId).executeTakeFirstOrThrow()).n),
    attempts: (poolId: string, webhookId: string, offset: number, limit: number) =>
      db.selectFrom('webhook_attempts').selectAll().where('pool_id', '=', poolId).where('webhook_id', '=', webhookId).orderBy('at', 'desc').orderBy('id', 'desc').offset(offset).limit(limit).execute(),
  };
}
export type WebhooksRepo = ReturnType<typeof createWebhooksRepo>;
