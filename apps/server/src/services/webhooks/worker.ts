import type { HttpClient } from '@gatehouse/connector-kit';
import type { SecretBox } from '../../utils/crypto.js';
import type { Logger } from '../../utils/logger.js';
import { isAppError } from '../../errors/app-error.js';
import type { WebhookRow, WebhooksRepo } from '../../storage/repositories/webhooks.js';
import { sortableId } from '../../utils/ids.js';
import { nowIso } from '../../utils/time.js';
import { encodeBody, type ContentType, type WebhookBody } from './payload.js';
import { backoffMs, DEFAULT_RETRY, type RetryConfig } from './retry.js';
import { periodicTask } from '../../utils/periodic.js';
import { signatureHeaders } from './signing.js';

/**
 * The delivering half of the outbox. Every node runs this worker; each attempt is claimed with
 * one conditional UPDATE first (repository `claim`), so however many nodes poll, an attempt is
 * made once. Sending goes through the outbound guard's HTTP client (`container.outbound.http`):
 * internal addresses refused unless GATEHOUSE_OUTBOUND_ALLOW covers them, the checked address is
 * the one connected to, redirects are never followed (a 3xx is a failed attempt), responses
 * capped and time-bounded.
 *
 * A 2xx answer delivers. Anything else — another status, a network error, a refused address —
 * is retried per the webhook's `retryConfig` (exponential back-off with jitter, retry.ts), then
 * the delivery is failed; every attempt is one row of the delivery log. The `webhook-id` is the
 * delivery id on every attempt; `webhook-timestamp` and the signature are made per attempt (the
 * reference verifiers refuse timestamps older than five minutes).
 */
export type DeliveryResult =
  | { status: 'delivered' | 'retrying' | 'failed'; attempt: number; responseStatus: number | null; responseBody: string | null; error: string | null }
  | { status: 'skipped' };

export interface WorkerOptions {
  pollMs: number;
  /** Lease of an attempt in flight: after it the delivery is due again (the node died). */
  leaseMs?: number;
  timeoutMs?: number;
}

const BATCH = 20;
const PARALLEL = 4;
const LOGGED_BODY_CHARS = 4096;
const USER_AGENT = 'Gatehouse-Webhooks/1';

