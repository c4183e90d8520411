import { randomBytes } from 'node:crypto';
import { AppError } from '../errors/app-error.js';
import { isUniqueViolation } from '../errors/to-app-error.js';
import type { ApplicationPatch, ApplicationRow, ApplicationsRepo } from '../storage/repositories/applications.js';
import { safeEqual, type SecretBox } from '../utils/crypto.js';
import { randomId, urlSafeSecret } from '../utils/ids.js';
import { nowIso } from '../utils/time.js';

/*
 * Applications are OAuth 2.0 / OIDC clients. The management API speaks the vendor's DTOs
 * (authing-node-sdk `CreateApplicationDto`, `UpdateApplicationDto`, `ApplicationDto`); the
 * client metadata inside `oidcConfig` uses the vendor's snake_case names, which are the
 * RFC 7591 §2 client metadata names where both exist.
 */

// ---------------------------------------------------------------------------------------------
// Vocabulary

/** Every `appType` the vendor defines (CreateApplicationDto.appType). */
export const APP_TYPES = ['web', 'spa', 'native', 'api', 'mfa', 'mini-program', 'gateway-app', 'gateway-agent'] as const;
export type AppType = (typeof APP_TYPES)[number];
export const DEFAULT_PROTOCOLS = ['oidc', 'oauth', 'saml', 'cas', 'asa'] as const;
export const AUTH_METHODS = ['none', 'client_secret_post', 'client_secret_basic'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];
export const ID_TOKEN_ALGS = ['RS256', 'ES256', 'HS256'] as const;
export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
export const LOGIN_METHODS = ['PHONE_CODE', 'EMAIL_CODE', 'PHONE_PASSWORD', 'EMAIL_PASSWORD', 'USERNAME_PASSWORD', 'SELF_BUILT_APP_QRCODE'] as const;
export const REGISTER_METHODS = ['PHONE_CODE', 'EMAIL_CODE', 'EMAIL_PASSWORD'] as const;
export const APP_IDENTIFIER_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$';
const identifierRe = new RegExp(APP_IDENTIFIER_PATTERN);

/**
 * How a type behaves as an OAuth client. Public clients cannot keep a secret (RFC 6749 §2.1,
 * RFC 8252 §8.5): they authenticate with `none` and must use PKCE. A WeChat-style mini program
 * ships its code to the device, so it is a native client.
 */
type Profile = 'web' | 'browser' | 'native' | 'machine';
const PROFILES: Partial<Record<AppType, Profile>> = { web: 'web', spa: 'browser', native: 'native', 'mini-program': 'native', api: 'machine' };
const isPublicProfile = (p: Profile) => p === 'browser' || p === 'native';

/** Lifetimes in seconds: defaults and accepted ranges. */
const LIFETIMES = {
  // RFC 6749 §4.1.2: an authorization code should live at most 10 minutes.
  authorization_code_expire: { alias: 'authorization_code_lifetime', def: 600, min: 10, max: 600 },
  access_token_expire: { alias: 'access_token_lifetime', def: 7200, min: 60, max: 30 * 86400 },
  id_token_expire: { alias: 'id_token_lifetime', def: 3600, min: 60, max: 30 * 86400 },
  refresh_token_expire: { alias: 'refresh_token_lifetime', def: 30 * 86400, min: 60, max: 365 * 86400 },
} as const;
type LifetimeKey = keyof typeof LIFETIMES;

/** Vendor client metadata that would change token or request handling and that Gatehouse does not implement yet. */
export const UNSUPPORTED_OIDC_FIELDS = [
  'jwks',
  'jwks_uri',
  'request_object_signing_alg',
  'request_object_encryption_alg',
  'request_object_encryption_enc',
  'userinfo_signed_response_alg',
  'userinfo_encrypted_response_alg',
  'userinfo_encrypted_response_enc',
  'id_token_encrypted_response_alg',
  'id_token_encrypted_response_enc',
  'cas_expire',
] as const;

export const OIDC_FIELDS = [
  'client_id',
  'grant_types',
  'response_types',
  'token_endpoint_auth_method',
  'introspection_endpoint_auth_method',
  'revocation_endpoint_auth_method',
  'id_token_signed_response_alg',
  ...Object.keys(LIFETIMES),
  ...Object.values(LIFETIMES).map((l) => l.alias),
  'require_proof_key',
  'skip_consent',
  'scope',
  'redirect_uris',
  'post_logout_redirect_uris',
  ...UNSUPPORTED_OIDC_FIELDS,
];

