/** `qq` and `qq:mobile` against the QQ Connect fake. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorErrorCode } from '@gatehouse/connector-kit';
import { qq } from '../src/index.js';
import { QQ_FAKE_ERRORS, startQqFake, type QqFake, type QqFakeError } from './fakes/qq.js';
import { expectConnectorError } from './helpers/deps.js';
import { AUTH_REQUEST, socialDeps, visit } from './helpers/social-china.js';

const REDIRECT = 'https://login.example.com/connections/social/qq/callback';
let fake: QqFake;
beforeAll(async () => {
  fake = await startQqFake({
    apps: [
      { appId: '101000001', appKey: 'qq-key', redirectDomain: 'login.example.com', developer: 'dev1' },
      { appId: '101000002', appKey: 'qq-key-2', redirectDomain: 'login.example.com', developer: 'dev1' },
      { appId: '109999999', appKey: 'attacker', redirectDomain: 'evil.example.net', developer: 'evil' },
    ],
    users: [{ key: 'alice', nickname: 'QQ小企鹅' }],
  });
});
afterAll(() => fake.close());

const connector = (extra: Record<string, unknown> = {}) => qq.create({ appId: '101000001', appKey: 'qq-key', ...extra }, socialDeps(fake.overrides));
const cb = (params: Record<string, string>, redirectUri = REDIRECT) => ({ params, redirectUri, codeVerifier: '', nonce: '' });

async function consent(redirectUri = REDIRECT) {
  fake.signInAs('alice');
  const res = await visit(await connector().authorizationUrl({ ...AUTH_REQUEST, redirectUri }), fake.overrides);
  expect(res.status).toBe(302);
  return res.params;
}

describe('qq', () => {
  it('signs in through authorize → token → me → get_user_info; id is the unionid', async () => {
    const profile = await connector().handleCallback(cb(await consent()));
    expect(profile).toMatchObject({ id: fake.unionidOf('101000001', 'alice'), unionId: fake.unionidOf('101000001', 'alice'), nickname: 'QQ小企鹅', raw: { openid: fake.openidOf('101000001', 'alice') } });
    // one developer's two apps: same unionid, different openids
    expect(fake.unionidOf('101000002', 'alice')).toBe(profile.id);
    expect(fake.requests.every((r) => !r.path.startsWith('/oauth2.0/') || r.path === '/oauth2.0/authorize' || r.query['fmt'] === 'json')).toBe(true);
  });

  it('uses the openid when unionid is not requested', async () => {
    const profile = await connector({ unionId: false }).handleMobile!({ access_token: fake.mobileToken('101000001', 'alice') });
    expect(profile.id).toBe(fake.openidOf('101000001', 'alice'));
    expect(profile.unionId).toBeUndefined();
  });

  it('refuses a reused code (100020), a different redirect_uri at the token call (100010), a wrong key (100009)', async () => {
    const params = await consent();
    await connector().handleCallback(cb(params));
    expect((await expectConnectorError(connector().handleCallback(cb(params)), 'connector.invalid_grant')).vendorDetail).toContain('100020');
    const p2 = await consent();
    await expectConnectorError(connector().handleCallback(cb(p2, `${REDIRECT}?x=1`)), 'connector.invalid_config');
    await expectConnectorError(connector({ appKey: 'nope' }).handleCallback(cb(await consent())), 'connector.auth_failed');
  });

  it('qq:mobile refuses an access token issued to another application (token substitution)', async () => {
    const e = await expectConnectorError(connector().handleMobile!({ access_token: fake.mobileToken('109999999', 'alice') }), 'connector.invalid_grant');
    expect(e.vendorDetail).toContain('another application');
    expect((await connector().handleMobile!({ access_token: fake.mobileToken('101000001', 'alice') })).id).toBe(fake.unionidOf('101000001', 'alice'));
  });

  it('maps an expired token (100014) to invalid_grant', async () => {
    const token = fake.mobileToken('101000001', 'alice');
    fake.advance(7201);
    await expectConnectorError(connector().handleMobile!({ access_token: token }), 'connector.invalid_grant');
  });

  const EXPECTED: Record<QqFakeError, ConnectorErrorCode> = {
    '100009': 'connector.auth_failed',
    '100010': 'connector.invalid_config',
    '100014': 'connector.invalid_grant',
    '100016': 'connector.invalid_grant',
    '100019': 'connector.invalid_grant',
    '100020': 'connector.invalid_grant',
    '100030': 'connector.access_denied',
  };
  it('covers every error the fake can return', () => expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(QQ_FAKE_ERRORS).sort()));
  it.each(Object.entries(EXPECTED))('error %s → %s (OAuth error and OpenAPI ret)', async (code, expected) => {
    fake.failNext('/oauth2.0/me', code as QqFakeError);
    await expectConnectorError(connector().handleMobile!({ access_token: fake.mobileToken('101000001', 'alice') }), expected);
    fake.failNext('/user/get_user_info', code as QqFakeError);
    const e = await expectConnectorError(connector().handleMobile!({ access_token: fake.mobileToken('101000001', 'alice') }), expected);
    expect(e.vendorDetail).toContain(code);
  });
});
