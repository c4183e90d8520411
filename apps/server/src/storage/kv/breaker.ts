import { AppError } from '../../errors/app-error.js';
import type { KvStore } from './types.js';

/**
 * A circuit breaker around the shared KV store (Redis), so an outage makes authentication fail
 * closed *fast* and clearly (security.md §0 item 35; ASVS 16.5.2/16.5.3): every decision that
 * needs a counter, code, nonce or session is refused with `availability.temporarily_unavailable`
 * (HTTP 503; the `/api/v3` envelope with statusCode 503) instead of hanging or answering a
 * generic 500 — and never proceeds without its rate limit.
 *
 * - closed: commands pass; each failure (timeout, connection refused or lost) is answered with
 *   the catalogued error; `failureThreshold` consecutive failures open the breaker.
 * - open: every command fails at once, without touching Redis, for `openMs`.
 * - half-open: after `openMs` the next command (a request, or the readiness probe's ping) is let
 *   through as a probe; success closes the breaker, failure opens it again.
 *
 * So the service recovers by itself within about `openMs` of Redis coming back. What this does
 * not do: queue or replay work, or fall back to another store (a counter kept elsewhere during an
 * outage would be a second, weaker limit).
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  failureThreshold?: number;
  openMs?: number;
  onStateChange?: (state: BreakerState, cause?: unknown) => void;
}

export interface KvBreaker {
  state(): BreakerState;
  /** True while requests should be refused at once (open, and not yet due for a probe). */
  isOpen(): boolean;
}

/**
 * The catalogued refusal. It also reads as an OAuth 2.0 `temporarily_unavailable` error
 * (RFC 6749 §4.1.2.1) with status 503 when it surfaces inside the OIDC provider.
 */
export function unavailable(cause?: unknown): AppError {
  const err = new AppError('availability.temporarily_unavailable', cause === undefined ? {} : { cause });
  return Object.assign(err, { message: 'temporarily_unavailable', statusCode: 503, status: 503, expose: true, error_description: 'the service is temporarily unavailable; try again in a few seconds' });
}

export function withCircuitBreaker(kv: KvStore, opts: BreakerOptions = {}): KvStore & { breaker: KvBreaker } {
  const threshold = opts.failureThreshold ?? 2;
  const openMs = opts.openMs ?? 2000;
  let state: BreakerState = 'closed';
  let failures = 0;
  let openedAt = 0;
  let probing = false;

  const set = (next: BreakerState, cause?: unknown) => {
    if (next === state) return;
    state = next;
    opts.onStateChange?.(next, cause);
  };

  async function run<T>(fn: () => Promise<T>): Promise<T> {
    if (state === 'open') {
      if (Date.now() - openedAt < openMs || probing) throw unavailable();
      set('half-open');
    }
    if (state === 'half-open') {
      if (probing) throw unavailable();
      probing = true;
    }
    const wasProbe = state === 'half-open';
    try {
      const result = await fn();
      failures = 0;
      if (wasProbe) set('closed');
      return result;
    } catch (err) {
      if (err instanceof AppError) throw err;
      failures++;
      if (wasProbe || failures >= threshold) {
        openedAt = Date.now();
        set('open', err);
      }
      throw unavailable(err);
    } finally {
      if (wasProbe) probing = false;
    }
  }

  const breaker: KvBreaker = {
    state: () => state,
    isOpen: () => state === 'open' && Date.now() - openedAt < openMs,
  };

  return {
    breaker,
    get: (k) => run(() => kv.get(k)),
    ...(kv.getMany ? { getMany: (keys: string[]) => run(() => kv.getMany!(keys)) } : {}),
    set: (k, v, t) => run(() => kv.set(k, v, t)),
    setIfAbsent: (k, v, t) => run(() => kv.setIfAbsent(k, v, t)),
    incr: (k, t, by) => run(() => kv.incr(k, t, by)),
    take: (k) => run(() => kv.take(k)),
    del: (k) => run(() => kv.del(k)),
    ...(kv.delMany ? { delMany: (keys: string[]) => run(() => kv.delMany!(keys)) } : {}),
    ttl: (k) => run(() => kv.ttl(k)),
    ping: () => run(() => kv.ping()),
    close: () => kv.close(),
  };
}