// ---------------------------------------------------------------------------------------------
// Shapes

/** OIDC client settings as stored (the token endpoint method has its own column). */
export interface StoredOidcConfig {
  grant_types: string[];
  response_types: string[];
  id_token_signed_response_alg: (typeof ID_TOKEN_ALGS)[number];
  authorization_code_expire: number;
  access_token_expire: number;
  id_token_expire: number;
  refresh_token_expire: number;
  require_proof_key: boolean;
  skip_consent: boolean;
  /** RFC 7591 §2 `scope`: the scopes this client may ask for (space-separated); absent = any the server offers. */
  scope?: string;
  introspection_endpoint_auth_method?: AuthMethod;
  revocation_endpoint_auth_method?: AuthMethod;
}

/** The vendor's `OIDCConfig` as this server returns it. */
export type OidcConfigDto = StoredOidcConfig & {
  client_id: string;
  token_endpoint_auth_method: AuthMethod;
  introspection_endpoint_auth_method: AuthMethod;
  revocation_endpoint_auth_method: AuthMethod;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
};

type Json = Record<string, unknown>;

interface StoredSettings {
  defaultProtocol: string;
  initLoginUri: string;
  ssoEnabled: boolean;
  ssoEnabledAt?: string;
  oauthProviderEnabled: boolean;
  customBrandingEnabled: boolean;
  ssoShowLaunchpad?: boolean;
  enablePermissionApply?: boolean;
  loginConfig: Json;
  registerConfig: Json;
  brandingConfig: Json;
}

