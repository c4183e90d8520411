/**
 * Test dependencies for social connectors: an HttpClient that sends vendor origins to the local
 * fakes (what GATEHOUSE_UPSTREAM_OVERRIDES does in the server), an in-memory ConnectorCache, and
 * a "browser" that follows an authorisation URL to the fake's redirect.
 */
import { createFetchHttpClient, type ConnectorCache, type HttpClient, type SocialConnectorDeps } from '@gatehouse/connector-kit';
import type { LogEntry } from './deps.js';

export type Overrides = Record<string, string>;

export function rewrite(url: string, overrides: Overrides): string {
  for (const [from, to] of Object.entries(overrides)) {
    if (url === from || url.startsWith(`${from}/`) || url.startsWith(`${from}?`)) return to + url.slice(from.length);
  }
  return url;
}

export function overridingHttp(overrides: Overrides, base: HttpClient = createFetchHttpClient({ defaultTimeoutMs: 5_000 })): HttpClient & { urls: string[] } {
  const urls: string[] = [];
  const client = (url: string, init: Parameters<HttpClient>[1]) => {
    urls.push(url);
    return base(rewrite(url, overrides), init);
  };
  return Object.assign(client, { urls });
}

export function memoryCache(now: () => number = Date.now): ConnectorCache & { entries: Map<string, { value: string; expiresAt: number }> } {
  const entries = new Map<string, { value: string; expiresAt: number }>();
  const live = (key: string) => {
    const e = entries.get(key);
    if (e && e.expiresAt <= now()) entries.delete(key);
    return entries.get(key);
  };
  return {
    entries,
    async get(key) {
      return live(key)?.value ?? null;
    },
    async set(key, value, ttlMs) {
      entries.set(key, { value, expiresAt: now() + ttlMs });
    },
    async take(key) {
      const e = live(key);
      entries.delete(key);
      return e?.value ?? null;
    },
  };
}

export function socialDeps(overrides: Overrides, opts: { now?: () => Date } = {}) {
  const logs: LogEntry[] = [];
  const log = (level: LogEntry['level']) => (obj: Record<string, unknown>, msg?: string) => void logs.push({ level, obj, msg });
  const http = overridingHttp(overrides);
  const cache = memoryCache(opts.now ? () => opts.now!().getTime() : Date.now);
  const deps: SocialConnectorDeps = { http, cache, logger: { info: log('info'), warn: log('warn'), error: log('error') }, ...(opts.now ? { now: opts.now } : {}) };
  return Object.assign(deps, { logs, http, cache });
}

/** A browser visit to an authorisation URL (through the overrides); returns where the provider redirected. */
export async function visit(url: string, overrides: Overrides): Promise<{ status: number; location?: URL; params: Record<string, string>; text: string }> {
  const res = await fetch(rewrite(url, overrides), { redirect: 'manual' });
  const loc = res.headers.get('location');
  const location = loc ? new URL(loc) : undefined;
  return { status: res.status, ...(location ? { location } : {}), params: location ? Object.fromEntries(location.searchParams) : {}, text: await res.text() };
}

export const AUTH_REQUEST = {
  state: 'st8Kq2mZ0pWc4N1x',
  nonce: 'n0nce-abc',
  codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  codeVerifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
} as const;
