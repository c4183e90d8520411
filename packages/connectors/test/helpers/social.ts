/**
 * Test plumbing for identity-provider connectors: an HttpClient that sends vendor origins to the
 * local fakes (what GATEHOUSE_UPSTREAM_OVERRIDES does in the server), an in-memory
 * ConnectorCache with the atomic operations the server's KV provides, and a minimal "browser"
 * that follows the provider's authorize redirects until it comes back to our callback.
 */
import { createFetchHttpClient, type ConnectorCache, type HttpClient, type SocialConnectorDeps } from '@gatehouse/connector-kit';
import type { LogEntry } from './deps.js';

export const CALLBACK = 'https://gatehouse.test/connections/social/test/callback';

/** Rewrites the origin of any URL listed in `overrides` (vendor origin → local origin). */
export function rewrite(url: string, overrides: Record<string, string>): string {
  const u = new URL(url);
  const target = overrides[u.origin];
  if (!target) return url;
  return target.replace(/\/$/, '') + u.pathname + u.search;
}

export function mappedHttp(overrides: Record<string, string>, defaultTimeoutMs = 5_000): HttpClient & { calls: string[] } {
  const inner = createFetchHttpClient({ defaultTimeoutMs });
  const calls: string[] = [];
  const client = (async (url, init) => {
    const u = new URL(url);
    if (!overrides[u.origin]) throw new Error(`test http: no fake for ${u.origin}`);
    calls.push(`${init.method} ${url}`);
    return inner(rewrite(url, overrides), init);
  }) as HttpClient & { calls: string[] };
  client.calls = calls;
  return client;
}

export function memoryCache(now: () => number = Date.now): ConnectorCache & { store: Map<string, { value: string; exp: number }> } {
  const store = new Map<string, { value: string; exp: number }>();
  const live = (k: string) => {
    const e = store.get(k);
    if (e && e.exp <= now()) store.delete(k);
    return store.get(k);
  };
  return {
    store,
    get: async (k) => live(k)?.value ?? null,
    set: async (k, value, ttl) => void store.set(k, { value, exp: now() + ttl }),
    take: async (k) => {
      const e = live(k);
      store.delete(k);
      return e?.value ?? null;
    },
    add: async (k, value, ttl) => {
      if (live(k)) return false;
      store.set(k, { value, exp: now() + ttl });
      return true;
    },
  };
}

export function socialDeps(overrides: Record<string, string>, opts: { timeoutMs?: number; now?: Date; cache?: ConnectorCache } = {}): SocialConnectorDeps & { logs: LogEntry[]; http: HttpClient & { calls: string[] } } {
  const logs: LogEntry[] = [];
  const log = (level: LogEntry['level']) => (obj: Record<string, unknown>, msg?: string) => void logs.push({ level, obj, ...(msg ? { msg } : {}) });
  return {
    http: mappedHttp(overrides, opts.timeoutMs),
    cache: opts.cache ?? memoryCache(),
    logger: { info: log('info'), warn: log('warn'), error: log('error') },
    ...(opts.now ? { now: () => opts.now! } : {}),
    logs,
  };
}

export interface ReturnToUs {
  /** GET for a redirect, POST for form_post / the SAML POST binding. */
  method: 'GET' | 'POST';
  /** Where the browser ended up (our callback URL, without the query). */
  target: string;
  params: Record<string, string>;
}

/**
 * Plays the browser at the provider: follows redirects on faked origins (with a cookie jar) and
 * auto-submitted forms, and returns the request that lands on a non-faked URL — our callback.
 */
export async function browse(url: string, overrides: Record<string, string>, maxHops = 12): Promise<ReturnToUs> {
  const jar = new Map<string, string>();
  let next: { url: string; method: 'GET' | 'POST'; body?: URLSearchParams } = { url, method: 'GET' };
  for (let hop = 0; hop < maxHops; hop++) {
    const u = new URL(next.url);
    if (!overrides[u.origin]) {
      const params = next.method === 'POST' ? Object.fromEntries(next.body ?? []) : Object.fromEntries(u.searchParams);
      return { method: next.method, target: `${u.origin}${u.pathname}`, params };
    }
    const headers: Record<string, string> = {};
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (cookie) headers['cookie'] = cookie;
    if (next.body) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(rewrite(next.url, overrides), { method: next.method, headers, redirect: 'manual', ...(next.body ? { body: next.body.toString() } : {}) });
    for (const sc of res.headers.getSetCookie()) {
      const [pair] = sc.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(sc)) jar.delete(name);
      else jar.set(name, value);
    }
    const text = await res.text();
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      next = { url: new URL(location, next.url).toString(), method: 'GET' };
      continue;
    }
    const form = /<form[^>]*method="post"[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(text);
    if (res.status === 200 && form) {
      const unesc = (s: string) => s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
      const body = new URLSearchParams();
      for (const m of form[2]!.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/gi)) body.set(unesc(m[1]!), unesc(m[2]!));
      next = { url: new URL(unesc(form[1]!), next.url).toString(), method: 'POST', body };
      continue;
    }
    throw new Error(`browse: provider answered HTTP ${res.status} at ${next.url}: ${text.slice(0, 300)}`);
  }
  throw new Error('browse: too many redirects');
}

/** A fresh server-side authorization request: state, nonce and a PKCE pair. */
export async function newRequest(redirectUri = CALLBACK) {
  const { createCodeVerifier, pkceChallengeS256 } = await import('@gatehouse/connector-kit');
  const { randomBytes } = await import('node:crypto');
  const codeVerifier = createCodeVerifier();
  return {
    state: randomBytes(16).toString('base64url'),
    nonce: randomBytes(16).toString('base64url'),
    codeVerifier,
    codeChallenge: pkceChallengeS256(codeVerifier),
    redirectUri,
  };
}