/** Vendor `ApplicationDto`, plus `isDefault`, `createdAt` and `updatedAt`. */
export interface ApplicationDto {
  appId: string;
  appIdentifier: string;
  appName: string;
  appLogo: string;
  appDescription?: string;
  appType: string;
  userPoolId: string;
  isIntegrateApp: boolean;
  defaultProtocol: string;
  redirectUris: string[];
  logoutRedirectUris: string[];
  initLoginUri: string;
  ssoEnabled: boolean;
  ssoEnabledAt?: string;
  loginConfig: Json;
  registerConfig: Json;
  brandingConfig: Json;
  oidcConfig: OidcConfigDto;
  samlProviderEnabled: boolean;
  oauthProviderEnabled: boolean;
  casProviderEnabled: boolean;
  customBrandingEnabled: boolean;
  customSecurityEnabled: boolean;
  isDefault: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Vendor `UpdateApplicationDto` minus `appId`; create adds `appName`, `appType`, `template*`. */
export interface ApplicationInput {
  appName?: string;
  appIdentifier?: string;
  appLogo?: string;
  appDescription?: string;
  defaultProtocol?: string;
  redirectUris?: string[];
  logoutRedirectUris?: string[];
  initLoginUri?: string;
  ssoEnabled?: boolean;
  oidcConfig?: Json;
  oauthProviderEnabled?: boolean;
  loginConfig?: Json;
  registerConfig?: Json;
  brandingConfig?: Json;
  ssoShowLaunchpad?: boolean;
  enablePermissionApply?: boolean;
  // Vendor fields not implemented here: accepted by the schema, refused when set.
  templateData?: unknown;
  samlProviderEnabled?: boolean;
  samlConfig?: unknown;
  casProviderEnabled?: boolean;
  casConfig?: unknown;
  oauthConfig?: unknown;
}

export interface CreateApplicationInput extends ApplicationInput {
  appName: string;
  appType?: string;
  template?: unknown;
}

// ---------------------------------------------------------------------------------------------
// Validation helpers

const invalidConfig = (reason: string, path?: string): AppError =>
  new AppError('application.invalid_config', { params: { reason }, ...(path ? { details: [{ path, message: reason }] } : {}) });
const unsupported = (field: string) => new AppError('request.unsupported_field', { params: { field } });
const present = (v: unknown) => v !== undefined && v !== null;
const unique = <T>(xs: T[]) => [...new Set(xs)];

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]']);
const isLoopback = (hostname: string) => LOOPBACK_HOSTS.has(hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
/** Schemes a browser executes or reads locally instead of navigating to an app: refused everywhere, in any letter case. */
const DANGEROUS_SCHEME = /^\s*(javascript|data|vbscript|file|blob|about|filesystem)\s*:/i;

function badUri(raw: unknown, path: string, reason: string): AppError {
  const shown = typeof raw === 'string' ? (raw.length > 200 ? `${raw.slice(0, 200)}…` : raw) : String(raw);
  return new AppError('application.invalid_redirect_uri', { params: { uri: shown }, details: [{ path, message: reason }] });
}

/**
 * A redirect (or logout/initiate-login) URI an authorization server may send a browser to.
 * RFC 6749 §3.1.2: absolute, no fragment. Wildcards are refused: redirect URIs are compared as
 * exact strings (RFC 9700 §2.1, §4.1.3), so the value is stored exactly as given. https only,
 * except http on a loopback address and private-use schemes for native apps (RFC 8252 §7.1,
 * §7.3, §8.3). Whitespace and control characters are refused because URL parsers silently
 * drop them (`java\tscript:`).
 */
export function checkRedirectUri(raw: unknown, appType: string, path: string): string {
  if (typeof raw !== 'string' || raw.length === 0) throw badUri(raw, path, 'must be a non-empty string');
  if (raw.length > 2048) throw badUri(raw, path, 'is longer than 2048 characters');
  if (/[\s\u0000-\u001f\u007f]/.test(raw)) throw badUri(raw, path, 'must not contain whitespace or control characters');
  if (DANGEROUS_SCHEME.test(raw)) throw badUri(raw, path, 'this URI scheme is never allowed');
  if (raw.includes('#')) throw badUri(raw, path, 'must not contain a fragment (RFC 6749 §3.1.2)');
  if (raw.includes('*')) throw badUri(raw, path, 'wildcards are not allowed; register each URI exactly');
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(raw)) throw badUri(raw, path, 'must be an absolute URI with a scheme');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badUri(raw, path, 'is not a valid absolute URI');
  }
  if (url.username || url.password) throw badUri(raw, path, 'must not contain user credentials');
  if (url.protocol === 'https:') return raw;
  if (url.protocol === 'http:') {
    if (isLoopback(url.hostname)) return raw;
    throw badUri(raw, path, 'http is only allowed on a loopback address (RFC 8252 §7.3); use https');
  }
  if (PROFILES[appType as AppType] === 'native') return raw;
  throw badUri(raw, path, 'custom URI schemes are only allowed for native apps (RFC 8252 §7.1)');
}

