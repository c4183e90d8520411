/**
 * A local stand-in for Baidu OAuth (openapi.baidu.com): authorise (app and callback domain),
 * oauth/2.0/token (invalid_client, invalid_grant for unknown/used/expired codes,
 * redirect_uri_mismatch), rest/2.0/passport/users/getInfo (error_code 110 unknown token, 111
 * expired). OAuth errors are HTTP 400 `{error, error_description}`, REST errors
 * `{error_code, error_msg}`.
 */
import { createHash } from 'node:crypto';
import { errorInjector, fakeClock, startFakeServer, type FakeRequest, type FakeResponse } from './server.js';
import { oauthStore, redirectOn } from './oauth-store.js';

export const BAIDU_FAKE_ERRORS = {
  invalid_client: 'unknown client id',
  invalid_grant: 'Invalid authorization code',
  redirect_uri_mismatch: 'Invalid redirect uri',
  '18': 'Open api qps request limit reached',
  '110': 'Access token invalid or no longer valid',
  '111': 'Access token expired',
} as const;
export type BaiduFakeError = keyof typeof BAIDU_FAKE_ERRORS;

export async function startBaiduFake(opts: { apps: Array<{ apiKey: string; secretKey: string; redirectDomain: string }>; users: Array<{ key: string; username?: string }> }) {
  const clock = fakeClock();
  const store = oauthStore(clock.now);
  const apps = new Map(opts.apps.map((a) => [a.apiKey, a]));
  const users = new Map(opts.users.map((u) => [u.key, u]));
  const injector = errorInjector<BaiduFakeError>();
  let browserUser: string | undefined;
  const openid = (apiKey: string, userKey: string) => createHash('sha1').update(`${apiKey}:${userKey}`).digest('hex').slice(0, 32);
  const unionid = (userKey: string) => `u${createHash('sha1').update(`dev:${userKey}`).digest('hex').slice(0, 31)}`;

  const err = (code: BaiduFakeError): FakeResponse =>
    /^\d+$/.test(code) ? { json: { error_code: Number(code), error_msg: BAIDU_FAKE_ERRORS[code] } } : { status: 400, json: { error: code, error_description: BAIDU_FAKE_ERRORS[code] } };

  function handle(req: FakeRequest): FakeResponse {
    const injected = injector.take(req.path);
    if (injected) return err(injected);
    const q = req.query;
    switch (req.path) {
      case '/oauth/2.0/authorize': {
        const app = apps.get(q['client_id'] ?? '');
        const to = redirectOn(q['redirect_uri'], app?.redirectDomain);
        if (!app || !to) return { status: 400, text: 'redirect_uri_mismatch' };
        if (!browserUser) return { status: 400, text: 'no user is signed in to the fake' };
        to.searchParams.set('code', store.issueCode(app.apiKey, browserUser, q['redirect_uri']));
        to.searchParams.set('state', q['state'] ?? '');
        return { redirect: to.toString() };
      }
      case '/oauth/2.0/token': {
        const app = apps.get(q['client_id'] ?? '');
        if (!app || q['client_secret'] !== app.secretKey) return err('invalid_client');
        const r = store.redeem(q['code'], app.apiKey, q['redirect_uri']);
        if (!r.ok) return err(r.why === 'redirect' ? 'redirect_uri_mismatch' : 'invalid_grant');
        return { json: { access_token: store.issueToken(app.apiKey, r.value.userKey, 2_592_000), expires_in: 2_592_000, refresh_token: 'r', scope: 'basic', session_key: 's', session_secret: 's' } };
      }
      case '/rest/2.0/passport/users/getInfo': {
        const t = store.token(q['access_token']);
        if (!t.ok) return err(t.why === 'expired' ? '111' : '110');
        const u = users.get(t.value.userKey)!;
        return { json: { openid: openid(t.value.clientId, t.value.userKey), unionid: unionid(t.value.userKey), username: u.username ?? '', portrait: `${t.value.userKey}portrait`, sex: '1' } };
      }
      default:
        return { status: 404, text: `fake Baidu has no ${req.path}` };
    }
  }

  const server = await startFakeServer(handle);
  return {
    origin: server.origin,
    origins: ['https://openapi.baidu.com'],
    overrides: { 'https://openapi.baidu.com': server.origin } as Record<string, string>,
    requests: server.requests,
    close: () => server.close(),
    advance: clock.advance,
    signInAs(userKey: string) {
      browserUser = userKey;
    },
    failNext: injector.failNext,
    openidOf: openid,
    unionidOf: unionid,
    /** The Baidu mobile SDK: a code for the `oob` redirect, or a token. */
    mobileCode: (apiKey: string, userKey: string) => store.issueCode(apiKey, userKey, 'oob'),
    mobileToken: (apiKey: string, userKey: string) => store.issueToken(apiKey, userKey),
  };
}

export type BaiduFake = Awaited<ReturnType<typeof startBaiduFake>>;
