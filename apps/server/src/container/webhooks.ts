import type { Config } from '../config/schema.js';
import type { DbHandle } from '../storage/db/connect.js';
import { createWebhooksRepo } from '../storage/repositories/webhooks.js';
import type { EventService } from '../services/events/service.js';
import type { OutboundGuard } from '../services/outbound/index.js';
import type { SecretBox } from '../utils/crypto.js';
import type { Logger } from '../utils/logger.js';
import { createKeyedCache } from '../utils/keyed-cache.js';
import { TOPICS, type InvalidationBus } from '../storage/kv/invalidation-bus.js';
import { outboxListener } from '../services/webhooks/outbox.js';
import { createWebhookWorker, type WebhookWorker } from '../services/webhooks/worker.js';
import { createWebhooksService } from '../services/webhooks/service.js';

/**
 * Webhooks (docs/webhooks.md): the outbox listener on the event service (in the emitter's
 * transaction), the delivery worker of this node (started here, stopped by `close`), and the
 * management service. Deliveries go out only through the outbound guard.
 */
export function createWebhooks(deps: { config: Config; db: DbHandle['db']; sqlite?: DbHandle['sqlite']; box: SecretBox; log: Logger; events: EventService; outbound: OutboundGuard; bus: InvalidationBus }) {
  const repo = createWebhooksRepo(deps.db, deps.sqlite);
  const outcomes: Array<(o: { event: string; status: 'delivered' | 'retrying' | 'failed' }) => void> = [];
  const worker: WebhookWorker = createWebhookWorker({
    repo,
    box: deps.box,
    http: deps.outbound.http,
    log: deps.log,
    options: { pollMs: deps.config.webhookPollMs },
    onOutcome: (o) => outcomes.forEach((f) => f(o)),
  });
  // Rows queued on this node are looked at shortly (after the emitter's commit) rather than at the next poll.
  // The event names a pool's enabled webhooks subscribe to, per node: dropped on every node by
  // the writes below (the `webhooks` topic); the TTL bounds a lost message. A stale "none" can
  // delay a new webhook's first deliveries by that bound on a node that missed the message.
  const subscribed = createKeyedCache(async (poolId: string): Promise<ReadonlySet<string>> => new Set((await repo.enabledOf(poolId)).flatMap((h) => JSON.parse(h.events) as string[])), { ttlMs: 10_000 });
  deps.bus.subscribe(TOPICS.webhooks, (poolId) => subscribed.drop(poolId));
  const unsubscribeOutbox = deps.events.subscribeInTransaction(outboxListener(repo, () => worker.kick(), (poolId) => subscribed.get(poolId)));
  const stored = createWebhooksService({ repo, box: deps.box, checkUrl: (url) => deps.outbound.checkUrl(url), worker: () => worker });
  const published = async <T>(poolId: string, write: () => Promise<T>): Promise<T> => {
    try {
      return await write();
    } finally {
      await deps.bus.publish(TOPICS.webhooks, poolId);
    }
  };
  const service: typeof stored = {
    ...stored,
    create: (poolId, input) => published(poolId, () => stored.create(poolId, input)),
    update: (poolId, id, patch) => published(poolId, () => stored.update(poolId, id, patch)),
    delete: (poolId, ids) => published(poolId, () => stored.delete(poolId, ids)),
  };
  // webhookPollMs 0: a node that only serves requests; the outbox is delivered by the others.
  if (deps.config.webhookPollMs > 0) worker.start();
  return {
    service,
    worker,
    /** Delivery outcomes (metrics subscribe). */
    onOutcome: (f: (o: { event: string; status: 'delivered' | 'retrying' | 'failed' }) => void) => void outcomes.push(f),
    async close() {
      unsubscribeOutbox();
      await worker.stop();
    },
  };
}
