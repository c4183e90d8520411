/**
 * `dingtalk` and `dingtalk:mobile` against the DingTalk fake: consent with `authCode`, the
 * current OAuth APIs, the membership check, the legacy signed SNS code, and every error the fake
 * can answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorErrorCode } from '@gatehouse/connector-kit';
import { dingtalk } from '../src/index.js';
import { DINGTALK_FAKE_API_ERRORS, DINGTALK_FAKE_OAPI_ERRCODES, startDingtalkFake, type DingtalkFake, type DingtalkFakeApiError, type DingtalkFakeOapiErrcode } from './fakes/dingtalk.js';
import { generateOrg } from './fakes/org.js';
import { expectConnectorError } from './helpers/deps.js';
import { AUTH_REQUEST, socialDeps, visit } from './helpers/social-china.js';

const REDIRECT = 'https://login.example.com/connections/social/dingtalk/callback';
const APP = { corpId: 'dingcorp000001', agentId: '2000001', appKey: 'dingappkey001', appSecret: 'dt-secret' };

let fake: DingtalkFake;
beforeAll(async () => {
  const org = generateOrg({ members: 30 });
  org.members[0]!.userKey = 'alice';
  fake = await startDingtalkFake({
    apps: [{ appKey: APP.appKey, appSecret: APP.appSecret, corpId: APP.corpId, redirectDomain: 'login.example.com' }],
    users: [
      { key: 'alice', nick: '钉小蜜', mobile: '13700000001', email: 'alice@example.com' },
      { key: 'mallory', nick: 'outsider' },
      { key: 'wanderer', nick: 'other org', corpId: 'dingcorp999999' },
    ],
    org,
  });
});
afterAll(() => fake.close());

const connector = (extra: Record<string, unknown> = {}) => dingtalk.create({ ...APP, ...extra }, socialDeps(fake.overrides));
const noPkce = { redirectUri: REDIRECT, codeVerifier: '', nonce: '' };

async function consent(user: string, extra: Record<string, unknown> = {}) {
  fake.signInAs(user);
  const c = connector(extra);
  const res = await visit(await c.authorizationUrl({ ...AUTH_REQUEST, redirectUri: REDIRECT }), fake.overrides);
  expect(res.status).toBe(302);
  return { c, params: res.params };
}

describe('dingtalk (QR / browser)', () => {
  it('builds the login.dingtalk.com/oauth2/auth link', async () => {
    const url = new URL(await connector().authorizationUrl({ ...AUTH_REQUEST, redirectUri: REDIRECT }));
    expect(url.origin + url.pathname).toBe('https://login.dingtalk.com/oauth2/auth');
    expect(Object.fromEntries(url.searchParams)).toEqual({ redirect_uri: REDIRECT, response_type: 'code', client_id: APP.appKey, scope: 'openid corpid', state: AUTH_REQUEST.state, prompt: 'consent' });
  });

  it('signs a member in from the authCode callback: id is the unionId, raw.userid the member id', async () => {
    const { c, params } = await consent('alice');
    expect(params['authCode']).toBeTruthy();
    expect(params['code']).toBeUndefined();
    const profile = await c.handleCallback({ params, ...noPkce });
    expect(profile).toMatchObject({ id: fake.unionIdOf('alice'), unionId: fake.unionIdOf('alice'), name: '钉小蜜', email: 'alice@example.com', phone: '+8613700000001', raw: { userid: 'u00001', corpId: APP.corpId } });
    expect(profile.emailVerified).toBeUndefined();
    expect(JSON.stringify(profile)).not.toMatch(/accessToken|dt-secret/);
  });

  it('also accepts the code under `code`', async () => {
    const { c, params } = await consent('alice');
    const profile = await c.handleCallback({ params: { code: params['authCode']!, state: params['state']! }, ...noPkce });
    expect(profile.id).toBe(fake.unionIdOf('alice'));
  });

  it('refuses a DingTalk user outside the organisation (60121 → not_allowed), unless membersOnly is off', async () => {
    const { c, params } = await consent('mallory');
    expect((await expectConnectorError(c.handleCallback({ params, ...noPkce }), 'connector.not_allowed')).vendorDetail).toContain('60121');
    const open = await consent('mallory', { membersOnly: false });
    const profile = await open.c.handleCallback({ params: open.params, ...noPkce });
    expect(profile.raw['userid']).toBeUndefined();
  });

  it('refuses a token for another organisation', async () => {
    const { c, params } = await consent('wanderer');
    await expectConnectorError(c.handleCallback({ params, ...noPkce }), 'connector.not_allowed');
  });

  it('refuses a reused authCode, a wrong AppSecret, and a refused consent', async () => {
    const { c, params } = await consent('alice');
    await c.handleCallback({ params, ...noPkce });
    await expectConnectorError(c.handleCallback({ params, ...noPkce }), 'connector.invalid_grant');
    const second = await consent('alice');
    await expectConnectorError(connector({ appSecret: 'nope' }).handleCallback({ params: second.params, ...noPkce }), 'connector.auth_failed');
    fake.refuseNext();
    const res = await visit(await connector().authorizationUrl({ ...AUTH_REQUEST, redirectUri: REDIRECT }), fake.overrides);
    await expectConnectorError(connector().handleCallback({ params: res.params, ...noPkce }), 'connector.access_denied');
  });

  it('the fake refuses a redirect URI outside the registered domain', async () => {
    fake.signInAs('alice');
    const res = await visit(await connector().authorizationUrl({ ...AUTH_REQUEST, redirectUri: 'https://elsewhere.example.org/cb' }), fake.overrides);
    expect(res.status).toBe(400);
  });
});

describe('dingtalk:mobile', () => {
  it('exchanges the mobile code like the browser one', async () => {
    const profile = await connector().handleMobile!({ code: fake.mobileCode(APP.appKey, 'alice') });
    expect(profile.id).toBe(fake.unionIdOf('alice'));
  });

  it('isSnsCode: signs sns/getuserinfo_bycode with HMAC-SHA256 over the timestamp', async () => {
    const profile = await connector().handleMobile!({ code: fake.mobileCode(APP.appKey, 'alice', true), isSnsCode: true });
    expect(profile).toMatchObject({ id: fake.unionIdOf('alice'), raw: { userid: 'u00001' } });
    const req = fake.requests.filter((r) => r.path === '/sns/getuserinfo_bycode').at(-1)!;
    expect(req.query['accessKey']).toBe(APP.appKey);
  });

  it('maps a wrong signature (853002) to auth_failed and a used SNS code (40078) to invalid_grant', async () => {
    await expectConnectorError(connector({ appSecret: 'wrong' }).handleMobile!({ code: fake.mobileCode(APP.appKey, 'alice', true), isSnsCode: true }), 'connector.auth_failed');
    const code = fake.mobileCode(APP.appKey, 'alice', true);
    await connector().handleMobile!({ code, isSnsCode: true });
    await expectConnectorError(connector().handleMobile!({ code, isSnsCode: true }), 'connector.invalid_grant');
  });

  it('refuses a payload without code', async () => {
    await expectConnectorError(connector().handleMobile!({ isSnsCode: true }), 'connector.invalid_grant');
  });
});

describe('dingtalk errors', () => {
  const API: Record<DingtalkFakeApiError, ConnectorErrorCode> = {
    invalidClientIdOrSecret: 'connector.auth_failed',
    'invalidParameter.authCode.notFound': 'connector.invalid_grant',
    InvalidAuthentication: 'connector.invalid_grant',
    'Forbidden.AccessDenied.AccessTokenPermissionDenied': 'connector.invalid_config',
    'Forbidden.AccessDenied.QpsLimitForApi': 'connector.rate_limited',
    ServiceUnavailable: 'connector.unavailable',
  };
  const OAPI: Record<DingtalkFakeOapiErrcode, ConnectorErrorCode> = {
    '-1': 'connector.unavailable',
    '40014': 'connector.auth_failed',
    '42001': 'connector.auth_failed',
    '40035': 'connector.invalid_config',
    '40078': 'connector.invalid_grant',
    '60003': 'connector.rejected',
    '60011': 'connector.invalid_config',
    '60020': 'connector.invalid_config',
    '60121': 'connector.not_allowed',
    '853002': 'connector.auth_failed',
    '90018': 'connector.rate_limited',
  };

  it('covers every error the fake can return', () => {
    expect(Object.keys(API).sort()).toEqual(Object.keys(DINGTALK_FAKE_API_ERRORS).sort());
    expect(Object.keys(OAPI).sort()).toEqual(Object.keys(DINGTALK_FAKE_OAPI_ERRCODES).sort());
  });

  it.each(Object.entries(API))('HTTP error code %s → %s', async (code, expected) => {
    fake.failNextApi('/v1.0/oauth2/userAccessToken', code as DingtalkFakeApiError);
    const e = await expectConnectorError(connector().handleMobile!({ code: fake.mobileCode(APP.appKey, 'alice') }), expected);
    expect(e.vendorDetail).toContain(code);
  });

  it.each(Object.entries(OAPI))('oapi errcode %s → %s', async (code, expected) => {
    fake.failNextOapi('/topapi/user/getbyunionid', code as DingtalkFakeOapiErrcode);
    if (code === '40014' || code === '42001') fake.failNextOapi('/topapi/user/getbyunionid', code as DingtalkFakeOapiErrcode); // stale twice: the retry fails too
    const e = await expectConnectorError(connector().handleMobile!({ code: fake.mobileCode(APP.appKey, 'alice') }), expected);
    expect(e.vendorDetail).toContain(code);
  });

  it('refreshes an app token DingTalk has expired (42001) once and succeeds', async () => {
    const c = connector();
    await c.handleMobile!({ code: fake.mobileCode(APP.appKey, 'alice') });
    const before = fake.stats.appTokensIssued;
    fake.advance(7201);
    const profile = await c.handleMobile!({ code: fake.mobileCode(APP.appKey, 'alice') });
    expect(profile.raw['userid']).toBe('u00001');
    expect(fake.stats.appTokensIssued - before).toBe(1);
  });
});
