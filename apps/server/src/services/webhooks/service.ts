import { eventCatalog, eventCategories, webhookEventNames, type EventDefinition, type EventName } from '@gatehouse/contracts';
import { AppError } from '../../errors/app-error.js';
import type { WebhookAttemptRow, WebhookRow, WebhooksRepo } from '../../storage/repositories/webhooks.js';
import type { SecretBox } from '../../utils/crypto.js';
import { nowIso } from '../../utils/time.js';
import { sortableId } from '../../utils/ids.js';
import { bodyOf, type ContentType } from './payload.js';
import { normaliseRetry, type RetryConfig } from './retry.js';
import { checkSecret, generateSecret } from './signing.js';
import { deliveryId, nextSeq } from './ids.js';
import type { WebhookWorker } from './worker.js';

/**
 * Webhook subscriptions as the vendor's ManagementClient manages them (authing-node-sdk
 * `createWebhook`, `listWebhooks`, `getWebhook`, `updateWebhook`, `deleteWebhook`,
 * `getWebhookLogs`, `triggerWebhook`, `getWebhookEventList`; models `CreateWebhookDto`,
 * `WebhookDto`, `WebhookLogDto`). The URL is checked by the outbound guard when stored and again
 * at every connection. The secret is sealed at rest and returned only once, when generated.
 */
export interface WebhookInput {
  name: string;
  url: string;
  events: string[];
  contentType: ContentType;
  enabled?: boolean;
  secret?: string;
  retryConfig?: Partial<RetryConfig>;
  /** Gatehouse: also send the vendor's legacy `X-Authing-Token: <secret>` header (weaker; docs/webhooks.md). */
  legacyTokenHeader?: boolean;
}

export interface WebhookDto {
  webhookId: string;
  createdAt: string;
  updatedAt: string;
  name: string;
  url: string;
  contentType: ContentType;
  enabled: boolean;
  events: string[];
  retryConfig: RetryConfig;
  legacyTokenHeader: boolean;
  /** Only in the answer that generated it. */
  secret?: string;
}

const MAX_WEBHOOKS = 50;

