import { eventCatalog, type EmittedEvent, type EventDefinition } from '@gatehouse/contracts';
import type { WebhookDeliveryRow, WebhooksRepo } from '../../storage/repositories/webhooks.js';
import { nowIso } from '../../utils/time.js';
import { bodyOf } from './payload.js';
import { DEFAULT_RETRY, maxAttemptsOf, type RetryConfig } from './retry.js';
import { deliveryId, nextSeq } from './ids.js';

/**
 * The transactional half of the outbox: a listener of the event service
 * (`subscribeInTransaction`), so for an event emitted inside the transaction of its change the
 * delivery rows commit — or roll back — with that change. One row per subscribed, enabled
 * webhook; the worker (worker.ts) on any node sends it.
 */
export function outboxListener(repo: WebhooksRepo, onQueued: () => void = () => undefined, subscribed?: (poolId: string) => Promise<ReadonlySet<string>>) {
  return async (e: EmittedEvent, trx: unknown): Promise<void> => {
    if ((eventCatalog[e.name] as EventDefinition).webhook === false) return;
    // Most events (every sign-in's `login`) have no subscriber: a per-node answer skips the read.
    // Only a "none" is trusted; the webhooks to deliver to are always read in the transaction,
    // so a webhook deleted elsewhere never gets a delivery row (its foreign key would fail the emit).
    // Not inside the emitter's transaction: on SQLite it holds the one connection, and the
    // cache's own read would wait for it forever.
    if (subscribed && trx === undefined && !(await subscribed(e.poolId)).has(e.name)) return;
    const r = repo.within(trx);
    const hooks = (await r.enabledOf(e.poolId)).filter((h) => (JSON.parse(h.events) as string[]).includes(e.name));
    if (hooks.length === 0) return;
    const at = nowIso();
    const now = Date.now();
    const rows: WebhookDeliveryRow[] = hooks.map((h) => {
      const id = deliveryId();
      const retry = { ...DEFAULT_RETRY, ...(JSON.parse(h.retry_config) as Partial<RetryConfig>) };
      return {
        id,
        pool_id: e.poolId,
        webhook_id: h.id,
        event_id: e.id,
        event_name: e.name,
        // Deliveries about one subject go out in order; an event without one is ordered with nothing.
        subject: e.subject ?? `event:${e.id}`,
        seq: nextSeq(now),
        body: JSON.stringify(bodyOf(id, e)),
        status: 'pending',
        attempts: 0,
        max_attempts: maxAttemptsOf(retry),
        next_attempt_at: now,
        last_error: null,
        created_at: at,
        updated_at: at,
      };
    });
    await r.insertDeliveries(rows);
    onQueued();
  };
}
