import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import { startLarkFake, type LarkFake } from '../../../../packages/connectors/test/fakes/lark.js';
import { startAlipayFake, type AlipayFake } from '../../../../packages/connectors/test/fakes/alipay.js';
import { startQqFake, type QqFake } from '../../../../packages/connectors/test/fakes/qq.js';
import { startWeiboFake, type WeiboFake } from '../../../../packages/connectors/test/fakes/weibo.js';
import { startBaiduFake, type BaiduFake } from '../../../../packages/connectors/test/fakes/baidu.js';
import { startDouyinFake, type DouyinFake } from '../../../../packages/connectors/test/fakes/douyin.js';
import { startDingtalkFake, type DingtalkFake } from '../../../../packages/connectors/test/fakes/dingtalk.js';
import { startWecomFake, type WecomFake } from '../../../../packages/connectors/test/fakes/wecom.js';
import { generateOrg } from '../../../../packages/connectors/test/fakes/org.js';
import { userCount } from '../federation/support.js';
import { startOidcServer, type OidcTestServer } from '../oidc/support.js';
import { Browser, connect, expectRefused, expectRefusedPage, identitiesOf, openCallback, overridesOf, signedInUser, toCallback, userOf, type ChinaConnection } from '../support/china.js';

/**
 * The browser sign-in of the China providers, through Gatehouse's public surface
 * (`/connections/social/<identifier>` → the vendor's page → our callback), against the fakes of
 * packages/connectors/test/fakes mapped with GATEHOUSE_UPSTREAM_OVERRIDES, on SQLite:
 * `lark-internal`, `lark-public`, `alipay`, `qq`, `weibo`, `baidu`, `douyin:mobile` (its web QR
 * page), `dingtalk`, `wechatwork:corp:qrconnect`. For each type: the first sign-in creates the
 * user with the vendor's id (and unionid) and profile, the second finds the same user, tokens are
 * issued for it; a replayed callback (state) and a code replayed into a new sign-in are refused
 * with catalogued errors. Then what each vendor adds: Feishu's tenant allow-list and PKCE, Alipay's
 * RSA2 signatures both ways, DingTalk's and WeCom's membership, QQ's refusal of a bad APP Key.
 */
let gh: OidcTestServer;
let mc: ManagementClient;
let lark: LarkFake;
let alipay: AlipayFake;
let qq: QqFake;
let weibo: WeiboFake;
let baidu: BaiduFake;
let douyin: DouyinFake;
let ding: DingtalkFake;
let wecom: WecomFake;

const appKeyPair = generateKeyPairSync('rsa', { modulusLength: 2048 });
const APP_PRIVATE = appKeyPair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const APP_PUBLIC = appKeyPair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const OTHER_PRIVATE = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

const alipayApp = { appId: '2021000000000001', appPublicKey: APP_PUBLIC, redirectDomain: '' };
const larkApps = [
  { appId: 'cli_internal0001', appSecret: 'lark-secret-1', redirectUris: [] as string[] },
  { appId: 'cli_public000001', appSecret: 'lark-secret-2', redirectUris: [] as string[] },
];
const qqApp = { appId: '101000001', appKey: 'qq-app-key-1', redirectDomain: '', developer: 'dev-acme' };
const weiboApp = { appKey: '3000000001', appSecret: 'weibo-secret', redirectDomain: '' };
const baiduApp = { apiKey: 'baidu-api-key', secretKey: 'baidu-secret', redirectDomain: '' };
const douyinApp = { clientKey: 'awdouyin0001', clientSecret: 'douyin-secret', redirectDomain: '' };
const dingApp = { appKey: 'dingredirect01', appSecret: 'ding-secret', corpId: 'dingcorp00001', redirectDomain: '' };
const wecomAgent = { agentId: '1000002', secret: 'wecom-agent-secret', redirectDomain: '' };

const conns: Record<string, ChinaConnection> = {};

