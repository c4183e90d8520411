/**
 * App (server-to-server) access tokens — WeChat `cgi-bin/token`, WeCom `gettoken`, DingTalk
 * `oauth2/accessToken` — kept in the connector cache (the server's shared KV, namespaced per
 * connection) so every node uses the same token. The vendors limit how often a token may be
 * fetched (WeChat: 2 000 a day) and a new WeChat token invalidates the previous one after five
 * minutes, so fetching per request would break other nodes.
 *
 * Tokens are stored until five minutes before the vendor's expiry. A call the vendor refuses with
 * "token invalid/expired" (another node refreshed it, or the vendor revoked it early) drops the
 * cached token and is retried once with a fresh one (`withAppToken`).
 */
import { ConnectorError, type ConnectorCache } from '@gatehouse/connector-kit';
import type { AppAccessTokenInfo } from '@gatehouse/connector-kit';

const SAFETY_MS = 5 * 60_000;

export interface AppTokenSource {
  /** Cache key, e.g. 'app-token'. */
  key: string;
  /** Fetches a new token from the vendor; throws ConnectorError. */
  fetch(): Promise<{ accessToken: string; expiresInSeconds: number }>;
  now: () => Date;
}

export async function appToken(cache: ConnectorCache, src: AppTokenSource): Promise<AppAccessTokenInfo> {
  const cached = await cache.get(src.key);
  if (cached) {
    try {
      const v = JSON.parse(cached) as { accessToken?: unknown; expiresAt?: unknown };
      if (typeof v.accessToken === 'string' && typeof v.expiresAt === 'string') {
        const expiresAt = new Date(v.expiresAt);
        if (expiresAt.getTime() - SAFETY_MS > src.now().getTime()) return { accessToken: v.accessToken, expiresAt };
      }
    } catch {
      // a corrupt entry is refetched below
    }
  }
  const fresh = await src.fetch();
  const expiresAt = new Date(src.now().getTime() + fresh.expiresInSeconds * 1000);
  const ttl = fresh.expiresInSeconds * 1000 - SAFETY_MS;
  if (ttl > 0) await cache.set(src.key, JSON.stringify({ accessToken: fresh.accessToken, expiresAt: expiresAt.toISOString() }), ttl);
  return { accessToken: fresh.accessToken, expiresAt };
}

/** Marker thrown by a call when the vendor says the app token is invalid or expired. */
export class StaleAppToken extends Error {
  constructor(readonly vendorDetail: string) {
    super('stale app token');
  }
}

/**
 * Runs `call` with the cached app token; if it throws StaleAppToken, drops the token and runs it
 * once more with a fresh one. A second StaleAppToken becomes `connector.auth_failed`.
 */
export async function withAppToken<T>(cache: ConnectorCache, src: AppTokenSource, call: (token: string) => Promise<T>): Promise<T> {
  try {
    return await call((await appToken(cache, src)).accessToken);
  } catch (err) {
    if (!(err instanceof StaleAppToken)) throw err;
    await cache.take(src.key);
    try {
      return await call((await appToken(cache, src)).accessToken);
    } catch (again) {
      if (again instanceof StaleAppToken) throw new ConnectorError('connector.auth_failed', again.vendorDetail);
      throw again;
    }
  }
}
