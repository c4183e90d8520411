/**
 * A configurable OpenID Connect provider fake that the vendor fakes (Google, Microsoft Entra,
 * Apple, Slack, LinkedIn, GitLab) are built from. Each vendor passes its paths, its client
 * authentication rule, its ID-token claims and its error shapes; the shared part checks what an
 * authorization server checks (client, exact redirect URI, PKCE, single-use expiring codes,
 * `state` echo) and signs ID tokens with its own RSA key, published at the JWKS path.
 */
import { randomBytes } from 'node:crypto';
import { autoPostForm, json, redirect, startHttpFake, type FakeRequest, type FakeResponse, type HttpFake } from './http.js';
import { authorizeErrorPage, clientCredentials, createSigningKeys, FakeAuthorizationServer, signWithTamper, withQuery, type CodeGrant, type FakeClient, type IdTokenTamper, type RedeemFailure, type SigningKeys } from './oauth-core.js';

export type TokenFailure = RedeemFailure | 'client_auth';

export interface OidcFakeSpec<U extends { sub: string }> {
  clients: FakeClient[];
  users: U[];
  /** Path matchers; `authorize`/`token`/`jwks`/`userinfo` may carry a tenant segment (Entra). */
  isAuthorize(path: string): boolean;
  isToken(path: string): boolean;
  isJwks(path: string): boolean;
  isUserinfo?(path: string): boolean;
  /** Checks client authentication at the token endpoint; default: secret by Basic or form must equal the registered one. */
  authenticateClient?(req: FakeRequest, client: FakeClient | undefined, creds: ReturnType<typeof clientCredentials>, server: FakeAuthorizationServer<U>): boolean | Promise<boolean>;
  /** Extra authorize checks/values (Entra's tenant, Slack's team); return a response to stop, or extra grant values. */
  onAuthorize?(req: FakeRequest, user: U): FakeResponse | Record<string, string> | undefined;
  /** Picks the user for this authorize (default: one-shot `nextLogin`, else login_hint, else the first). */
  pickUser?(req: FakeRequest, login: string | undefined): U | undefined;
  /** `form_post` (Apple) answers with an auto-submitting form instead of a redirect. */
  responseMode?(req: FakeRequest): 'query' | 'form_post';
  /** Fields the provider adds to the authorization response (Apple's `user` JSON on first login). */
  extraCallbackParams?(req: FakeRequest, user: U, client: FakeClient): Record<string, string>;
  denyParams: Record<string, string>;
  /** ID-token claims for a redeemed grant (iss, aud and times are the vendor's choice). */
  idTokenClaims(grant: CodeGrant<U>, now: number): Record<string, unknown>;
  /** Userinfo response for a token's user. */
  userinfo?(user: U, grant: CodeGrant<U>): Record<string, unknown>;
  /** The vendor's token error body. */
  tokenError(kind: TokenFailure): FakeResponse;
  /** The vendor's token success body (Slack adds ok:true). */
  tokenSuccess?(body: Record<string, unknown>): FakeResponse;
  /** Extra checks when a code is redeemed (Entra: at the same authority); a failure kind stops it. */
  checkRedeem?(req: FakeRequest, grant: CodeGrant<U>): TokenFailure | undefined;
  /** Authorization code lifetime (default 10 minutes; Apple: 5). */
  codeTtlMs?: number;
  /** Whether the ID token is only issued when `openid` was requested (default true). */
  requireOpenidScope?: boolean;
}

export interface OidcFake<U extends { sub: string }> {
  origin: string;
  keys: SigningKeys;
  server: FakeAuthorizationServer<U>;
  users: U[];
  codes: string[];
  requests: HttpFake['requests'];
  /** The next ID token is changed (wrong iss/aud/nonce, expired) or signed by a rogue key. */
  tamperNextIdToken(t: IdTokenTamper): void;
  failNext: HttpFake['failNext'];
  hangNext: HttpFake['hangNext'];
  close(): Promise<void>;
}