interface Provider {
  type: string;
  identifier: string;
  origin: () => string;
  signInAs: (user: string) => void;
  user: string;
  /** The callback parameter that carries the code (DingTalk: authCode, Alipay: auth_code). */
  codeParam: string;
  /** The identity id (`generic`) and unionid the sign-in must record. */
  id: () => string;
  unionId?: () => string;
  name: string;
  photo: RegExp;
}

const providers: Provider[] = [
  { type: 'lark-internal', identifier: 'feishu', origin: () => lark.origin, signInAs: (u) => lark.signInAs(u), user: 'lily', codeParam: 'code', id: () => lark.unionIdOf('lily'), unionId: () => lark.unionIdOf('lily'), name: '林丽', photo: /feishucdn\.com\/lily$/ },
  { type: 'lark-public', identifier: 'lark-store', origin: () => lark.origin, signInAs: (u) => lark.signInAs(u), user: 'leo', codeParam: 'code', id: () => lark.unionIdOf('leo'), unionId: () => lark.unionIdOf('leo'), name: 'Leo', photo: /feishucdn\.com\/leo$/ },
  { type: 'alipay', identifier: 'alipay', origin: () => alipay.origin, signInAs: (u) => alipay.signInAs(u), user: 'ann', codeParam: 'auth_code', id: () => alipay.userIdOf('ann'), name: '支付宝小安', photo: /alipayobjects\.com\/images\/partner\/ann$/ },
  { type: 'qq', identifier: 'qq', origin: () => qq.origin, signInAs: (u) => qq.signInAs(u), user: 'quinn', codeParam: 'code', id: () => qq.unionidOf(qqApp.appId, 'quinn'), unionId: () => qq.unionidOf(qqApp.appId, 'quinn'), name: '小企鹅', photo: /qlogo\.cn\/quinn\/100$/ },
  { type: 'weibo', identifier: 'weibo', origin: () => weibo.origin, signInAs: (u) => weibo.signInAs(u), user: 'wendy', codeParam: 'code', id: () => '5000000001', name: '微博温迪', photo: /sinaimg\.cn\/large\/5000000001\.jpg$/ },
  { type: 'baidu', identifier: 'baidu', origin: () => baidu.origin, signInAs: (u) => baidu.signInAs(u), user: 'bai', codeParam: 'code', id: () => baidu.unionidOf('bai'), unionId: () => baidu.unionidOf('bai'), name: '百度小白', photo: /portrait\/item\/baiportrait$/ },
  { type: 'douyin:mobile', identifier: 'douyin', origin: () => douyin.origin, signInAs: (u) => douyin.signInAs(u), user: 'dora', codeParam: 'code', id: () => douyin.unionIdOf('dora'), unionId: () => douyin.unionIdOf('dora'), name: '抖音朵拉', photo: /douyinpic\.com\/dora$/ },
  { type: 'dingtalk', identifier: 'dingtalk', origin: () => ding.origin, signInAs: (u) => ding.signInAs(u), user: 'ding', codeParam: 'authCode', id: () => ding.unionIdOf('ding'), unionId: () => ding.unionIdOf('ding'), name: '钉小蜜', photo: /dingtalk\.com\/media\/ding\.png$/ },
  { type: 'wechatwork:corp:qrconnect', identifier: 'wecom', origin: () => wecom.origin, signInAs: (u) => wecom.signInAs(u), user: 'wei', codeParam: 'code', id: () => 'u00001', name: '员工1', photo: /wework\.qpic\.cn\/u00001\/0$/ },
];

