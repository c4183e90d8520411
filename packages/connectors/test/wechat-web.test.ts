/**
 * `wechat:pc`, `wechat:webpage-authorization` and `wechat:mobile` against the WeChat fake: the
 * browser leg goes to the fake's authorise pages through the origin overrides, the code exchange
 * and userinfo calls to its API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wechatMobile, wechatPc, wechatWebpage } from '../src/index.js';
import { startWechatFake, type WechatFake } from './fakes/wechat.js';
import { expectConnectorError } from './helpers/deps.js';
import { AUTH_REQUEST, socialDeps, visit } from './helpers/social-china.js';

const REDIRECT = 'https://login.example.com/connections/social/wechat-pc/callback';
const WEB_REDIRECT = 'https://m.example.com/connections/social/wechat-h5/callback';

let fake: WechatFake;
beforeAll(async () => {
  fake = await startWechatFake({
    apps: [
      { appId: 'wxweb0000000001', appSecret: 'web-secret', kind: 'website', redirectDomain: 'login.example.com', openPlatform: 'op1' },
      { appId: 'wxmob0000000001', appSecret: 'mob-secret', kind: 'mobile', openPlatform: 'op1' },
      { appId: 'wxoa00000000001', appSecret: 'oa-secret', kind: 'official-account', redirectDomain: 'm.example.com', openPlatform: 'op1' },
      { appId: 'wxweb0000000002', appSecret: 'lone-secret', kind: 'website', redirectDomain: 'login.example.com' },
    ],
    users: [
      { key: 'alice', nickname: '爱丽丝', headimgurl: 'https://thirdwx.qlogo.cn/alice/132' },
      { key: 'bob', nickname: 'Bob' },
      { key: 'snap', nickname: 'snapshot', snapshot: true },
    ],
  });
});
afterAll(() => fake.close());

const pcConfig = { appId: 'wxweb0000000001', appSecret: 'web-secret' };
const pc = () => wechatPc.create(pcConfig, socialDeps(fake.overrides));

async function pcCode(user = 'alice') {
  fake.signInAs(user);
  const connector = pc();
  const url = await connector.authorizationUrl({ ...AUTH_REQUEST, redirectUri: REDIRECT });
  const res = await visit(url, fake.overrides);
  expect(res.status).toBe(302);
  return { connector, params: res.params };
}

describe('wechat:pc', () => {
  it('builds the qrconnect link in the order WeChat requires, with #wechat_redirect', async () => {
    const url = await pc().authorizationUrl({ ...AUTH_REQUEST, redirectUri: REDIRECT });
    expect(url).toBe(
      `https://open.weixin.qq.com/connect/qrconnect?appid=wxweb0000000001&redirect_uri=${encodeURIComponent(REDIRECT)}&response_type=code&scope=snsapi_login&state=${AUTH_REQUEST.state}#wechat_redirect`,
    );
  });

  it('signs in: consent → code → sns/oauth2/access_token → sns/userinfo; id is the unionid', async () => {
    const { connector, params } = await pcCode();
    expect(params['state']).toBe(AUTH_REQUEST.state);
    const profile = await connector.handleCallback({ params, redirectUri: REDIRECT, codeVerifier: AUTH_REQUEST.codeVerifier, nonce: AUTH_REQUEST.nonce });
    const unionid = fake.unionidOf('wxweb0000000001', 'alice')!;
    expect(profile).toMatchObject({ id: unionid, unionId: unionid, nickname: '爱丽丝', name: '爱丽丝', picture: 'https://thirdwx.qlogo.cn/alice/132' });
    expect(profile.raw).toMatchObject({ appId: 'wxweb0000000001', openid: fake.openidOf('wxweb0000000001', 'alice'), unionid });
    // no tokens or secrets in what the server stores
    expect(JSON.stringify(profile)).not.toMatch(/access_token|refresh_token|web-secret|at_/);
  });

  it('refuses a used code (40163), an expired code (42003) and a code of another app (40029) as invalid_grant', async () => {
    const { connector, params } = await pcCode();
    const input = { params, redirectUri: REDIRECT, codeVerifier: '', nonce: '' };
    await connector.handleCallback(input);
    expect((await expectConnectorError(connector.handleCallback(input), 'connector.invalid_grant')).vendorDetail).toContain('40163');

    const second = await pcCode();
    fake.advance(301);
    expect((await expectConnectorError(second.connector.handleCallback({ ...input, params: second.params }), 'connector.invalid_grant')).vendorDetail).toContain('42003');

    const foreign = fake.issueSnsCode('wxmob0000000001', 'alice');
    expect((await expectConnectorError(pc().handleCallback({ ...input, params: { code: foreign, state: 'x' } }), 'connector.invalid_grant')).vendorDetail).toContain('40029');
  });

  it('refuses a wrong AppSecret (40125) and an unknown AppID (40013) as auth_failed, without the secret in the detail', async () => {
    const { params } = await pcCode();
    const e = await expectConnectorError(
      wechatPc.create({ ...pcConfig, appSecret: 'wrong-secret' }, socialDeps(fake.overrides)).handleCallback({ params, redirectUri: REDIRECT, codeVerifier: '', nonce: '' }),
      'connector.auth_failed',
    );
    expect(e.vendorDetail).toContain('40125');
    expect(e.message).not.toContain('wrong-secret');
    await expectConnectorError(
      wechatPc.create({ appId: 'wxunknown', appSecret: 'x' }, socialDeps(fake.overrides)).handleCallback({ params: { code: 'abc' }, redirectUri: REDIRECT, codeVerifier: '', nonce: '' }),
      'connector.auth_failed',
    );
  });

  it('the fake refuses a redirect URI outside the registered domain (no code is issued)', async () => {
    fake.signInAs('alice');
    const url = await pc().authorizationUrl({ ...AUTH_REQUEST, redirectUri: 'https://evil.example.net/cb' });
    const res = await visit(url, fake.overrides);
    expect(res.status).toBe(400);
    expect(res.location).toBeUndefined();
  });

  it('maps a refused consent (redirect with state only) to access_denied', async () => {
    fake.refuseNext();
    const url = await pc().authorizationUrl({ ...AUTH_REQUEST, redirectUri: REDIRECT });
    const res = await visit(url, fake.overrides);
    expect(res.params).toEqual({ state: AUTH_REQUEST.state });
    await expectConnectorError(pc().handleCallback({ params: res.params, redirectUri: REDIRECT, codeVerifier: '', nonce: '' }), 'connector.access_denied');
  });

  it('returns the openid as id, without unionId, for an app not bound to an Open Platform account', async () => {
    fake.signInAs('bob');
    const lone = wechatPc.create({ appId: 'wxweb0000000002', appSecret: 'lone-secret' }, socialDeps(fake.overrides));
    const res = await visit(await lone.authorizationUrl({ ...AUTH_REQUEST, redirectUri: REDIRECT }), fake.overrides);
    const profile = await lone.handleCallback({ params: res.params, redirectUri: REDIRECT, codeVerifier: '', nonce: '' });
    expect(profile.id).toBe(fake.openidOf('wxweb0000000002', 'bob'));
    expect(profile.unionId).toBeUndefined();
  });

  it('has no mobile flow', () => {
    expect(pc().handleMobile).toBeUndefined();
    expect(wechatPc.manifest.flows).toEqual(['redirect']);
  });
});

describe('wechat:mobile', () => {
  const mobile = () => wechatMobile.create({ appId: 'wxmob0000000001', appSecret: 'mob-secret' }, socialDeps(fake.overrides));

  it('exchanges the SDK code of wechatPayload; the same person has the same id as on wechat:pc', async () => {
    const profile = await mobile().handleMobile!({ code: fake.issueSnsCode('wxmob0000000001', 'alice') });
    expect(profile.id).toBe(fake.unionidOf('wxmob0000000001', 'alice'));
    expect(profile.raw['openid']).toBe(fake.openidOf('wxmob0000000001', 'alice'));
    expect(profile.raw['openid']).not.toBe(fake.openidOf('wxweb0000000001', 'alice'));
    const { connector, params } = await pcCode('alice');
    expect((await connector.handleCallback({ params, redirectUri: REDIRECT, codeVerifier: '', nonce: '' })).id).toBe(profile.id);
  });

  it('refuses a payload without a code (invalid_grant) and has no redirect flow (invalid_config)', async () => {
    await expectConnectorError(mobile().handleMobile!({}), 'connector.invalid_grant');
    await expectConnectorError(mobile().handleMobile!({ code: 42 }), 'connector.invalid_grant');
    await expectConnectorError(mobile().authorizationUrl({ ...AUTH_REQUEST, redirectUri: REDIRECT }), 'connector.invalid_config');
  });
});

describe('wechat:webpage-authorization', () => {
  const webpage = (scope?: 'snsapi_base' | 'snsapi_userinfo') =>
    wechatWebpage.create({ appId: 'wxoa00000000001', appSecret: 'oa-secret', ...(scope ? { scope } : {}) }, socialDeps(fake.overrides));

  async function signIn(scope: 'snsapi_base' | 'snsapi_userinfo', user = 'alice') {
    fake.signInAs(user);
    const c = webpage(scope);
    const res = await visit(await c.authorizationUrl({ ...AUTH_REQUEST, redirectUri: WEB_REDIRECT }), fake.overrides);
    expect(res.status).toBe(302);
    return c.handleCallback({ params: res.params, redirectUri: WEB_REDIRECT, codeVerifier: '', nonce: '' });
  }

  it('snsapi_userinfo reads the profile; the unionid matches the website login', async () => {
    const profile = await signIn('snsapi_userinfo');
    expect(profile).toMatchObject({ id: fake.unionidOf('wxoa00000000001', 'alice'), nickname: '爱丽丝' });
  });

  it('snsapi_base signs in silently with the ids only (no sns/userinfo call)', async () => {
    const before = fake.requests.filter((r) => r.path === '/sns/userinfo').length;
    const profile = await signIn('snsapi_base');
    expect(profile.id).toBe(fake.unionidOf('wxoa00000000001', 'alice'));
    expect(profile.nickname).toBeUndefined();
    expect(fake.requests.filter((r) => r.path === '/sns/userinfo').length).toBe(before);
  });

  it('the fake refuses a link whose parameters are out of order, as WeChat does', async () => {
    fake.signInAs('alice');
    const url = new URL(await webpage().authorizationUrl({ ...AUTH_REQUEST, redirectUri: WEB_REDIRECT }));
    const reordered = `${url.origin}${url.pathname}?scope=snsapi_userinfo&appid=wxoa00000000001&redirect_uri=${encodeURIComponent(WEB_REDIRECT)}&response_type=code&state=s#wechat_redirect`;
    expect((await visit(reordered, fake.overrides)).status).toBe(400);
  });

  it("refuses WeChat's snapshot-mode virtual user (not_allowed)", async () => {
    await expectConnectorError(signIn('snsapi_userinfo', 'snap'), 'connector.not_allowed');
  });

  it('maps an expired user access token on sns/userinfo (42001) to invalid_grant', async () => {
    const shortLived = await startWechatFake({
      apps: [{ appId: 'wxoa2', appSecret: 's', kind: 'official-account', redirectDomain: 'm.example.com' }],
      users: [{ key: 'alice' }],
      userTokenTtlSeconds: -1,
    });
    try {
      const c = wechatWebpage.create({ appId: 'wxoa2', appSecret: 's' }, socialDeps(shortLived.overrides));
      const e = await expectConnectorError(c.handleCallback({ params: { code: shortLived.issueSnsCode('wxoa2', 'alice') }, redirectUri: WEB_REDIRECT, codeVerifier: '', nonce: '' }), 'connector.invalid_grant');
      expect(e.vendorDetail).toContain('42001');
    } finally {
      await shortLived.close();
    }
  });
});
