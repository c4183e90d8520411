/**
 * Gitee OAuth fake (https://gitee.com/api/v5/oauth_doc): gitee.com/oauth/{authorize,token} and
 * the v5 API /api/v5/user and /api/v5/emails (token in the `access_token` query parameter).
 * Checks client id and secret, exact redirect URI, single-use codes; errors are HTTP 401 with
 * `error`/`error_description` (Chinese descriptions, as Gitee sends them).
 */
import { randomBytes } from 'node:crypto';
import { json, redirect, startHttpFake, type FakeRequest, type FakeResponse } from './http.js';
import { authorizeErrorPage, FakeAuthorizationServer, withQuery, type FakeClient } from './oauth-core.js';

export interface GiteeUser {
  id: number;
  login: string;
  name: string;
  avatar_url: string;
  /** Public profile email, may be null. */
  email: string | null;
  emails: Array<{ email: string; state: 'confirmed' | 'unconfirmed'; scope: string[] }>;
}

export async function startGiteeFake(opts: { clients: FakeClient[]; users: GiteeUser[] }) {
  const as = new FakeAuthorizationServer<GiteeUser>(opts.clients, 10 * 60_000);
  const tokens = new Map<string, { user: GiteeUser; scope: string }>();

  function authorize(req: FakeRequest): FakeResponse {
    const q = req.url.searchParams;
    const client = as.client(q.get('client_id'));
    if (!client) return authorizeErrorPage('应用不存在 (client_id invalid)');
    if (!as.redirectAllowed(client, q.get('redirect_uri'))) return authorizeErrorPage('回调地址与应用设置的不一致 (redirect_uri mismatch)');
    const login = as.takeLogin();
    const state = q.get('state') ?? undefined;
    if (login === 'deny') return redirect(withQuery(q.get('redirect_uri')!, { error: 'access_denied', error_description: '用户拒绝了授权', state }));
    const user = opts.users.find((u) => u.login === login) ?? opts.users[0]!;
    const code = as.issueCode({ clientId: client.clientId, redirectUri: q.get('redirect_uri')!, scope: q.get('scope') ?? '', user, extra: {} });
    return redirect(withQuery(q.get('redirect_uri')!, { code, state }));
  }

  function token(req: FakeRequest): FakeResponse {
    const client = as.client(req.param('client_id'));
    if (!client || client.clientSecret !== req.param('client_secret')) {
      return json(401, { error: 'invalid_client', error_description: '由于未知的客户端，不包含客户端验证，或使用了不支持的验证方法，客户端验证失败。' });
    }
    if (req.param('grant_type') !== 'authorization_code') return json(400, { error: 'unsupported_grant_type', error_description: '不支持的授权类型' });
    const r = as.redeem({ code: req.param('code'), clientId: client.clientId, redirectUri: req.param('redirect_uri'), codeVerifier: null });
    if (!r.ok) return json(401, { error: 'invalid_grant', error_description: '授权方式无效，或者登录回调地址无效、过期或已被撤销' });
    const t = randomBytes(16).toString('hex');
    tokens.set(t, { user: r.grant.user, scope: r.grant.scope });
    return json(200, { access_token: t, token_type: 'bearer', expires_in: 86400, refresh_token: randomBytes(16).toString('hex'), scope: r.grant.scope, created_at: Math.floor(Date.now() / 1000) });
  }

  function api(req: FakeRequest): FakeResponse {
    const session = tokens.get(req.url.searchParams.get('access_token') ?? '');
    if (!session) return json(401, { message: '401 Unauthorized: Access token does not exist' });
    const { emails, ...user } = session.user;
    if (req.url.pathname === '/api/v5/user') return json(200, { ...user, url: `https://gitee.com/api/v5/users/${user.login}`, html_url: `https://gitee.com/${user.login}`, type: 'User', bio: '', public_repos: 1, followers: 0, following: 0, created_at: '2020-01-01T00:00:00+08:00' });
    if (!session.scope.split(/[\s,]+/).includes('emails')) return json(403, { message: 'Access token does not have the required scope: emails' });
    return json(200, emails);
  }

  const http = await startHttpFake((req) => {
    const p = req.url.pathname;
    if (req.method === 'GET' && p === '/oauth/authorize') return authorize(req);
    if (req.method === 'POST' && p === '/oauth/token') return token(req);
    if (req.method === 'GET' && (p === '/api/v5/user' || p === '/api/v5/emails')) return api(req);
    return json(404, { message: 'Not Found Project' });
  });
  return { origin: http.origin, overrides: { 'https://gitee.com': http.origin } as Record<string, string>, requests: http.requests, users: opts.users, codes: as.issuedCodes, server: as, failNext: http.failNext, hangNext: http.hangNext, close: http.close };
}
export type GiteeFake = Awaited<ReturnType<typeof startGiteeFake>>;
