/**
 * A plain OAuth 2.0 authorization server with a non-standard user-info shape, standing in for
 * the "custom OAuth 2.0" sources administrators connect. RFC 6749 checks (client, exact redirect
 * URI, single-use expiring codes, PKCE when a challenge was sent) and RFC 6749 §5.2 errors; the
 * token response can be JSON or form-encoded (both exist in the wild).
 */
import { randomBytes } from 'node:crypto';
import { json, redirect, startHttpFake, type FakeRequest, type FakeResponse } from './http.js';
import { authorizeErrorPage, clientCredentials, FakeAuthorizationServer, withQuery, type FakeClient } from './oauth-core.js';

export interface CustomOAuthUser {
  uid: number;
  mail: string;
  mailVerified: boolean;
  nick: string;
  avatar: string;
}

export async function startGenericOAuthFake(opts: { clients: FakeClient[]; users: CustomOAuthUser[]; formEncodedTokens?: boolean }) {
  const as = new FakeAuthorizationServer<CustomOAuthUser>(opts.clients);
  const tokens = new Map<string, CustomOAuthUser>();

  function authorize(req: FakeRequest): FakeResponse {
    const q = req.url.searchParams;
    const client = as.client(q.get('client_id'));
    if (!client || !as.redirectAllowed(client, q.get('redirect_uri'))) return authorizeErrorPage('invalid client or redirect_uri');
    const state = q.get('state') ?? undefined;
    const login = as.takeLogin();
    if (login === 'deny') return redirect(withQuery(q.get('redirect_uri')!, { error: 'access_denied', state }));
    const user = opts.users.find((u) => u.nick === login) ?? opts.users[0]!;
    const challenge = q.get('code_challenge');
    const code = as.issueCode({ clientId: client.clientId, redirectUri: q.get('redirect_uri')!, scope: q.get('scope') ?? '', ...(challenge ? { codeChallenge: challenge, codeChallengeMethod: q.get('code_challenge_method') ?? 'plain' } : {}), user, extra: {} });
    return redirect(withQuery(q.get('redirect_uri')!, { code, state }));
  }

  function token(req: FakeRequest): FakeResponse {
    const creds = clientCredentials(req.headers, req.param);
    const client = as.client(creds.clientId);
    if (!client || (client.clientSecret !== undefined && creds.clientSecret !== client.clientSecret)) return json(401, { error: 'invalid_client' }, { 'www-authenticate': 'Basic realm="oauth"' });
    const r = as.redeem({ code: req.param('code'), clientId: client.clientId, redirectUri: req.param('redirect_uri'), codeVerifier: req.param('code_verifier') });
    if (!r.ok) return json(400, { error: 'invalid_grant', error_description: `code ${r.reason}` });
    const t = randomBytes(20).toString('hex');
    tokens.set(t, r.grant.user);
    if (opts.formEncodedTokens) return { status: 200, body: new URLSearchParams({ access_token: t, token_type: 'bearer', expires_in: '3600' }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
    return json(200, { access_token: t, token_type: 'Bearer', expires_in: 3600 });
  }

  function me(req: FakeRequest): FakeResponse {
    const t = String(req.headers['authorization'] ?? '').replace(/^Bearer /i, '') || req.url.searchParams.get('access_token') || '';
    const u = tokens.get(t);
    if (!u) return json(401, { code: 40101, message: 'invalid token' });
    return json(200, { code: 0, data: { user: { uid: u.uid, contact: { mail: u.mail, verified: u.mailVerified }, nick: u.nick, avatar: u.avatar } } });
  }

  const http = await startHttpFake((req) => {
    const p = req.url.pathname;
    if (req.method === 'GET' && p === '/oauth2/authorize') return authorize(req);
    if (req.method === 'POST' && p === '/oauth2/token') return token(req);
    if (req.method === 'GET' && p === '/api/me') return me(req);
    return json(404, { code: 404 });
  });
  return { origin: http.origin, requests: http.requests, users: opts.users, codes: as.issuedCodes, server: as, failNext: http.failNext, hangNext: http.hangNext, close: http.close };
}
export type GenericOAuthFake = Awaited<ReturnType<typeof startGenericOAuthFake>>;
