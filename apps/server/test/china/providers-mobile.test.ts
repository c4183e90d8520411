import { createVerify, generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import { startLarkFake, type LarkFake } from '../../../../packages/connectors/test/fakes/lark.js';
import { startAlipayFake, type AlipayFake } from '../../../../packages/connectors/test/fakes/alipay.js';
import { startQqFake, type QqFake } from '../../../../packages/connectors/test/fakes/qq.js';
import { startWeiboFake, type WeiboFake } from '../../../../packages/connectors/test/fakes/weibo.js';
import { startBaiduFake, type BaiduFake } from '../../../../packages/connectors/test/fakes/baidu.js';
import { startDouyinFake, type DouyinFake } from '../../../../packages/connectors/test/fakes/douyin.js';
import { startYidunFake, type YidunFake } from '../../../../packages/connectors/test/fakes/yidun.js';
import { startDingtalkFake, type DingtalkFake } from '../../../../packages/connectors/test/fakes/dingtalk.js';
import { startWecomFake, type WecomFake } from '../../../../packages/connectors/test/fakes/wecom.js';
import { generateOrg } from '../../../../packages/connectors/test/fakes/org.js';
import { userCount } from '../federation/support.js';
import { ok } from '../support/management.js';
import { authClient } from '../support/server.js';
import { startOidcServer, type OidcTestServer } from '../oidc/support.js';
import { connect, expectMobileRefused, identitiesOf, mobileSignIn, mobileUser, overridesOf, userOf, type ChinaConnection } from '../support/china.js';

/**
 * The native-app and vendor-API sign-ins of the China providers, through the vendor
 * AuthenticationClient's `signInByMobile` (`POST /api/v3/signin-by-mobile`) against the fakes,
 * on SQLite: `lark-internal` (`lark_internal`), `alipay`, `qq:mobile`, `weibo:mobile`,
 * `baidu:mobile`, `douyin:mobile`, `douyin:miniprogram:default`, `yidun` (one-click phone),
 * `dingtalk:mobile`, `wechatwork:mobile`. For each: the first sign-in creates the user with the
 * vendor's id (and unionid), the second finds the same user, the access token is for that user;
 * a code (or carrier token) used twice is refused by the fake and answered with a catalogued
 * error, never a 500. Then what each vendor checks: a QQ or Weibo token issued to another app
 * (token substitution), Yidun's signature and replay, the DingTalk legacy SNS code's signature.
 */
let gh: OidcTestServer;
let mc: ManagementClient;
let lark: LarkFake;
let alipay: AlipayFake;
let qq: QqFake;
let weibo: WeiboFake;
let baidu: BaiduFake;
let douyin: DouyinFake;
let yidun: YidunFake;
let ding: DingtalkFake;
let wecom: WecomFake;

const appKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const LARK = { appId: 'cli_mobile000001', appSecret: 'lark-mobile-secret', redirectUris: [] as string[] };
const ALIPAY = { appId: '2021000000000009', appPublicKey: appKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString(), redirectDomain: 'unused.example' };
const QQ = { appId: '101000009', appKey: 'qq-mobile-key', redirectDomain: 'unused.example' };
const WEIBO = { appKey: '3000000009', appSecret: 'weibo-mobile-secret', redirectDomain: 'unused.example' };
const BAIDU = { apiKey: 'baidu-mobile-key', secretKey: 'baidu-mobile-secret', redirectDomain: 'unused.example' };
const DOUYIN = { clientKey: 'awmobile0009', clientSecret: 'douyin-mobile-secret', redirectDomain: 'unused.example' };
const DOUYIN_MINI = { appId: 'tt0000000000000009', appSecret: 'douyin-mini-secret' };
const YIDUN = { secretId: 'yidun-secret-id', secretKey: 'yidun-secret-key', businessId: 'yidun-business-1' };
const DING = { appKey: 'dingmobile0001', appSecret: 'ding-mobile-secret', corpId: 'dingcorp00009' };
const WECOM = { agentId: '1000009', secret: 'wecom-mobile-secret' };

const conns: Record<string, ChinaConnection> = {};

interface MobileType {
  type: string;
  identifier: string;
  connection: string;
  payloadField: string;
  /** A fresh payload the vendor SDK would hand the app for `user`. */
  payload: (user: string) => Record<string, unknown>;
  user: string;
  id: () => string;
  unionId?: () => string;
  name?: string;
}

const types: MobileType[] = [
  { type: 'lark-internal', identifier: 'feishu-app', connection: 'lark_internal', payloadField: 'larkInternalPayload', payload: (u) => ({ code: lark.mobileCode(LARK.appId, u) }), user: 'lily', id: () => lark.unionIdOf('lily'), unionId: () => lark.unionIdOf('lily'), name: '林丽' },
  { type: 'alipay', identifier: 'alipay-app', connection: 'alipay', payloadField: 'alipayPayload', payload: (u) => ({ code: alipay.mobileCode(ALIPAY.appId, u) }), user: 'ann', id: () => alipay.userIdOf('ann'), name: '支付宝小安' },
  { type: 'qq:mobile', identifier: 'qq-app', connection: 'qq', payloadField: 'qqPayload', payload: (u) => ({ access_token: qq.mobileToken(QQ.appId, u) }), user: 'quinn', id: () => qq.unionidOf(QQ.appId, 'quinn'), unionId: () => qq.unionidOf(QQ.appId, 'quinn'), name: '小企鹅' },
  { type: 'weibo:mobile', identifier: 'weibo-app', connection: 'weibo', payloadField: 'weiboPayload', payload: (u) => ({ access_token: weibo.mobileToken(WEIBO.appKey, u) }), user: 'wendy', id: () => '5000000009', name: '微博温迪' },
  { type: 'baidu:mobile', identifier: 'baidu-app', connection: 'baidu', payloadField: 'baiduPayload', payload: (u) => ({ code: baidu.mobileCode(BAIDU.apiKey, u) }), user: 'bai', id: () => baidu.unionidOf('bai'), unionId: () => baidu.unionidOf('bai'), name: '百度小白' },
  { type: 'douyin:mobile', identifier: 'douyin-app', connection: 'douyin', payloadField: 'douyinPayload', payload: (u) => ({ code: douyin.mobileCode(DOUYIN.clientKey, u) }), user: 'dora', id: () => douyin.unionIdOf('dora'), unionId: () => douyin.unionIdOf('dora'), name: '抖音朵拉' },
  { type: 'douyin:miniprogram:default', identifier: 'douyin-mini', connection: 'douyin_mini_program_code', payloadField: 'douyinMiniProgramCodePayload', payload: (u) => ({ code: douyin.ttLogin(DOUYIN_MINI.appId, u).code }), user: 'tina', id: () => douyin.unionIdOf('tina'), unionId: () => douyin.unionIdOf('tina') },
  { type: 'dingtalk:mobile', identifier: 'dingtalk-app', connection: 'dingtalk', payloadField: 'dingTalkPayload', payload: (u) => ({ code: ding.mobileCode(DING.appKey, u) }), user: 'ding', id: () => ding.unionIdOf('ding'), unionId: () => ding.unionIdOf('ding'), name: '钉小蜜' },
  { type: 'wechatwork:mobile', identifier: 'wecom-app', connection: 'wechatwork', payloadField: 'wechatworkPayload', payload: (u) => ({ code: wecom.mobileCode(WECOM.agentId, u) }), user: 'wei', id: () => 'u00001', name: '员工1' },
  { type: 'yidun', identifier: 'yidun', connection: 'yidun', payloadField: 'yidunPayload', payload: (u) => yidun.issueTokens(u), user: '13812345678', id: () => '+8613812345678' },
];

beforeAll(async () => {
  lark = await startLarkFake({ apps: [LARK], users: [{ key: 'lily', tenantKey: 'tenant-acme', name: '林丽' }] });
  alipay = await startAlipayFake({ apps: [ALIPAY], users: [{ key: 'ann', nick: '支付宝小安' }] });
  qq = await startQqFake({ apps: [QQ, { appId: '101000666', appKey: 'someone-elses-app', redirectDomain: 'evil.example' }], users: [{ key: 'quinn', nickname: '小企鹅' }] });
  weibo = await startWeiboFake({ apps: [WEIBO, { appKey: '3000000666', appSecret: 'x', redirectDomain: 'evil.example' }], users: [{ key: 'wendy', uid: '5000000009', screenName: '微博温迪' }] });
  baidu = await startBaiduFake({ apps: [BAIDU], users: [{ key: 'bai', username: '百度小白' }] });
  douyin = await startDouyinFake({ apps: [DOUYIN], miniPrograms: [DOUYIN_MINI], users: [{ key: 'dora', nickname: '抖音朵拉' }, { key: 'tina' }, { key: 'tom', phone: '13600000007' }, { key: 'tim', phone: '13600000008' }] });
  yidun = await startYidunFake(YIDUN);
  const dingOrg = generateOrg({ members: 5 });
  dingOrg.members[0]!.userKey = 'ding';
  ding = await startDingtalkFake({ apps: [{ ...DING, redirectDomain: 'unused.example' }], users: [{ key: 'ding', nick: '钉小蜜' }, { key: 'outsider' }], org: dingOrg });
  const wecomOrg = generateOrg({ members: 5 });
  wecomOrg.members[0]!.userKey = 'wei';
  wecom = await startWecomFake({ corpId: 'wwcorp000009', agents: [{ ...WECOM, redirectDomain: 'unused.example' }], org: wecomOrg });

  gh = await startOidcServer({ config: { upstreamOverrides: overridesOf(lark, alipay, qq, weibo, baidu, douyin, yidun, ding, wecom) } as never });
  mc = gh.mgmt();
  const fields: Record<string, Record<string, unknown>> = {
    'feishu-app': { appId: LARK.appId, appSecret: LARK.appSecret },
    'alipay-app': { appId: ALIPAY.appId, privateKey: appKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), alipayPublicKey: alipay.alipayPublicKey, pid: '2088000000000001' },
    'qq-app': { appId: QQ.appId, appKey: QQ.appKey },
    'weibo-app': { appKey: WEIBO.appKey, appSecret: WEIBO.appSecret },
    'baidu-app': { apiKey: BAIDU.apiKey, secretKey: BAIDU.secretKey },
    'douyin-app': { clientKey: DOUYIN.clientKey, clientSecret: DOUYIN.clientSecret },
    'douyin-mini': { appId: DOUYIN_MINI.appId, appSecret: DOUYIN_MINI.appSecret },
    'dingtalk-app': { corpId: DING.corpId, appKey: DING.appKey, appSecret: DING.appSecret },
    'wecom-app': { corpId: 'wwcorp000009', agentId: WECOM.agentId, secret: WECOM.secret },
    yidun: { ...YIDUN },
  };
  for (const t of types) conns[t.identifier] = await connect(gh, mc, t.type, t.identifier, fields[t.identifier]!);
  conns['yidun-badkey'] = await connect(gh, mc, 'yidun', 'yidun-badkey', { ...YIDUN, secretKey: 'not-the-secret-key' });
}, 120_000);
afterAll(async () => {
  await gh?.close();
  for (const f of [lark, alipay, qq, weibo, baidu, douyin, yidun, ding, wecom]) await f?.close();
});