export async function startOidcLikeFake<U extends { sub: string }>(spec: OidcFakeSpec<U>): Promise<OidcFake<U>> {
  const server = new FakeAuthorizationServer<U>(spec.clients, spec.codeTtlMs);
  const keys = await createSigningKeys();
  const tokens = new Map<string, CodeGrant<U>>();
  let tamper: IdTokenTamper | undefined;

  function authorize(req: FakeRequest): FakeResponse {
    const q = req.url.searchParams;
    const client = server.client(q.get('client_id'));
    if (!client) return authorizeErrorPage('invalid_client: unknown client_id');
    const redirectUri = q.get('redirect_uri');
    if (!server.redirectAllowed(client, redirectUri)) return authorizeErrorPage('redirect_uri_mismatch: the redirect URI is not registered for this client');
    if (q.get('response_type') !== 'code') return authorizeErrorPage('unsupported_response_type');
    const state = q.get('state') ?? undefined;
    const mode = spec.responseMode?.(req) ?? 'query';
    const reply = (params: Record<string, string | undefined>) => {
      if (mode === 'form_post') {
        const fields: Record<string, string> = {};
        for (const [k, v] of Object.entries(params)) if (v !== undefined) fields[k] = v;
        return autoPostForm(redirectUri!, fields);
      }
      return redirect(withQuery(redirectUri!, params));
    };
    const login = server.takeLogin() ?? q.get('login_hint') ?? undefined;
    if (login === 'deny') return reply({ ...spec.denyParams, state });
    const user = spec.pickUser ? spec.pickUser(req, login) : (login && spec.users.find((u) => u.sub === login)) || spec.users[0];
    if (!user) return authorizeErrorPage('no such user');
    const extra = spec.onAuthorize?.(req, user);
    if (extra && 'status' in extra && typeof extra.status === 'number') return extra as FakeResponse;
    const challenge = q.get('code_challenge');
    const code = server.issueCode({
      clientId: client.clientId,
      redirectUri: redirectUri!,
      scope: q.get('scope') ?? '',
      ...(challenge ? { codeChallenge: challenge, codeChallengeMethod: q.get('code_challenge_method') ?? 'plain' } : {}),
      ...(q.get('nonce') ? { nonce: q.get('nonce')! } : {}),
      user,
      extra: (extra as Record<string, string> | undefined) ?? {},
    });
    return reply({ code, state, ...spec.extraCallbackParams?.(req, user, client) });
  }

  async function token(req: FakeRequest): Promise<FakeResponse> {
    if (req.param('grant_type') !== 'authorization_code') return spec.tokenError('invalid');
    const creds = clientCredentials(req.headers, req.param);
    const client = server.client(creds.clientId);
    const authOk = spec.authenticateClient ? await spec.authenticateClient(req, client, creds, server) : !!client && !!client.clientSecret && creds.clientSecret === client.clientSecret;
    if (!authOk || !client) return spec.tokenError('client_auth');
    const r = server.redeem({ code: req.param('code'), clientId: client.clientId, redirectUri: req.param('redirect_uri'), codeVerifier: req.param('code_verifier') });
    if (!r.ok) return spec.tokenError(r.reason);
    const extraFailure = spec.checkRedeem?.(req, r.grant);
    if (extraFailure) return spec.tokenError(extraFailure);
    const accessToken = randomBytes(24).toString('base64url');
    tokens.set(accessToken, r.grant);
    const body: Record<string, unknown> = { access_token: accessToken, token_type: 'Bearer', expires_in: 3600, scope: r.grant.scope };
    if (spec.requireOpenidScope === false || r.grant.scope.split(/\s+/).includes('openid')) {
      const t = tamper;
      tamper = undefined;
      body['id_token'] = await signWithTamper(keys, spec.idTokenClaims(r.grant, server.now()), t);
    }
    return spec.tokenSuccess ? spec.tokenSuccess(body) : json(200, body, { 'cache-control': 'no-store' });
  }

  function userinfo(req: FakeRequest): FakeResponse {
    const grant = tokens.get(String(req.headers['authorization'] ?? '').replace(/^Bearer /i, ''));
    if (!grant || !spec.userinfo) return json(401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    return json(200, spec.userinfo(grant.user, grant));
  }

  const http = await startHttpFake(async (req) => {
    const p = req.url.pathname;
    if (req.method === 'GET' && spec.isAuthorize(p)) return authorize(req);
    if (req.method === 'POST' && spec.isToken(p)) return token(req);
    if (req.method === 'GET' && spec.isJwks(p)) return json(200, keys.jwks());
    if (spec.isUserinfo?.(p)) return userinfo(req);
    return json(404, { error: 'not_found' });
  });

  return {
    origin: http.origin,
    keys,
    server,
    users: spec.users,
    codes: server.issuedCodes,
    requests: http.requests,
    tamperNextIdToken: (t) => {
      tamper = t;
    },
    failNext: http.failNext,
    hangNext: http.hangNext,
    close: http.close,
  };
}
