/**
 * A provider's signing keys (JWKS), fetched through the injected HttpClient and kept in the
 * connector cache. A token signed with a key id we do not have triggers one refetch (the provider
 * rotated its keys), at most once a minute per JWKS URL, so forged `kid`s cannot make us hammer
 * the provider. Keys come only from the configured/discovered `jwks_uri`: `jku`, `x5u` and `jwk`
 * token headers are never followed (security.md §0 item 21).
 */
import { Type } from '@sinclair/typebox';
import { createLocalJWKSet, type JSONWebKeySet } from 'jose';
import type { ConnectorCache, HttpClient } from '../types.js';
import { matches, providerRequest } from './request.js';
import { unreadableSocialResponse } from './errors.js';

const JwksSchema = Type.Object({
  keys: Type.Array(Type.Object({ kty: Type.String() }, { additionalProperties: true }), { maxItems: 100 }),
});

export interface JwksSourceOptions {
  vendor: string;
  jwksUri: string;
  http: HttpClient;
  cache?: ConnectorCache;
  /** How long fetched keys are reused. Default one hour. */
  ttlMs?: number;
  timeoutMs?: number;
}

export interface JwksSource {
  /** Current key set (cached). */
  get(): Promise<JSONWebKeySet>;
  /** Key set fetched again unless refreshed in the last minute; undefined when throttled. */
  refresh(): Promise<JSONWebKeySet | undefined>;
  readonly uri: string;
}

const REFETCH_INTERVAL_MS = 60_000;

export function createJwksSource(o: JwksSourceOptions): JwksSource {
  const key = `jwks:${o.jwksUri}`;
  const ttl = o.ttlMs ?? 3_600_000;
  // Per-process fallback when no cache is injected (tests, one-off checks).
  let local: { jwks: JSONWebKeySet; at: number } | undefined;
  let lastRefresh = 0;

  async function fetchKeys(): Promise<JSONWebKeySet> {
    const res = await providerRequest(o.http, o.vendor, o.jwksUri, o.timeoutMs ? { timeoutMs: o.timeoutMs } : {});
    if (res.status < 200 || res.status >= 300 || !matches(JwksSchema, res.body)) throw unreadableSocialResponse(o.vendor, 'JWKS', res.status);
    const jwks = res.body as JSONWebKeySet;
    local = { jwks, at: Date.now() };
    if (o.cache) await o.cache.set(key, JSON.stringify(jwks), ttl);
    return jwks;
  }

  return {
    uri: o.jwksUri,
    async get() {
      if (o.cache) {
        const hit = await o.cache.get(key);
        if (hit) {
          try {
            return JSON.parse(hit) as JSONWebKeySet;
          } catch {
            // fall through to a fresh fetch
          }
        }
      } else if (local && Date.now() - local.at < ttl) {
        return local.jwks;
      }
      return fetchKeys();
    },
    async refresh() {
      if (o.cache?.add) {
        if (!(await o.cache.add(`${key}:refetch`, '1', REFETCH_INTERVAL_MS))) return undefined;
      } else {
        if (Date.now() - lastRefresh < REFETCH_INTERVAL_MS) return undefined;
        lastRefresh = Date.now();
      }
      return fetchKeys();
    },
  };
}

/** jose's local key resolver over a fetched set. */
export function keyResolver(jwks: JSONWebKeySet) {
  return createLocalJWKSet(jwks);
}

export function isNoMatchingKey(err: unknown): boolean {
  return err instanceof Error && (err as { code?: string }).code === 'ERR_JWKS_NO_MATCHING_KEY';
}

