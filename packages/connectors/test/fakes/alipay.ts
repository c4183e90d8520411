/**
 * A local stand-in for Alipay (openauth.alipay.com, openapi.alipay.com/gateway.do):
 *
 *  - the authorise page checks the app and the redirect URI's domain and redirects with
 *    `auth_code`, `app_id`, `source`, `scope` and `state`;
 *  - the gateway re-derives the RSA2 string-to-sign independently, verifies it with the app
 *    public key the test registered (`isv.invalid-signature`), checks the common parameters, the
 *    single-use 5-minute auth codes (`isv.code-invalid`), the auth tokens
 *    (`aop.invalid-auth-token`, `aop.auth-token-time-out`) and the scope
 *    (`isv.insufficient-isv-permissions`);
 *  - it signs every response with its own "Alipay" private key over the exact JSON text of the
 *    `…_response` value; `tamperNext()` alters a signed response, `unsignedNext()` drops the sign.
 */
import { createSign, createVerify, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { errorInjector, fakeClock, randomId, startFakeServer, type FakeRequest, type FakeResponse } from './server.js';

export interface AlipayFakeApp {
  appId: string;
  /** The application public key uploaded to Alipay (PEM). */
  appPublicKey: string;
  redirectDomain?: string;
  /** New apps get open_id instead of user_id. */
  openIdMode?: boolean;
}

export interface AlipayFakeUser {
  key: string;
  nick?: string;
}

export const ALIPAY_FAKE_ERRORS = {
  'isv.code-invalid': ['40002', 'Invalid Arguments', '授权码code无效'],
  'isv.invalid-signature': ['40002', 'Invalid Arguments', '验签出错'],
  'isv.invalid-app-id': ['40002', 'Invalid Arguments', '无效的AppID参数'],
  'isv.missing-signature': ['40001', 'Missing Required Arguments', '缺少签名参数'],
  'aop.invalid-auth-token': ['20001', 'Insufficient Token Permissions', '无效的访问令牌'],
  'aop.auth-token-time-out': ['20001', 'Insufficient Token Permissions', '访问令牌已过期'],
  'isv.insufficient-isv-permissions': ['40006', 'Insufficient Permissions', 'ISV权限不足'],
  'isp.unknow-error': ['20000', 'Service Currently Unavailable', '服务暂不可用'],
} as const;
export type AlipayFakeError = keyof typeof ALIPAY_FAKE_ERRORS;

const page = (status: number, text: string): FakeResponse => ({ status, text, contentType: 'text/html; charset=utf-8' });

export async function startAlipayFake(opts: { apps: AlipayFakeApp[]; users: AlipayFakeUser[] }) {
  const clock = fakeClock();
  const { publicKey: alipayPublic, privateKey: alipayPrivate } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const apps = new Map(opts.apps.map((a) => [a.appId, a]));
  const users = new Map(opts.users.map((u) => [u.key, u]));
  const codes = new Map<string, { appId: string; userKey: string; scope: string; issuedAt: number; used: boolean }>();
  const tokens = new Map<string, { appId: string; userKey: string; scope: string; expiresAt: number }>();
  const injector = errorInjector<AlipayFakeError>();
  let browserUser: string | undefined;
  let tamper = false;
  let unsigned = false;

  const userId = (userKey: string) => `2088${String(Math.abs([...userKey].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 7))).padStart(12, '0').slice(0, 12)}`;
  const openId = (appId: string, userKey: string) => `0${Buffer.from(`${appId}:${userKey}`).toString('base64url').slice(0, 40)}`;

  /** Builds `{"<key>":<inner>,"sign":"…"}` with the signature over the exact inner text. */
  function signed(key: string, inner: Record<string, unknown>): FakeResponse {
    const text = JSON.stringify(inner);
    const sign = createSign('RSA-SHA256').update(text, 'utf8').sign(alipayPrivate, 'base64');
    let shown = text;
    if (tamper) {
      tamper = false;
      shown = text.replace(/"(user_id|open_id)":"([^"]*)"/, '"$1":"$2x"');
    }
    if (unsigned) {
      unsigned = false;
      return { text: `{"${key}":${shown}}`, contentType: 'text/html;charset=utf-8' };
    }
    // Alipay answers with text/html;charset=utf-8, whatever the format.
    return { text: `{"${key}":${shown},"sign":"${sign}"}`, contentType: 'text/html;charset=utf-8' };
  }
  const fail = (key: string, code: AlipayFakeError) => {
    const [c, msg, subMsg] = ALIPAY_FAKE_ERRORS[code];
    return signed(key, { code: c, msg, sub_code: code, sub_msg: subMsg });
  };

  function gateway(req: FakeRequest): FakeResponse {
    const p = req.form();
    const key = `${(p['method'] ?? 'error').replaceAll('.', '_')}_response`;
    const injected = injector.take(p['method'] ?? '');
    if (injected) return fail(key, injected);
    const app = apps.get(p['app_id'] ?? '');
    if (!app) return fail('error_response', 'isv.invalid-app-id');
    if (!p['sign']) return fail('error_response', 'isv.missing-signature');
    // independent string-to-sign: sorted, non-empty, sign excluded, raw values
    const content = Object.keys(p)
      .filter((k) => k !== 'sign' && p[k] !== '')
      .sort()
      .map((k) => `${k}=${p[k]}`)
      .join('&');
    let ok = false;
    try {
      ok = p['sign_type'] === 'RSA2' && createVerify('RSA-SHA256').update(content, 'utf8').verify(app.appPublicKey, p['sign'], 'base64');
    } catch {
      ok = false;
    }
    if (!ok) return fail('error_response', 'isv.invalid-signature');
    if (p['charset'] !== 'utf-8' || p['version'] !== '1.0' || !/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(p['timestamp'] ?? '')) return fail('error_response', 'isv.missing-signature');
    if (p['method'] === 'alipay.system.oauth.token') {
      const c = codes.get(p['code'] ?? '');
      if (p['grant_type'] !== 'authorization_code' || !c || c.used || c.appId !== app.appId || clock.now() - c.issuedAt > 5 * 60_000) return fail('error_response', 'isv.code-invalid');
      c.used = true;
      const token = randomId('authusrB', 20);
      tokens.set(token, { appId: app.appId, userKey: c.userKey, scope: c.scope, expiresAt: clock.now() + 1_296_000_000 });
      return signed(key, {
        ...(app.openIdMode ? { open_id: openId(app.appId, c.userKey) } : { user_id: userId(c.userKey) }),
        access_token: token,
        expires_in: 1_296_000,
        refresh_token: randomId('authusrB', 20),
        re_expires_in: 2_592_000,
        auth_start: '2026-12-06 10:00:00',
      });
    }
    if (p['method'] === 'alipay.user.info.share') {
      const t = tokens.get(p['auth_token'] ?? '');
      if (!t || t.appId !== app.appId) return fail(key, 'aop.invalid-auth-token');
      if (clock.now() > t.expiresAt) return fail(key, 'aop.auth-token-time-out');
      if (t.scope !== 'auth_user') return fail(key, 'isv.insufficient-isv-permissions');
      const u = users.get(t.userKey)!;
      return signed(key, {
        code: '10000',
        msg: 'Success',
        ...(app.openIdMode ? { open_id: openId(app.appId, t.userKey) } : { user_id: userId(t.userKey) }),
        nick_name: u.nick ?? '',
        avatar: `https://tfs.alipayobjects.com/images/partner/${t.userKey}`,
        gender: 'm',
      });
    }
    return fail('error_response', 'isv.missing-signature');
  }

  function handle(req: FakeRequest): FakeResponse {
    if (req.method === 'POST' && req.path === '/gateway.do') return gateway(req);
    if (req.method === 'GET' && req.path === '/oauth2/publicAppAuthorize.htm') {
      const q = req.query;
      const app = apps.get(q['app_id'] ?? '');
      if (!app) return page(400, '应用不存在');
      let to: URL;
      try {
        to = new URL(q['redirect_uri'] ?? '');
      } catch {
        return page(400, 'redirect_uri 不合法');
      }
      if (to.host !== app.redirectDomain) return page(400, '授权回调地址与应用配置不一致');
      if (q['scope'] !== 'auth_user' && q['scope'] !== 'auth_base') return page(400, 'scope 不合法');
      if (!browserUser) return page(400, 'no user is signed in to the fake (call signInAs)');
      const code = randomId('', 24);
      codes.set(code, { appId: app.appId, userKey: browserUser, scope: q['scope'], issuedAt: clock.now(), used: false });
      for (const [k, v] of Object.entries({ app_id: app.appId, source: 'alipay_wallet', scope: q['scope'], auth_code: code, state: q['state'] ?? '' })) to.searchParams.set(k, v);
      return { redirect: to.toString() };
    }
    return page(404, `fake Alipay has no ${req.method} ${req.path}`);
  }

  const server = await startFakeServer(handle);
  const origins = ['https://openauth.alipay.com', 'https://openapi.alipay.com'];
  return {
    origin: server.origin,
    origins,
    overrides: Object.fromEntries(origins.map((o) => [o, server.origin])) as Record<string, string>,
    requests: server.requests,
    /** The Alipay public key (PEM) the connector verifies responses with. */
    alipayPublicKey: alipayPublic.export({ type: 'spki', format: 'pem' }).toString(),
    alipayPrivateKey: alipayPrivate as KeyObject,
    close: () => server.close(),
    advance: clock.advance,
    signInAs(userKey: string) {
      browserUser = userKey;
    },
    /** The next error for `method` (e.g. 'alipay.user.info.share'). */
    failNext: injector.failNext,
    tamperNext() {
      tamper = true;
    },
    unsignedNext() {
      unsigned = true;
    },
    userIdOf: userId,
    openIdOf: openId,
    /** The auth code the Alipay SDK hands a native app. */
    mobileCode(appId: string, userKey: string, scope = 'auth_user') {
      const code = randomId('', 24);
      codes.set(code, { appId, userKey, scope, issuedAt: clock.now(), used: false });
      return code;
    },
  };
}

export type AlipayFake = Awaited<ReturnType<typeof startAlipayFake>>;