export function createWebhooksService(deps: { repo: WebhooksRepo; box: SecretBox; checkUrl: (url: string) => Promise<void>; worker: () => WebhookWorker }) {
  const { repo, box } = deps;
  const sealContext = (id: string) => `webhook:${id}`;

  const toDto = (r: WebhookRow): WebhookDto => ({
    webhookId: r.id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    name: r.name,
    url: r.url,
    contentType: r.content_type as ContentType,
    enabled: r.enabled === 1,
    events: JSON.parse(r.events) as string[],
    retryConfig: JSON.parse(r.retry_config) as RetryConfig,
    legacyTokenHeader: r.legacy_token_header === 1,
  });

  function checkEvents(events: string[]): string[] {
    const subscribable = new Set<string>(webhookEventNames);
    for (const e of events) if (!subscribable.has(e)) throw new AppError('webhook.unknown_event', { params: { event: e.slice(0, 64) } });
    return [...new Set(events)];
  }

  async function find(poolId: string, id: string): Promise<WebhookRow> {
    const row = await repo.find(poolId, id);
    if (!row) throw new AppError('webhook.not_found');
    return row;
  }

  const logDto = (a: WebhookAttemptRow) => {
    const parse = (t: string | null) => {
      if (t === null) return null;
      try {
        return JSON.parse(t) as unknown;
      } catch {
        return t;
      }
    };
    return {
      webhookId: a.webhook_id,
      deliveryId: a.delivery_id,
      eventName: a.event_name,
      attempt: a.attempt,
      requestHeaders: parse(a.request_headers),
      requestBody: parse(a.request_body),
      responseStatusCode: a.response_status ?? 0,
      responseHeaders: parse(a.response_headers),
      responseBody: parse(a.response_body),
      durationMs: a.duration_ms,
      timestamp: a.at,
      success: a.success === 1,
      ...(a.error ? { errorMessage: a.error } : {}),
    };
  };

  return {
    async create(poolId: string, input: WebhookInput): Promise<WebhookDto> {
      const events = checkEvents(input.events);
      const retry = normaliseRetry(input.retryConfig);
      const secret = input.secret !== undefined ? checkSecret(input.secret) : generateSecret();
      await deps.checkUrl(input.url);
      if ((await repo.count(poolId)) >= MAX_WEBHOOKS) throw new AppError('webhook.too_many', { params: { max: MAX_WEBHOOKS } });
      const id = sortableId();
      const at = nowIso();
      const row: WebhookRow = {
        id,
        pool_id: poolId,
        name: input.name,
        url: input.url,
        content_type: input.contentType,
        events: JSON.stringify(events),
        enabled: input.enabled === false ? 0 : 1,
        secret_enc: box.seal(secret, sealContext(id)),
        legacy_token_header: input.legacyTokenHeader ? 1 : 0,
        retry_config: JSON.stringify(retry),
        created_at: at,
        updated_at: at,
      };
      await repo.insert(row);
      return { ...toDto(row), ...(input.secret === undefined ? { secret } : {}) };
    },

    get: async (poolId: string, id: string) => toDto(await find(poolId, id)),

    async list(poolId: string, page: number, limit: number) {
      const [totalCount, rows] = await Promise.all([repo.count(poolId), repo.list(poolId, (page - 1) * limit, limit)]);
      return { totalCount, list: rows.map(toDto) };
    },

    async update(poolId: string, id: string, patch: Partial<WebhookInput>): Promise<WebhookDto> {
      const current = await find(poolId, id);
      const set: Parameters<WebhooksRepo['update']>[2] = { updated_at: nowIso() };
      if (patch.events !== undefined) set.events = JSON.stringify(checkEvents(patch.events));
      if (patch.retryConfig !== undefined) set.retry_config = JSON.stringify(normaliseRetry(patch.retryConfig, JSON.parse(current.retry_config) as RetryConfig));
      if (patch.secret !== undefined) set.secret_enc = box.seal(checkSecret(patch.secret), sealContext(id));
      if (patch.url !== undefined) {
        await deps.checkUrl(patch.url);
        set.url = patch.url;
      }
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.contentType !== undefined) set.content_type = patch.contentType;
      if (patch.enabled !== undefined) set.enabled = patch.enabled ? 1 : 0;
      if (patch.legacyTokenHeader !== undefined) set.legacy_token_header = patch.legacyTokenHeader ? 1 : 0;
      await repo.update(poolId, id, set);
      return toDto(await find(poolId, id));
    },

    delete: (poolId: string, ids: string[]) => repo.delete(poolId, ids),

    async logs(poolId: string, webhookId: string, page: number, limit: number) {
      // Vendor: an unknown webhook id is not an error; it has no logs.
      const [totalCount, rows] = await Promise.all([repo.countAttempts(poolId, webhookId), repo.attempts(poolId, webhookId, (page - 1) * limit, limit)]);
      return { totalCount, list: rows.map(logDto) };
    },

    /**
     * A test delivery (`test` event), made now and answered with the receiver's response. It is
     * signed, logged and retried like any other; `requestBody` becomes the event's `data`.
     */
    async trigger(poolId: string, webhookId: string, data: unknown) {
      const hook = await find(poolId, webhookId);
      if (hook.enabled !== 1) throw new AppError('webhook.disabled');
      const id = deliveryId();
      const at = nowIso();
      const now = Date.now();
      const eventId = sortableId();
      await repo.insertDeliveries([
        {
          id,
          pool_id: poolId,
          webhook_id: webhookId,
          event_id: eventId,
          event_name: 'test',
          subject: `event:${eventId}`,
          seq: nextSeq(now),
          body: JSON.stringify(bodyOf(id, { name: 'test', at, data: data ?? { message: 'A test delivery from Gatehouse' } })),
          status: 'pending',
          attempts: 0,
          max_attempts: 1,
          // Not due for the workers: this request makes the attempt (and a node that dies first leaves it to them).
          next_attempt_at: now + deps.worker().leaseMs,
          last_error: null,
          created_at: at,
          updated_at: at,
        },
      ]);
      const r = await deps.worker().deliver(id, 0, { own: true });
      if (r.status === 'skipped') return { deliveryId: id, response: null };
      return { deliveryId: id, response: { success: r.status === 'delivered', statusCode: r.responseStatus, body: r.responseBody, ...(r.error ? { errorMessage: r.error } : {}) } };
    },

    /** Sends a finished (delivered or failed) delivery once more, with the same id. */
    async redeliver(poolId: string, webhookId: string, id: string) {
      await find(poolId, webhookId);
      const d = await repo.findDeliveryOf(poolId, webhookId, id);
      if (!d) throw new AppError('webhook.delivery_not_found');
      await repo.reopen(poolId, id, Date.now(), nowIso());
      deps.worker().kick();
      return { deliveryId: id };
    },

    /** The catalog, grouped (vendor WebhookEventListData: `name` in Chinese, `nameEn`, `value`). */
    eventList() {
      const events = webhookEventNames.map((n: EventName) => {
        const d = eventCatalog[n] as EventDefinition;
        return { name: d.zh, nameEn: d.en, value: n, category: d.category };
      });
      const used = new Set(events.map((e) => e.category));
      const categories = Object.entries(eventCategories)
        .filter(([k]) => used.has(k as EventDefinition['category']))
        .map(([value, c]) => ({ name: c.zh, nameEn: c.en, value }));
      return { categories, events };
    },
  };
}
export type WebhooksService = ReturnType<typeof createWebhooksService>;
