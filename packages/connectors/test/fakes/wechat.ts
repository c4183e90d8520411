/**
 * A local stand-in for WeChat (api.weixin.qq.com, open.weixin.qq.com, mp.weixin.qq.com) that
 * checks what WeChat checks and answers the way WeChat answers — errors as HTTP 200 with
 * `{errcode, errmsg}`:
 *
 *  - authorise pages (qrconnect, oauth2/authorize): known AppID of the right kind, redirect URI on
 *    the app's registered domain, the exact parameter order WeChat requires, scope, state length;
 *    they redirect as the user chosen with `signInAs` (or without a code after `refuseNext`);
 *  - codes: issued for one app, single use (40163), five minutes (42003), unknown (40029);
 *  - app credentials (40013 AppID, 40125/40001 AppSecret), grant types (40002);
 *  - app access tokens: issued by cgi-bin/token, expire (42001), unknown (40001); `advance()`
 *    moves the fake's clock to expire them;
 *  - user access tokens (40014/42001), openid binding (40003), snsapi_base vs userinfo (48001);
 *  - mini programs: jscode2session sessions whose session_key encrypts the open data the test
 *    asks for; phone codes with a watermark (tamperable to prove the connector checks it);
 *    getwxacodeunlimit returning a PNG, or JSON errors (scene length 40169, unpublished page 41030);
 *  - official accounts: QR_STR_SCENE tickets, followers, cgi-bin/user/info, and `scan()`, which
 *    pushes the signed (and in compatible/safe mode AES-encrypted) subscribe/SCAN event to the
 *    server URL exactly as WeChat does — with an independent implementation of the cryptography.
 *
 * Reusable by the server's end-to-end tests: `overrides` maps the WeChat origins to this fake.
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { errorInjector, fakeClock, PNG_1X1, randomId, startFakeServer, type FakeRequest, type FakeResponse } from './server.js';

export type WechatAppKind = 'website' | 'mobile' | 'official-account' | 'miniprogram';

export interface WechatFakeApp {
  appId: string;
  appSecret: string;
  kind: WechatAppKind;
  /** Host of the authorisation callback domain (website apps, official-account web authorisation). */
  redirectDomain?: string;
  /** Open Platform account the app is bound to: apps with the same value share unionids. */
  openPlatform?: string;
  /** Official account: server-configuration Token, EncodingAESKey, mode, original id (gh_…). */
  token?: string;
  encodingAESKey?: string;
  messageMode?: 'plain' | 'compatible' | 'safe';
  originalId?: string;
  /** Mini program: published pages (getwxacodeunlimit with check_path). */
  pages?: string[];
}

export interface WechatFakeUser {
  key: string;
  nickname?: string;
  headimgurl?: string;
  /** National number, mainland China. */
  phone?: string;
  /** WeChat flags the account as high-risk: mini-program login answers 40226. */
  highRisk?: boolean;
  /** Browsing in "snapshot" mode: webpage authorisation returns a virtual user. */
  snapshot?: boolean;
}

export interface WechatFakeOptions {
  apps: WechatFakeApp[];
  users: WechatFakeUser[];
  appTokenTtlSeconds?: number;
  userTokenTtlSeconds?: number;
}

/** Every errcode this fake can answer (the connector tests prove each one's mapping). */
export const WECHAT_FAKE_ERRCODES = {
  '-1': 'system error',
  '40001': 'invalid credential, access_token is invalid or not latest',
  '40002': 'invalid grant_type',
  '40003': 'invalid openid',
  '40013': 'invalid appid',
  '40014': 'invalid access_token',
  '40029': 'invalid code',
  '40053': 'invalid action info',
  '40097': 'invalid args',
  '40125': 'invalid appsecret',
  '40163': 'code been used',
  '40164': 'invalid ip, not in whitelist',
  '40169': 'invalid length for scene',
  '40226': 'invalid code, high risk user',
  '41008': 'missing code',
  '41030': 'invalid page',
  '42001': 'access_token expired',
  '42003': 'code expired',
  '45009': 'reach max api daily quota limit',
  '45011': 'api minute-quota reach limit  mustslower  retry next minute',
  '48001': 'api unauthorized',
} as const;
export type WechatFakeErrcode = keyof typeof WECHAT_FAKE_ERRCODES;