beforeAll(async () => {
  lark = await startLarkFake({ apps: larkApps, users: [{ key: 'lily', tenantKey: 'tenant-acme', name: '林丽', email: 'lily@acme.example' }, { key: 'leo', tenantKey: 'tenant-acme', name: 'Leo' }, { key: 'stranger', tenantKey: 'tenant-other', name: 'Stranger' }] });
  alipay = await startAlipayFake({ apps: [alipayApp], users: [{ key: 'ann', nick: '支付宝小安' }] });
  qq = await startQqFake({ apps: [qqApp], users: [{ key: 'quinn', nickname: '小企鹅' }] });
  weibo = await startWeiboFake({ apps: [weiboApp], users: [{ key: 'wendy', uid: '5000000001', screenName: '微博温迪' }] });
  baidu = await startBaiduFake({ apps: [baiduApp], users: [{ key: 'bai', username: '百度小白' }] });
  douyin = await startDouyinFake({ apps: [douyinApp], miniPrograms: [], users: [{ key: 'dora', nickname: '抖音朵拉' }] });
  const dingOrg = generateOrg({ members: 5 });
  dingOrg.members[0]!.userKey = 'ding';
  ding = await startDingtalkFake({ apps: [dingApp], users: [{ key: 'ding', nick: '钉小蜜', mobile: '13700000001' }, { key: 'outsider', nick: 'Not a member' }], org: dingOrg });
  const wecomOrg = generateOrg({ members: 50 });
  wecomOrg.members[0]!.userKey = 'wei'; // u00001
  wecomOrg.members[49]!.userKey = 'gone'; // u00050: inactive (every 50th)
  wecom = await startWecomFake({ corpId: 'wwcorp000001', agents: [wecomAgent], org: wecomOrg });

  gh = await startOidcServer({ config: { upstreamOverrides: overridesOf(lark, alipay, qq, weibo, baidu, douyin, ding, wecom) } as never });
  mc = gh.mgmt();
  const host = new URL(gh.url).host;
  for (const a of [alipayApp, qqApp, weiboApp, baiduApp, douyinApp, dingApp, wecomAgent]) a.redirectDomain = host;
  const cb = (identifier: string) => `${gh.url}/connections/social/${identifier}/callback`;
  larkApps[0]!.redirectUris.push(cb('feishu'), cb('feishu-tenant'));
  larkApps[1]!.redirectUris.push(cb('lark-store'));

  const fields: Record<string, Record<string, unknown>> = {
    feishu: { appId: larkApps[0]!.appId, appSecret: larkApps[0]!.appSecret },
    'lark-store': { appId: larkApps[1]!.appId, appSecret: larkApps[1]!.appSecret, allowedTenantKeys: ['tenant-acme'] },
    alipay: { appId: alipayApp.appId, privateKey: APP_PRIVATE, alipayPublicKey: alipay.alipayPublicKey },
    qq: { appId: qqApp.appId, appKey: qqApp.appKey },
    weibo: { appKey: weiboApp.appKey, appSecret: weiboApp.appSecret },
    baidu: { apiKey: baiduApp.apiKey, secretKey: baiduApp.secretKey },
    douyin: { clientKey: douyinApp.clientKey, clientSecret: douyinApp.clientSecret },
    dingtalk: { corpId: dingApp.corpId, appKey: dingApp.appKey, appSecret: dingApp.appSecret },
    wecom: { corpId: 'wwcorp000001', agentId: wecomAgent.agentId, secret: wecomAgent.secret },
  };
  for (const p of providers) conns[p.identifier] = await connect(gh, mc, p.type, p.identifier, fields[p.identifier]!);
  // Wrong credentials at the vendor: an Alipay key pair whose public half was never uploaded, a wrong QQ APP Key.
  conns['alipay-badkey'] = await connect(gh, mc, 'alipay', 'alipay-badkey', { appId: alipayApp.appId, privateKey: OTHER_PRIVATE, alipayPublicKey: alipay.alipayPublicKey });
  conns['feishu-tenant'] = await connect(gh, mc, 'lark-internal', 'feishu-tenant', { appId: larkApps[0]!.appId, appSecret: larkApps[0]!.appSecret, allowedTenantKeys: ['tenant-acme'] });
}, 120_000);
afterAll(async () => {
  await gh?.close();
  for (const f of [lark, alipay, qq, weibo, baidu, douyin, ding, wecom]) await f?.close();
});

