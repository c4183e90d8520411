import type { Config } from '../config/schema.js';
import type { DbHandle } from '../storage/db/connect.js';
import { createWebhooksRepo } from '../storage/repositories/webhooks.js';
import type { EventService } from '../services/events/service.js';
import type { OutboundGuard } from '../services/outbound/index.js';
import type { SecretBox } from '../utils/crypto.js';
import type { Logger } from '../utils/logger.js';
import { outboxListener } from '../services/webhooks/outbox.js';
import { createWebhookWorker, type WebhookWorker } from '../services/webhooks/worker.js';
import { createWebhooksService } from '../services/webhooks/service.js';

/**
 * Webhooks (docs/webhooks.md): the outbox listener on the event service (in the emitter's
 * transaction), the delivery worker of this node (started here, stopped by `close`), and the
 * management service. Deliveries go out only through the outbound guard.
 */
export function createWebhooks(deps: { config: Config; db: DbHandle['db']; box: SecretBox; log: Logger; events: EventService; outbound: OutboundGuard }) {
  const repo = createWebhooksRepo(deps.db);
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
  const unsubscribeOutbox = deps.events.subscribeInTransaction(outboxListener(repo, () => worker.kick()));
  const service = createWebhooksService({ repo, box: deps.box, checkUrl: (url) => deps.outbound.checkUrl(url), worker: () => worker });
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
