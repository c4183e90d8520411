/**
 * A local stand-in for Douyin: the open platform (open.douyin.com: QR authorise page,
 * oauth/access_token, oauth/userinfo; errors as `{data: {error_code, description}, message:
 * 'error'}`) and the mini-program server API (developer.toutiao.com apps/v2/jscode2session;
 * errors as `{err_no, err_tips}`), with single-use codes, app credentials, and open data
 * encrypted under the session a `tt.login()` code starts.
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { errorInjector, fakeClock, randomId, startFakeServer, type FakeRequest, type FakeResponse } from './server.js';
import { oauthStore, redirectOn } from './oauth-store.js';

export const DOUYIN_FAKE_OPEN_ERRORS = {
  '10007': '授权码过期',
  '10013': 'client_key 或 client_secret 错误',
  '2100004': '系统繁忙，请稍后重试',
  '2100005': '参数不合法',
  '2190002': 'access_token 无效',
  '2190004': '应用未获得该能力',
  '2190008': 'access_token 过期',
} as const;
export type DouyinFakeOpenError = keyof typeof DOUYIN_FAKE_OPEN_ERRORS;

export const DOUYIN_FAKE_MINI_ERRORS = {
  '-1': 'system error',
  '40014': 'bad params',
  '40015': 'bad appid',
  '40017': 'bad secret',
  '40018': 'bad code',
} as const;
export type DouyinFakeMiniError = keyof typeof DOUYIN_FAKE_MINI_ERRORS;

export async function startDouyinFake(opts: {
  apps: Array<{ clientKey: string; clientSecret: string; redirectDomain: string }>;
  miniPrograms: Array<{ appId: string; appSecret: string }>;
  users: Array<{ key: string; nickname?: string; phone?: string }>;
}) {
  const clock = fakeClock();
  const store = oauthStore(clock.now);
  const apps = new Map(opts.apps.map((a) => [a.clientKey, a]));
  const minis = new Map(opts.miniPrograms.map((a) => [a.appId, a]));
  const users = new Map(opts.users.map((u) => [u.key, u]));
  const sessions = new Map<string, { appId: string; userKey: string; sessionKey: string; used: boolean; issuedAt: number }>();
  const openInjector = errorInjector<DouyinFakeOpenError>();
  const miniInjector = errorInjector<DouyinFakeMiniError>();
  let browserUser: string | undefined;
  const openId = (app: string, userKey: string) => `_000${createHash('sha256').update(`${app}:${userKey}`).digest('hex').slice(0, 28)}`;
  const unionId = (userKey: string) => `${createHash('sha256').update(`union:${userKey}`).digest('hex').slice(0, 8)}-union`;

  const openErr = (code: DouyinFakeOpenError): FakeResponse => ({ json: { data: { error_code: Number(code), description: DOUYIN_FAKE_OPEN_ERRORS[code] }, message: 'error', extra: { logid: randomId('', 8) } } });
  const miniErr = (code: DouyinFakeMiniError): FakeResponse => ({ json: { err_no: Number(code), err_tips: DOUYIN_FAKE_MINI_ERRORS[code], data: null } });

  function handle(req: FakeRequest): FakeResponse {
    const q = req.query;
    if (req.path === '/api/apps/v2/jscode2session') {
      const injected = miniInjector.take(req.path);
      if (injected) return miniErr(injected);
      const b = (req.json() ?? {}) as Record<string, string>;
      if (!b['appid'] || !b['secret'] || (!b['code'] && !b['anonymous_code'])) return miniErr('40014');
      const mini = minis.get(b['appid']);
      if (!mini) return miniErr('40015');
      if (b['secret'] !== mini.appSecret) return miniErr('40017');
      const s = sessions.get(b['code'] ?? '');
      if (!s || s.used || s.appId !== mini.appId || clock.now() - s.issuedAt > 5 * 60_000) return miniErr('40018');
      s.used = true;
      return { json: { err_no: 0, err_tips: 'success', data: { session_key: s.sessionKey, openid: openId(mini.appId, s.userKey), anonymous_openid: '', unionid: unionId(s.userKey) } } };
    }
    const injected = openInjector.take(req.path);
    if (injected) return openErr(injected);
    switch (`${req.method} ${req.path}`) {
      case 'GET /platform/oauth/connect/': {
        const app = apps.get(q['client_key'] ?? '');
        const to = redirectOn(q['redirect_uri'], app?.redirectDomain);
        if (!app || !to || q['response_type'] !== 'code' || !q['scope']) return { status: 400, text: '参数错误' };
        if (!browserUser) return { status: 400, text: 'no user is signed in to the fake' };
        to.searchParams.set('code', store.issueCode(app.clientKey, browserUser));
        to.searchParams.set('state', q['state'] ?? '');
        return { redirect: to.toString() };
      }
      case 'POST /oauth/access_token/': {
        const b = (req.json() ?? {}) as Record<string, string>;
        if (b['grant_type'] !== 'authorization_code' || !b['code']) return openErr('2100005');
        const app = apps.get(b['client_key'] ?? '');
        if (!app || b['client_secret'] !== app.clientSecret) return openErr('10013');
        const r = store.redeem(b['code'], app.clientKey);
        if (!r.ok) return openErr('10007');
        return { json: { data: { access_token: store.issueToken(app.clientKey, r.value.userKey, 1_296_000), expires_in: 1_296_000, open_id: openId(app.clientKey, r.value.userKey), refresh_token: 'r', scope: 'user_info', error_code: 0, description: '' }, message: 'success' } };
      }
      case 'POST /oauth/userinfo/': {
        const f = req.form();
        const t = store.token(f['access_token']);
        if (!t.ok) return openErr(t.why === 'expired' ? '2190008' : '2190002');
        if (f['open_id'] !== openId(t.value.clientId, t.value.userKey)) return openErr('2100005');
        const u = users.get(t.value.userKey)!;
        return { json: { data: { open_id: f['open_id'], union_id: unionId(t.value.userKey), nickname: u.nickname ?? '', avatar: `https://p3.douyinpic.com/${t.value.userKey}`, error_code: 0, description: '' }, message: 'success' } };
      }
      default:
        return { status: 404, text: `fake Douyin has no ${req.method} ${req.path}` };
    }
  }

  const server = await startFakeServer(handle);
  const origins = ['https://open.douyin.com', 'https://developer.toutiao.com'];
  return {
    origin: server.origin,
    origins,
    overrides: Object.fromEntries(origins.map((o) => [o, server.origin])) as Record<string, string>,
    requests: server.requests,
    close: () => server.close(),
    advance: clock.advance,
    signInAs(userKey: string) {
      browserUser = userKey;
    },
    failNextOpen: openInjector.failNext,
    failNextMini: miniInjector.failNext,
    openIdOf: openId,
    unionIdOf: unionId,
    /** The Douyin SDK's code for a native app. */
    mobileCode: (clientKey: string, userKey: string) => store.issueCode(clientKey, userKey),
    /** A mini program's `tt.login()`: the code and `encrypt` under its session. */
    ttLogin(appId: string, userKey: string) {
      const sessionKey = randomBytes(16).toString('base64');
      const code = randomId('', 20);
      sessions.set(code, { appId, userKey, sessionKey, used: false, issuedAt: clock.now() });
      const encrypt = (data: Record<string, unknown>) => {
        const iv = randomBytes(16);
        const c = createCipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), iv);
        return { encryptedData: Buffer.concat([c.update(JSON.stringify(data)), c.final()]).toString('base64'), iv: iv.toString('base64') };
      };
      const phone = users.get(userKey)?.phone ?? '13500000000';
      return {
        code,
        encrypt,
        phoneData: (wmAppId = appId) => encrypt({ phoneNumber: phone, purePhoneNumber: phone, countryCode: '86', watermark: { appid: wmAppId, timestamp: Math.floor(clock.now() / 1000) } }),
      };
    },
  };
}

export type DouyinFake = Awaited<ReturnType<typeof startDouyinFake>>;