export function createWebhookWorker(deps: { repo: WebhooksRepo; box: SecretBox; http: HttpClient; log: Logger; options: WorkerOptions; onOutcome?: (o: { event: string; status: 'delivered' | 'retrying' | 'failed' }) => void }) {
  const { repo, box, log, options } = deps;
  const leaseMs = options.leaseMs ?? 60_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  let again = false;

  const secretOf = (h: WebhookRow) => box.open(h.secret_enc, `webhook:${h.id}`);

  /**
   * One attempt of a delivery. `own`: the caller wrote the row with a future first attempt so
   * that the workers leave it alone (a test delivery answered in the request) and claims it now.
   */
  async function deliver(id: string, expectedAttempts?: number, opts: { own?: boolean } = {}): Promise<DeliveryResult> {
    const row = await repo.findDelivery(id);
    if (!row || row.status !== 'pending') return { status: 'skipped' };
    const now = Date.now();
    const claimAt = opts.own ? Math.max(now, row.next_attempt_at) : now;
    if (!(await repo.claim(id, expectedAttempts ?? row.attempts, claimAt, now + leaseMs, nowIso()))) return { status: 'skipped' };
    const attempt = row.attempts + 1;
    const hook = await repo.findById(row.webhook_id);
    if (!hook || hook.enabled !== 1) {
      await repo.finish(id, 'cancelled', 'webhook disabled or deleted', nowIso());
      return { status: 'skipped' };
    }
    const secret = secretOf(hook);
    const body = encodeBody(JSON.parse(row.body) as WebhookBody, hook.content_type as ContentType);
    const headers: Record<string, string> = {
      'content-type': hook.content_type,
      'user-agent': USER_AGENT,
      ...signatureHeaders(secret, row.id, Math.floor(Date.now() / 1000), body),
    };
    // The vendor's legacy header carries the secret itself: only for webhooks that opted in (docs/webhooks.md).
    if (hook.legacy_token_header === 1) headers['x-authing-token'] = secret;
    const started = Date.now();
    let responseStatus: number | null = null;
    let responseHeaders: Record<string, string> | null = null;
    let responseBody: string | null = null;
    let error: string | null = null;
    try {
      const res = await deps.http(hook.url, { method: 'POST', headers, body, timeoutMs });
      responseStatus = res.status;
      responseHeaders = res.headers;
      responseBody = res.text.slice(0, LOGGED_BODY_CHARS);
      if (res.status >= 300 && res.status < 400) error = `redirect to ${res.headers.location ?? '(none)'} not followed`;
      else if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
    } catch (err) {
      error = isAppError(err) ? `${err.code}: ${err.message}` : err instanceof Error ? `${(err as NodeJS.ErrnoException).code ?? 'error'}: ${err.message}` : String(err);
    }
    const success = error === null;
    const { ['x-authing-token']: _secret, ...loggedHeaders } = headers;
    await repo.insertAttempt({
      id: sortableId(),
      pool_id: row.pool_id,
      webhook_id: row.webhook_id,
      delivery_id: row.id,
      event_name: row.event_name,
      attempt,
      request_headers: JSON.stringify(hook.legacy_token_header === 1 ? { ...loggedHeaders, 'x-authing-token': '(secret, not logged)' } : loggedHeaders),
      request_body: body,
      response_status: responseStatus,
      response_headers: responseHeaders ? JSON.stringify(responseHeaders) : null,
      response_body: responseBody,
      duration_ms: Date.now() - started,
      success: success ? 1 : 0,
      error,
      at: nowIso(),
    });
    const log1 = { webhookId: row.webhook_id, deliveryId: row.id, event: row.event_name, attempt, responseStatus };
    if (success) {
      await repo.finish(id, 'delivered', null, nowIso());
      log.info(log1, 'webhook delivered');
      deps.onOutcome?.({ event: row.event_name, status: 'delivered' });
      return { status: 'delivered', attempt, responseStatus, responseBody, error };
    }
    if (attempt < row.max_attempts) {
      const retry = { ...DEFAULT_RETRY, ...(JSON.parse(hook.retry_config) as Partial<RetryConfig>) };
      const delay = backoffMs(retry, attempt);
      await repo.retryLater(id, Date.now() + delay, error!, nowIso());
      log.warn({ ...log1, error, retryInMs: delay }, 'webhook delivery failed; will retry');
      deps.onOutcome?.({ event: row.event_name, status: 'retrying' });
      return { status: 'retrying', attempt, responseStatus, responseBody, error };
    }
    await repo.finish(id, 'failed', error, nowIso());
    log.error({ ...log1, error }, 'webhook delivery failed for good');
    deps.onOutcome?.({ event: row.event_name, status: 'failed' });
    return { status: 'failed', attempt, responseStatus, responseBody, error };
  }

  async function tick(): Promise<void> {
    for (;;) {
      again = false;
      const due = await repo.due(Date.now(), BATCH);
      for (let i = 0; i < due.length; i += PARALLEL) {
        await Promise.all(due.slice(i, i + PARALLEL).map((d) => deliver(d.id, d.attempts).catch((err: unknown) => log.error({ err, deliveryId: d.id }, 'webhook delivery crashed'))));
      }
      // A delivery finished above may have released the next one of its subject; look again.
      if (!again && due.length === 0) return;
      if (task.stopped) return;
    }
  }

  const task = periodicTask({
    intervalMs: options.pollMs,
    tick,
    onError: (err) => log.error({ err }, 'webhook worker tick failed'),
    // A look asked for during a run: the run looks once more before it ends.
    onBusy: () => {
      again = true;
    },
  });

  return {
    deliver,
    leaseMs,
    tick,
    /** Look now (after an event was committed on this node) rather than at the next poll. */
    kick(): void {
      if (task.stopped) return;
      // Twice: the emitter's transaction usually commits within milliseconds; the second look
      // covers a slower commit before the poll would.
      setTimeout(task.run, 25).unref();
      setTimeout(task.run, 300).unref();
    },
    /** Starts the background worker. */
    start: task.start,
    stop: task.stop,
  };
}
export type WebhookWorker = ReturnType<typeof createWebhookWorker>;
