/**
 * A local stand-in for QQ Connect (graph.qq.com): authorise (app and callback domain checked),
 * oauth2.0/token (APP Key 100009, code unknown/expired 100019, reused 100020, redirect_uri must
 * equal the authorise one 100010), oauth2.0/me (token 100016 unknown / 100014 expired; the
 * `client_id` the token was issued to), user/get_user_info (`oauth_consumer_key` must match the
 * token's app, `{ret, msg}` errors). JSON with fmt=json, JSONP `callback( … );` otherwise, as QQ does.
 */
import { createHash } from 'node:crypto';
import { errorInjector, fakeClock, startFakeServer, type FakeRequest, type FakeResponse } from './server.js';
import { oauthStore, redirectOn } from './oauth-store.js';

export interface QqFakeApp {
  appId: string;
  appKey: string;
  redirectDomain: string;
  /** The developer account: apps of one developer share unionids. */
  developer?: string;
}

export const QQ_FAKE_ERRORS = {
  '100009': 'client secret is illegal',
  '100010': 'redirect uri is illegal',
  '100014': 'access token expired',
  '100016': 'access token check failed',
  '100019': 'code to access token error',
  '100020': 'code is reused error',
  '100030': 'this api without user authorization',
} as const;
export type QqFakeError = keyof typeof QQ_FAKE_ERRORS;

export async function startQqFake(opts: { apps: QqFakeApp[]; users: Array<{ key: string; nickname?: string }> }) {
  const clock = fakeClock();
  const store = oauthStore(clock.now);
  const apps = new Map(opts.apps.map((a) => [a.appId, a]));
  const users = new Map(opts.users.map((u) => [u.key, u]));
  const injector = errorInjector<QqFakeError>();
  let browserUser: string | undefined;
  const openid = (appId: string, userKey: string) => createHash('md5').update(`${appId}:${userKey}`).digest('hex').toUpperCase();
  const unionid = (appId: string, userKey: string) => `UID_${createHash('md5').update(`${apps.get(appId)?.developer ?? appId}:${userKey}`).digest('hex').toUpperCase()}`;

  const out = (req: FakeRequest, body: Record<string, unknown>): FakeResponse =>
    req.query['fmt'] === 'json' ? { json: body } : { text: `callback( ${JSON.stringify(body)} );`, contentType: 'text/html' };
  const oauthErr = (req: FakeRequest, code: QqFakeError) => out(req, { error: Number(code), error_description: QQ_FAKE_ERRORS[code] });

  function handle(req: FakeRequest): FakeResponse {
    const q = req.query;
    const injected = injector.take(req.path);
    if (injected) return req.path === '/user/get_user_info' ? { json: { ret: Number(injected), msg: QQ_FAKE_ERRORS[injected] } } : oauthErr(req, injected);
    switch (req.path) {
      case '/oauth2.0/authorize': {
        const app = apps.get(q['client_id'] ?? '');
        const to = redirectOn(q['redirect_uri'], app?.redirectDomain);
        if (!app || !to || q['response_type'] !== 'code') return { status: 400, text: 'redirect uri is illegal(100010)' };
        if (!browserUser) return { status: 400, text: 'no user is signed in to the fake' };
        to.searchParams.set('code', store.issueCode(app.appId, browserUser, q['redirect_uri']));
        to.searchParams.set('state', q['state'] ?? '');
        return { redirect: to.toString() };
      }
      case '/oauth2.0/token': {
        const app = apps.get(q['client_id'] ?? '');
        if (!app || q['client_secret'] !== app.appKey) return oauthErr(req, '100009');
        const r = store.redeem(q['code'], app.appId, q['redirect_uri']);
        if (!r.ok) return oauthErr(req, r.why === 'used' ? '100020' : r.why === 'redirect' ? '100010' : '100019');
        return out(req, { access_token: store.issueToken(app.appId, r.value.userKey, 7_776_000), expires_in: '7776000', refresh_token: 'r' });
      }
      case '/oauth2.0/me': {
        const t = store.token(q['access_token']);
        if (!t.ok) return oauthErr(req, t.why === 'expired' ? '100014' : '100016');
        const { clientId, userKey } = t.value;
        return out(req, { client_id: clientId, openid: openid(clientId, userKey), ...(q['unionid'] === '1' ? { unionid: unionid(clientId, userKey) } : {}) });
      }
      case '/user/get_user_info': {
        const t = store.token(q['access_token']);
        if (!t.ok) return { json: { ret: 100016, msg: QQ_FAKE_ERRORS['100016'] } };
        if (q['oauth_consumer_key'] !== t.value.clientId || q['openid'] !== openid(t.value.clientId, t.value.userKey)) return { json: { ret: 100016, msg: QQ_FAKE_ERRORS['100016'] } };
        const u = users.get(t.value.userKey)!;
        return { json: { ret: 0, msg: '', is_lost: 0, nickname: u.nickname ?? '', gender: '男', figureurl_qq_1: `http://thirdqq.qlogo.cn/${t.value.userKey}/40`, figureurl_qq_2: `http://thirdqq.qlogo.cn/${t.value.userKey}/100` } };
      }
      default:
        return { status: 404, text: `fake QQ has no ${req.path}` };
    }
  }

  const server = await startFakeServer(handle);
  const origins = ['https://graph.qq.com'];
  return {
    origin: server.origin,
    origins,
    overrides: { 'https://graph.qq.com': server.origin } as Record<string, string>,
    requests: server.requests,
    close: () => server.close(),
    advance: clock.advance,
    signInAs(userKey: string) {
      browserUser = userKey;
    },
    failNext: injector.failNext,
    openidOf: openid,
    unionidOf: unionid,
    /** What the QQ SDK gives a native app: an access token issued to `appId`. */
    mobileToken: (appId: string, userKey: string) => store.issueToken(appId, userKey),
  };
}

export type QqFake = Awaited<ReturnType<typeof startQqFake>>;