function checkUriList(list: unknown, appType: string, path: string): string[] {
  if (!Array.isArray(list)) throw badUri(list, path, 'must be an array of URIs');
  return unique(list.map((u, i) => checkRedirectUri(u, appType, `${path}[${i}]`)));
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** RFC 6749 §3.3 scope-token = 1*NQCHAR. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

function defaultOidc(profile: Profile): StoredOidcConfig {
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

const defaultMethod = (profile: Profile): AuthMethod => (isPublicProfile(profile) ? 'none' : 'client_secret_post');

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

interface ResolvedOidc {
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
  if (oidc.grant_types.includes('refresh_token') && !oidc.grant_types.includes('authorization_code')) {
    throw invalidConfig('refresh_token requires authorization_code (no refresh tokens for client credentials, RFC 6749 §4.4.3)', 'oidcConfig.grant_types');
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

/** Rejects vendor fields this server does not implement, naming the field (never silently ignoring it). */
function refuseUnsupported(input: ApplicationInput & { template?: unknown }): void {
  for (const k of ['template', 'templateData', 'samlConfig', 'casConfig', 'oauthConfig'] as const) if (present(input[k])) throw unsupported(k);
  for (const k of ['samlProviderEnabled', 'casProviderEnabled'] as const) if (input[k] === true) throw unsupported(k);
  if (present(input.defaultProtocol) && input.defaultProtocol !== 'oidc' && input.defaultProtocol !== 'oauth') throw unsupported(`defaultProtocol=${input.defaultProtocol}`);
  const ext = input.loginConfig?.enabledExtIdpConnIds;
  if (Array.isArray(ext) && ext.length > 0) throw unsupported('loginConfig.enabledExtIdpConnIds');
}

function checkMethods(list: unknown, allowed: readonly string[], path: string): void {
  if (list === undefined) return;
  if (!Array.isArray(list) || list.some((m) => !allowed.includes(m as string))) throw invalidConfig(`${path} may only contain ${allowed.join(', ')}`, path);
}

/** Turns an app name into a default `appIdentifier`: ASCII slug, or `app` for names without Latin letters. */
function slugOf(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '');
  return slug || 'app';
}

// ---------------------------------------------------------------------------------------------
// Mapping

const parse = <T>(text: string, fallback: T): T => {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};

const DEFAULT_LOGIN_CONFIG: Json = {
  mergeLoginAndRegisterPage: false,
  defaultLoginMethod: { connectionType: 'PASSWORD' },
  enabledExtIdpConns: [],
  enabledAllExtIdpConns: false,
  showAuthorizationPage: false,
};
const DEFAULT_LOGIN_METHODS = ['PHONE_PASSWORD', 'EMAIL_PASSWORD', 'USERNAME_PASSWORD'];
const DEFAULT_REGISTER_CONFIG: Json = { enabledBasicRegisterMethods: ['EMAIL_PASSWORD'], defaultRegisterMethod: 'PASSWORD' };
const DEFAULT_BRANDING_CONFIG: Json = {
  customCSSEnabled: false,
  guardVersion: 'Advanced',
  showChangeLanguageButton: true,
  defaultLanguage: 'zh-CN',
  showForgetPasswordButton: true,
  showEnterpriseConnections: true,
  showSocialConnections: true,
  showAgreement: false,
  agreements: [],
};

const settingsOf = (row: ApplicationRow): StoredSettings => {
  const s = parse<Partial<StoredSettings>>(row.settings, {});
  return {
    defaultProtocol: s.defaultProtocol ?? 'oidc',
    initLoginUri: s.initLoginUri ?? '',
    ssoEnabled: s.ssoEnabled ?? false,
    ...(s.ssoEnabledAt ? { ssoEnabledAt: s.ssoEnabledAt } : {}),
    oauthProviderEnabled: s.oauthProviderEnabled ?? false,
    customBrandingEnabled: s.customBrandingEnabled ?? false,
    ...(s.ssoShowLaunchpad !== undefined ? { ssoShowLaunchpad: s.ssoShowLaunchpad } : {}),
    ...(s.enablePermissionApply !== undefined ? { enablePermissionApply: s.enablePermissionApply } : {}),
    loginConfig: s.loginConfig ?? {},
    registerConfig: s.registerConfig ?? {},
    brandingConfig: s.brandingConfig ?? {},
  };
};

const oidcOf = (row: ApplicationRow): StoredOidcConfig => {
  const profile = PROFILES[row.type as AppType] ?? 'web';
  return { ...defaultOidc(profile), ...parse<Partial<StoredOidcConfig>>(row.oidc_config, {}) };
};

/** The vendor `ApplicationDto`. Never contains the secret. */
export function toApplicationDto(row: ApplicationRow): ApplicationDto {
  const s = settingsOf(row);
  const oidc = oidcOf(row);
  const method = row.token_endpoint_auth_method as AuthMethod;
  const redirectUris = parse<string[]>(row.redirect_uris, []);
  const logoutRedirectUris = parse<string[]>(row.logout_redirect_uris, []);
  return {
    appId: row.id,
    appIdentifier: row.identifier,
    appName: row.name,
    appLogo: row.logo ?? '',
    ...(row.description ? { appDescription: row.description } : {}),
    appType: row.type,
    userPoolId: row.pool_id,
    isIntegrateApp: false,
    defaultProtocol: s.defaultProtocol,
    redirectUris,
    logoutRedirectUris,
    initLoginUri: s.initLoginUri,
    ssoEnabled: s.ssoEnabled,
    ...(s.ssoEnabledAt ? { ssoEnabledAt: s.ssoEnabledAt } : {}),
    loginConfig: { ...DEFAULT_LOGIN_CONFIG, ...s.loginConfig, enabledBasicLoginMethods: parse<string[]>(row.login_methods, DEFAULT_LOGIN_METHODS) },
    registerConfig: { ...DEFAULT_REGISTER_CONFIG, ...s.registerConfig },
    brandingConfig: { ...DEFAULT_BRANDING_CONFIG, ...s.brandingConfig },
    oidcConfig: {
      client_id: row.id,
      ...oidc,
      token_endpoint_auth_method: method,
      introspection_endpoint_auth_method: oidc.introspection_endpoint_auth_method ?? method,
      revocation_endpoint_auth_method: oidc.revocation_endpoint_auth_method ?? method,
      redirect_uris: redirectUris,
      post_logout_redirect_uris: logoutRedirectUris,
    },
    samlProviderEnabled: false,
    oauthProviderEnabled: s.oauthProviderEnabled,
    casProviderEnabled: false,
    customBrandingEnabled: s.customBrandingEnabled,
    customSecurityEnabled: false,
    isDefault: row.is_default === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

// ---------------------------------------------------------------------------------------------
// Service

/** What create/update compute from the input, shared by both. */
function buildColumns(
  appId: string,
  appType: string,
  input: ApplicationInput,
  prev: { row: ApplicationRow; settings: StoredSettings; oidc: StoredOidcConfig } | null,
): ApplicationPatch {
  refuseUnsupported(input);
  const resolved = resolveOidcConfig(appId, appType, input.oidcConfig, prev ? { oidc: prev.oidc, method: prev.row.token_endpoint_auth_method as AuthMethod } : undefined);

  // Top-level lists and their oidcConfig twins must agree when both are given.
  const pickUris = (top: unknown, twin: string[] | undefined, path: string, twinPath: string): string[] | undefined => {
    const fromTop = present(top) ? checkUriList(top, appType, path) : undefined;
    if (fromTop && twin && !sameList(fromTop, twin)) throw invalidConfig(`${path} and ${twinPath} disagree`, twinPath);
    return fromTop ?? twin;
  };
  const redirectUris = pickUris(input.redirectUris, resolved.redirectUris, 'redirectUris', 'oidcConfig.redirect_uris');
  const logoutUris = pickUris(input.logoutRedirectUris, resolved.postLogoutRedirectUris, 'logoutRedirectUris', 'oidcConfig.post_logout_redirect_uris');

  const settings: StoredSettings = prev
    ? { ...prev.settings }
    : { defaultProtocol: 'oidc', initLoginUri: '', ssoEnabled: false, oauthProviderEnabled: false, customBrandingEnabled: false, loginConfig: {}, registerConfig: {}, brandingConfig: {} };
  if (present(input.defaultProtocol)) settings.defaultProtocol = input.defaultProtocol!;
  if (present(input.initLoginUri)) settings.initLoginUri = input.initLoginUri === '' ? '' : checkRedirectUri(input.initLoginUri, appType, 'initLoginUri');
  if (present(input.ssoEnabled)) {
    if (input.ssoEnabled && !settings.ssoEnabled) settings.ssoEnabledAt = nowIso();
    if (!input.ssoEnabled) delete settings.ssoEnabledAt;
    settings.ssoEnabled = input.ssoEnabled!;
  }
  if (present(input.oauthProviderEnabled)) settings.oauthProviderEnabled = input.oauthProviderEnabled!;
  if (present(input.ssoShowLaunchpad)) settings.ssoShowLaunchpad = input.ssoShowLaunchpad!;
  if (present(input.enablePermissionApply)) settings.enablePermissionApply = input.enablePermissionApply!;

  let loginMethods: string[] | undefined;
  if (present(input.loginConfig)) {
    const { enabledBasicLoginMethods, enabledExtIdpConnIds: _ignored, ...rest } = input.loginConfig!;
    checkMethods(enabledBasicLoginMethods, LOGIN_METHODS, 'loginConfig.enabledBasicLoginMethods');
    if (enabledBasicLoginMethods !== undefined) loginMethods = unique(enabledBasicLoginMethods as string[]);
    settings.loginConfig = { ...settings.loginConfig, ...rest };
  }
  if (present(input.registerConfig)) {
    checkMethods(input.registerConfig!.enabledBasicRegisterMethods, REGISTER_METHODS, 'registerConfig.enabledBasicRegisterMethods');
    settings.registerConfig = { ...settings.registerConfig, ...input.registerConfig };
  }
  if (present(input.brandingConfig)) {
    settings.brandingConfig = { ...settings.brandingConfig, ...input.brandingConfig };
    settings.customBrandingEnabled = true;
  }

  const patch: ApplicationPatch = {
    token_endpoint_auth_method: resolved.method,
    oidc_config: JSON.stringify(resolved.oidc),
    settings: JSON.stringify(settings),
  };
  if (present(input.appName)) patch.name = input.appName!;
  if (input.appLogo !== undefined) patch.logo = input.appLogo || null;
  if (input.appDescription !== undefined) patch.description = input.appDescription || null;
  if (redirectUris) patch.redirect_uris = JSON.stringify(redirectUris);
  if (logoutUris) patch.logout_redirect_uris = JSON.stringify(logoutUris);
  if (loginMethods) patch.login_methods = JSON.stringify(loginMethods);
  return patch;
}

function checkIdentifier(identifier: string): void {
  if (!identifierRe.test(identifier)) throw new AppError('request.invalid_input', { details: [{ path: 'appIdentifier', message: `must match ${APP_IDENTIFIER_PATTERN}` }] });
}

export interface ListApplicationsQuery {
  page: number;
  limit: number;
  keywords?: string;
  /** Vendor filters; `false` (what the vendor client always sends) means "no filter". */
  isIntegrateApp?: boolean;
  isSelfBuiltApp?: boolean;
  ssoEnabled?: boolean;
}

export function createApplicationsService(repo: ApplicationsRepo, box: SecretBox) {
  /** The secret is bound to its app by the AES-GCM associated data: a ciphertext moved to another row will not open. */
  const context = (appId: string) => `app:${appId}`;
  /** Verifying against a digest of a random value for unknown apps keeps the timing of both paths alike. */
  const dummyDigest = box.digest(urlSafeSecret());

  /** In-process listeners told the appId after an update or delete (e.g. the OIDC client cache); other nodes rely on their cache TTL. */
  const listeners = new Set<(appId: string) => void>();
  const changed = (appId: string) => {
    for (const l of listeners) l(appId);
  };

  const load = async (poolId: string, appId: string): Promise<ApplicationRow> => {
    const row = await repo.findById(poolId, appId);
    if (!row) throw new AppError('application.not_found');
    return row;
  };

  return {
    /**
     * Creates an app with a fresh secret: 256 bits, base64url (RFC 4648 §5), so it survives
     * every client's HTTP Basic encoding (RFC 6749 §2.3.1). The secret is returned once here
     * and afterwards only through get-application-secret.
     */
    async create(poolId: string, input: CreateApplicationInput, opts: { isDefault?: boolean } = {}): Promise<ApplicationDto & { appSecret: string }> {
      const appType = input.appType ?? 'web';
      if (!(APP_TYPES as readonly string[]).includes(appType)) throw invalidConfig(`unknown appType ${appType}`, 'appType');
      if (typeof input.appName !== 'string' || input.appName.trim() === '') throw new AppError('request.invalid_input', { details: [{ path: 'appName', message: 'is required' }] });
      const appId = randomBytes(12).toString('hex'); // 24 hex characters, the vendor's id shape
      const columns = buildColumns(appId, appType, input, null);
      const secret = urlSafeSecret(32);
      const now = nowIso();
      const row: ApplicationRow = {
        id: appId,
        pool_id: poolId,
        name: input.appName,
        identifier: '',
        description: (columns.description as string | null | undefined) ?? null,
        logo: (columns.logo as string | null | undefined) ?? null,
        type: appType,
        is_default: opts.isDefault ? 1 : 0,
        secret_enc: box.seal(secret, context(appId)),
        secret_digest: box.digest(secret),
        redirect_uris: (columns.redirect_uris as string | undefined) ?? '[]',
        logout_redirect_uris: (columns.logout_redirect_uris as string | undefined) ?? '[]',
        token_endpoint_auth_method: columns.token_endpoint_auth_method as string,
        oidc_config: columns.oidc_config as string,
        login_methods: (columns.login_methods as string | undefined) ?? JSON.stringify(DEFAULT_LOGIN_METHODS),
        settings: columns.settings as string,
        created_at: now,
        updated_at: now,
      };

      if (input.appIdentifier !== undefined) {
        checkIdentifier(input.appIdentifier);
        row.identifier = input.appIdentifier;
        try {
          await repo.insert(row);
        } catch (err) {
          if (isUniqueViolation(err)) throw new AppError('application.already_exists', { cause: err });
          throw err;
        }
      } else {
        // Derived from the name; a short random suffix on collision (and on a concurrent insert of the same one).
        const base = slugOf(input.appName);
        let candidate = (await repo.identifierTaken(poolId, base)) ? `${base}-${randomId(3)}` : base;
        for (let attempt = 0; ; attempt++) {
          row.identifier = candidate;
          try {
            await repo.insert(row);
            break;
          } catch (err) {
            if (!isUniqueViolation(err) || attempt >= 4) throw err;
            candidate = `${base}-${randomId(4)}`;
          }
        }
      }
      return { ...toApplicationDto(row), appSecret: secret };
    },

    async get(poolId: string, appId: string): Promise<ApplicationDto> {
      return toApplicationDto(await load(poolId, appId));
    },

    async list(poolId: string, q: ListApplicationsQuery): Promise<{ list: ApplicationDto[]; totalCount: number }> {
      // Every app here is self-built; integrated (template) apps do not exist on this server.
      if (q.isIntegrateApp === true) return { list: [], totalCount: 0 };
      if (q.ssoEnabled === true) {
        // SSO is a per-app setting inside the settings JSON: filter after reading (pools have few apps).
        const all = await repo.list(poolId, { page: 1, limit: 10_000, keywords: q.keywords });
        const matching = all.rows.map(toApplicationDto).filter((a) => a.ssoEnabled);
        return { list: matching.slice((q.page - 1) * q.limit, q.page * q.limit), totalCount: matching.length };
      }
      const { rows, totalCount } = await repo.list(poolId, { page: q.page, limit: q.limit, keywords: q.keywords });
      return { list: rows.map(toApplicationDto), totalCount };
    },

    /** Partial update: absent fields keep their value; `oidcConfig` is merged field by field and re-validated whole. */
    async update(poolId: string, appId: string, input: ApplicationInput): Promise<ApplicationDto> {
      const row = await load(poolId, appId);
      const patch = buildColumns(appId, row.type, input, { row, settings: settingsOf(row), oidc: oidcOf(row) });
      if (input.appIdentifier !== undefined && input.appIdentifier !== row.identifier) {
        checkIdentifier(input.appIdentifier);
        patch.identifier = input.appIdentifier;
      }
      patch.updated_at = nowIso();
      try {
        if (!(await repo.update(poolId, appId, patch))) throw new AppError('application.not_found');
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('application.already_exists', { cause: err });
        throw err;
      }
      changed(appId);
      return toApplicationDto(await load(poolId, appId));
    },

    async delete(poolId: string, appId: string): Promise<void> {
      const row = await load(poolId, appId);
      if (row.is_default === 1) throw new AppError('application.default_protected');
      if (!(await repo.delete(poolId, appId))) throw new AppError('application.not_found');
      changed(appId);
    },

    /** Subscribes to app changes; returns the unsubscribe function. */
    onChange(listener: (appId: string) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** The client secret in clear, for the vendor's get-application-secret. */
    async getSecret(poolId: string, appId: string): Promise<string> {
      const row = await load(poolId, appId);
      return box.open(row.secret_enc, context(appId));
    },

    /**
     * Constant-time check of a presented client secret against the stored keyed digest, without
     * decrypting. False for unknown apps, apps of other pools and wrong secrets alike.
     */
    async verifySecret(poolId: string, appId: string, presented: string): Promise<boolean> {
      const row = await repo.findById(poolId, appId);
      const ok = safeEqual(box.digest(presented), row?.secret_digest ?? dummyDigest);
      return ok && row !== undefined;
    },

    /** The client by its client_id (= appId) alone, for the OIDC layer; null when unknown. */
    async findClient(appId: string): Promise<{ poolId: string; app: ApplicationDto } | null> {
      const row = await repo.findByIdAnyPool(appId);
      return row ? { poolId: row.pool_id, app: toApplicationDto(row) } : null;
    },
  };
}
export type ApplicationsService = ReturnType<typeof createApplicationsService>;
