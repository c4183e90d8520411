/** `weibo` and `weibo:mobile` against the Weibo fake. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorErrorCode } from '@gatehouse/connector-kit';
import { weibo } from '../src/index.js';
import { startWeiboFake, WEIBO_FAKE_ERRORS, type WeiboFake, type WeiboFakeError } from './fakes/weibo.js';
import { expectConnectorError } from './helpers/deps.js';
import { AUTH_REQUEST, socialDeps, visit } from './helpers/social-china.js';

const REDIRECT = 'https://login.example.com/connections/social/weibo/callback';
let fake: WeiboFake;
beforeAll(async () => {
  fake = await startWeiboFake({
    apps: [
      { appKey: '3000000001', appSecret: 'wb-secret', redirectDomain: 'login.example.com' },
      { appKey: '3999999999', appSecret: 'other', redirectDomain: 'evil.example.net' },
    ],
    users: [{ key: 'alice', uid: '5000000001', screenName: '微博用户' }],
  });
});
afterAll(() => fake.close());

const connector = (extra: Record<string, unknown> = {}) => weibo.create({ appKey: '3000000001', appSecret: 'wb-secret', ...extra }, socialDeps(fake.overrides));
const cb = (params: Record<string, string>, redirectUri = REDIRECT) => ({ params, redirectUri, codeVerifier: '', nonce: '' });
async function consent() {
  fake.signInAs('alice');
  const res = await visit(await connector().authorizationUrl({ ...AUTH_REQUEST, redirectUri: REDIRECT }), fake.overrides);
  expect(res.status).toBe(302);
  return res.params;
}

describe('weibo', () => {
  it('signs in; the id is the uid', async () => {
    const profile = await connector().handleCallback(cb(await consent()));
    expect(profile).toMatchObject({ id: '5000000001', nickname: '微博用户', raw: { uid: '5000000001' } });
    expect(fake.requests.find((r) => r.path === '/oauth2/access_token')!.method).toBe('POST');
  });

  it('refuses a reused code (21325), another redirect_uri (21322), a wrong secret (21324)', async () => {
    const params = await consent();
    await connector().handleCallback(cb(params));
    await expectConnectorError(connector().handleCallback(cb(params)), 'connector.invalid_grant');
    await expectConnectorError(connector().handleCallback(cb(await consent(), `${REDIRECT}/other`)), 'connector.invalid_config');
    await expectConnectorError(connector({ appSecret: 'x' }).handleCallback(cb(await consent())), 'connector.auth_failed');
  });

  it('weibo:mobile checks the token belongs to this App Key', async () => {
    expect((await connector().handleMobile!({ access_token: fake.mobileToken('3000000001', 'alice') })).id).toBe('5000000001');
    await expectConnectorError(connector().handleMobile!({ access_token: fake.mobileToken('3999999999', 'alice') }), 'connector.invalid_grant');
    await expectConnectorError(connector().handleMobile!({ access_token: 'forged' }), 'connector.invalid_grant');
  });

  const EXPECTED: Record<WeiboFakeError, ConnectorErrorCode> = {
    '10023': 'connector.rate_limited',
    '20003': 'connector.rejected',
    '21322': 'connector.invalid_config',
    '21324': 'connector.auth_failed',
    '21325': 'connector.invalid_grant',
    '21327': 'connector.invalid_grant',
    '21332': 'connector.invalid_grant',
  };
  it('covers every error the fake can return', () => expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(WEIBO_FAKE_ERRORS).sort()));
  it.each(Object.entries(EXPECTED))('error_code %s → %s', async (code, expected) => {
    fake.failNext('/2/users/show.json', code as WeiboFakeError);
    const e = await expectConnectorError(connector().handleMobile!({ access_token: fake.mobileToken('3000000001', 'alice') }), expected);
    expect(e.vendorDetail).toContain(code);
  });
});
