/**
 * `wechat:miniprogram:default` and `wechat:miniprogram:qrconnect` against the WeChat fake: the
 * fake's `wxLogin()` plays the mini program (a code, and open data encrypted under the session
 * that code starts), `phoneCode()` its getPhoneNumber button.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpClient } from '@gatehouse/connector-kit';
import { wechatMiniProgram, wechatMiniProgramQrConnect, wechatPc } from '../src/index.js';
import { startWechatFake, type WechatFake } from './fakes/wechat.js';
import { expectConnectorError } from './helpers/deps.js';
import { AUTH_REQUEST, socialDeps, visit } from './helpers/social-china.js';

const MP = { appId: 'wxmini000000001', appSecret: 'mini-secret' };
let fake: WechatFake;
beforeAll(async () => {
  fake = await startWechatFake({
    apps: [
      { ...MP, kind: 'miniprogram', openPlatform: 'op1', pages: ['pages/login/confirm'] },
      { appId: 'wxmini000000002', appSecret: 'other', kind: 'miniprogram', openPlatform: 'op1' },
      { appId: 'wxweb0000000001', appSecret: 'web-secret', kind: 'website', redirectDomain: 'login.example.com', openPlatform: 'op1' },
    ],
    users: [
      { key: 'alice', nickname: 'Alice', headimgurl: 'https://thirdwx.qlogo.cn/a', phone: '13912345678' },
      { key: 'risky', highRisk: true },
    ],
  });
});
afterAll(() => fake.close());

const mini = () => wechatMiniProgram.create(MP, socialDeps(fake.overrides));

describe('wechat:miniprogram:default', () => {
  it('wechat_mini_program_code: the wx.login code gives the unionid; session_key is not returned', async () => {
    const login = fake.wxLogin(MP.appId, 'alice');
    const profile = await mini().handleMobile!({ code: login.code });
    const unionid = fake.unionidOf(MP.appId, 'alice')!;
    expect(profile).toMatchObject({ id: unionid, unionId: unionid, raw: { appId: MP.appId, openid: fake.openidOf(MP.appId, 'alice'), unionid } });
    expect(JSON.stringify(profile)).not.toMatch(/session_key|sessionKey/);
    expect(profile.phone).toBeUndefined();
  });

  it('is the same user as the website login with the same unionid', async () => {
    fake.signInAs('alice');
    const pc = wechatPc.create({ appId: 'wxweb0000000001', appSecret: 'web-secret' }, socialDeps(fake.overrides));
    const redirectUri = 'https://login.example.com/cb';
    const res = await visit(await pc.authorizationUrl({ ...AUTH_REQUEST, redirectUri }), fake.overrides);
    const web = await pc.handleCallback({ params: res.params, redirectUri, codeVerifier: '', nonce: '' });
    const fromMini = await mini().handleMobile!({ code: fake.wxLogin(MP.appId, 'alice').code });
    expect(fromMini.id).toBe(web.id);
    expect(fromMini.raw['openid']).not.toBe(web.raw['openid']);
  });

  it('wechat_mini_program_code with legacy user-info open data decrypts it with the session', async () => {
    const login = fake.wxLogin(MP.appId, 'alice');
    const profile = await mini().handleMobile!({ code: login.code, ...login.userInfoData() });
    expect(profile).toMatchObject({ nickname: 'Alice', picture: 'https://thirdwx.qlogo.cn/a', raw: { nickName: 'Alice' } });
  });

  it('wechat_mini_program_phone: legacy phone open data gives a verified phone', async () => {
    const login = fake.wxLogin(MP.appId, 'alice');
    const profile = await mini().handleMobile!({ code: login.code, ...login.phoneData() });
    expect(profile).toMatchObject({ phone: '+8613912345678', phoneCountryCode: '+86', phoneVerified: true });
  });

  it('wechat_mini_program_code_and_phone: {wxLoginInfo, wxPhoneInfo} uses getuserphonenumber', async () => {
    const profile = await mini().handleMobile!({ wxLoginInfo: { code: fake.wxLogin(MP.appId, 'alice').code }, wxPhoneInfo: { code: fake.phoneCode(MP.appId, 'alice') } });
    expect(profile).toMatchObject({ id: fake.unionidOf(MP.appId, 'alice'), phone: '+8613912345678', phoneVerified: true });
  });

  it('refuses a phone whose watermark names another mini program (getuserphonenumber and legacy data)', async () => {
    fake.tamperWatermark('wxmini000000002');
    try {
      const e = await expectConnectorError(
        mini().handleMobile!({ wxLoginInfo: { code: fake.wxLogin(MP.appId, 'alice').code }, wxPhoneInfo: { code: fake.phoneCode(MP.appId, 'alice') } }),
        'connector.invalid_token',
      );
      expect(e.vendorDetail).toContain('watermark');
    } finally {
      fake.tamperWatermark(undefined);
    }
    const login = fake.wxLogin(MP.appId, 'alice');
    await expectConnectorError(mini().handleMobile!({ code: login.code, ...login.phoneData('wxmini000000002') }), 'connector.invalid_token');
  });

  it('refuses open data encrypted under another session, and encryptedData without iv', async () => {
    const a = fake.wxLogin(MP.appId, 'alice');
    const b = fake.wxLogin(MP.appId, 'alice');
    await expectConnectorError(mini().handleMobile!({ code: b.code, ...a.phoneData() }), 'connector.invalid_token');
    const c = fake.wxLogin(MP.appId, 'alice');
    await expectConnectorError(mini().handleMobile!({ code: c.code, encryptedData: c.phoneData().encryptedData }), 'connector.invalid_grant');
  });

  it('maps a reused code (40163), a reused phone code (40163), a high-risk user (40226) and a wrong secret (40125)', async () => {
    const login = fake.wxLogin(MP.appId, 'alice');
    await mini().handleMobile!({ code: login.code });
    expect((await expectConnectorError(mini().handleMobile!({ code: login.code }), 'connector.invalid_grant')).vendorDetail).toContain('40163');

    const phone = fake.phoneCode(MP.appId, 'alice');
    await mini().handleMobile!({ wxLoginInfo: { code: fake.wxLogin(MP.appId, 'alice').code }, wxPhoneInfo: { code: phone } });
    await expectConnectorError(mini().handleMobile!({ wxLoginInfo: { code: fake.wxLogin(MP.appId, 'alice').code }, wxPhoneInfo: { code: phone } }), 'connector.invalid_grant');

    await expectConnectorError(mini().handleMobile!({ code: fake.wxLogin(MP.appId, 'risky').code }), 'connector.not_allowed');
    await expectConnectorError(
      wechatMiniProgram.create({ ...MP, appSecret: 'nope' }, socialDeps(fake.overrides)).handleMobile!({ code: fake.wxLogin(MP.appId, 'alice').code }),
      'connector.auth_failed',
    );
  });

  it('refuses malformed payloads as invalid_grant', async () => {
    for (const payload of [{}, { code: '' }, { wxLoginInfo: 'x', wxPhoneInfo: {} }, { wxLoginInfo: { code: 'a' } }, { code: 'a', iv: 5 }]) {
      await expectConnectorError(mini().handleMobile!(payload), 'connector.invalid_grant');
    }
  });

  it('decryptData (decrypt-wechat-miniprogram-data) and the cached app access token', async () => {
    const login = fake.wxLogin(MP.appId, 'alice');
    const data = await mini().miniProgram.decryptData({ code: login.code, ...login.phoneData() });
    expect(data).toMatchObject({ purePhoneNumber: '13912345678', watermark: { appid: MP.appId } });
    const c = mini();
    const t1 = await c.miniProgram.appAccessToken!();
    const t2 = await c.miniProgram.appAccessToken!();
    expect(t1.accessToken).toBe(t2.accessToken);
  });
});

describe('wechat:miniprogram:qrconnect', () => {
  const qr = (extra: Record<string, unknown> = {}) => wechatMiniProgramQrConnect.create({ ...MP, page: 'pages/login/confirm', ...extra }, socialDeps(fake.overrides));

  it('renders the mini-program code as PNG bytes, and the mini program confirms with its code and phone code', async () => {
    const c = qr();
    const code = await c.miniProgramQr.createLoginCode('q8Jx2LmN0pQr4StUvWxYz');
    expect(code.contentType).toBe('image/png');
    expect(Buffer.from(code.image).subarray(1, 4).toString()).toBe('PNG');
    const sent = fake.requests.filter((r) => r.path === '/wxa/getwxacodeunlimit').at(-1)!.json();
    expect(sent).toMatchObject({ scene: 'q8Jx2LmN0pQr4StUvWxYz', page: 'pages/login/confirm', env_version: 'release', check_path: true, width: 430 });

    const profile = await c.miniProgramQr.acceptConfirmation({ code: fake.wxLogin(MP.appId, 'alice').code, phoneCode: fake.phoneCode(MP.appId, 'alice') });
    expect(profile).toMatchObject({ id: fake.unionidOf(MP.appId, 'alice'), phone: '+8613912345678' });
  });

  it('maps an unpublished page (41030) to invalid_config; trial versions skip the page check', async () => {
    await expectConnectorError(qr({ page: 'pages/draft' }).miniProgramQr.createLoginCode('s1'), 'connector.invalid_config');
    const trial = await qr({ page: 'pages/draft', envVersion: 'trial' }).miniProgramQr.createLoginCode('s1');
    expect(trial.image.length).toBeGreaterThan(8);
  });

  it('refuses a scene WeChat would refuse, before calling it', async () => {
    await expectConnectorError(qr().miniProgramQr.createLoginCode('x'.repeat(33)), 'connector.invalid_config');
    await expectConnectorError(qr().miniProgramQr.createLoginCode('空格 no'), 'connector.invalid_config');
  });

  it('refuses an image that an HttpClient without base64 support mangled (invalid_response)', async () => {
    const deps = socialDeps(fake.overrides);
    // a client that ignores responseEncoding returns the PNG as UTF-8 text
    const http: HttpClient = (url, init) => deps.http(url, { ...init, responseEncoding: 'utf8' } as typeof init);
    const c = wechatMiniProgramQrConnect.create({ ...MP, page: 'pages/login/confirm' }, { ...deps, http });
    await expectConnectorError(c.miniProgramQr.createLoginCode('s2'), 'connector.invalid_response');
  });
});
