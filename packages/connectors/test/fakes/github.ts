/**
 * GitHub OAuth app fake (https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps):
 * github.com/login/oauth/{authorize,access_token} and api.github.com/user{,/emails} on one local
 * server. It checks what GitHub checks: client id and secret, the redirect URI against the
 * registered callback and against the one used at authorize, the PKCE verifier, single-use codes
 * that expire after 10 minutes, a User-Agent on API calls, and the `user:email` scope for
 * /user/emails. Errors have GitHub's shapes: token errors are HTTP 200 with `error`
 * (`bad_verification_code`, `incorrect_client_credentials`, `redirect_uri_mismatch`).
 */
import { randomBytes } from 'node:crypto';
import { FakeAuthorizationServer, type FakeClient, withQuery } from './oauth-core.js';
import { json, redirect, startHttpFake, type FakeRequest, type FakeResponse } from './http.js';

export interface GithubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
  visibility: 'public' | 'private' | null;
}
export interface GithubUser {
  id: number;
  login: string;
  name: string | null;
  /** The public profile email (may be unverified-looking or null); connectors must use /user/emails. */
  email: string | null;
  avatar_url: string;
  emails: GithubEmail[];
}

export interface GithubFakeOptions {
  clients: FakeClient[];
  users: GithubUser[];
}

export const GITHUB_ORIGINS = ['https://github.com', 'https://api.github.com'];

export async function startGithubFake(opts: GithubFakeOptions) {
  const as = new FakeAuthorizationServer<GithubUser>(opts.clients);
  const tokens = new Map<string, { user: GithubUser; scope: string }>();
  const DOC = 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors';

  function authorize(req: FakeRequest): FakeResponse {
    const q = req.url.searchParams;
    const client = as.client(q.get('client_id'));
    if (!client) return { status: 404, body: '<html>Not Found</html>', headers: { 'content-type': 'text/html' } };
    const registered = client.redirectUris[0]!;
    const redirectUri = q.get('redirect_uri') ?? registered;
    if (!as.redirectAllowed(client, redirectUri)) {
      // GitHub sends the user to the registered callback with error=redirect_uri_mismatch.
      return redirect(withQuery(registered, { error: 'redirect_uri_mismatch', error_description: 'The redirect_uri MUST match the registered callback URL for this application.', error_uri: DOC, state: q.get('state') ?? undefined }));
    }
    const login = as.takeLogin() ?? q.get('login') ?? undefined;
    if (login === 'deny') {
      return redirect(withQuery(redirectUri, { error: 'access_denied', error_description: 'The user has denied your application access.', error_uri: DOC, state: q.get('state') ?? undefined }));
    }
    const user = (login && opts.users.find((u) => u.login === login)) || opts.users[0]!;
    const challenge = q.get('code_challenge');
    const code = as.issueCode({
      clientId: client.clientId,
      redirectUri: q.get('redirect_uri') ?? undefined,
      scope: q.get('scope') ?? '',
      ...(challenge ? { codeChallenge: challenge, codeChallengeMethod: q.get('code_challenge_method') ?? 'plain' } : {}),
      user,
      extra: {},
    });
    return redirect(withQuery(redirectUri, { code, state: q.get('state') ?? undefined }));
  }

  function accessToken(req: FakeRequest): FakeResponse {
    const wantsJson = String(req.headers['accept'] ?? '').includes('application/json');
    const reply = (body: Record<string, string>): FakeResponse =>
      wantsJson ? json(200, body) : { status: 200, body: new URLSearchParams(body).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } };
    const client = as.client(req.param('client_id'));
    if (!client || client.clientSecret !== req.param('client_secret')) {
      return reply({ error: 'incorrect_client_credentials', error_description: 'The client_id and/or client_secret passed are incorrect.', error_uri: DOC });
    }
    const r = as.redeem({ code: req.param('code'), clientId: client.clientId, redirectUri: req.param('redirect_uri'), codeVerifier: req.param('code_verifier') });
    if (!r.ok) {
      if (r.reason === 'redirect_uri') return reply({ error: 'redirect_uri_mismatch', error_description: 'The redirect_uri MUST match the registered callback URL for this application.', error_uri: DOC });
      return reply({ error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.', error_uri: DOC });
    }
    const token = `gho_${randomBytes(18).toString('base64url')}`;
    tokens.set(token, { user: r.grant.user, scope: r.grant.scope });
    return reply({ access_token: token, token_type: 'bearer', scope: r.grant.scope.split(/\s+/).join(',') });
  }

  function api(req: FakeRequest, path: string): FakeResponse {
    if (!req.headers['user-agent']) {
      return { status: 403, body: 'Request forbidden by administrative rules. Please make sure your request has a User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required).', headers: { 'content-type': 'text/plain' } };
    }
    const auth = String(req.headers['authorization'] ?? '');
    const session = tokens.get(auth.replace(/^(Bearer|token) /i, ''));
    if (!session) return json(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    const { emails, ...user } = session.user;
    if (path === '/user') {
      return json(200, { ...user, node_id: `U_${user.id}`, html_url: `https://github.com/${user.login}`, type: 'User', site_admin: false, company: null, blog: '', location: null, bio: null, public_repos: 2, followers: 0, following: 0, created_at: '2020-01-01T00:00:00Z', updated_at: '2024-01-01T00:00:00Z' });
    }
    if (!session.scope.split(/[\s,]+/).some((s) => s === 'user:email' || s === 'user')) {
      return json(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/users/emails#list-email-addresses-for-the-authenticated-user', status: '404' });
    }
    return json(200, emails);
  }

  const http = await startHttpFake((req) => {
    const p = req.url.pathname;
    if (req.method === 'GET' && p === '/login/oauth/authorize') return authorize(req);
    if (req.method === 'POST' && p === '/login/oauth/access_token') return accessToken(req);
    if (req.method === 'GET' && (p === '/user' || p === '/user/emails')) return api(req, p);
    return json(404, { message: 'Not Found' });
  });

  return {
    origin: http.origin,
    /** Vendor origin → this fake, for GATEHOUSE_UPSTREAM_OVERRIDES and test HTTP clients. */
    overrides: Object.fromEntries(GITHUB_ORIGINS.map((o) => [o, http.origin])) as Record<string, string>,
    requests: http.requests,
    users: opts.users,
    codes: as.issuedCodes,
    server: as,
    failNext: http.failNext,
    hangNext: http.hangNext,
    close: http.close,
  };
}
export type GithubFake = Awaited<ReturnType<typeof startGithubFake>>;
