import type { IncomingHttpHeaders } from 'node:http';
// @ts-expect-error -- internal module of oidc-provider (no types); the same function its userinfo action uses.
import filterClaims from 'oidc-provider/lib/helpers/filter_claims.js';
import { organizationScopesOf } from './claims.js';
import { hasPrivateClaim, type VerifiedAccessToken } from './jwt-access-tokens.js';
import type { ProviderRegistry } from './provider.js';
import { createFastRefreshToken } from './fast-refresh-token.js';
import { createFastClientCredentials } from './fast-client-credentials.js';
import { deferred, epochTime, json, secretAuthenticatedClient, secretCredentials, strictForm, type FastClient, type FastResponse } from './fast-common.js';

export type { FastResponse } from './fast-common.js';

const INTROSPECTION_PARAMS = new Set(['token', 'token_type_hint', 'client_id', 'client_secret']);

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

type Token = {
  scopes: Set<string>;
  scope?: string;
  claims?: unknown;
  accountId?: string;
  clientId: string;
  isSenderConstrained(): boolean;
};
type Grant = {
  getRejectedOIDCClaims(): string[];
  getOIDCScopeFiltered(scopes: Set<string>): string;
};
type Models = {
  AccessToken: { instantiate(payload: object): Token };
  Grant: { instantiate(payload: object): Grant };
  Claims: new (available: Record<string, unknown>, o: { client: FastClient }) => { scope(s: string): void; mask(c: unknown): void; rejected(r: string[]): void; result(): Promise<Record<string, unknown>> };
};

const INACTIVE = json({ active: false });

