/**
 * A local stand-in for DingTalk (login.dingtalk.com, api.dingtalk.com, oapi.dingtalk.com):
 *
 *  - the consent page checks the AppKey and that the redirect URI is on the app's registered
 *    domain, and redirects with `authCode` (not `code`) and `state`, as DingTalk does; its framed
 *    variant (`iframe=true`, DTFrameLogin's) waits for `scanEmbedded` and posts the redirect URL
 *    to its parent instead;
 *  - v1.0/oauth2/userAccessToken checks clientId/clientSecret, single-use five-minute codes
 *    issued to that app, and answers errors as HTTP 400 `{code, message, requestid}`;
 *  - v1.0/contact/users/me checks the user token (401 InvalidAuthentication when unknown or expired);
 *  - v1.0/oauth2/accessToken issues app tokens that expire (`advance()`);
 *  - oapi (HTTP 200 `{errcode, errmsg}`): getbyunionid (60121 for a non-member), department
 *    get/listsub, user/list with cursor pages of at most 100 (40035 beyond), a legacy signed SNS
 *    code endpoint (HMAC-SHA256 checked independently), and an optional QPS limit (90018 on every
 *    n-th call) to exercise back-off.
 */
import { createHash, createHmac } from 'node:crypto';
import { errorInjector, fakeClock, randomId, startFakeServer, type FakeRequest, type FakeResponse } from './server.js';
import { generateOrg, type FakeOrg } from './org.js';
import { embeddedPages } from './embedded-page.js';

export interface DingtalkFakeApp {
  appKey: string;
  appSecret: string;
  corpId: string;
  redirectDomain?: string;
}

export interface DingtalkFakeUser {
  key: string;
  nick?: string;
  mobile?: string;
  email?: string;
  /** The organisation the user picks on the consent page (`corpId` of the token); default: the app's. */
  corpId?: string;
}

export interface DingtalkFakeOptions {
  apps: DingtalkFakeApp[];
  users: DingtalkFakeUser[];
  /** The organisation of the apps' corp (default: generateOrg()). Members with `userKey` are login users. */
  org?: FakeOrg;
  /** Every n-th oapi call answers 90018 (QPS limit). */
  rateLimitEvery?: number;
}

/** The current API's error codes this fake can answer (HTTP status, message). */
export const DINGTALK_FAKE_API_ERRORS = {
  invalidClientIdOrSecret: [400, '无效的clientId或者clientSecret'],
  'invalidParameter.authCode.notFound': [400, '不合法的临时授权码'],
  InvalidAuthentication: [401, '不合法的access_token'],
  'Forbidden.AccessDenied.AccessTokenPermissionDenied': [403, '没有调用该接口的权限'],
  'Forbidden.AccessDenied.QpsLimitForApi': [403, '调用该接口的QPS超过上限'],
  ServiceUnavailable: [503, '服务不可用'],
} as const;
export type DingtalkFakeApiError = keyof typeof DINGTALK_FAKE_API_ERRORS;

/** The oapi errcodes this fake can answer. */
export const DINGTALK_FAKE_OAPI_ERRCODES = {
  '-1': '系统繁忙',
  '40014': '不合法的access_token',
  '42001': 'access_token超时',
  '40035': '不合法的参数',
  '40078': '不存在的临时授权码',
  '60003': '部门不存在',
  '60011': '权限不足',
  '60020': '访问ip不在白名单之中',
  '60121': '找不到该用户',
  '853002': '签名不匹配',
  '90018': '当前企业调用该接口的QPS超限',
} as const;
export type DingtalkFakeOapiErrcode = keyof typeof DINGTALK_FAKE_OAPI_ERRCODES;