/** A full round trip in a fresh browser as `user` at the fake: the popup's message. */
async function roundTrip(p: Provider, conn: ChinaConnection, user = p.user) {
  p.signInAs(user);
  const b = new Browser();
  const cb = await toCallback(gh, b, conn, p.origin());
  return { b, cb, message: await openCallback(b, cb) };
}

describe.each(providers)('$type: browser sign-in', (p) => {
  it('the first sign-in creates the user with the vendor id and profile, the second finds the same user', async () => {
    const conn = conns[p.identifier]!;
    const before = await userCount(gh);
    const first = await roundTrip(p, conn);
    const userId = signedInUser(first.message);
    expect(await userCount(gh)).toBe(before + 1);

    const ids = await identitiesOf(mc, userId);
    expect(ids.find((i) => i.type === 'generic')?.userIdInIdp).toBe(p.id());
    if (p.unionId) expect(ids.find((i) => i.type === 'unionid')?.userIdInIdp).toBe(p.unionId());
    else expect(ids.some((i) => i.type === 'unionid')).toBe(false);
    const user = await userOf(mc, userId);
    expect(user).toMatchObject({ name: p.name, photo: expect.stringMatching(p.photo) });
    // The vendor's email and phone are not verified by us: never stored (docs/identity-providers-china.md).
    expect(user.email ?? null).toBeNull();

    const second = await roundTrip(p, conn);
    expect(signedInUser(second.message)).toBe(userId);
    expect(await userCount(gh)).toBe(before + 1);
  });

  it('refuses a replayed callback (state) and a code replayed into a new sign-in, with catalogued errors', async () => {
    const conn = conns[p.identifier]!;
    const first = await roundTrip(p, conn);
    signedInUser(first.message);
    // The same callback again: the state was spent.
    await expectRefusedPage(await first.b.fetch(first.cb.toString()), 'federation.state_invalid');
    // A fresh sign-in whose callback carries the spent code: the vendor refuses it, we say so.
    p.signInAs(p.user);
    const b = new Browser();
    const cb = await toCallback(gh, b, conn, p.origin());
    cb.searchParams.set(p.codeParam, first.cb.searchParams.get(p.codeParam)!);
    expectRefused(await openCallback(b, cb), 'federation.upstream_refused', 5000015);
  });

  it('refuses a callback opened in another browser and a forged state', async () => {
    const conn = conns[p.identifier]!;
    p.signInAs(p.user);
    const b = new Browser();
    const cb = await toCallback(gh, b, conn, p.origin());
    await expectRefusedPage(await new Browser().fetch(cb.toString()), 'federation.state_invalid');
    const forged = new URL(cb);
    forged.searchParams.set('state', 'A'.repeat(43));
    await expectRefusedPage(await b.fetch(forged.toString()), 'federation.state_invalid');
  });
});

