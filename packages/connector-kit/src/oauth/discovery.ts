/**
 * OpenID Connect Discovery 1.0: `<issuer>/.well-known/openid-configuration`, cached in the
 * connector cache. The document's `issuer` must equal the configured issuer exactly (§4.3);
 * otherwise a provider could claim to be another one.
 */
import { Type, type Static } from '@sinclair/typebox';
import { ConnectorError, type ConnectorCache, type HttpClient } from '../types.js';
import { matches, providerRequest } from './request.js';
import { unreadableSocialResponse } from './errors.js';
import { trimSlash } from './url.js';

const Url = Type.String({ pattern: '^https?://', maxLength: 2048 });
export const DiscoverySchema = Type.Object(
  {
    issuer: Type.String({ minLength: 1 }),
    authorization_endpoint: Url,
    token_endpoint: Url,
    jwks_uri: Url,
    userinfo_endpoint: Type.Optional(Url),
    end_session_endpoint: Type.Optional(Url),
    scopes_supported: Type.Optional(Type.Array(Type.String())),
    token_endpoint_auth_methods_supported: Type.Optional(Type.Array(Type.String())),
    id_token_signing_alg_values_supported: Type.Optional(Type.Array(Type.String())),
    code_challenge_methods_supported: Type.Optional(Type.Array(Type.String())),
    authorization_response_iss_parameter_supported: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: true },
);
export type DiscoveryDocument = Static<typeof DiscoverySchema>;

export interface DiscoveryOptions {
  vendor: string;
  issuer: string;
  http: HttpClient;
  cache?: ConnectorCache;
  ttlMs?: number;
  timeoutMs?: number;
}

export function discoveryUrl(issuer: string): string {
  return `${trimSlash(issuer)}/.well-known/openid-configuration`;
}

export async function discover(o: DiscoveryOptions): Promise<DiscoveryDocument> {
  const key = `oidc-discovery:${o.issuer}`;
  const hit = await o.cache?.get(key);
  if (hit) {
    try {
      const doc = JSON.parse(hit) as unknown;
      if (matches(DiscoverySchema, doc) && doc.issuer === o.issuer) return doc;
    } catch {
      // refetch
    }
  }
  const res = await providerRequest(o.http, o.vendor, discoveryUrl(o.issuer), o.timeoutMs ? { timeoutMs: o.timeoutMs } : {});
  if (res.status < 200 || res.status >= 300 || !matches(DiscoverySchema, res.body)) throw unreadableSocialResponse(o.vendor, 'discovery', res.status);
  const doc = res.body;
  if (doc.issuer !== o.issuer) {
    throw new ConnectorError('connector.invalid_config', `${o.vendor}: discovery issuer ${JSON.stringify(doc.issuer.slice(0, 200))} is not the configured issuerUrl`);
  }
  await o.cache?.set(key, JSON.stringify(doc), o.ttlMs ?? 3_600_000);
  return doc;
}