const signIn = (t: MobileType, payload: Record<string, unknown>, identifier = t.identifier) => mobileSignIn(gh, conns[identifier]!, t.connection, t.payloadField, payload);
const typeOf = (type: string) => types.find((t) => t.type === type)!;

describe.each(types)('$type: signInByMobile', (t) => {
  it('the first sign-in creates the user with the vendor id, the second finds the same user, tokens for that user', async () => {
    const before = await userCount(gh);
    const userId = mobileUser(await signIn(t, t.payload(t.user)));
    expect(await userCount(gh)).toBe(before + 1);
    const ids = await identitiesOf(mc, userId);
    expect(ids.find((i) => i.type === 'generic')?.userIdInIdp).toBe(t.id());
    if (t.unionId) expect(ids.find((i) => i.type === 'unionid')?.userIdInIdp).toBe(t.unionId());
    if (t.name) expect(await userOf(mc, userId)).toMatchObject({ name: t.name });
    expect(mobileUser(await signIn(t, t.payload(t.user)))).toBe(userId);
    expect(await userCount(gh)).toBe(before + 1);
  });

  it('refuses a code (or token pair) used twice with a catalogued error, not a 500', async () => {
    const payload = t.payload(t.user);
    mobileUser(await signIn(t, payload));
    const again = await signIn(t, payload);
    if (t.type === 'qq:mobile' || t.type === 'weibo:mobile') {
      // QQ and Weibo give the app an access token, not a code: it stays valid, and signs in the same user again.
      expect(again.statusCode).toBe(200);
      return;
    }
    expectMobileRefused(again, 5000015);
  });

  it('refuses an empty payload as an unusable code', async () => {
    expectMobileRefused(await signIn(t, {}), 5000015);
  });
});

