import type { Json, StoredOidcConfig } from './types.js';
import { unsupportedField as unsupported } from '../../errors/app-error.js';
import { invalidConfig, present, unique } from './checks.js';
import { checkUriList } from './redirect-uris.js';
import { AUTH_METHODS, DEVICE_CODE_GRANT, GRANT_TYPES, ID_TOKEN_ALGS, isPublicProfile, LIFETIMES, OIDC_FIELDS, PROFILES, UNSUPPORTED_OIDC_FIELDS, type AppType, type AuthMethod, type LifetimeKey, type Profile } from './vocabulary.js';

/** RFC 6749 §3.3 scope-token = 1*NQCHAR. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

export function defaultOidc(profile: Profile): StoredOidcConfig {
  const grants = profile === 'machine' ? ['client_credentials'] : ['authorization_code', 'refresh_token'];
  return {
    grant_types: grants,
    response_types: grants.includes('authorization_code') ? ['code'] : [],
    // ES256 by default (issue #3); RS256 (the algorithm every relying party must support, OIDC
    // Core §15.1) is selectable per app, HS256 (keyed with the app secret) for confidential apps.
    id_token_signed_response_alg: 'ES256',
    authorization_code_expire: LIFETIMES.authorization_code_expire.def,
    access_token_expire: LIFETIMES.access_token_expire.def,
    id_token_expire: LIFETIMES.id_token_expire.def,
    refresh_token_expire: LIFETIMES.refresh_token_expire.def,
    require_proof_key: isPublicProfile(profile),
    skip_consent: false,
  };
}

export const defaultMethod = (profile: Profile): AuthMethod => (isPublicProfile(profile) ? 'none' : 'client_secret_post');

function stringList(v: unknown, field: string): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw invalidConfig(`${field} must be an array of strings`, `oidcConfig.${field}`);
  return unique(v as string[]);
}

function authMethod(v: unknown, field: string): AuthMethod {
  if (typeof v !== 'string' || !(AUTH_METHODS as readonly string[]).includes(v)) {
    throw invalidConfig(`${field} must be one of ${AUTH_METHODS.join(', ')}`, `oidcConfig.${field}`);
  }
  return v as AuthMethod;
}

export interface ResolvedOidc {
  oidc: StoredOidcConfig;
  method: AuthMethod;
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
}

/**
 * Merges `input` over the stored (or default) settings and validates the result as a whole,
 * so an update can never leave an inconsistent client behind.
 */
