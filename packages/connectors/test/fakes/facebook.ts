/**
 * Facebook Login fake (https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow):
 * www.facebook.com/{version}/dialog/oauth and graph.facebook.com/{version}/{oauth/access_token,me,debug_token}.
 * Checks the app id and secret, the redirect URI being identical to the dialog's, single-use
 * codes, and `appsecret_proof` on Graph calls ("Require App Secret"). Errors are Graph's
 * `{error:{message,type,code,error_subcode,fbtrace_id}}` (36007 expired, 36009 used, 36008
 * redirect mismatch, code 1 bad secret, 190 bad token).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { json, redirect, startHttpFake, type FakeRequest, type FakeResponse } from './http.js';
import { authorizeErrorPage, FakeAuthorizationServer, withQuery, type FakeClient } from './oauth-core.js';

export interface FacebookUser {
  /** App-scoped user id. */
  id: string;
  name: string;
  first_name: string;
  last_name: string;
  email?: string;
  picture: string;
}

export const FACEBOOK_ORIGINS = ['https://www.facebook.com', 'https://graph.facebook.com'];

const graphError = (status: number, code: number, message: string, subcode?: number, type = 'OAuthException'): FakeResponse =>
  json(status, { error: { message, type, code, ...(subcode ? { error_subcode: subcode } : {}), fbtrace_id: randomBytes(8).toString('base64url') } });

export async function startFacebookFake(opts: { version: string; clients: FakeClient[]; users: FacebookUser[] }) {
  const as = new FakeAuthorizationServer<FacebookUser>(opts.clients, 10 * 60_000);
  const tokens = new Map<string, { user: FacebookUser; appId: string; scope: string }>();
  const v = `/${opts.version}`;
  const appsecretProofs: boolean[] = [];

  function dialog(req: FakeRequest): FakeResponse {
    const q = req.url.searchParams;
    const client = as.client(q.get('client_id'));
    if (!client) return authorizeErrorPage('Invalid App ID');
    if (!as.redirectAllowed(client, q.get('redirect_uri'))) return authorizeErrorPage("URL Blocked: This redirect failed because the redirect URI is not whitelisted in the app's Client OAuth Settings.");
    const state = q.get('state') ?? undefined;
    const login = as.takeLogin();
    if (login === 'deny') return redirect(`${withQuery(q.get('redirect_uri')!, { error: 'access_denied', error_code: '200', error_description: 'Permissions error', error_reason: 'user_denied', state })}#_=_`);
    const user = opts.users.find((u) => u.id === login) ?? opts.users[0]!;
    const code = as.issueCode({ clientId: client.clientId, redirectUri: q.get('redirect_uri')!, scope: q.get('scope') ?? '', user, extra: {} });
    return redirect(`${withQuery(q.get('redirect_uri')!, { code, state })}#_=_`);
  }

  function accessToken(req: FakeRequest): FakeResponse {
    const client = as.client(req.param('client_id'));
    if (!client) return graphError(400, 101, 'Error validating application. Invalid application ID.');
    if (client.clientSecret !== req.param('client_secret')) return graphError(400, 1, 'Error validating client secret.');
    const r = as.redeem({ code: req.param('code'), clientId: client.clientId, redirectUri: req.param('redirect_uri'), codeVerifier: null });
    if (!r.ok) {
      if (r.reason === 'used') return graphError(400, 100, 'This authorization code has been used.', 36009);
      if (r.reason === 'expired') return graphError(400, 100, 'This authorization code has expired.', 36007);
      if (r.reason === 'redirect_uri') return graphError(400, 100, 'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request', 36008);
      return graphError(400, 100, 'Invalid verification code format.');
    }
    return json(200, { access_token: issueToken(client.clientId, r.grant.user, r.grant.scope), token_type: 'bearer', expires_in: 5183944 });
  }

  function issueToken(appId: string, user: FacebookUser, scope: string): string {
    const t = `EAA${randomBytes(24).toString('base64url')}`;
    tokens.set(t, { user, appId, scope });
    return t;
  }

  function me(req: FakeRequest): FakeResponse {
    const token = req.url.searchParams.get('access_token') ?? String(req.headers['authorization'] ?? '').replace(/^(Bearer|OAuth) /i, '');
    const session = tokens.get(token);
    if (!session) return graphError(400, 190, 'Invalid OAuth access token - Cannot parse access token');
    const app = as.client(session.appId)!;
    const proof = req.url.searchParams.get('appsecret_proof');
    const expected = createHmac('sha256', app.clientSecret!).update(token).digest('hex');
    appsecretProofs.push(proof === expected);
    if (proof !== expected) return graphError(400, 100, 'Invalid appsecret_proof provided in the API argument', undefined, 'GraphMethodException');
    const fields = (req.url.searchParams.get('fields') ?? 'id,name').split(',');
    const u = session.user;
    const all: Record<string, unknown> = { id: u.id, name: u.name, first_name: u.first_name, last_name: u.last_name, picture: { data: { height: 50, is_silhouette: false, url: u.picture, width: 50 } } };
    if (u.email && session.scope.split(/[\s,]+/).includes('email')) all['email'] = u.email;
    return json(200, Object.fromEntries(Object.entries(all).filter(([k]) => fields.includes(k))));
  }

  function debugToken(req: FakeRequest): FakeResponse {
    const [appId, secret] = (req.url.searchParams.get('access_token') ?? '').split('|');
    const app = as.client(appId ?? null);
    if (!app || app.clientSecret !== secret) return graphError(400, 190, 'Invalid OAuth access token signature.');
    const session = tokens.get(req.url.searchParams.get('input_token') ?? '');
    if (!session) return json(200, { data: { is_valid: false, error: { code: 190, message: 'Invalid OAuth access token.' }, scopes: [] } });
    const owner = as.client(session.appId);
    return json(200, { data: { app_id: session.appId, type: 'USER', application: owner ? `App ${session.appId}` : '', data_access_expires_at: Math.floor(Date.now() / 1000) + 7776000, expires_at: Math.floor(Date.now() / 1000) + 5183944, is_valid: true, scopes: session.scope.split(/[\s,]+/), user_id: session.user.id } });
  }

  const http = await startHttpFake((req) => {
    const p = req.url.pathname;
    if (req.method === 'GET' && p === `${v}/dialog/oauth`) return dialog(req);
    if (p === `${v}/oauth/access_token`) return accessToken(req);
    if (req.method === 'GET' && p === `${v}/me`) return me(req);
    if (req.method === 'GET' && p === `${v}/debug_token`) return debugToken(req);
    return graphError(400, 2500, 'Unknown path components');
  });
  return {
    origin: http.origin,
    overrides: Object.fromEntries(FACEBOOK_ORIGINS.map((o) => [o, http.origin])) as Record<string, string>,
    requests: http.requests,
    users: opts.users,
    codes: as.issuedCodes,
    server: as,
    /** Whether each Graph /me call carried a correct appsecret_proof. */
    appsecretProofs,
    /** A user access token as the Facebook SDK on a phone would hold it. */
    issueUserToken: (appId: string, userId: string, scope = 'public_profile,email') => issueToken(appId, opts.users.find((u) => u.id === userId)!, scope),
    failNext: http.failNext,
    hangNext: http.hangNext,
    close: http.close,
  };
}
export type FacebookFake = Awaited<ReturnType<typeof startFacebookFake>>;
