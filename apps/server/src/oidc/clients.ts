import type { ApplicationDto, ApplicationsService } from '../services/applications.js';
import type { OidcAdapter } from './adapter.js';
import { SUPPORTED_SCOPES } from './claims.js';
import { DEVICE_CODE_GRANT } from '../services/applications/vocabulary.js';

/**
 * OIDC clients are our applications. oidc-provider reads them through the `Client` adapter;
 * this module turns an application into client metadata, scoped to one pool, with a short
 * cache that the applications service (or anyone) can invalidate on change.
 */

export { DEVICE_CODE_GRANT };
/** Native app types (RFC 8252): private-use redirect schemes; their users may sign in on a device without a browser (RFC 8628). */
const DEVICE_FLOW_TYPES = new Set(['native', 'mini-program']);

/** Gatehouse-only client metadata (oidc-provider `extraClientMetadata`), read by provider.ts. */
export interface GatehouseClientMeta {
  poolId: string;
  appType: string;
  pkceRequired: boolean;
  /** Show the consent page (the app's loginConfig.showAuthorizationPage, unless skip_consent). */
  consent: boolean;
  accessTokenTtl: number;
  idTokenTtl: number;
  refreshTokenTtl: number;
  codeTtl: number;
  /** Scopes the app may request; client credentials also get them by default. Undefined = every supported scope. */
  scope?: string;
}

export function toClientMetadata(app: ApplicationDto, secret: string | undefined, extraRedirectUris: string[] = []): Record<string, unknown> {
  const o = app.oidcConfig;
  // SAML and CAS continuation endpoints (services/sso-protocols/continuation.ts): their requests
  // become authorization requests of this client, answered with a code to our own endpoint.
  if (extraRedirectUris.length) {
    app = { ...app, redirectUris: [...app.redirectUris, ...extraRedirectUris.filter((u) => !app.redirectUris.includes(u))] };
    if (!o.grant_types.includes('authorization_code') || !o.response_types.includes('code')) {
      app.oidcConfig = { ...o, grant_types: [...new Set([...o.grant_types, 'authorization_code'])], response_types: [...new Set([...o.response_types, 'code'])] };
    }
  }
  // An app without redirect URIs cannot use the browser flow (RFC 6749 §3.1.2.2: the client
  // must register them), but it still signs users in through /api/v3/signin, QR tickets and
  // refresh tokens: publish it without the code grant and response types instead of refusing it.
  const browser = app.redirectUris.length > 0;
  const grantTypes = app.oidcConfig.grant_types.filter((g) => browser || g !== 'authorization_code');
  // The device grant (RFC 8628): set explicitly in oidcConfig.grant_types (management API), or
  // implied for native apps that sign users in through the browser.
  if (browser && grantTypes.includes('authorization_code') && DEVICE_FLOW_TYPES.has(app.appType) && !grantTypes.includes(DEVICE_CODE_GRANT)) grantTypes.push(DEVICE_CODE_GRANT);
  const method = o.token_endpoint_auth_method;
  const gatehouse: GatehouseClientMeta = {
    poolId: app.userPoolId,
    appType: app.appType,
    pkceRequired: method === 'none' || o.require_proof_key === true,
    consent: app.loginConfig?.showAuthorizationPage === true && o.skip_consent !== true,
    accessTokenTtl: o.access_token_expire,
    idTokenTtl: o.id_token_expire,
    refreshTokenTtl: o.refresh_token_expire,
    codeTtl: o.authorization_code_expire,
    ...(o.scope ? { scope: o.scope } : {}),
  };
  return {
    client_id: app.appId,
    ...(method !== 'none' && secret ? { client_secret: secret } : {}),
    client_name: app.appName,
    // Native apps (RFC 8252) may use private-use URI schemes and any loopback port; web rules otherwise.
    application_type: DEVICE_FLOW_TYPES.has(app.appType) ? 'native' : 'web',
    token_endpoint_auth_method: method,
    grant_types: grantTypes,
    response_types: browser ? app.oidcConfig.response_types : [],
    redirect_uris: app.redirectUris,
    post_logout_redirect_uris: app.logoutRedirectUris,
    ...(o.backchannel_logout_uri ? { backchannel_logout_uri: o.backchannel_logout_uri, backchannel_logout_session_required: o.backchannel_logout_session_required ?? false } : {}),
    id_token_signed_response_alg: o.id_token_signed_response_alg,
    // oidc-provider's client `scope` restricts the OIDC scopes only; API scopes are enforced by the resource server (provider.ts).
    ...(oidcScopes(o.scope) ? { scope: oidcScopes(o.scope) } : {}),
    gatehouse,
  };
}

const oidcScopes = (scope: string | undefined) => {
  if (!scope) return undefined;
  const list = scope.split(' ').filter((x) => SUPPORTED_SCOPES.includes(x));
  if (!list.includes('openid')) list.unshift('openid');
  return list.join(' ');
};

const CACHE_TTL_MS = 10_000;

/**
 * Client lookups for all pools: `adapterFor(poolId)` is the oidc-provider `Client` adapter of
 * one pool — an app of another pool is simply not found there. `invalidate(appId)` drops one at
 * once; oidc/index.ts calls it from the invalidation bus, so with Redis every node drops a
 * changed app immediately. Entries live 10 s: the bound for nodes without Redis (several nodes
 * on one database) and for a missed pub/sub message.
 */
export function createClientRegistry(apps: Pick<ApplicationsService, 'findClient' | 'getSecret'>, opts: { extraRedirectUris?: (app: ApplicationDto) => string[] } = {}) {
  const cache = new Map<string, { at: number; value: Record<string, unknown> | null; poolId: string | null }>();
  let generation = 0;

  async function load(appId: string) {
    const hit = cache.get(appId);
    if (hit && Date.now() - hit.at < CACHE_TTL_MS) return hit;
    const gen = generation;
    const found = await apps.findClient(appId);
    const entry = found
      ? {
          at: Date.now(),
          poolId: found.poolId,
          value: toClientMetadata(found.app, found.app.oidcConfig.token_endpoint_auth_method === 'none' ? undefined : await apps.getSecret(found.poolId, appId), opts.extraRedirectUris?.(found.app)),
        }
      : { at: Date.now(), poolId: null, value: null };
    if (cache.size > 10_000) cache.clear();
    // An invalidation that arrived while this lookup ran may concern what it read: do not keep it.
    if (gen === generation) cache.set(appId, entry);
    return entry;
  }

  const readOnly = async () => {
    throw new Error('clients are managed through the applications API');
  };

  return {
    invalidate(appId?: string) {
      generation++;
      if (appId === undefined) cache.clear();
      else cache.delete(appId);
    },
    async find(poolId: string, appId: string) {
      if (typeof appId !== 'string' || appId.length === 0 || appId.length > 128) return undefined;
      const e = await load(appId);
      return e.poolId === poolId && e.value ? e.value : undefined;
    },
    adapterFor(poolId: string): OidcAdapter {
      return {
        find: async (id: string) => (await this.find(poolId, id)) as never,
        upsert: readOnly,
        consume: readOnly,
        destroy: readOnly,
        revokeByGrantId: readOnly,
        findByUid: async () => undefined,
        findByUserCode: async () => undefined,
      };
    },
  };
}
export type ClientRegistry = ReturnType<typeof createClientRegistry>;