export function createFastEndpoints(registry: ProviderRegistry) {
  /**
   * Introspection answers of active tokens by the verified token object (the verifier keeps one
   * object per token value, jwt-access-tokens.ts): the body depends only on the token and the
   * pool's issuer, so it is built and serialised once per token. Revocation and the grant are
   * still checked on every request before it is used.
   */
  const activeAnswers = new WeakMap<VerifiedAccessToken, FastResponse>();
  /** Userinfo answers by verified token, with what each was computed from (see userinfo). */
  const answers = new WeakMap<VerifiedAccessToken, { grantText: string; client: unknown; user: object; roles: object; answer: FastResponse }>();

  return {
    /** POST /token with grant_type=client_credentials (fast-client-credentials.ts). */
    clientCredentials: createFastClientCredentials(registry),
    /** POST /token with grant_type=refresh_token (fast-refresh-token.ts). */
    refreshToken: createFastRefreshToken(registry),
    /** GET /me with `Authorization: Bearer <Gatehouse JWT>` and no query: the claims, or undefined (go to oidc-provider). */
    async userinfo(poolId: string, req: { method: string; url: string; headers: IncomingHttpHeaders }): Promise<FastResponse | undefined> {
      if (req.method !== 'GET' || req.url.includes('?') || deferred(req.headers)) return undefined;
      const auth = req.headers.authorization;
      if (typeof auth !== 'string' || !auth.startsWith('Bearer ')) return undefined;
      const value = auth.slice(7);
      if (!value || value.includes(' ')) return undefined;
      const e = await registry.entry(poolId);
      // Token and grant in one read; a token that is not a valid Gatehouse JWT, or whose grant
      // would not be found, goes to oidc-provider, which answers the error.
      const found = await e.jwt.find(value);
      if (!found || found.token.kind !== 'AccessToken' || !found.grant) return undefined;
      const t = found.token as typeof found.token & { accountId?: string };
      const client = (await registry.client(poolId, t.clientId)) as FastClient | undefined;
      if (!client || client.userinfoSignedResponseAlg || client.userinfoEncryptedResponseAlg || client.subjectType === 'pairwise') return undefined;
      const g = found.grant;
      if (typeof g.exp !== 'number' || g.exp <= epochTime() || g.clientId !== t.clientId) return undefined;
      const parts = t.accountId ? await registry.accountParts(poolId, t.accountId) : undefined;
      // The answer is a function of the token, its grant, the client and the user's claims: while
      // all of them are the same (the same verified token, the grant's stored text, the client and
      // account cache's objects), it is the same answer. Organisation claims are read anew each
      // time, so tokens with those scopes are never served from here.
      const hit = answers.get(found.verified);
      if (hit && parts && hit.grantText === found.grantText && hit.client === client && hit.user === parts.user && hit.roles === parts.roles) return hit.answer;

      const p = e.provider as unknown as Models;
      const token = p.AccessToken.instantiate(found.token);
      // Errors (missing openid; sender-constrained) are oidc-provider's to answer.
      if (!token.scopes.has('openid') || token.isSenderConstrained() || !token.accountId) return undefined;
      const grant = p.Grant.instantiate(g);
      // oidc-provider's userinfo `respond`, step for step.
      const claims = filterClaims(token.claims, 'userinfo', grant) as Record<string, unknown>;
      const rejected = grant.getRejectedOIDCClaims();
      const scope = grant.getOIDCScopeFiltered(new Set((token.scope ?? '').split(' ')));
      // The account's claims for that scope, as oidc-provider's account.claims('userinfo', scope) has them.
      const available = parts && (await registry.accountClaims(poolId, token.accountId, scope, parts));
      if (!parts || !available) return undefined;
      const mask = new p.Claims({ ...available, sub: token.accountId }, { client });
      mask.scope(scope);
      mask.mask(claims);
      mask.rejected(rejected);
      const answer = json(await mask.result());
      if (found.grantText !== undefined && organizationScopesOf(scope).length === 0) answers.set(found.verified, { grantText: found.grantText, client, user: parts.user, roles: parts.roles, answer });
      return answer;
    },

    /**
     * POST /token/introspection with a Gatehouse JWT, authenticated with client_secret_basic or
     * client_secret_post: RFC 7662's answer, or undefined (go to oidc-provider).
     */
    async introspection(poolId: string, req: { headers: IncomingHttpHeaders; body: string }): Promise<FastResponse | undefined> {
      if (deferred(req.headers)) return undefined;
      const params = strictForm(req.headers, req.body, INTROSPECTION_PARAMS);
      const value = params?.get('token');
      if (!params || !value) return undefined;
      const hint = params.get('token_type_hint');
      if (hint !== undefined && hint !== 'access_token' && hint !== 'urn:ietf:params:oauth:token-type:access_token') return undefined;
      const e = await registry.entry(poolId);
      // Ours: a value verified before, or one carrying our private claim (decoded, not verified:
      // no signature is checked before the client has authenticated). Anything else goes to oidc-provider.
      if (!e.jwt.known(value) && !hasPrivateClaim(value)) return undefined;

      // Client authentication: exactly one of Basic or client_secret_post, as oidc-provider
      // requires; a failure is oidc-provider's to answer (invalid_client) and audit.
      const creds = secretCredentials(params, req.headers);
      if (!creds) return undefined;
      const client = await secretAuthenticatedClient((await registry.client(poolId, creds.clientId)) as FastClient | undefined, creds.secret);
      if (!client || client.introspectionSignedResponseAlg || client.introspectionEncryptedResponseAlg || client.subjectType === 'pairwise') return undefined;

      // oidc-provider's renderTokenResponse, step for step (a JWT is never a refresh token):
      // findToken (AccessToken or ClientCredentials.find), token.isValid, Grant.find and its
      // checks, allowedPolicy (provider.ts: only the token's own client), then the body.
      const found = await e.jwt.find(value);
      if (!found) return INACTIVE;
      const { verified, token } = found;
      if (typeof token.exp !== 'number' || token.exp <= epochTime()) return INACTIVE;
      if (token.grantId) {
        const g = found.grant;
        if (!g || typeof g.exp !== 'number' || g.exp <= epochTime() || g.clientId !== token.clientId) return INACTIVE;
      }
      if (token.clientId !== client.clientId) return INACTIVE;
      if (token.jkt || token['x5t#S256'] || token.rar !== undefined) return undefined; // sender-constrained, RAR: oidc-provider's
      let answer = activeAnswers.get(verified);
      if (!answer) {
        const body: Record<string, unknown> = { active: false };
        if (token.accountId) body.sub = token.accountId;
        Object.assign(body, {
          ...(token.extra as object),
          active: true,
          client_id: token.clientId,
          exp: token.exp,
          iat: token.iat,
          sid: token.sid,
          iss: e.issuer,
          jti: token.jti !== value ? token.jti : undefined,
          aud: token.aud,
          scope: token.scope || undefined,
          token_type: 'Bearer', // the model's tokenType without a DPoP binding (deferred above)
        });
        answer = json(body);
        activeAnswers.set(verified, answer);
      }
      return answer;
    },
  };
}
export type FastEndpoints = ReturnType<typeof createFastEndpoints>;