const apiErr = (code: DingtalkFakeApiError): FakeResponse => {
  const [status, message] = DINGTALK_FAKE_API_ERRORS[code];
  return { status, json: { code, message, requestid: randomId('', 8) } };
};
const oapiErr = (code: DingtalkFakeOapiErrcode): FakeResponse => ({ json: { errcode: Number(code), errmsg: DINGTALK_FAKE_OAPI_ERRCODES[code], request_id: randomId('', 8) } });
const page = (status: number, text: string): FakeResponse => ({ status, text, contentType: 'text/html; charset=utf-8' });
const hash = (s: string) => createHash('sha256').update(s).digest('hex');

export async function startDingtalkFake(opts: DingtalkFakeOptions) {
  const clock = fakeClock();
  const apps = new Map(opts.apps.map((a) => [a.appKey, a]));
  const users = new Map(opts.users.map((u) => [u.key, u]));
  const org = opts.org ?? generateOrg();
  const codes = new Map<string, { appKey: string; userKey: string; issuedAt: number; used: boolean; sns: boolean }>();
  const userTokens = new Map<string, { userKey: string; expiresAt: number }>();
  const appTokens = new Map<string, { appKey: string; expiresAt: number }>();
  const apiInjector = errorInjector<DingtalkFakeApiError>();
  const oapiInjector = errorInjector<DingtalkFakeOapiErrcode>();
  const stats = { oapiCalls: 0, appTokensIssued: 0, rateLimited: 0 };
  let browserUser: string | undefined;
  let refuseNext = false;
  // DTFrameLogin's page (oauth2/auth?iframe=true): posts the redirect URL to its parent after the scan.
  const framed = embeddedPages('post-message');

  const unionId = (userKey: string) => `union-${hash(`union:${userKey}`).slice(0, 20)}`;
  const openId = (appKey: string, userKey: string) => `open-${hash(`${appKey}:${userKey}`).slice(0, 20)}`;
  const memberOf = (userKey: string) => org.members.find((m) => m.userKey === userKey);
  const memberUnionId = (m: FakeOrg['members'][number]) => unionId(m.userKey ?? `member:${m.userid}`);

  function issueCode(appKey: string, userKey: string, sns = false) {
    const code = randomId('', 16);
    codes.set(code, { appKey, userKey, issuedAt: clock.now(), used: false, sns });
    return code;
  }

  function appToken(token: string | undefined): { appKey: string } | FakeResponse {
    const t = token ? appTokens.get(token) : undefined;
    if (!t) return oapiErr('40014');
    if (clock.now() > t.expiresAt) return oapiErr('42001');
    return t;
  }
  const isResponse = (x: unknown): x is FakeResponse => typeof x === 'object' && x !== null && ('json' in x || 'text' in x);

  function oapiHandler(req: FakeRequest): FakeResponse {
    stats.oapiCalls++;
    const injected = oapiInjector.take(req.path);
    if (injected) return oapiErr(injected);
    if (opts.rateLimitEvery && stats.oapiCalls % opts.rateLimitEvery === 0 && req.path.startsWith('/topapi/')) {
      stats.rateLimited++;
      return oapiErr('90018');
    }
    const body = (req.json() ?? {}) as Record<string, unknown>;
    if (req.path === '/sns/getuserinfo_bycode') {
      const app = apps.get(req.query['accessKey'] ?? '');
      const ts = Number(req.query['timestamp']);
      if (!app || !Number.isFinite(ts) || Math.abs(clock.now() - ts) > 60_000) return oapiErr('853002');
      const expected = createHmac('sha256', app.appSecret).update(req.query['timestamp']!).digest('base64');
      if (req.query['signature'] !== expected) return oapiErr('853002');
      const c = codes.get(String(body['tmp_auth_code'] ?? ''));
      if (!c || !c.sns || c.used || c.appKey !== app.appKey || clock.now() - c.issuedAt > 5 * 60_000) return oapiErr('40078');
      c.used = true;
      const u = users.get(c.userKey)!;
      return { json: { errcode: 0, errmsg: 'ok', user_info: { nick: u.nick ?? '', unionid: unionId(c.userKey), openid: openId(app.appKey, c.userKey), main_org_auth_high_level: true } } };
    }
    const t = appToken(req.query['access_token']);
    if (isResponse(t)) return t;
    switch (req.path) {
      case '/topapi/user/getbyunionid': {
        const m = org.members.find((x) => memberUnionId(x) === body['unionid']);
        if (!m) return oapiErr('60121');
        return { json: { errcode: 0, errmsg: 'ok', result: { contact_type: 0, userid: m.userid } } };
      }
      case '/topapi/v2/department/get': {
        const d = org.departments.find((x) => x.id === body['dept_id']);
        if (!d) return oapiErr('60003');
        return { json: { errcode: 0, errmsg: 'ok', result: { dept_id: d.id, name: d.name, ...(d.parentId ? { parent_id: d.parentId } : {}), order: d.order, create_dept_group: false, auto_add_user: false } } };
      }
      case '/topapi/v2/department/listsub': {
        if (!org.departments.some((x) => x.id === body['dept_id'])) return oapiErr('60003');
        const subs = org.departments.filter((x) => x.parentId === body['dept_id']).sort((a, b) => a.order - b.order);
        return { json: { errcode: 0, errmsg: 'ok', result: subs.map((d) => ({ dept_id: d.id, name: d.name, parent_id: d.parentId })) } };
      }
      case '/topapi/v2/user/list': {
        const size = Number(body['size']);
        const cursor = Number(body['cursor'] ?? 0);
        if (!Number.isInteger(size) || size < 1 || size > 100 || !Number.isInteger(cursor) || cursor < 0) return oapiErr('40035');
        if (!org.departments.some((x) => x.id === body['dept_id'])) return oapiErr('60003');
        const all = org.members.filter((m) => m.departments.includes(body['dept_id'] as number));
        const slice = all.slice(cursor, cursor + size);
        const more = cursor + size < all.length;
        return {
          json: {
            errcode: 0,
            errmsg: 'ok',
            result: {
              has_more: more,
              ...(more ? { next_cursor: cursor + size } : {}),
              list: slice.map((m) => ({
                userid: m.userid,
                unionid: memberUnionId(m),
                name: m.name,
                mobile: m.mobile,
                state_code: '86',
                ...(m.email ? { email: m.email } : {}),
                dept_id_list: m.departments,
                active: m.active,
                admin: false,
                leader: false,
              })),
            },
          },
        };
      }
      default:
        return page(404, `fake DingTalk has no oapi ${req.path}`);
    }
  }

  function handle(req: FakeRequest): FakeResponse {
    if (req.path.startsWith('/topapi/') || req.path.startsWith('/sns/')) return oapiHandler(req);
    const polled = framed.poll(req);
    if (polled) return polled;
    const injected = apiInjector.take(req.path);
    if (injected) return apiErr(injected);
    const body = (req.json() ?? {}) as Record<string, unknown>;
    switch (`${req.method} ${req.path}`) {
      case 'GET /oauth2/auth': {
        const q = req.query;
        const app = apps.get(q['client_id'] ?? '');
        if (!app) return page(400, '应用不存在');
        let redirect: URL;
        try {
          redirect = new URL(q['redirect_uri'] ?? '');
        } catch {
          return page(400, 'redirect_uri 不合法');
        }
        if (redirect.host !== app.redirectDomain) return page(400, 'redirect_uri 与应用回调域名不一致');
        if (q['response_type'] !== 'code' || !(q['scope'] ?? '').split(' ').includes('openid')) return page(400, '参数错误');
        if (q['iframe'] === 'true') {
          return framed.page((userKey, state) => {
            const to = new URL(redirect);
            to.searchParams.set('authCode', issueCode(app.appKey, userKey));
            to.searchParams.set('state', state ?? q['state'] ?? '');
            return to.toString();
          });
        }
        if (refuseNext) {
          refuseNext = false;
          redirect.searchParams.set('error', 'access_denied');
          redirect.searchParams.set('state', q['state'] ?? '');
          return { redirect: redirect.toString() };
        }
        if (!browserUser) return page(400, 'no user is signed in to the fake (call signInAs)');
        redirect.searchParams.set('authCode', issueCode(app.appKey, browserUser));
        redirect.searchParams.set('state', q['state'] ?? '');
        return { redirect: redirect.toString() };
      }
      case 'POST /v1.0/oauth2/userAccessToken': {
        const app = apps.get(String(body['clientId'] ?? ''));
        if (!app || body['clientSecret'] !== app.appSecret) return apiErr('invalidClientIdOrSecret');
        const c = codes.get(String(body['code'] ?? ''));
        if (body['grantType'] !== 'authorization_code' || !c || c.sns || c.used || c.appKey !== app.appKey || clock.now() - c.issuedAt > 5 * 60_000) {
          return apiErr('invalidParameter.authCode.notFound');
        }
        c.used = true;
        const token = randomId('ut', 24);
        userTokens.set(token, { userKey: c.userKey, expiresAt: clock.now() + 7200_000 });
        const corpId = users.get(c.userKey)?.corpId ?? app.corpId;
        return { json: { accessToken: token, refreshToken: randomId('rt', 24), expireIn: 7200, corpId } };
      }
      case 'GET /v1.0/contact/users/me': {
        const t = userTokens.get(String(req.headers['x-acs-dingtalk-access-token'] ?? ''));
        if (!t || clock.now() > t.expiresAt) return apiErr('InvalidAuthentication');
        const u = users.get(t.userKey)!;
        return {
          json: {
            nick: u.nick ?? '',
            avatarUrl: `https://static-legacy.dingtalk.com/media/${t.userKey}.png`,
            ...(u.mobile ? { mobile: u.mobile, stateCode: '86' } : {}),
            openId: openId('any', t.userKey),
            unionId: unionId(t.userKey),
            ...(u.email ? { email: u.email } : {}),
          },
        };
      }
      case 'POST /v1.0/oauth2/accessToken': {
        const app = apps.get(String(body['appKey'] ?? ''));
        if (!app || body['appSecret'] !== app.appSecret) return apiErr('invalidClientIdOrSecret');
        const token = randomId('at', 24);
        appTokens.set(token, { appKey: app.appKey, expiresAt: clock.now() + 7200_000 });
        stats.appTokensIssued++;
        return { json: { accessToken: token, expireIn: 7200 } };
      }
      default:
        return page(404, `fake DingTalk has no ${req.method} ${req.path}`);
    }
  }

  const server = await startFakeServer(handle);
  const origins = ['https://login.dingtalk.com', 'https://api.dingtalk.com', 'https://oapi.dingtalk.com'];
  return {
    origin: server.origin,
    origins,
    overrides: Object.fromEntries(origins.map((o) => [o, server.origin])) as Record<string, string>,
    requests: server.requests,
    stats,
    org,
    close: () => server.close(),
    advance: clock.advance,
    signInAs(userKey: string) {
      browserUser = userKey;
    },
    refuseNext() {
      refuseNext = true;
    },
    /** The person scans the framed QR page last shown (`state`: answer with a forged state instead). */
    scanEmbedded: (userKey: string, opts?: { state?: string }) => framed.scan(userKey, opts),
    failNextApi: apiInjector.failNext,
    failNextOapi: oapiInjector.failNext,
    unionIdOf: unionId,
    memberUnionIdOf: (userid: string) => memberUnionId(org.members.find((m) => m.userid === userid)!),
    /** A code the DingTalk mobile SDK hands the app (`sns` for the legacy SNS flow). */
    mobileCode: (appKey: string, userKey: string, sns = false) => issueCode(appKey, userKey, sns),
    /** Removes a member upstream (the next sync must not list them). */
    removeMember(userid: string) {
      const i = org.members.findIndex((m) => m.userid === userid);
      if (i >= 0) org.members.splice(i, 1);
    },
  };
}

export type DingtalkFake = Awaited<ReturnType<typeof startDingtalkFake>>;
