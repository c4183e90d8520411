import type { IncomingHttpHeaders } from 'node:http';
// @ts-expect-error -- internal module of oidc-provider (no types); the same function its userinfo action uses.
import filterClaims from 'oidc-provider/lib/helpers/filter_claims.js';
import { hasPrivateClaim } from './jwt-access-tokens.js';
import type { ProviderRegistry } from './provider.js';

/**
 * Userinfo and introspection of Gatehouse-issued JWT access tokens without oidc-provider's
 * request machinery (issue #22). oidc-provider's own handlers build a Koa context per request and
 * construct error objects with stack captures on the success path (`ctx.assert(x, new
 * InvalidToken(...))` evaluates its argument every time); at ~10,000 requests/s that machinery is
 * most of the cost. These handlers answer the common, well-formed case with the provider's own
 * models (AccessToken/ClientCredentials.find — our adapter's local JWT verification and
 * revocation check —, Client.find, Grant.find, Claims) in the same order and with the same
 * checks, and give **byte-identical** answers (test/oidc/fast-endpoints.test.ts compares both
 * handlers on the same tokens). Anything else — another token format, an error answer of
 * userinfo, a failed or unusual client authentication, query or duplicate parameters, DPoP, CORS,
 * signed responses, pairwise subjects — returns `undefined` and the request goes to
 * oidc-provider unchanged, so errors, their audit events and every rarely used feature stay
 * exactly the provider's.
 */

export interface FastResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * The headers oidc-provider's Koa app sends with these JSON answers, in its order: its CORS
 * middleware for a request without Origin (requests with one are deferred), no-store (RFC 6749
 * §5.1, RFC 7662 §2.2), then Koa's type and length.
 */
const json = (body: unknown): FastResponse => {
  const text = JSON.stringify(body);
  return {
    status: 200,
    headers: {
      vary: 'Origin',
      'access-control-allow-origin': '*',
      'access-control-expose-headers': 'WWW-Authenticate',
      'cache-control': 'no-store',
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(text)),
    },
    body: text,
  };
};

/** Headers whose presence means a feature these handlers leave to oidc-provider. */
const DEFER_HEADERS = ['origin', 'dpop', 'oauth-client-attestation', 'oauth-client-attestation-pop'];
const deferred = (h: IncomingHttpHeaders) => DEFER_HEADERS.some((k) => h[k] !== undefined);

type Token = {
  kind: string;
  jti: string;
  clientId?: string;
  accountId?: string;
  grantId?: string;
  scope?: string;
  scopes: Set<string>;
  claims?: unknown;
  exp?: number;
  iat?: number;
  sid?: string;
  aud?: string;
  extra?: Record<string, unknown>;
  rar?: unknown;
  isValid: boolean;
  tokenType?: string;
  isSenderConstrained(): boolean;
};
type Grant = {
  clientId?: string;
  accountId?: string;
  isExpired: boolean;
  getRejectedOIDCClaims(): string[];
  getOIDCScopeFiltered(scopes: Set<string>): string;
};
type Client = {
  clientId: string;
  clientAuthMethod: string;
  clientSecretExpiresAt?: number;
  subjectType?: string;
  userinfoSignedResponseAlg?: string;
  userinfoEncryptedResponseAlg?: string;
  introspectionSignedResponseAlg?: string;
  introspectionEncryptedResponseAlg?: string;
  compareClientSecret(secret: string): Promise<boolean>;
};
type Models = {
  AccessToken: { find(v: string): Promise<Token | undefined> };
  ClientCredentials: { find(v: string): Promise<Token | undefined> };
  Grant: { find(id: string, o: { ignoreExpiration: boolean }): Promise<Grant | undefined> };
  Client: { find(id: string): Promise<Client | undefined> };
  Claims: new (available: Record<string, unknown>, o: { client: Client }) => { scope(s: string): void; mask(c: unknown): void; rejected(r: string[]): void; result(): Promise<Record<string, unknown>> };
  issuer: string;
};

/** RFC 6749 §2.3.1 form-encoding of the Basic credentials, as oidc-provider decodes them. */
const decodeBasicPart = (v: string) => decodeURIComponent(v.replace(/\+/g, '%20'));