const err = (code: WechatFakeErrcode): FakeResponse => ({ json: { errcode: Number(code), errmsg: `${WECHAT_FAKE_ERRCODES[code]}, rid: ${randomId('', 6)}` } });
const hash = (s: string) => createHash('sha256').update(s).digest('base64url');
const page = (status: number, text: string): FakeResponse => ({ status, text, contentType: 'text/html; charset=utf-8' });

export interface PushOutcome {
  status: number;
  text: string;
  /** The exact request, to replay it (WeChat's retries) with `replay()`. */
  request: { url: string; body: string };
}

interface Code {
  appId: string;
  userKey: string;
  kind: 'sns' | 'jscode' | 'phone';
  scope?: string;
  issuedAt: number;
  used: boolean;
  sessionKey?: string;
}

export async function startWechatFake(opts: WechatFakeOptions) {
  const clock = fakeClock();
  const apps = new Map(opts.apps.map((a) => [a.appId, a]));
  const users = new Map(opts.users.map((u) => [u.key, u]));
  const codes = new Map<string, Code>();
  const userTokens = new Map<string, { appId: string; userKey: string; scope: string; expiresAt: number }>();
  const appTokens = new Map<string, { appId: string; expiresAt: number }>();
  const tickets = new Map<string, { appId: string; sceneStr: string; expiresAt: number }>();
  const followers = new Set<string>();
  const injector = errorInjector<WechatFakeErrcode>();
  const appTokenTtl = opts.appTokenTtlSeconds ?? 7200;
  const userTokenTtl = opts.userTokenTtlSeconds ?? 7200;
  let browserUser: string | undefined;
  let refuseNext = false;
  let watermarkAppId: string | undefined;
  const stats = { appTokensIssued: 0 };

  const openid = (appId: string, userKey: string) => `o${hash(`${appId}:${userKey}`).slice(0, 27)}`;
  const unionid = (appId: string, userKey: string) => {
    const p = apps.get(appId)?.openPlatform;
    return p ? `u${hash(`${p}:${userKey}`).slice(0, 27)}` : undefined;
  };
  const userByOpenid = (appId: string, oid: string) => [...users.keys()].find((k) => openid(appId, k) === oid);

  function issueCode(appId: string, userKey: string, kind: Code['kind'], scope?: string, sessionKey?: string): string {
    const code = randomId('', 24);
    codes.set(code, { appId, userKey, kind, issuedAt: clock.now(), used: false, ...(scope ? { scope } : {}), ...(sessionKey ? { sessionKey } : {}) });
    return code;
  }

  /** Checks a code for `appId` and `kind`; marks it used. Returns the code or an error. */
  function redeem(code: string | undefined, appId: string, kind: Code['kind']): Code | FakeResponse {
    if (!code) return err('41008');
    const c = codes.get(code);
    if (!c || c.appId !== appId || c.kind !== kind) return err('40029');
    if (c.used) return err('40163');
    if (clock.now() - c.issuedAt > 5 * 60_000) return err('42003');
    c.used = true;
    return c;
  }

  function appFromToken(token: string | undefined): { appId: string } | FakeResponse {
    const t = token ? appTokens.get(token) : undefined;
    if (!t) return err('40001');
    if (clock.now() > t.expiresAt) return err('42001');
    return t;
  }

  const isError = (x: unknown): x is FakeResponse => typeof x === 'object' && x !== null && ('json' in x || 'text' in x);

  function authorise(req: FakeRequest, kind: 'website' | 'official-account'): FakeResponse {
    const q = req.query;
    const app = apps.get(q['appid'] ?? '');
    if (!app || app.kind !== kind) return page(400, 'appid 参数错误');
    if (kind === 'official-account' && req.queryOrder.slice(0, 5).join(',') !== 'appid,redirect_uri,response_type,scope,state') {
      return page(400, '参数顺序错误'); // WeChat matches the link strictly, parameter order included
    }
    let redirect: URL;
    try {
      redirect = new URL(q['redirect_uri'] ?? '');
    } catch {
      return page(400, 'redirect_uri 参数错误');
    }
    if (redirect.host !== app.redirectDomain) return page(400, 'redirect_uri 参数错误');
    if (q['response_type'] !== 'code') return page(400, 'response_type 参数错误');
    const scopes = kind === 'website' ? ['snsapi_login'] : ['snsapi_base', 'snsapi_userinfo'];
    if (!scopes.includes(q['scope'] ?? '')) return page(400, 'scope 参数错误');
    if ((q['state'] ?? '').length > 128) return page(400, 'state 参数错误');
    if (refuseNext) {
      refuseNext = false;
      redirect.searchParams.set('state', q['state'] ?? '');
      return { redirect: redirect.toString() }; // refused: WeChat redirects with state only
    }
    if (!browserUser) return page(400, 'no user is signed in to the fake (call signInAs)');
    redirect.searchParams.set('code', issueCode(app.appId, browserUser, 'sns', q['scope']));
    redirect.searchParams.set('state', q['state'] ?? '');
    return { redirect: redirect.toString() };
  }

  function checkSecret(q: Record<string, string>, kinds: WechatAppKind[], wrongSecret: WechatFakeErrcode): WechatFakeApp | FakeResponse {
    const app = apps.get(q['appid'] ?? '');
    if (!app || !kinds.includes(app.kind)) return err('40013');
    if (q['secret'] !== app.appSecret) return err(wrongSecret);
    return app;
  }

  async function handle(req: FakeRequest): Promise<FakeResponse> {
    const injected = injector.take(req.path);
    if (injected) return err(injected);
    const q = req.query;
    switch (`${req.method} ${req.path}`) {
      // ---- open.weixin.qq.com (browser)
      case 'GET /connect/qrconnect':
        return authorise(req, 'website');
      case 'GET /connect/oauth2/authorize':
        return authorise(req, 'official-account');

      // ---- sns (user-level)
      case 'GET /sns/oauth2/access_token': {
        const app = checkSecret(q, ['website', 'mobile', 'official-account'], '40125');
        if (isError(app)) return app;
        if (q['grant_type'] !== 'authorization_code') return err('40002');
        const c = redeem(q['code'], app.appId, 'sns');
        if (isError(c)) return c;
        const scope = c.scope ?? 'snsapi_userinfo';
        const token = randomId('at_', 24);
        userTokens.set(token, { appId: app.appId, userKey: c.userKey, scope, expiresAt: clock.now() + userTokenTtl * 1000 });
        const u = unionid(app.appId, c.userKey);
        return {
          json: {
            access_token: token,
            expires_in: userTokenTtl,
            refresh_token: randomId('rt_', 24),
            openid: openid(app.appId, c.userKey),
            scope,
            ...(u ? { unionid: u } : {}),
            ...(users.get(c.userKey)?.snapshot ? { is_snapshotuser: 1 } : {}),
          },
        };
      }
      case 'GET /sns/userinfo': {
        const t = userTokens.get(q['access_token'] ?? '');
        if (!t) return err('40014');
        if (clock.now() > t.expiresAt) return err('42001');
        if (q['openid'] !== openid(t.appId, t.userKey)) return err('40003');
        if (t.scope === 'snsapi_base') return err('48001');
        const user = users.get(t.userKey)!;
        const u = unionid(t.appId, t.userKey);
        return {
          json: {
            openid: q['openid'],
            nickname: user.nickname ?? '',
            sex: 0,
            province: '',
            city: '',
            country: '',
            headimgurl: user.headimgurl ?? '',
            privilege: [],
            ...(u ? { unionid: u } : {}),
          },
        };
      }
      case 'GET /sns/jscode2session': {
        const app = checkSecret(q, ['miniprogram'], '40125');
        if (isError(app)) return app;
        if (q['grant_type'] !== 'authorization_code') return err('40002');
        const c = redeem(q['js_code'], app.appId, 'jscode');
        if (isError(c)) return c;
        if (users.get(c.userKey)?.highRisk) return err('40226');
        const u = unionid(app.appId, c.userKey);
        return { json: { openid: openid(app.appId, c.userKey), session_key: c.sessionKey, ...(u ? { unionid: u } : {}) } };
      }

      // ---- cgi-bin / wxa (app-level)
      case 'GET /cgi-bin/token': {
        if (q['grant_type'] !== 'client_credential') return err('40002');
        // cgi-bin/token answers a wrong AppSecret with 40001 (its documented code), sns with 40125.
        const app = checkSecret(q, ['official-account', 'miniprogram'], '40001');
        if (isError(app)) return app;
        const token = randomId('app_', 32);
        appTokens.set(token, { appId: app.appId, expiresAt: clock.now() + appTokenTtl * 1000 });
        stats.appTokensIssued++;
        return { json: { access_token: token, expires_in: appTokenTtl } };
      }
      case 'POST /cgi-bin/qrcode/create': {
        const t = appFromToken(q['access_token']);
        if (isError(t)) return t;
        const app = apps.get(t.appId)!;
        if (app.kind !== 'official-account') return err('48001');
        const body = req.json() as { expire_seconds?: number; action_name?: string; action_info?: { scene?: { scene_str?: string } } } | undefined;
        const scene = body?.action_info?.scene?.scene_str;
        if (body?.action_name !== 'QR_STR_SCENE' || typeof scene !== 'string' || scene.length < 1 || scene.length > 64) return err('40053');
        const expire = body.expire_seconds ?? 60;
        if (!Number.isInteger(expire) || expire < 1 || expire > 2_592_000) return err('40097');
        const ticket = randomId('gQ', 30);
        tickets.set(ticket, { appId: app.appId, sceneStr: scene, expiresAt: clock.now() + expire * 1000 });
        return { json: { ticket, expire_seconds: expire, url: `http://weixin.qq.com/q/${randomId('', 16)}` } };
      }
      case 'GET /cgi-bin/showqrcode': {
        const t = tickets.get(q['ticket'] ?? '');
        if (!t || clock.now() > t.expiresAt) return page(404, 'ticket not found');
        return { bytes: PNG_1X1, contentType: 'image/png' };
      }
      case 'GET /cgi-bin/user/info': {
        const t = appFromToken(q['access_token']);
        if (isError(t)) return t;
        const userKey = userByOpenid(t.appId, q['openid'] ?? '');
        if (!userKey || !followers.has(`${t.appId}:${userKey}`)) return err('40003');
        const u = unionid(t.appId, userKey);
        return { json: { subscribe: 1, openid: q['openid'], language: 'zh_CN', subscribe_time: Math.floor(clock.now() / 1000), subscribe_scene: 'ADD_SCENE_QR_CODE', ...(u ? { unionid: u } : {}) } };
      }
      case 'POST /wxa/business/getuserphonenumber': {
        const t = appFromToken(q['access_token']);
        if (isError(t)) return t;
        const body = req.json() as { code?: string } | undefined;
        const c = redeem(body?.code, t.appId, 'phone');
        if (isError(c)) return c;
        const phone = users.get(c.userKey)?.phone ?? '13800138000';
        return {
          json: {
            errcode: 0,
            errmsg: 'ok',
            phone_info: { phoneNumber: phone, purePhoneNumber: phone, countryCode: '86', watermark: { timestamp: Math.floor(clock.now() / 1000), appid: watermarkAppId ?? t.appId } },
          },
        };
      }
      case 'POST /wxa/getwxacodeunlimit': {
        const t = appFromToken(q['access_token']);
        if (isError(t)) return t;
        const app = apps.get(t.appId)!;
        if (app.kind !== 'miniprogram') return err('48001');
        const body = req.json() as { scene?: string; page?: string; check_path?: boolean; width?: number } | undefined;
        if (!body?.scene || body.scene.length > 32) return err('40169');
        if (body.width !== undefined && (body.width < 280 || body.width > 1280)) return err('40097');
        if (body.page && body.check_path !== false && !(app.pages ?? []).includes(body.page)) return err('41030');
        return { bytes: PNG_1X1, contentType: 'image/png' };
      }
      default:
        return page(404, `fake WeChat has no ${req.method} ${req.path}`);
    }
  }

  const server = await startFakeServer(handle);
  const origins = ['https://api.weixin.qq.com', 'https://open.weixin.qq.com', 'https://mp.weixin.qq.com'];

  // ---- WeChat's side of the official-account push, implemented independently of the connector.
  const sha1 = (parts: string[]) => createHash('sha1').update([...parts].sort().join('')).digest('hex');
  function encrypt(key43: string, appId: string, xml: string): string {
    const key = Buffer.from(`${key43}=`, 'base64');
    const msg = Buffer.from(xml);
    const head = Buffer.alloc(20);
    randomBytes(16).copy(head, 0);
    head.writeUInt32BE(msg.length, 16);
    const plain = Buffer.concat([head, msg, Buffer.from(appId)]);
    const pad = 32 - (plain.length % 32);
    const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
    return Buffer.concat([c.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), c.final()]).toString('base64');
  }
  const cdata = (fields: Record<string, string | number>) =>
    `<xml>${Object.entries(fields)
      .map(([k, v]) => (typeof v === 'number' ? `<${k}>${v}</${k}>` : `<${k}><![CDATA[${v}]]></${k}>`))
      .join('')}</xml>`;

  async function send(url: string, body: string): Promise<PushOutcome> {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
    return { status: res.status, text: await res.text(), request: { url, body } };
  }

  /** Builds and POSTs a push of `fields` for `app` to `url`, signed (and encrypted) per its mode. */
  async function push(appId: string, url: string, fields: Record<string, string | number>): Promise<PushOutcome> {
    const app = apps.get(appId)!;
    const timestamp = String(Math.floor(clock.now() / 1000));
    const nonce = randomId('', 9);
    const target = new URL(url);
    target.searchParams.set('signature', sha1([app.token!, timestamp, nonce]));
    target.searchParams.set('timestamp', timestamp);
    target.searchParams.set('nonce', nonce);
    target.searchParams.set('openid', String(fields['FromUserName']));
    const mode = app.messageMode ?? 'plain';
    let body = cdata(fields);
    if (mode !== 'plain') {
      const enc = encrypt(app.encodingAESKey!, app.appId, body);
      target.searchParams.set('encrypt_type', 'aes');
      target.searchParams.set('msg_signature', sha1([app.token!, timestamp, nonce, enc]));
      body = mode === 'safe' ? cdata({ ToUserName: String(fields['ToUserName']), Encrypt: enc }) : cdata({ ...fields, Encrypt: enc });
    }
    return send(target.toString(), body);
  }

  return {
    origin: server.origin,
    /** The vendor origins this fake stands for. */
    origins,
    /** GATEHOUSE_UPSTREAM_OVERRIDES for this fake. */
    overrides: Object.fromEntries(origins.map((o) => [o, server.origin])) as Record<string, string>,
    requests: server.requests,
    stats,
    close: () => server.close(),
    advance: clock.advance,
    /** The user who scans / consents on the authorise pages. */
    signInAs(userKey: string) {
      browserUser = userKey;
    },
    /** The next authorise page redirects back without a code (the user refused). */
    refuseNext() {
      refuseNext = true;
    },
    /** The next call to `path` answers `errcode` instead. */
    failNext: injector.failNext,
    /** Phone codes' watermark claims this AppID instead of the caller's (simulates a code from another app). */
    tamperWatermark(appId: string | undefined) {
      watermarkAppId = appId;
    },
    openidOf: openid,
    unionidOf: unionid,
    /** What the WeChat SDK hands a native app (or the browser page) after consent. */
    issueSnsCode: (appId: string, userKey: string, scope = 'snsapi_userinfo') => issueCode(appId, userKey, 'sns', scope),
    /** A mini program's `wx.login()`: the code, and `encrypt` for open data under the session it starts. */
    wxLogin(appId: string, userKey: string) {
      const sessionKey = randomBytes(16).toString('base64');
      const code = issueCode(appId, userKey, 'jscode', undefined, sessionKey);
      const encrypt = (data: Record<string, unknown>) => {
        const iv = randomBytes(16);
        const c = createCipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), iv);
        return { encryptedData: Buffer.concat([c.update(JSON.stringify(data)), c.final()]).toString('base64'), iv: iv.toString('base64') };
      };
      const watermark = { appid: appId, timestamp: Math.floor(clock.now() / 1000) };
      const user = users.get(userKey)!;
      return {
        code,
        encrypt,
        /** Legacy getPhoneNumber open data. */
        phoneData: (wmAppId = appId) => encrypt({ phoneNumber: user.phone ?? '13800138000', purePhoneNumber: user.phone ?? '13800138000', countryCode: '86', watermark: { ...watermark, appid: wmAppId } }),
        /** Legacy getUserInfo open data. */
        userInfoData: () => {
          const u = unionid(appId, userKey);
          return encrypt({ openId: openid(appId, userKey), nickName: user.nickname ?? '', avatarUrl: user.headimgurl ?? '', gender: 0, ...(u ? { unionId: u } : {}), watermark });
        },
      };
    },
    /** A mini program's getPhoneNumber code. */
    phoneCode: (appId: string, userKey: string) => issueCode(appId, userKey, 'phone'),
    /** The scene of a QR ticket the fake issued (what the scanning phone reads). */
    sceneOf: (ticket: string) => tickets.get(ticket)?.sceneStr,
    isFollower: (appId: string, userKey: string) => followers.has(`${appId}:${userKey}`),
    /**
     * `userKey` scans the QR code of `ticket` in WeChat: WeChat pushes `subscribe` (with the
     * `qrscene_` prefix) to a new follower's account server, `SCAN` to an existing follower's.
     */
    async scan(ticket: string, userKey: string, url: string): Promise<PushOutcome> {
      const t = tickets.get(ticket);
      if (!t || clock.now() > t.expiresAt) throw new Error('fake WeChat: the QR code expired or does not exist');
      const app = apps.get(t.appId)!;
      const following = followers.has(`${app.appId}:${userKey}`);
      followers.add(`${app.appId}:${userKey}`);
      return push(app.appId, url, {
        ToUserName: app.originalId ?? 'gh_fake000000',
        FromUserName: openid(app.appId, userKey),
        CreateTime: Math.floor(clock.now() / 1000),
        MsgType: 'event',
        Event: following ? 'SCAN' : 'subscribe',
        EventKey: following ? t.sceneStr : `qrscene_${t.sceneStr}`,
        Ticket: ticket,
      });
    },
    /** Any push (a text message, a plain follow) with WeChat's signature. */
    push,
    /** Sends the same request again (WeChat's retry of an unanswered push). */
    replay: (request: { url: string; body: string }) => send(request.url, request.body),
    /** WeChat's server-configuration check: GET with echostr; true when the server echoes it. */
    async handshake(appId: string, url: string): Promise<boolean> {
      const app = apps.get(appId)!;
      const timestamp = String(Math.floor(clock.now() / 1000));
      const nonce = randomId('', 9);
      const echostr = randomId('', 12);
      const target = new URL(url);
      target.searchParams.set('signature', sha1([app.token!, timestamp, nonce]));
      target.searchParams.set('timestamp', timestamp);
      target.searchParams.set('nonce', nonce);
      target.searchParams.set('echostr', echostr);
      const res = await fetch(target);
      return res.status === 200 && (await res.text()) === echostr;
    },
  };
}

export type WechatFake = Awaited<ReturnType<typeof startWechatFake>>;