export function resolveOidcConfig(appId: string, appType: string, input: Json | undefined, prev?: { oidc: StoredOidcConfig; method: AuthMethod }): ResolvedOidc {
  const profile = PROFILES[appType as AppType];
  if (!profile) throw unsupported(`appType=${appType}`);
  const given = input ?? {};
  for (const k of Object.keys(given)) {
    if (!OIDC_FIELDS.includes(k)) throw invalidConfig(`unknown field oidcConfig.${k}`, `oidcConfig.${k}`);
  }
  for (const k of UNSUPPORTED_OIDC_FIELDS) if (present(given[k])) throw unsupported(`oidcConfig.${k}`);
  if (present(given.client_id) && given.client_id !== appId) throw invalidConfig('client_id is the appId and cannot be changed', 'oidcConfig.client_id');

  const oidc: StoredOidcConfig = { ...(prev?.oidc ?? defaultOidc(profile)) };
  let method = prev?.method ?? defaultMethod(profile);
  if (present(given.token_endpoint_auth_method)) method = authMethod(given.token_endpoint_auth_method, 'token_endpoint_auth_method');
  const isPublic = method === 'none';

  if (isPublicProfile(profile) && !isPublic) {
    throw invalidConfig(`${appType} apps are public clients and cannot keep a secret (RFC 8252 §8.5): token_endpoint_auth_method must be none`, 'oidcConfig.token_endpoint_auth_method');
  }
  if (profile === 'machine' && isPublic) {
    throw invalidConfig('api apps use client credentials and must authenticate (RFC 6749 §4.4)', 'oidcConfig.token_endpoint_auth_method');
  }

  for (const key of ['introspection_endpoint_auth_method', 'revocation_endpoint_auth_method'] as const) {
    if (present(given[key])) oidc[key] = authMethod(given[key], key);
    const m = oidc[key];
    if (m !== undefined && (m === 'none') !== isPublic) {
      throw invalidConfig(`${key} must be ${isPublic ? 'none for a public client' : 'a client_secret method for a confidential client'}`, `oidcConfig.${key}`);
    }
  }

  // Grant types. Implicit and password grants are refused outright (RFC 9700 §2.1.2, §2.4).
  if (present(given.grant_types)) {
    const grants = stringList(given.grant_types, 'grant_types');
    for (const g of grants) {
      if (g === 'implicit') throw invalidConfig('the implicit grant is not allowed (RFC 9700 §2.1.2); use authorization_code with PKCE', 'oidcConfig.grant_types');
      if (g === 'password') throw invalidConfig('the resource owner password grant is not allowed (RFC 9700 §2.4)', 'oidcConfig.grant_types');
      if (!(GRANT_TYPES as readonly string[]).includes(g)) throw invalidConfig(`unsupported grant type ${g}`, 'oidcConfig.grant_types');
    }
    oidc.grant_types = grants;
    // Response types follow the grants unless given too (RFC 7591 §2.1).
    if (!present(given.response_types)) oidc.response_types = grants.includes('authorization_code') ? ['code'] : [];
  }
  if (oidc.grant_types.length === 0) throw invalidConfig('grant_types must not be empty', 'oidcConfig.grant_types');
  if (oidc.grant_types.includes('refresh_token') && !oidc.grant_types.includes('authorization_code') && !oidc.grant_types.includes(DEVICE_CODE_GRANT)) {
    throw invalidConfig('refresh_token requires authorization_code or the device grant (no refresh tokens for client credentials, RFC 6749 §4.4.3)', 'oidcConfig.grant_types');
  }
  if (oidc.grant_types.includes('client_credentials') && isPublic) {
    throw invalidConfig('client_credentials needs a confidential client (RFC 6749 §4.4)', 'oidcConfig.grant_types');
  }
  if (profile === 'machine' && oidc.grant_types.some((g) => g !== 'client_credentials')) {
    throw invalidConfig('api apps only use client_credentials; create a web app for user sign-in', 'oidcConfig.grant_types');
  }

  if (present(given.response_types)) {
    const types = stringList(given.response_types, 'response_types');
    for (const t of types) {
      if (t !== 'code') throw invalidConfig(`response type "${t}" is not allowed: only code (implicit and hybrid flows are refused, RFC 9700 §2.1.2)`, 'oidcConfig.response_types');
    }
    oidc.response_types = types;
  }
  if (oidc.response_types.includes('code') !== oidc.grant_types.includes('authorization_code')) {
    throw invalidConfig('response_types code and grant type authorization_code go together (RFC 7591 §2.1)', 'oidcConfig.response_types');
  }

  if (present(given.id_token_signed_response_alg)) {
    const alg = given.id_token_signed_response_alg;
    if (typeof alg !== 'string' || !(ID_TOKEN_ALGS as readonly string[]).includes(alg)) {
      throw invalidConfig(`id_token_signed_response_alg must be one of ${ID_TOKEN_ALGS.join(', ')}`, 'oidcConfig.id_token_signed_response_alg');
    }
    oidc.id_token_signed_response_alg = alg as StoredOidcConfig['id_token_signed_response_alg'];
  }
  if (oidc.id_token_signed_response_alg === 'HS256' && isPublic) {
    // HS256 ID tokens are keyed with the client secret (OIDC Core §10.1); a public client has none it can keep.
    throw invalidConfig('HS256 needs a confidential client: it is keyed with the client secret (OIDC Core §10.1)', 'oidcConfig.id_token_signed_response_alg');
  }

  for (const key of Object.keys(LIFETIMES) as LifetimeKey[]) {
    const { alias, min, max } = LIFETIMES[key];
    const a = given[key];
    const b = given[alias];
    if (present(a) && present(b) && a !== b) throw invalidConfig(`${key} and ${alias} disagree`, `oidcConfig.${key}`);
    const v = present(a) ? a : b;
    if (!present(v)) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw invalidConfig(`${key} must be an integer number of seconds between ${min} and ${max}`, `oidcConfig.${key}`);
    }
    oidc[key] = v;
  }

  for (const key of ['require_proof_key', 'skip_consent'] as const) {
    if (!present(given[key])) continue;
    if (typeof given[key] !== 'boolean') throw invalidConfig(`${key} must be a boolean`, `oidcConfig.${key}`);
    oidc[key] = given[key] as boolean;
  }
  // Public clients always use PKCE (RFC 9700 §2.1.1, RFC 8252 §8.1), whatever was asked.
  if (isPublic) oidc.require_proof_key = true;

  if (given.scope !== undefined) {
    if (given.scope === null || given.scope === '') delete oidc.scope;
    else {
      if (typeof given.scope !== 'string' || given.scope.length > 1000) throw invalidConfig('scope must be a space-separated string of scopes', 'oidcConfig.scope');
      const tokens = unique(given.scope.split(' ').filter(Boolean));
      if (tokens.length === 0 || tokens.some((t) => !SCOPE_TOKEN.test(t))) throw invalidConfig('scope contains an invalid scope token (RFC 6749 §3.3)', 'oidcConfig.scope');
      oidc.scope = tokens.join(' ');
    }
  }

  const out: ResolvedOidc = { oidc, method };
  if (present(given.redirect_uris)) out.redirectUris = checkUriList(given.redirect_uris, appType, 'oidcConfig.redirect_uris');
  if (present(given.post_logout_redirect_uris)) out.postLogoutRedirectUris = checkUriList(given.post_logout_redirect_uris, appType, 'oidcConfig.post_logout_redirect_uris');
  return out;
}
