/**
 * A local stand-in for Sina Weibo (api.weibo.com): authorise (app and callback domain),
 * oauth2/access_token (POST form; client 21324, code 21325, redirect_uri mismatch 21322),
 * oauth2/get_token_info (the appkey the token belongs to), 2/users/show.json (token 21332 /
 * expired 21327). Errors as `{error, error_code, request, error_description}` with HTTP 400.
 */
import { errorInjector, fakeClock, startFakeServer, type FakeRequest, type FakeResponse } from './server.js';
import { oauthStore, redirectOn } from './oauth-store.js';

export const WEIBO_FAKE_ERRORS = {
  '10023': ['user requests out of rate limit', 403],
  '20003': ['User does not exists!', 400],
  '21322': ['redirect_uri_mismatch', 400],
  '21324': ['invalid_client', 400],
  '21325': ['invalid_grant', 400],
  '21327': ['expired_token', 400],
  '21332': ['invalid_access_token', 400],
} as const;
export type WeiboFakeError = keyof typeof WEIBO_FAKE_ERRORS;

export async function startWeiboFake(opts: { apps: Array<{ appKey: string; appSecret: string; redirectDomain: string }>; users: Array<{ key: string; uid: string; screenName?: string }> }) {
  const clock = fakeClock();
  const store = oauthStore(clock.now);
  const apps = new Map(opts.apps.map((a) => [a.appKey, a]));
  const users = new Map(opts.users.map((u) => [u.key, u]));
  const injector = errorInjector<WeiboFakeError>();
  let browserUser: string | undefined;

  const err = (req: FakeRequest, code: WeiboFakeError): FakeResponse => {
    const [error, status] = WEIBO_FAKE_ERRORS[code];
    return { status, json: { error, error_code: Number(code), request: req.path, error_uri: req.path, error_description: error } };
  };

  function handle(req: FakeRequest): FakeResponse {
    const injected = injector.take(req.path);
    if (injected) return err(req, injected);
    const q = req.query;
    switch (`${req.method} ${req.path}`) {
      case 'GET /oauth2/authorize': {
        const app = apps.get(q['client_id'] ?? '');
        const to = redirectOn(q['redirect_uri'], app?.redirectDomain);
        if (!app || !to) return { status: 400, text: 'redirect_uri_mismatch' };
        if (!browserUser) return { status: 400, text: 'no user is signed in to the fake' };
        to.searchParams.set('code', store.issueCode(app.appKey, browserUser, q['redirect_uri']));
        to.searchParams.set('state', q['state'] ?? '');
        return { redirect: to.toString() };
      }
      case 'POST /oauth2/access_token': {
        const f = req.form();
        const app = apps.get(f['client_id'] ?? '');
        if (!app || f['client_secret'] !== app.appSecret) return err(req, '21324');
        const r = store.redeem(f['code'], app.appKey, f['redirect_uri']);
        if (!r.ok) return err(req, r.why === 'redirect' ? '21322' : '21325');
        return { json: { access_token: store.issueToken(app.appKey, r.value.userKey, 157_679_999), remind_in: '157679999', expires_in: 157_679_999, uid: users.get(r.value.userKey)!.uid, isRealName: 'true' } };
      }
      case 'POST /oauth2/get_token_info': {
        const t = store.token(req.form()['access_token']);
        if (!t.ok) return err(req, t.why === 'expired' ? '21327' : '21332');
        return { json: { uid: Number(users.get(t.value.userKey)!.uid), appkey: t.value.clientId, scope: '', create_at: 1_700_000_000, expire_in: 157_679_999 } };
      }
      case 'GET /2/users/show.json': {
        const t = store.token(q['access_token']);
        if (!t.ok) return err(req, t.why === 'expired' ? '21327' : '21332');
        const u = [...users.values()].find((x) => x.uid === q['uid']);
        if (!u) return err(req, '20003');
        return { json: { id: Number(u.uid), idstr: u.uid, screen_name: u.screenName ?? '', name: u.screenName ?? '', avatar_large: `https://tvax1.sinaimg.cn/large/${u.uid}.jpg`, gender: 'f', location: '北京' } };
      }
      default:
        return { status: 404, text: `fake Weibo has no ${req.method} ${req.path}` };
    }
  }

  const server = await startFakeServer(handle);
  return {
    origin: server.origin,
    origins: ['https://api.weibo.com'],
    overrides: { 'https://api.weibo.com': server.origin } as Record<string, string>,
    requests: server.requests,
    close: () => server.close(),
    advance: clock.advance,
    signInAs(userKey: string) {
      browserUser = userKey;
    },
    failNext: injector.failNext,
    mobileToken: (appKey: string, userKey: string) => store.issueToken(appKey, userKey),
  };
}

export type WeiboFake = Awaited<ReturnType<typeof startWeiboFake>>;
