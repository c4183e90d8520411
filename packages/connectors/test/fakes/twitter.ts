/**
 * X (Twitter) OAuth 2.0 Authorization Code with PKCE fake
 * (https://docs.x.com/resources/fundamentals/authentication/oauth-2-0/authorization-code):
 * x.com/i/oauth2/authorize and api.x.com/2/{oauth2/token,users/me}. X requires PKCE; a
 * confidential client authenticates with HTTP Basic, a public one sends only client_id. Errors:
 * a bad or used code is 400 `invalid_request` "Value passed for the authorization code was
 * invalid."; a missing/wrong Basic header is 401 `unauthorized_client`; API errors are problem
 * details `{title, detail, type, status}`.
 */
import { randomBytes } from 'node:crypto';
import { json, redirect, startHttpFake, type FakeRequest, type FakeResponse } from './http.js';
import { authorizeErrorPage, clientCredentials, FakeAuthorizationServer, withQuery, type FakeClient } from './oauth-core.js';

export interface XUser {
  id: string;
  name: string;
  username: string;
  profile_image_url: string;
  confirmed_email?: string;
}

export const X_ORIGINS = ['https://x.com', 'https://api.x.com'];

export async function startTwitterFake(opts: { clients: FakeClient[]; users: XUser[] }) {
  const as = new FakeAuthorizationServer<XUser>(opts.clients, 30_000);
  const tokens = new Map<string, { user: XUser; scope: string }>();

  function authorize(req: FakeRequest): FakeResponse {
    const q = req.url.searchParams;
    const client = as.client(q.get('client_id'));
    if (!client || !as.redirectAllowed(client, q.get('redirect_uri'))) return authorizeErrorPage('Something went wrong. You weren’t able to give access to the App.');
    if (!q.get('code_challenge') || q.get('response_type') !== 'code') return authorizeErrorPage('Something went wrong. (code_challenge required)');
    const state = q.get('state') ?? undefined;
    const login = as.takeLogin();
    if (login === 'deny') return redirect(withQuery(q.get('redirect_uri')!, { error: 'access_denied', state }));
    const user = opts.users.find((u) => u.username === login) ?? opts.users[0]!;
    const code = as.issueCode({ clientId: client.clientId, redirectUri: q.get('redirect_uri')!, scope: q.get('scope') ?? '', codeChallenge: q.get('code_challenge')!, codeChallengeMethod: q.get('code_challenge_method') ?? 'plain', user, extra: {} });
    return redirect(withQuery(q.get('redirect_uri')!, { state, code }));
  }

  function token(req: FakeRequest): FakeResponse {
    const creds = clientCredentials(req.headers, req.param);
    const client = as.client(creds.clientId);
    // Confidential clients must use Basic auth; public clients (no secret registered) send client_id only.
    const authOk = !!client && (client.clientSecret ? creds.method === 'basic' && creds.clientSecret === client.clientSecret : creds.method !== 'basic');
    if (!authOk) return json(401, { error: 'unauthorized_client', error_description: 'Missing valid authorization header' });
    const r = as.redeem({ code: req.param('code'), clientId: client!.clientId, redirectUri: req.param('redirect_uri'), codeVerifier: req.param('code_verifier') });
    if (!r.ok) {
      if (r.reason === 'pkce') return json(400, { error: 'invalid_request', error_description: 'Value passed for the code verifier did not match the code challenge.' });
      return json(400, { error: 'invalid_request', error_description: 'Value passed for the authorization code was invalid.' });
    }
    const t = randomBytes(24).toString('base64url');
    tokens.set(t, { user: r.grant.user, scope: r.grant.scope });
    return json(200, { token_type: 'bearer', expires_in: 7200, access_token: t, scope: r.grant.scope });
  }

  function me(req: FakeRequest): FakeResponse {
    const session = tokens.get(String(req.headers['authorization'] ?? '').replace(/^Bearer /i, ''));
    if (!session) return json(401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
    const fields = (req.url.searchParams.get('user.fields') ?? '').split(',');
    const u = session.user;
    const data: Record<string, unknown> = { id: u.id, name: u.name, username: u.username };
    if (fields.includes('profile_image_url')) data['profile_image_url'] = u.profile_image_url;
    if (fields.includes('confirmed_email') && u.confirmed_email && session.scope.split(' ').includes('users.email')) data['confirmed_email'] = u.confirmed_email;
    return json(200, { data });
  }

  const http = await startHttpFake((req) => {
    const p = req.url.pathname;
    if (req.method === 'GET' && p === '/i/oauth2/authorize') return authorize(req);
    if (req.method === 'POST' && p === '/2/oauth2/token') return token(req);
    if (req.method === 'GET' && p === '/2/users/me') return me(req);
    return json(404, { title: 'Not Found Error', type: 'https://api.twitter.com/2/problems/resource-not-found', status: 404, detail: 'Not found' });
  });
  return { origin: http.origin, overrides: Object.fromEntries(X_ORIGINS.map((o) => [o, http.origin])) as Record<string, string>, requests: http.requests, users: opts.users, codes: as.issuedCodes, server: as, failNext: http.failNext, hangNext: http.hangNext, close: http.close };
}
export type TwitterFake = Awaited<ReturnType<typeof startTwitterFake>>;