describe('what each vendor checks', () => {
  it('Feishu: a user of a tenant not in allowedTenantKeys is refused; a code exchanged without its PKCE verifier is refused', async () => {
    const feishu = providers[0]!;
    const before = await userCount(gh);
    const stranger = await roundTrip(feishu, conns['feishu-tenant']!, 'stranger');
    expectRefused(stranger.message, 'federation.not_allowed', 5000017);
    expect(await userCount(gh)).toBe(before);
    // A code issued for one sign-in (bound to its code_challenge) injected into another one's callback.
    lark.signInAs('lily');
    const victim = await toCallback(gh, new Browser(), conns['feishu']!, lark.origin);
    const b = new Browser();
    const cb = await toCallback(gh, b, conns['feishu']!, lark.origin);
    cb.searchParams.set('code', victim.searchParams.get('code')!);
    expectRefused(await openCallback(b, cb), 'federation.upstream_refused', 5000015);
    expect(lark.requests.some((r) => r.path === '/open-apis/authen/v2/oauth/token' && (r.json() as { code?: string }).code === victim.searchParams.get('code') && r.body.includes('code_verifier'))).toBe(true);
  });

  it('Alipay: every gateway request is RSA2-signed; a key Alipay does not know, and a forged or unsigned answer, are refused', async () => {
    const ap = providers[2]!;
    const signed = alipay.requests.filter((r) => r.path === '/gateway.do');
    expect(signed.length).toBeGreaterThan(0);
    expect(signed.every((r) => r.form()['sign_type'] === 'RSA2' && (r.form()['sign'] ?? '').length > 300)).toBe(true);
    // Our request signed with a private key whose public half was never uploaded: isv.invalid-signature.
    const badKey = await roundTrip(ap, conns['alipay-badkey']!);
    expectRefused(badKey.message, 'federation.upstream_refused', 5000015);
    // The gateway's answer altered in transit (signature no longer matches), then one without a signature.
    alipay.tamperNext();
    expectRefused((await roundTrip(ap, conns['alipay']!)).message, 'federation.invalid_token', 5000016);
    alipay.unsignedNext();
    expectRefused((await roundTrip(ap, conns['alipay']!)).message, 'federation.invalid_token', 5000016);
    // A vendor failure on the profile call: the vendor's own family (isp.*) is "try later".
    alipay.failNext('alipay.user.info.share', 'isp.unknow-error');
    expectRefused((await roundTrip(ap, conns['alipay']!)).message, 'federation.upstream_unavailable', 5000014);
  });

  it('QQ: a wrong APP Key at the token endpoint and an expired token are catalogued refusals', async () => {
    const q = providers[3]!;
    qq.failNext('/oauth2.0/token', '100009');
    expectRefused((await roundTrip(q, conns['qq']!)).message, 'federation.upstream_refused', 5000015);
    qq.failNext('/oauth2.0/me', '100014');
    expectRefused((await roundTrip(q, conns['qq']!)).message, 'federation.upstream_refused', 5000015);
    // The openid / unionid call asked for the unionid, and get_user_info named our APP ID.
    expect(qq.requests.some((r) => r.path === '/oauth2.0/me' && r.query['unionid'] === '1')).toBe(true);
    expect(qq.requests.filter((r) => r.path === '/user/get_user_info').every((r) => r.query['oauth_consumer_key'] === qqApp.appId)).toBe(true);
  });

  it('Weibo and Baidu: vendor rate limits are "try later", a wrong client is refused', async () => {
    weibo.failNext('/oauth2/access_token', '10023');
    expectRefused((await roundTrip(providers[4]!, conns['weibo']!)).message, 'federation.upstream_unavailable', 5000014);
    baidu.failNext('/oauth/2.0/token', 'invalid_client');
    expectRefused((await roundTrip(providers[5]!, conns['baidu']!)).message, 'federation.upstream_refused', 5000015);
  });

  it('Douyin: an invalid access token at userinfo is refused', async () => {
    douyin.failNextOpen('/oauth/userinfo/', '2190002');
    expectRefused((await roundTrip(providers[6]!, conns['douyin']!)).message, 'federation.upstream_refused', 5000015);
  });

  it('DingTalk: someone outside the organisation is refused, and a consent refused at DingTalk is access_denied', async () => {
    const d = providers[7]!;
    const before = await userCount(gh);
    expectRefused((await roundTrip(d, conns['dingtalk']!, 'outsider')).message, 'federation.not_allowed', 5000017);
    ding.refuseNext();
    expectRefused((await roundTrip(d, conns['dingtalk']!)).message, 'federation.access_denied', 5000013);
    expect(await userCount(gh)).toBe(before);
  });

  it('WeCom: a non-member (openid only) and an inactive member are refused', async () => {
    const w = providers[8]!;
    const before = await userCount(gh);
    expectRefused((await roundTrip(w, conns['wecom']!, 'nobody')).message, 'federation.not_allowed', 5000017);
    expectRefused((await roundTrip(w, conns['wecom']!, 'gone')).message, 'federation.not_allowed', 5000017);
    expect(await userCount(gh)).toBe(before);
  });
});
