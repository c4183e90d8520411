import { AppError } from '../../errors/app-error.js';

/**
 * The vendor's `retryConfig` (WebhookRetryConfigV3Dto): `enabled`, `count` — retries after the
 * first attempt —, `delay` and `delayUnit` — the first retry's delay. Each later retry doubles it,
 * with ±20 % jitter so many failing deliveries do not return to a recovering receiver in
 * lock-step; no delay exceeds a day.
 */
export interface RetryConfig {
  enabled: boolean;
  count: number;
  delay: number;
  delayUnit: 'Second' | 'Minute' | 'Hour' | 'Day';
}

export const DEFAULT_RETRY: RetryConfig = { enabled: true, count: 3, delay: 30, delayUnit: 'Second' };
const UNIT_MS = { Second: 1000, Minute: 60_000, Hour: 3_600_000, Day: 86_400_000 } as const;
const MAX_RETRIES = 10;
const MAX_DELAY_MS = 86_400_000;

export function normaliseRetry(input: Partial<RetryConfig> | undefined, base: RetryConfig = DEFAULT_RETRY): RetryConfig {
  const c = { ...base, ...Object.fromEntries(Object.entries(input ?? {}).filter(([, v]) => v !== undefined)) } as RetryConfig;
  if (!Number.isInteger(c.count) || c.count < 0 || c.count > MAX_RETRIES) throw new AppError('webhook.invalid_retry_config', { params: { reason: `count must be an integer from 0 to ${MAX_RETRIES}` } });
  if (!Number.isInteger(c.delay) || c.delay < 1) throw new AppError('webhook.invalid_retry_config', { params: { reason: 'delay must be a positive integer' } });
  if (!(c.delayUnit in UNIT_MS)) throw new AppError('webhook.invalid_retry_config', { params: { reason: 'delayUnit must be Second, Minute, Hour or Day' } });
  if (c.delay * UNIT_MS[c.delayUnit] > MAX_DELAY_MS) throw new AppError('webhook.invalid_retry_config', { params: { reason: 'delay must not exceed one day' } });
  return { enabled: c.enabled, count: c.count, delay: c.delay, delayUnit: c.delayUnit };
}

/** Attempts in all: the first one plus the retries. */
export const maxAttemptsOf = (c: RetryConfig) => 1 + (c.enabled ? c.count : 0);

/** Delay before attempt `attempt + 1`, after `attempt` failed attempts (1-based). */
export function backoffMs(c: RetryConfig, attempt: number, random = Math.random): number {
  const base = c.delay * UNIT_MS[c.delayUnit] * 2 ** Math.max(0, attempt - 1);
  return Math.round(Math.min(base, MAX_DELAY_MS) * (0.8 + random() * 0.4));
}