describe('what each vendor checks on the mobile path', () => {
  it('QQ and Weibo: a token issued to another application is refused (token substitution)', async () => {
    const before = await userCount(gh);
    expectMobileRefused(await signIn(typeOf('qq:mobile'), { access_token: qq.mobileToken('101000666', 'quinn') }), 5000015);
    expectMobileRefused(await signIn(typeOf('weibo:mobile'), { access_token: weibo.mobileToken('3000000666', 'wendy') }), 5000015);
    expect(await userCount(gh)).toBe(before);
  });

  it('Baidu: the SDK access token signs in the same user as its code', async () => {
    const t = typeOf('baidu:mobile');
    const viaCode = mobileUser(await signIn(t, { code: baidu.mobileCode(BAIDU.apiKey, 'bai') }));
    expect(mobileUser(await signIn(t, { access_token: baidu.mobileToken(BAIDU.apiKey, 'bai') }))).toBe(viaCode);
  });

  it('Douyin mini program: the phone decrypted with the session key is verified; a bad app secret is refused', async () => {
    const t = typeOf('douyin:miniprogram:default');
    // A new user (tom): the phone goes onto the account when it is created.
    const login = douyin.ttLogin(DOUYIN_MINI.appId, 'tom');
    const r = await mobileSignIn(gh, conns['douyin-mini']!, 'douyin_mini_program_code_and_phone', 'douyinMiniProgramCodeAndPhonePayload', { loginParams: { code: login.code }, phoneParams: login.phoneData() });
    const userId = mobileUser(r);
    expect(await userOf(mc, userId)).toMatchObject({ phoneVerified: true, phone: expect.stringMatching(/13600000007$/) });
    // Phone data stamped for another mini program (watermark.appid) is refused.
    const other = douyin.ttLogin(DOUYIN_MINI.appId, 'tom');
    expectMobileRefused(await mobileSignIn(gh, conns['douyin-mini']!, 'douyin_mini_program_code_and_phone', 'douyinMiniProgramCodeAndPhonePayload', { loginParams: { code: other.code }, phoneParams: other.phoneData('tt-someone-else') }), 5000016);
    douyin.failNextMini('/api/apps/v2/jscode2session', '40017');
    expectMobileRefused(await signIn(t, t.payload('tina')), 5000015);
  });

  it('Yidun: the verified phone is on the user; a request signed with the wrong SecretKey and a Yidun rate limit are catalogued refusals', async () => {
    const t = typeOf('yidun');
    const userId = mobileUser(await signIn(t, yidun.issueTokens('13812345678')));
    expect(await userOf(mc, userId)).toMatchObject({ phoneVerified: true, phone: expect.stringMatching(/13812345678$/) });
    // Every check request carried a fresh nonce, a millisecond timestamp and the MD5 signature (the fake re-derives it).
    const checks = yidun.requests.filter((r) => r.path === '/v1/oneclick/check').map((r) => r.form());
    expect(new Set(checks.map((c) => c['nonce'])).size).toBe(checks.length);
    expect(checks.every((c) => /^[0-9a-f]{32}$/.test(c['signature'] ?? '') && c['businessId'] === YIDUN.businessId)).toBe(true);
    const before = await userCount(gh);
    expectMobileRefused(await signIn(t, yidun.issueTokens('13812340000'), 'yidun-badkey'), 5000015); // 410 signature failure
    yidun.failNext('/v1/oneclick/check', '411');
    expectMobileRefused(await signIn(t, yidun.issueTokens('13812340000')), 5000014); // high frequency: try later
    expect(await userCount(gh)).toBe(before);
  });

  it('Yidun: the number of an existing account signs in to that account; another vendor\'s verified phone never selects an account', async () => {
    const local = ok(await mc.createUser({ phone: '13812349999', phoneCountryCode: '+86', phoneVerified: true } as never)) as { userId: string };
    const before = await userCount(gh);
    expect(mobileUser(await signIn(typeOf('yidun'), yidun.issueTokens('13812349999')))).toBe(local.userId);
    expect(await userCount(gh)).toBe(before);
    expect((await identitiesOf(mc, local.userId)).map((i) => i.userIdInIdp)).toContain('+8613812349999');
    // The Douyin mini program's phone is verified too, but it is not the proof of the sign-in: a new account, without the number.
    const holder = ok(await mc.createUser({ phone: '13600000008', phoneCountryCode: '+86', phoneVerified: true } as never)) as { userId: string };
    const tim = douyin.ttLogin(DOUYIN_MINI.appId, 'tim');
    const other = mobileUser(await mobileSignIn(gh, conns['douyin-mini']!, 'douyin_mini_program_code_and_phone', 'douyinMiniProgramCodeAndPhonePayload', { loginParams: { code: tim.code }, phoneParams: tim.phoneData() }));
    expect(other).not.toBe(holder.userId);
    expect((await userOf(mc, other)).phone ?? null).toBeNull();
  });

  it('DingTalk: a legacy SNS code (signed request) signs in the same user; a non-member is refused', async () => {
    const t = typeOf('dingtalk:mobile');
    const userId = mobileUser(await signIn(t, { code: ding.mobileCode(DING.appKey, 'ding') }));
    expect(mobileUser(await signIn(t, { code: ding.mobileCode(DING.appKey, 'ding', true), isSnsCode: true }))).toBe(userId);
    // The SNS code presented as a current code: the exchange refuses it.
    expectMobileRefused(await signIn(t, { code: ding.mobileCode(DING.appKey, 'ding', true) }), 5000015);
    expectMobileRefused(await signIn(t, { code: ding.mobileCode(DING.appKey, 'outsider') }), 5000017);
  });

  it('WeCom: a code issued to another agent and a non-member are refused', async () => {
    const t = typeOf('wechatwork:mobile');
    expectMobileRefused(await signIn(t, { code: wecom.mobileCode('1000666', 'wei') }), 5000015);
    expectMobileRefused(await signIn(t, { code: wecom.mobileCode(WECOM.agentId, 'nobody') }), 5000017);
  });

  it('Alipay: getAlipayAuthInfo gives the RSA2-signed authInfo the app SDK starts with; a non-Alipay connection has none', async () => {
    const ac = authClient({ appId: conns['alipay-app']!.appId, appSecret: conns['alipay-app']!.appSecret, host: gh.url });
    const r = (await ac.getAlipayAuthInfo({ extIdpConnidentifier: 'alipay-app' })) as { statusCode: number; data: { authInfo: string } };
    expect(r.statusCode).toBe(200);
    const i = r.data.authInfo.lastIndexOf('&sign=');
    const content = r.data.authInfo.slice(0, i);
    const params = Object.fromEntries(content.split('&').map((kv) => kv.split('=') as [string, string]));
    expect(params).toMatchObject({ app_id: ALIPAY.appId, pid: '2088000000000001', method: 'alipay.open.auth.sdk.code.get', sign_type: 'RSA2', target_id: expect.stringMatching(/^[A-Za-z0-9_-]{1,32}$/) });
    // Signed with the application private key: Alipay verifies it with the public key uploaded (what the fake holds).
    expect(createVerify('RSA-SHA256').update(content, 'utf8').verify(ALIPAY.appPublicKey, decodeURIComponent(r.data.authInfo.slice(i + 6)), 'base64')).toBe(true);
    const qqApp = authClient({ appId: conns['qq-app']!.appId, appSecret: conns['qq-app']!.appSecret, host: gh.url });
    expect(await qqApp.getAlipayAuthInfo({ extIdpConnidentifier: 'qq-app' })).toMatchObject({ statusCode: 400, apiCode: 5000021 });
    expect(await qqApp.getAlipayAuthInfo({ extIdpConnidentifier: 'alipay-app' })).toMatchObject({ apiCode: 5000011 }); // not enabled for this app
  });

  it('Alipay: a gateway answer whose signature does not verify is refused', async () => {
    const t = typeOf('alipay');
    alipay.tamperNext();
    expectMobileRefused(await signIn(t, t.payload('ann')), 5000016);
  });
});
