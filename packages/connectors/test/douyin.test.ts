/** `douyin:mobile` (app code and web QR) and `douyin:miniprogram:default` against the Douyin fake. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorErrorCode } from '@gatehouse/connector-kit';
import { douyin, douyinMiniProgram } from '../src/index.js';
import { DOUYIN_FAKE_MINI_ERRORS, DOUYIN_FAKE_OPEN_ERRORS, startDouyinFake, type DouyinFake, type DouyinFakeMiniError, type DouyinFakeOpenError } from './fakes/douyin.js';
import { expectConnectorError } from './helpers/deps.js';
import { AUTH_REQUEST, socialDeps, visit } from './helpers/social-china.js';

const REDIRECT = 'https://login.example.com/connections/social/douyin/callback';
const APP = { clientKey: 'awclient0001', clientSecret: 'dy-secret' };
const MINI = { appId: 'tt0000000001', appSecret: 'mini-secret' };
let fake: DouyinFake;
beforeAll(async () => {
  fake = await startDouyinFake({ apps: [{ ...APP, redirectDomain: 'login.example.com' }], miniPrograms: [MINI, { appId: 'tt0000000002', appSecret: 'x' }], users: [{ key: 'alice', nickname: '抖音用户', phone: '15800000001' }] });
});
afterAll(() => fake.close());

const open = (extra: Record<string, unknown> = {}) => douyin.create({ ...APP, ...extra }, socialDeps(fake.overrides));
const mini = (extra: Record<string, unknown> = {}) => douyinMiniProgram.create({ ...MINI, ...extra }, socialDeps(fake.overrides));

describe('douyin:mobile', () => {
  it('signs in with the app SDK code; id is the union_id', async () => {
    const profile = await open().handleMobile!({ code: fake.mobileCode(APP.clientKey, 'alice') });
    expect(profile).toMatchObject({ id: fake.unionIdOf('alice'), unionId: fake.unionIdOf('alice'), nickname: '抖音用户', raw: { open_id: fake.openIdOf(APP.clientKey, 'alice') } });
  });

  it('signs in on the web through the QR page', async () => {
    fake.signInAs('alice');
    const c = open();
    const res = await visit(await c.authorizationUrl({ ...AUTH_REQUEST, redirectUri: REDIRECT }), fake.overrides);
    expect(res.status).toBe(302);
    expect((await c.handleCallback({ params: res.params, redirectUri: REDIRECT, codeVerifier: '', nonce: '' })).id).toBe(fake.unionIdOf('alice'));
  });

  it('refuses a reused code (10007) and wrong credentials (10013)', async () => {
    const code = fake.mobileCode(APP.clientKey, 'alice');
    await open().handleMobile!({ code });
    await expectConnectorError(open().handleMobile!({ code }), 'connector.invalid_grant');
    await expectConnectorError(open({ clientSecret: 'bad' }).handleMobile!({ code: fake.mobileCode(APP.clientKey, 'alice') }), 'connector.auth_failed');
  });

  const EXPECTED: Record<DouyinFakeOpenError, ConnectorErrorCode> = {
    '10007': 'connector.invalid_grant',
    '10013': 'connector.auth_failed',
    '2100004': 'connector.unavailable',
    '2100005': 'connector.invalid_config',
    '2190002': 'connector.invalid_grant',
    '2190004': 'connector.invalid_config',
    '2190008': 'connector.invalid_grant',
  };
  it('covers every open-platform error the fake can return', () => expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(DOUYIN_FAKE_OPEN_ERRORS).sort()));
  it.each(Object.entries(EXPECTED))('error_code %s → %s', async (code, expected) => {
    fake.failNextOpen('/oauth/userinfo/', code as DouyinFakeOpenError);
    const e = await expectConnectorError(open().handleMobile!({ code: fake.mobileCode(APP.clientKey, 'alice') }), expected);
    expect(e.vendorDetail).toContain(code);
  });
});

describe('douyin:miniprogram:default', () => {
  it('douyin_mini_program_code: tt.login code → session; no session_key in the profile', async () => {
    const profile = await mini().handleMobile!({ code: fake.ttLogin(MINI.appId, 'alice').code });
    expect(profile).toMatchObject({ id: fake.unionIdOf('alice'), raw: { appId: MINI.appId, openid: fake.openIdOf(MINI.appId, 'alice') } });
    expect(JSON.stringify(profile)).not.toMatch(/session_key/);
  });

  it('douyin_mini_program_code_and_phone: the phone decrypts under the session, with the watermark checked', async () => {
    const login = fake.ttLogin(MINI.appId, 'alice');
    const profile = await mini().handleMobile!({ loginParams: { code: login.code }, phoneParams: login.phoneData() });
    expect(profile).toMatchObject({ phone: '+8615800000001', phoneVerified: true });
    const other = fake.ttLogin(MINI.appId, 'alice');
    await expectConnectorError(mini().handleMobile!({ loginParams: { code: other.code }, phoneParams: other.phoneData('tt0000000002') }), 'connector.invalid_token');
    const a = fake.ttLogin(MINI.appId, 'alice');
    const b = fake.ttLogin(MINI.appId, 'alice');
    await expectConnectorError(mini().handleMobile!({ loginParams: { code: b.code }, phoneParams: a.phoneData() }), 'connector.invalid_token');
    await expectConnectorError(mini().handleMobile!({ loginParams: { code: fake.ttLogin(MINI.appId, 'alice').code } }), 'connector.invalid_grant');
  });

  it('decryptData for the program', async () => {
    const login = fake.ttLogin(MINI.appId, 'alice');
    expect(await mini().miniProgram.decryptData({ code: login.code, ...login.phoneData() })).toMatchObject({ purePhoneNumber: '15800000001' });
  });

  const EXPECTED: Record<DouyinFakeMiniError, ConnectorErrorCode> = {
    '-1': 'connector.unavailable',
    '40014': 'connector.invalid_config',
    '40015': 'connector.auth_failed',
    '40017': 'connector.auth_failed',
    '40018': 'connector.invalid_grant',
  };
  it('covers every mini-program error the fake can return', () => expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(DOUYIN_FAKE_MINI_ERRORS).sort()));
  it.each(Object.entries(EXPECTED))('err_no %s → %s', async (code, expected) => {
    fake.failNextMini('/api/apps/v2/jscode2session', code as DouyinFakeMiniError);
    const e = await expectConnectorError(mini().handleMobile!({ code: fake.ttLogin(MINI.appId, 'alice').code }), expected);
    expect(e.vendorDetail).toContain(code);
  });
  it('natural errors: wrong secret (40017), reused code (40018)', async () => {
    await expectConnectorError(mini({ appSecret: 'bad' }).handleMobile!({ code: fake.ttLogin(MINI.appId, 'alice').code }), 'connector.auth_failed');
    const code = fake.ttLogin(MINI.appId, 'alice').code;
    await mini().handleMobile!({ code });
    await expectConnectorError(mini().handleMobile!({ code }), 'connector.invalid_grant');
  });
});
