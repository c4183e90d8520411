import type { EmailMessage, SmsMessage } from '@gatehouse/connector-kit';
import type { Logger } from '../../utils/logger.js';
import { AppError } from '../../errors/app-error.js';
import type { MessagingRepo } from '../../storage/repositories/messaging.js';
import type { SecretBox } from '../../utils/crypto.js';
import { sortableId } from '../../utils/ids.js';
import { nowIso } from '../../utils/time.js';
import { connectorErrorToAppError, errorLabel, isRetryable } from '../connectors/index.js';
import type { ProvidersService } from './providers.js';

/**
 * Transactional outbox for SMS and email (issue #5). A message is written to `message_outbox`
 * first (payload sealed: it holds the code), then the request makes the first delivery
 * attempt itself so the user hears at once whether it went out. A retryable connector failure
 * (`ConnectorError.retryable`: unavailable, rate limited) leaves the row pending with
 * exponential backoff — base · 2^(attempt-1), ±20 % jitter so a recovering provider is not hit
 * in lock-step — and the worker on any node delivers it later; the code stays valid meanwhile,
 * so an outage costs a delay, never a lost code. A row is dropped once its code has expired:
 * delivering a dead code helps nobody.
 *
 * Each attempt first claims the row with one conditional UPDATE (status + attempt count), so
 * the request and the workers of every node never send the same attempt twice.
 */
export type OutboxPayload = { kind: 'sms'; sms: SmsMessage } | { kind: 'email'; email: EmailMessage };

export type DeliveryOutcome = { status: 'sent' } | { status: 'retrying'; error: unknown } | { status: 'failed'; error: unknown } | { status: 'skipped' };

export interface OutboxOptions {
  retryBaseMs: number;
  maxAttempts: number;
  pollMs: number;
}

const LEASE_MS = 60_000;
const BATCH = 20;

export function createOutbox(deps: { repo: MessagingRepo; box: SecretBox; providers: ProvidersService; log: Logger; options: OutboxOptions }) {
  const { repo, box, log, options } = deps;
  const sealContext = (id: string) => `outbox:${id}`;
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;

  async function send(poolId: string, p: OutboxPayload): Promise<void> {
    if (p.kind === 'sms') await (await deps.providers.connector(poolId, 'sms')).sendSms(p.sms);
    else await (await deps.providers.connector(poolId, 'email')).sendEmail(p.email);
  }

  async function deliver(id: string): Promise<DeliveryOutcome> {
    const row = await repo.findOutbox(id);
    if (!row || row.status !== 'pending') return { status: 'skipped' };
    const now = Date.now();
    if (now >= row.expires_at) {
      await repo.finishOutbox(id, 'expired', row.last_error, nowIso());
      return { status: 'skipped' };
    }
    if (!(await repo.claimOutbox(id, { status: 'pending', attempts: row.attempts }, now + LEASE_MS, nowIso()))) return { status: 'skipped' };
    const attempt = row.attempts + 1;
    try {
      await send(row.pool_id, JSON.parse(box.open(row.payload_enc, sealContext(id))) as OutboxPayload);
      await repo.finishOutbox(id, 'sent', null, nowIso());
      log.info({ outboxId: id, poolId: row.pool_id, kind: row.kind, channel: row.channel, attempt }, 'message delivered');
      return { status: 'sent' };
    } catch (error) {
      const label = errorLabel(error);
      const detail = error instanceof Error ? error.message : String(error);
      const delay = Math.round(options.retryBaseMs * 2 ** (attempt - 1) * (0.8 + Math.random() * 0.4));
      if (isRetryable(error) && attempt < options.maxAttempts && now + delay < row.expires_at) {
        await repo.retryOutbox(id, now + delay, label, nowIso());
        log.warn({ outboxId: id, poolId: row.pool_id, kind: row.kind, attempt, error: label, detail, retryInMs: delay }, 'message delivery failed; will retry');
        return { status: 'retrying', error };
      }
      await repo.finishOutbox(id, 'failed', label, nowIso());
      log.error({ outboxId: id, poolId: row.pool_id, kind: row.kind, attempt, error: label, detail }, 'message delivery failed for good');
      return { status: 'failed', error };
    }
  }

  async function tick(): Promise<void> {
    const ids = await repo.dueOutbox(Date.now(), BATCH);
    for (const id of ids) await deliver(id).catch((err: unknown) => log.error({ err, outboxId: id }, 'outbox delivery crashed'));
  }

  return {
    /**
     * Stores the message; `expiresAt` (epoch ms) is when it stops being worth delivering. It is
     * due only after a lease, so workers leave the first attempt to the request that made it
     * (and pick it up if that node dies before trying).
     */
    async enqueue(poolId: string, p: OutboxPayload, expiresAt: number): Promise<string> {
      const id = sortableId();
      const at = nowIso();
      const channel = p.kind === 'sms' ? p.sms.channel : p.email.channel;
      await repo.insertOutbox({ id, pool_id: poolId, kind: p.kind, channel, status: 'pending', payload_enc: box.seal(JSON.stringify(p), sealContext(id)), attempts: 0, next_attempt_at: Date.now() + LEASE_MS, expires_at: expiresAt, last_error: null, created_at: at, updated_at: at });
      return id;
    },

    deliver,

    /**
     * Enqueue and make the first attempt now. Resolves when sent; otherwise throws the
     * catalogued error (passcode.delivery_failed while retries continue, or the mapped
     * connector error when it failed for good).
     */
    async sendNow(poolId: string, p: OutboxPayload, expiresAt: number): Promise<void> {
      const id = await this.enqueue(poolId, p, expiresAt);
      const r = await deliver(id);
      if (r.status === 'sent') return;
      if (r.status === 'retrying') throw new AppError('passcode.delivery_failed', { cause: r.error });
      if (r.status === 'failed') throw connectorErrorToAppError(r.error);
      // skipped: cannot happen for a fresh row (workers wait out the lease); accepted, the worker would deliver it.
    },

    /** Starts the background worker (unref'd: it never keeps the process alive on its own). */
    start(): void {
      if (timer) return;
      timer = setInterval(() => {
        if (ticking) return;
        ticking = tick()
          .catch((err: unknown) => log.error({ err }, 'outbox worker tick failed'))
          .finally(() => {
            ticking = undefined;
          });
      }, options.pollMs);
      timer.unref();
    },

    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = undefined;
      await ticking;
    },

    tick,
  };
}
export type Outbox = ReturnType<typeof createOutbox>;
