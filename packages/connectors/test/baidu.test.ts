/** `baidu` and `baidu:mobile` against the Baidu fake. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorErrorCode } from '@gatehouse/connector-kit';
import { baidu } from '../src/index.js';
import { BAIDU_FAKE_ERRORS, startBaiduFake, type BaiduFake, type BaiduFakeError } from './fakes/baidu.js';
import { expectConnectorError } from './helpers/deps.js';
import { AUTH_REQUEST, socialDeps, visit } from './helpers/social-china.js';

const REDIRECT = 'https://login.example.com/connections/social/baidu/callback';
let fake: BaiduFake;
beforeAll(async () => {
  fake = await startBaiduFake({ apps: [{ apiKey: 'bdkey', secretKey: 'bd-secret', redirectDomain: 'login.example.com' }], users: [{ key: 'alice', username: '百度用户' }] });
});
afterAll(() => fake.close());

const connector = (extra: Record<string, unknown> = {}) => baidu.create({ apiKey: 'bdkey', secretKey: 'bd-secret', ...extra }, socialDeps(fake.overrides));
const cb = (params: Record<string, string>, redirectUri = REDIRECT) => ({ params, redirectUri, codeVerifier: '', nonce: '' });
async function consent() {
  fake.signInAs('alice');
  const res = await visit(await connector().authorizationUrl({ ...AUTH_REQUEST, redirectUri: REDIRECT }), fake.overrides);
  expect(res.status).toBe(302);
  return res.params;
}

describe('baidu', () => {
  it('signs in; id is the unionid, the openid kept', async () => {
    const profile = await connector().handleCallback(cb(await consent()));
    expect(profile).toMatchObject({ id: fake.unionidOf('alice'), unionId: fake.unionidOf('alice'), nickname: '百度用户', picture: 'https://himg.bdimg.com/sys/portrait/item/aliceportrait', raw: { openid: fake.openidOf('bdkey', 'alice') } });
  });

  it('refuses a reused code and another redirect_uri', async () => {
    const params = await consent();
    await connector().handleCallback(cb(params));
    await expectConnectorError(connector().handleCallback(cb(params)), 'connector.invalid_grant');
    await expectConnectorError(connector().handleCallback(cb(await consent(), 'https://login.example.com/elsewhere')), 'connector.invalid_config');
    await expectConnectorError(connector({ secretKey: 'x' }).handleCallback(cb(await consent())), 'connector.auth_failed');
  });

  it('baidu:mobile takes the code (oob redirect) first, else the access token', async () => {
    expect((await connector().handleMobile!({ code: fake.mobileCode('bdkey', 'alice'), access_token: 'ignored' })).id).toBe(fake.unionidOf('alice'));
    expect((await connector().handleMobile!({ access_token: fake.mobileToken('bdkey', 'alice') })).id).toBe(fake.unionidOf('alice'));
    await expectConnectorError(connector().handleMobile!({}), 'connector.invalid_grant');
  });

  const EXPECTED: Record<BaiduFakeError, ConnectorErrorCode> = {
    invalid_client: 'connector.auth_failed',
    invalid_grant: 'connector.invalid_grant',
    redirect_uri_mismatch: 'connector.invalid_config',
    '18': 'connector.rate_limited',
    '110': 'connector.invalid_grant',
    '111': 'connector.invalid_grant',
  };
  it('covers every error the fake can return', () => expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(BAIDU_FAKE_ERRORS).sort()));
  it.each(Object.entries(EXPECTED))('error %s → %s', async (code, expected) => {
    fake.failNext(/^\d+$/.test(code) ? '/rest/2.0/passport/users/getInfo' : '/oauth/2.0/token', code as BaiduFakeError);
    const e = await expectConnectorError(connector().handleMobile!({ code: fake.mobileCode('bdkey', 'alice') }), expected);
    expect(e.vendorDetail).toContain(code);
  });
  it('maps an expired token (111) naturally', async () => {
    const token = fake.mobileToken('bdkey', 'alice');
    fake.advance(7201);
    expect((await expectConnectorError(connector().handleMobile!({ access_token: token }), 'connector.invalid_grant')).vendorDetail).toContain('111');
  });
});
