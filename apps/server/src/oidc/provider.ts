import Provider, { errors, interactionPolicy, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { AuditService } from '../services/audit.js';
import type { KvStore } from '../storage/kv/types.js';
import { scopedKv } from '../storage/kv/scoped.js';
import type { UsersRepo } from '../storage/repositories/users.js';
import type { SecretBox } from '../utils/crypto.js';
import { createJwtReader, createKvAdapterFactory, revocationMarks, sha256, type JwtReader } from './adapter.js';
import { createJwtVerifier, PRIVATE_CLAIM, privateClaimsOf } from './jwt-access-tokens.js';
import { LocalSigningKey } from './local-signing-key.js';
import { organizationScopesOf, SCOPE_CLAIMS, SUPPORTED_SCOPES, userClaims, type OrganizationClaims } from './claims.js';
import type { ClientRegistry, GatehouseClientMeta } from './clients.js';
import type { SigningKeysService } from './signing-keys.js';
import { allowStructuredTokensAtIntrospectionAndRevocation } from './structured-tokens.js';
import { addScriptIdTokenClaims, scriptAccessTokenClaims } from './script-claims.js';
import type { ScriptClaims } from '../services/tokens/types.js';
import { renderErrorPage, renderLogoutPage, renderLoggedOutPage, renderDevicePage, renderDeviceConfirmPage, renderDeviceSuccessPage } from './pages.js';
import { mfaRequested } from '../services/mfa/acr.js';
import { ACR_MFA } from '../services/mfa/types.js';
import { createCookieSigner } from './cookie-signer.js';

/**
 * One oidc-provider instance per user pool, built lazily and cached. Issuers:
 *   default pool  <publicUrl>/oidc                (exactly, as the vendor clients expect)
 *   other pools   <publicUrl>/pools/<poolId>/oidc
 * so the vendor `AuthenticationClient` works for any pool with appHost = <publicUrl> or
 * <publicUrl>/pools/<poolId>. Each pool has its own keys, its own KV key space and only its
 * own applications as clients: a code, token, session or client of pool A does not exist in B.
 */

export interface ProviderDeps {
  publicUrl: string;
  box: SecretBox;
  kv: KvStore;
  keys: SigningKeysService;
  clients: ClientRegistry;
  usersRepo: Pick<UsersRepo, 'findById'>;
  /**
   * The users store itself, uncached: the session check at the authorization endpoint reads it,
   * so a user removed behind Gatehouse's back (straight from the database, where no
   * invalidation is published) ends their browser session at once, not after the claims
   * cache's TTL. Defaults to `usersRepo`.
   */
  usersStore?: Pick<UsersRepo, 'findById'>;
  userRoles: (poolId: string, userId: string) => Promise<string[]>;
  /** The `groups`, `departments` and `permissions` claims, computed only for the scopes a token carries. */
  organizationClaims?: OrganizationClaims;
  audit: Pick<AuditService, 'record'>;
  isDefaultPool: (poolId: string) => Promise<boolean>;
  log?: { warn: (obj: object, msg: string) => void; error: (obj: object, msg: string) => void };
  /** The outbound guard's fetch: back-channel logout requests go through it (services/outbound). */
  fetch?: (url: string | URL, init?: RequestInit) => Promise<Response>;
  /** Browser sessions: absolute lifetime from sign-in and idle timeout, in seconds (config sessionMaxAgeSeconds / sessionIdleTimeoutSeconds). */
  sessions?: { maxAgeSeconds: number; idleTimeoutSeconds: number };
  /** Claims user scripts add to the provider's tokens (docs/pipeline.md). */
  scriptClaims?: () => ScriptClaims | undefined;
}

/** Default browser-session lifetimes when the container gives none: 14 days absolute, 3 days idle. */
const DEFAULT_SESSIONS = { maxAgeSeconds: 14 * 86400, idleTimeoutSeconds: 3 * 86400 };

/**
 * Cookie names of one pool's provider. Every pool has its own names, so signing in to pool B
 * never replaces pool A's session cookie (they share the host and path `/`). Over https the
 * session cookie gets the `__Host-` prefix (Secure, path `/`, no Domain: RFC 6265bis §4.1.3.2,
 * ASVS 7.2.x) and the interaction cookies, whose paths are per interaction, `__Secure-`.
 */
export function cookieNames(poolId: string, https: boolean) {
  const host = https ? '__Host-' : '';
  const secure = https ? '__Secure-' : '';
  return { session: `${host}gh_session_${poolId}`, interaction: `${secure}gh_interaction_${poolId}`, resume: `${secure}gh_resume_${poolId}` };
}

/**
 * The login prompt's "no session" check, stricter than oidc-provider's: a session whose account
 * no longer exists or may not sign in (deleted, blocked, archived — findAccount answers
 * undefined) counts as no session. `prompt=none` then answers login_required, otherwise the login
 * page is shown — never a server error from the later checks that need the account.
 */
function interactionsPolicy() {
  const policy = interactionPolicy.base();
  const login = policy.get('login')!;
  login.checks.remove('no_session');
  login.checks.add(
    new interactionPolicy.Check('no_session', 'End-User authentication is required', 'login_required', (ctx) =>
      ctx.oidc.session?.accountId && ctx.oidc.account ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT,
    ),
    0,
  );
  // acr_values=mfa (OIDC Core §3.1.2.1) is voluntary for oidc-provider: it never prompts for it.
  // Gatehouse honours it: a session that did not pass a second factor signs in again, and the
  // hosted login forces the MFA step (docs/mfa.md "acr_values").
  login.checks.add(
    new interactionPolicy.Check('acr_values_mfa', 'multi-factor authentication was requested', 'login_required', (ctx) =>
      mfaRequested(ctx.oidc.params as { acr_values?: unknown }) && ctx.oidc.session?.acr !== ACR_MFA ? interactionPolicy.Check.REQUEST_PROMPT : interactionPolicy.Check.NO_NEED_TO_PROMPT,
    ),
  );
  return policy;
}

/** How often a node re-reads the key table to notice a rotation made elsewhere. */
const KEY_CHECK_INTERVAL_MS = 10_000;

export const trimSlash = (u: string) => u.replace(/\/+$/, '');

export function poolBasePath(publicUrl: string, poolId: string, isDefault: boolean): string {
  return isDefault ? trimSlash(publicUrl) : `${trimSlash(publicUrl)}/pools/${poolId}`;
}

const meta = (client: unknown): GatehouseClientMeta | undefined => (client as { gatehouse?: GatehouseClientMeta } | undefined)?.gatehouse;

/** What the pool's one resource server is for a client (oidc-provider's getResourceServerInfo answer). */
interface ResourceServerInfo {
  scope: string;
  audience: string;
  accessTokenTTL: number;
  accessTokenFormat: 'jwt';
  jwt: { sign: { alg: 'ES256' } };
}

interface Entry {
  provider: Provider;
  version: string;
  checkedAt: number;
  issuer: string;
  base: string;
  /** The resource (audience) of the pool's JWT access tokens, and its resource-server settings for a client. */
  resource: string;
  resourceServerInfo: (client: unknown) => ResourceServerInfo;
  /** The pool's JWT access tokens with their grants in one KV read (the lean endpoints). */
  jwt: JwtReader;
  /** oidc-provider Client instances by the client registry's metadata object (see `client` below). */
  clients: WeakMap<object, unknown>;
}

export function createProviderRegistry(deps: ProviderDeps) {
  const entries = new Map<string, Promise<Entry>>();
  /** Organisation claims for the scopes in `scope` (none asked: nothing computed). */
  const organization = async (poolId: string, userId: string, scope: string | undefined) => {
    const scopes = organizationScopesOf(scope);
    return scopes.length > 0 && deps.organizationClaims ? deps.organizationClaims(poolId, userId, scopes) : {};
  };

  /**
   * What an active user's claims are computed from, apart from organisation claims: the user row
   * and role codes, the very objects the account cache holds (the same ones on every call until a
   * change of the user drops them, or the cache's TTL), so the same objects mean the same
   * claims. Undefined when the user is unknown, blocked or not activated.
   */
  const accountParts = async (poolId: string, userId: string) => {
    const user = await deps.usersRepo.findById(poolId, userId);
    if (!user || user.blocked === 1 || (user.status && user.status !== 'Activated')) return undefined;
    return { user, roles: await deps.userRoles(poolId, userId) };
  };

  async function build(poolId: string): Promise<Entry> {
    const isDefault = await deps.isDefaultPool(poolId);
    const base = poolBasePath(deps.publicUrl, poolId, isDefault);
    const issuer = `${base}/oidc`;
    /** The resource the pool's JWT access tokens are for: Gatehouse's own APIs (userinfo, /api/v3) of this pool. */
    const resource = issuer;
    const kv = scopedKv(deps.kv, poolId);
    const { keys, version } = await deps.keys.privateJwks(poolId);
    const cookieKey = deps.box.digest(`oidc-cookie-key:${poolId}`);
    const sessions = deps.sessions ?? DEFAULT_SESSIONS;
    const jwt = createJwtVerifier({ issuer, audience: resource, keys });
    const adapter = createKvAdapterFactory(kv, { special: { Client: deps.clients.adapterFor(poolId) }, sessionIdleMs: sessions.idleTimeoutSeconds * 1000, jwt });
    const https = deps.publicUrl.startsWith('https:');

    /** Scopes the pool's resource grants to a client: the app's allowed scopes (custom API scopes included) plus the OIDC ones it may use. */
    const allowedScopes = (client: unknown) => {
      const own = meta(client)?.scope;
      return own ? [...new Set(['openid', ...own.split(' ')])].join(' ') : SUPPORTED_SCOPES.join(' ');
    };

    /** The pool's one resource server as a client sees it (also read by the lean client-credentials handler). */
    const resourceServerInfo = (client: unknown): ResourceServerInfo => ({
      scope: allowedScopes(client),
      audience: resource,
      accessTokenTTL: meta(client)?.accessTokenTtl ?? 7200,
      accessTokenFormat: 'jwt',
      jwt: { sign: { alg: 'ES256' } },
    });

    const config: Configuration = {
      adapter: adapter as unknown as Configuration['adapter'],
      clients: [],
      // Signed here with node:crypto instead of WebCrypto (local-signing-key.ts); a key of another algorithm stays a JWK.
      jwks: { keys: keys.map((k) => LocalSigningKey.from(k as never) ?? k) as never },
      cookies: {
        // Keygrip's signatures, built once and compared with timingSafeEqual (cookie-signer.ts).
        keys: createCookieSigner([cookieKey]),
        long: { signed: true, httpOnly: true, sameSite: 'lax', ...(https ? { secure: true } : {}) },
        short: { signed: true, httpOnly: true, sameSite: 'lax', ...(https ? { secure: true } : {}) },
        names: cookieNames(poolId, https),
      },
      ...(deps.fetch ? { fetch: deps.fetch as Configuration['fetch'] } : {}),
      // auth_time, amr and acr in every ID token (OIDC Core makes them optional unless asked for;
      // relying parties need them to judge the authentication, ASVS 6.8.4). Userinfo has no such
      // facts in the account claims, so they appear only in ID tokens.
      claims: { ...SCOPE_CLAIMS, openid: ['sub', 'auth_time', 'amr', 'acr'] },
      // acr_values_supported in discovery: `mfa`, the acr of a sign-in that passed a second factor (docs/mfa.md).
      acrValues: [ACR_MFA],
      scopes: SUPPORTED_SCOPES,
      conformIdTokenClaims: false,
      acceptQueryParamAccessTokens: true,
      allowOmittingSingleRegisteredRedirectUri: false,
      responseTypes: ['code'],
      clientAuthMethods: ['none', 'client_secret_basic', 'client_secret_post', 'client_secret_jwt'],
      enabledJWA: {
        idTokenSigningAlgValues: ['ES256', 'RS256', 'HS256'],
        clientAuthSigningAlgValues: ['HS256'],
        userinfoSigningAlgValues: ['ES256', 'RS256'],
        introspectionSigningAlgValues: ['ES256', 'RS256'],
        authorizationSigningAlgValues: ['ES256', 'RS256'],
      },
      clientDefaults: {
        id_token_signed_response_alg: 'ES256',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
      extraClientMetadata: {
        properties: ['gatehouse'],
        validator: () => undefined,
      },
      pkce: {
        required: (_ctx, client) => meta(client)?.pkceRequired ?? client.tokenEndpointAuthMethod === 'none',
      },
      routes: { jwks: '/.well-known/jwks.json' },
      // JWT access tokens are not stored; what revocation needs travels in a private claim
      // (jwt-access-tokens.ts explains each field and why).
      formats: {
        customizers: {
          jwt: (_ctx, token, structured) => {
            structured.payload[PRIVATE_CLAIM] = privateClaimsOf(token as never);
          },
        },
      },
      rotateRefreshToken: true,
      issueRefreshToken: async (_ctx, client, code) =>
        client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
      ttl: {
        AccessToken: (_ctx, token, client) => (token.resourceServer?.accessTokenTTL as number | undefined) ?? meta(client)?.accessTokenTtl ?? 7200,
        ClientCredentials: (_ctx, token, client) => (token.resourceServer?.accessTokenTTL as number | undefined) ?? meta(client)?.accessTokenTtl ?? 7200,
        AuthorizationCode: (_ctx, _code, client) => Math.min(meta(client)?.codeTtl ?? 60, 600),
        IdToken: (_ctx, _token, client) => meta(client)?.idTokenTtl ?? 3600,
        DeviceCode: 600,
        Interaction: 3600,
        // Absolute lifetime counted from the sign-in (a re-save never extends it); the idle
        // timeout is kept by the adapter (adapter.ts, sessionIdleMs).
        Session: (_ctx, session) => {
          const loginTs = (session as { loginTs?: number }).loginTs;
          if (!loginTs) return sessions.maxAgeSeconds;
          return Math.max(1, loginTs + sessions.maxAgeSeconds - Math.floor(Date.now() / 1000));
        },
        Grant: (ctx) => Math.max(meta(ctx?.oidc?.client)?.refreshTokenTtl ?? 30 * 86400, 14 * 86400),
        // Absolute lifetime: a rotated refresh token keeps the family's original expiry.
        RefreshToken: (ctx, token, client) => {
          const ttl = meta(client)?.refreshTokenTtl ?? 30 * 86400;
          const rotated = ctx?.oidc?.entities?.RotatedRefreshToken as { iat?: number; exp?: number } | undefined;
          if (rotated?.exp) return Math.max(1, rotated.exp - Math.floor(Date.now() / 1000));
          return ttl;
        },
      },
      // `token` is undefined when the account is looked up for the session at the authorization
      // endpoint (oidc-provider docs, findAccount): that read goes to the store, not the cache.
      findAccount: async (_ctx, sub, token) => {
        const user = await (token ? deps.usersRepo : (deps.usersStore ?? deps.usersRepo)).findById(poolId, sub);
        if (!user || user.blocked === 1 || (user.status && user.status !== 'Activated')) return undefined;
        return {
          accountId: sub,
          // oidc-provider passes the granted scope (ID token, userinfo): organisation claims follow it.
          claims: async (_use: string, scope: string) => userClaims(user, await deps.userRoles(poolId, sub), await organization(poolId, sub, scope)) as never,
        };
      },
      interactions: {
        url: (_ctx, interaction) => `${base}/interaction/${interaction.uid}`,
        policy: interactionsPolicy(),
      },
      loadExistingGrant: async (ctx) => {
        const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session?.grantIdFor(ctx.oidc.client!.clientId);
        if (!grantId) return undefined;
        return ctx.oidc.provider.Grant.find(grantId);
      },
      features: {
        devInteractions: { enabled: false },
        // ExternalSigningKey support, for LocalSigningKey above (experimental in oidc-provider 9:
        // an upgrade that changes the experiment's version refuses to start until this is checked).
        externalSigningSupport: { enabled: true, ack: 'experimental-01' },
        clientCredentials: { enabled: true },
        introspection: {
          enabled: true,
          // Only the client a token was issued to may introspect it (no cross-app token scanning).
          allowedPolicy: async (_ctx, client, token) => !token.clientId || token.clientId === client.clientId,
        },
        revocation: {
          enabled: true,
          // RFC 7009 §2.1: a client may revoke only tokens issued to it (others are silently ignored).
          allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
        },
        userinfo: { enabled: true },
        deviceFlow: {
          enabled: true,
          userCodeInputSource: renderDevicePage,
          userCodeConfirmSource: renderDeviceConfirmPage as never,
          successSource: renderDeviceSuccessPage,
        },
        rpInitiatedLogout: {
          enabled: true,
          logoutSource: renderLogoutPage,
          postLogoutSuccessSource: renderLoggedOutPage,
        },
        // OpenID Connect Back-Channel Logout 1.0: apps that registered backchannel_logout_uri get
        // a logout token when the user's session ends here; sent through the outbound guard.
        backchannelLogout: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: async () => resource,
          useGrantedResource: async () => true,
          getResourceServerInfo: async (_ctx, indicator, client) => {
            if (indicator !== resource) throw new errors.InvalidTarget('unknown resource indicator');
            return resourceServerInfo(client);
          },
        },
      },
      renderError: renderErrorPage,
    };
    const scriptClaims = deps.scriptClaims?.();
    if (scriptClaims) config.extraTokenClaims = scriptAccessTokenClaims(poolId, scriptClaims);

    allowStructuredTokensAtIntrospectionAndRevocation();
    const provider = new Provider(issuer, config);
    provider.proxy = true; // mount.ts sets X-Forwarded-Host/Proto from publicUrl, never from the client

    rememberIssuedAccessTokens(provider);
    denyJwtsOnDestroy(provider);
    revokeEverythingOnLogout(provider);
    refuseUngrantedClientCredentialsScopes(provider);
    addAtHash(provider);
    if (scriptClaims) addScriptIdTokenClaims(provider, poolId, scriptClaims);
    allowOwnJwtAtUserinfo(provider, resource);
    auditEvents(provider, poolId, deps);
    provider.on('server_error', (_ctx: unknown, err: Error) => deps.log?.error({ err, poolId }, 'oidc provider error'));
    return { provider, version, checkedAt: Date.now(), issuer, base, resource, resourceServerInfo, jwt: createJwtReader(kv, jwt), clients: new WeakMap() };
  }

  async function entry(poolId: string): Promise<Entry> {
    let p = entries.get(poolId);
    if (!p) {
      p = build(poolId);
      entries.set(poolId, p);
      p.catch(() => entries.delete(poolId));
    }
    const e = await p;
    if (Date.now() - e.checkedAt > KEY_CHECK_INTERVAL_MS) {
      e.checkedAt = Date.now();
      if ((await deps.keys.version(poolId)) !== e.version) {
        entries.delete(poolId);
        return entry(poolId);
      }
    }
    return e;
  }

  return {
    get: async (poolId: string) => (await entry(poolId)).provider,
    entry,
    issuer: async (poolId: string) => (await entry(poolId)).issuer,
    /** Drops the cached provider(s); the next request rebuilds with fresh keys. */
    invalidate(poolId?: string) {
      if (poolId === undefined) entries.clear();
      else entries.delete(poolId);
    },
    revocation: (poolId: string) => revocationMarks(scopedKv(deps.kv, poolId)),
    /** Records a token issued outside oidc-provider's request pipeline exactly as its `grant.success` listener does. */
    recordTokenIssued(poolId: string, grantType: string, clientId: string, request: RequestFacts): void {
      void recordAudit(deps, tokenIssuedEvent(poolId, grantType, clientId, undefined, request));
    },
    /**
     * oidc-provider's Client of a client id, the instance reused for as long as the client
     * registry holds the same metadata object (clients.ts: until the app changes, on every node,
     * or 10 s). Client.find itself serialises and hashes the whole metadata on every call to
     * find its instance; the lean endpoints ask once per request.
     */
    async client(poolId: string, clientId: string): Promise<unknown> {
      const e = await entry(poolId);
      const metadata = await deps.clients.find(poolId, clientId);
      if (!metadata) return undefined;
      let client = e.clients.get(metadata);
      if (!client) {
        client = await e.provider.Client.find(clientId);
        if (client) e.clients.set(metadata, client);
      }
      return client;
    },
    /**
     * Every claim of an active user (undefined when unknown, blocked or not activated); the
     * organisation claims only for the organisation scopes in `scope`.
     */
    async accountClaims(poolId: string, userId: string, scope?: string, known?: Awaited<ReturnType<typeof accountParts>>) {
      // `known`: the caller's accountParts of this user (read already), so they are not read twice.
      const parts = known ?? (await accountParts(poolId, userId));
      return parts && userClaims(parts.user, parts.roles, await organization(poolId, userId, scope));
    },
    accountParts,
  };
}
export type ProviderRegistry = ReturnType<typeof createProviderRegistry>;

/**
 * Access tokens are JWTs and are not stored (jwt-access-tokens.ts). The value issued in a
 * request is remembered per request for the ID token's at_hash (addAtHash).
 */
function rememberIssuedAccessTokens(provider: Provider): void {
  const AT = provider.AccessToken as unknown as { prototype: { getValueAndPayload: () => Promise<{ value: string; payload?: object }> } };
  const original = AT.prototype.getValueAndPayload;
  AT.prototype.getValueAndPayload = async function (this: Record<string, unknown>) {
    const result = await original.call(this);
    const ctx = Provider.ctx as object | undefined;
    if (ctx) issuedAccessToken.set(ctx, result.value);
    return result;
  };
}

/**
 * Revoking a JWT access token (RFC 7009 revocation, or any other destroy of the model) puts its
 * jti on the deny-list for the token's remaining life: the adapter gets the expiry, which
 * oidc-provider's own destroy() does not pass.
 */
function denyJwtsOnDestroy(provider: Provider): void {
  for (const model of [provider.AccessToken, provider.ClientCredentials]) {
    const M = model as unknown as { prototype: { destroy: () => Promise<void> } };
    M.prototype.destroy = async function (this: { jti: string; exp?: number; adapter: { destroy: (id: string, exp?: number) => Promise<void> }; emit: (e: string) => void }) {
      await this.adapter.destroy(this.jti, this.exp);
      this.emit('destroyed');
    };
  }
}

/**
 * RP-initiated logout (OIDC RP-Initiated Logout 1.0) revokes every grant of the session — its
 * access and refresh tokens — on every node (security.md §0 item 20, ASVS 7.4.1). oidc-provider
 * keeps the grants of `offline_access` authorizations alive across logout (`persistsLogout`);
 * a user who logs out expects the apps' tokens to stop working, so during the logout
 * confirmation that flag reads as false and the provider's own revocation runs for each grant.
 * (A refresh token obtained with offline_access still outlives an expired or idle session; only
 * an explicit logout, a password change, a block or a delete ends it.)
 */
function revokeEverythingOnLogout(provider: Provider): void {
  const S = provider.Session as unknown as { prototype: { authorizationFor: (...a: unknown[]) => Record<string, unknown> | undefined } };
  const authorizationFor = S.prototype.authorizationFor;
  S.prototype.authorizationFor = function (this: unknown, ...args: unknown[]) {
    const a = authorizationFor.apply(this, args);
    const ctx = Provider.ctx as KoaContextWithOIDC | undefined;
    if (a && a.persistsLogout && ctx?.oidc?.route === 'end_session_confirm') return { ...a, persistsLogout: false };
    return a;
  };
}

/** The access token value issued in a request (by Koa context), for the ID token's at_hash. */
const issuedAccessToken = new WeakMap<object, string>();

/**
 * at_hash (OIDC Core §3.1.3.6) in every ID token issued together with an access token at the
 * token endpoint (code, refresh and device grants). OIDC Core makes it optional there and
 * oidc-provider leaves it out; issue #3 and the security checklist (§0 item 27) want it, so
 * relying parties can bind the access token to the ID token. IdToken.issue() itself replaces
 * the raw value of `at_hash` with the hash for the ID token's own algorithm (ES/RS/HS256 →
 * SHA-256), so only the raw access token is set here. The token service does the same.
 */
function addAtHash(provider: Provider): void {
  const IdToken = provider.IdToken as unknown as { prototype: { issue: (o?: { use?: string }) => Promise<string>; ctx?: object; extra: Record<string, unknown>; set: (k: string, v: unknown) => void } };
  const issue = IdToken.prototype.issue;
  IdToken.prototype.issue = async function (this: { ctx?: object; extra: Record<string, unknown>; set: (k: string, v: unknown) => void }, opts?: { use?: string }) {
    if (opts?.use === 'idtoken' && this.ctx && this.extra.at_hash === undefined) {
      const value = issuedAccessToken.get(this.ctx);
      if (value) this.set('at_hash', value);
    }
    return issue.call(this, opts);
  };
}

/**
 * oidc-provider silently drops client-credentials scopes the resource server does not grant
 * (RFC 6749 §3.3 allows that). For machine-to-machine apps a token quietly missing a permission
 * is a confusing failure far from its cause, so a request for a scope outside the app's allowed
 * scopes fails with invalid_scope (RFC 6749 §5.2) instead. Runs after client authentication.
 */
function refuseUngrantedClientCredentialsScopes(provider: Provider): void {
  const CC = provider.ClientCredentials as unknown as { prototype: { save: () => Promise<string> } };
  const save = CC.prototype.save;
  CC.prototype.save = async function (this: { scope?: string }) {
    const ctx = Provider.ctx as KoaContextWithOIDC | undefined;
    const requested = typeof ctx?.oidc?.params?.scope === 'string' ? ctx.oidc.params.scope.split(' ').filter(Boolean) : [];
    const granted = new Set((this.scope ?? '').split(' '));
    const refused = requested.find((s) => !granted.has(s));
    if (refused) throw new errors.InvalidScope('requested scope is not allowed', refused);
    return save.call(this);
  };
}

/**
 * userinfo refuses access tokens that carry an audience; ours carry the pool's own resource
 * (its issuer), i.e. they are meant for Gatehouse's own APIs, userinfo included. For exactly
 * that audience and only at userinfo, the audience is hidden from the check.
 */
function allowOwnJwtAtUserinfo(provider: Provider, resource: string): void {
  const AT = provider.AccessToken as unknown as { find: (...a: unknown[]) => Promise<{ aud?: string } | undefined> };
  const find = AT.find.bind(AT);
  AT.find = async (...args: unknown[]) => {
    const token = await find(...args);
    const ctx = Provider.ctx as KoaContextWithOIDC | undefined;
    if (token && token.aud === resource && ctx?.oidc?.route === 'userinfo') token.aud = undefined;
    return token;
  };
}

/** An audit event written off the request; a failed write is logged, never the request's failure. */
const recordAudit = (deps: ProviderDeps, e: Parameters<AuditService['record']>[0]) => deps.audit.record(e).catch((err) => deps.log?.warn({ err }, 'audit write failed'));

type RequestFacts = { ip: string | null; userAgent: string | null; requestId: string | null };

/** The audit event of a successful token request (oidc-provider's `grant.success`, or the lean client-credentials handler). */
function tokenIssuedEvent(poolId: string, grantType: string, clientId: string | undefined, accountId: string | undefined, request: RequestFacts): Parameters<AuditService['record']>[0] {
  return {
    poolId,
    type: grantType === 'refresh_token' ? 'oidc.token.refreshed' : 'oidc.token.issued',
    result: 'success',
    actor: clientId ?? null,
    subject: accountId ?? null,
    ...request,
    data: { grantType, clientId },
  };
}

function auditEvents(provider: Provider, poolId: string, deps: ProviderDeps): void {
  const from = (ctx: KoaContextWithOIDC | undefined) => ({
    ip: ((ctx?.req as { ghIp?: string } | undefined)?.ghIp) ?? null,
    userAgent: ctx?.get?.('user-agent') || null,
    requestId: ((ctx?.req as { ghRequestId?: string } | undefined)?.ghRequestId) ?? null,
  });
  const record = (e: Parameters<AuditService['record']>[0]) => recordAudit(deps, e);

  provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
    void record(tokenIssuedEvent(poolId, String(ctx.oidc.params?.grant_type ?? ''), ctx.oidc.client?.clientId, ctx.oidc.account?.accountId, from(ctx)));
  });
  for (const ev of ['grant.error', 'introspection.error', 'revocation.error', 'userinfo.error', 'device_authorization.error']) {
    (provider.on as (e: string, l: (...a: never[]) => void) => void)(ev, (ctx: KoaContextWithOIDC, err: { error?: string; error_description?: string }) => {
      if (err?.error === 'invalid_client') {
        void record({
          poolId,
          type: 'oidc.client_auth.failed',
          result: 'failure',
          actor: typeof ctx.oidc?.params?.client_id === 'string' ? ctx.oidc.params.client_id : null,
          ...from(ctx),
          data: { endpoint: ev.split('.')[0], error: err.error },
        });
      } else if (ev === 'grant.error' && err?.error === 'invalid_grant') {
        void record({
          poolId,
          type: 'oidc.token.refused',
          result: 'failure',
          actor: ctx.oidc?.client?.clientId ?? null,
          ...from(ctx),
          data: { grantType: ctx.oidc?.params?.grant_type, reason: err.error_description },
        });
      }
    });
  }
  provider.on('grant.revoked', (ctx: KoaContextWithOIDC, grantId: string) => {
    void record({ poolId, type: 'oidc.grant.revoked', result: 'success', actor: ctx?.oidc?.client?.clientId ?? null, ...from(ctx), data: { grantId: sha256(grantId).slice(0, 16) } });
  });
  for (const ev of ['access_token.destroyed', 'refresh_token.destroyed', 'client_credentials.destroyed']) {
    (provider.on as (e: string, l: (...a: never[]) => void) => void)(ev, (token: { clientId?: string; accountId?: string; kind?: string }) => {
      const ctx = Provider.ctx as KoaContextWithOIDC | undefined;
      if (ctx?.oidc?.route !== 'revocation') return;
      void record({ poolId, type: 'oidc.token.revoked', result: 'success', actor: token.clientId ?? null, subject: token.accountId ?? null, ...from(ctx), data: { kind: token.kind } });
    });
  }
}
