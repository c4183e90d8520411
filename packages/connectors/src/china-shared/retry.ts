/**
 * Backing off on a vendor's rate limit during bulk pulls (organisation sync): a call that fails
 * with `connector.rate_limited` or `connector.unavailable` is retried after 1 s, 2 s, 4 s, …
 * (capped at 30 s) up to `maxRetries` times; any other error is thrown at once. `sleep` is
 * injectable so tests do not wait.
 */
import { ConnectorError } from '@gatehouse/connector-kit';

export interface RetryOptions {
  maxRetries: number;
  baseDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  /** Called once per retry (the sync report counts them). */
  onRetry?: (err: ConnectorError, attempt: number) => void;
}

export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function withBackoff<T>(opts: RetryOptions, call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof ConnectorError) || !err.retryable || attempt >= opts.maxRetries) throw err;
      opts.onRetry?.(err, attempt + 1);
      await opts.sleep(Math.min(30_000, opts.baseDelayMs * 2 ** attempt));
    }
  }
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