export function createFastEndpoints(registry: ProviderRegistry) {
  const models = async (poolId: string) => (await registry.get(poolId)) as unknown as Models;

  return {
    /** GET /me with `Authorization: Bearer <Gatehouse JWT>` and no query: the claims, or undefined (go to oidc-provider). */
    async userinfo(poolId: string, req: { method: string; url: string; headers: IncomingHttpHeaders }): Promise<FastResponse | undefined> {
      if (req.method !== 'GET' || req.url.includes('?') || deferred(req.headers)) return undefined;
      const auth = req.headers.authorization;
      if (typeof auth !== 'string' || !auth.startsWith('Bearer ')) return undefined;
      const value = auth.slice(7);
      if (!value || value.includes(' ') || !hasPrivateClaim(value)) return undefined;
      const p = await models(poolId);
      const token = await p.AccessToken.find(value);
      // Errors (unknown, revoked, expired token; missing openid; sender-constrained) are oidc-provider's to answer.
      if (!token || !token.scopes.has('openid') || token.isSenderConstrained() || !token.accountId || !token.clientId || !token.grantId) return undefined;
      const client = await p.Client.find(token.clientId);
      if (!client || client.userinfoSignedResponseAlg || client.userinfoEncryptedResponseAlg || client.subjectType === 'pairwise') return undefined;
      const grant = await p.Grant.find(token.grantId, { ignoreExpiration: true });
      if (!grant || grant.isExpired || grant.clientId !== token.clientId || grant.accountId !== token.accountId) return undefined;
      // oidc-provider's userinfo `respond`, step for step.
      const claims = filterClaims(token.claims, 'userinfo', grant) as Record<string, unknown>;
      const rejected = grant.getRejectedOIDCClaims();
      const scope = grant.getOIDCScopeFiltered(new Set((token.scope ?? '').split(' ')));
      // The account's claims for that scope, as oidc-provider's account.claims('userinfo', scope) has them.
      const available = await registry.accountClaims(poolId, token.accountId, scope);
      if (!available) return undefined;
      const mask = new p.Claims({ ...available, sub: token.accountId }, { client });
      mask.scope(scope);
      mask.mask(claims);
      mask.rejected(rejected);
      return json(await mask.result());
    },

    /**
     * POST /token/introspection with a Gatehouse JWT, authenticated with client_secret_basic or
     * client_secret_post: RFC 7662's answer, or undefined (go to oidc-provider).
     */
    async introspection(poolId: string, req: { headers: IncomingHttpHeaders; body: string }): Promise<FastResponse | undefined> {
      if (deferred(req.headers) || !/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')) return undefined;
      const form = new URLSearchParams(req.body);
      const params = new Map<string, string>();
      for (const [k, v] of form) {
        if (params.has(k)) return undefined; // duplicates: oidc-provider refuses them
        params.set(k, v);
      }
      for (const k of params.keys()) if (k !== 'token' && k !== 'token_type_hint' && k !== 'client_id' && k !== 'client_secret') return undefined;
      const value = params.get('token');
      if (!value || !hasPrivateClaim(value)) return undefined;
      const hint = params.get('token_type_hint');
      if (hint !== undefined && hint !== 'access_token' && hint !== 'urn:ietf:params:oauth:token-type:access_token') return undefined;

      // Client authentication: exactly one of Basic or client_secret_post, as oidc-provider requires.
      let clientId = params.get('client_id');
      let secret = params.get('client_secret');
      const auth = req.headers.authorization;
      if (auth !== undefined) {
        if (secret !== undefined) return undefined;
        const parts = auth.split(' ');
        if (parts.length !== 2 || parts[0]!.toLowerCase() !== 'basic' || !/^[A-Za-z0-9+/]+={0,2}$/.test(parts[1]!)) return undefined;
        const basic = Buffer.from(parts[1]!, 'base64').toString('utf8');
        const i = basic.indexOf(':');
        if (i <= 0) return undefined;
        let id: string;
        try {
          id = decodeBasicPart(basic.slice(0, i));
          secret = decodeBasicPart(basic.slice(i + 1));
        } catch {
          return undefined;
        }
        if (clientId !== undefined && clientId !== id) return undefined;
        clientId = id;
      }
      if (!clientId || !secret || /[^\x20-\x7e]/.test(clientId) || /[^\x20-\x7e]/.test(secret)) return undefined;
      const p = await models(poolId);
      const client = await p.Client.find(clientId);
      if (!client || (client.clientAuthMethod !== 'client_secret_basic' && client.clientAuthMethod !== 'client_secret_post')) return undefined;
      if (client.clientSecretExpiresAt || client.introspectionSignedResponseAlg || client.introspectionEncryptedResponseAlg || client.subjectType === 'pairwise') return undefined;
      if (!(await client.compareClientSecret(secret))) return undefined; // invalid_client: oidc-provider answers and audits it

      // oidc-provider's renderTokenResponse, step for step (a JWT is never a refresh token).
      const [at, cc] = await Promise.all([p.AccessToken.find(value), p.ClientCredentials.find(value)]);
      const token = at ?? cc;
      const inactive = json({ active: false });
      if (!token?.isValid) return inactive;
      if (token.grantId) {
        const grant = await p.Grant.find(token.grantId, { ignoreExpiration: true });
        if (!grant || grant.isExpired || grant.clientId !== token.clientId || grant.accountId !== token.accountId) return inactive;
      }
      // features.introspection.allowedPolicy (provider.ts): only the token's own client.
      if (token.clientId && token.clientId !== client.clientId) return inactive;
      if (token.isSenderConstrained() || token.rar !== undefined) return undefined;
      const body: Record<string, unknown> = { active: false };
      if (token.accountId) body.sub = token.accountId;
      Object.assign(body, {
        ...token.extra,
        active: true,
        client_id: token.clientId,
        exp: token.exp,
        iat: token.iat,
        sid: token.sid,
        iss: p.issuer,
        jti: token.jti !== value ? token.jti : undefined,
        aud: token.aud,
        scope: token.scope || undefined,
        token_type: token.tokenType,
      });
      return json(body);
    },
  };
}
export type FastEndpoints = ReturnType<typeof createFastEndpoints>;
