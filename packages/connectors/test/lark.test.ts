/** `lark-internal` and `lark-public` against the Feishu/Lark fake. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorErrorCode } from '@gatehouse/connector-kit';
import { larkInternal, larkPublic } from '../src/index.js';
import { LARK_FAKE_ERRORS, startLarkFake, type LarkFake, type LarkFakeError } from './fakes/lark.js';
import { expectConnectorError } from './helpers/deps.js';
import { AUTH_REQUEST, socialDeps, visit } from './helpers/social-china.js';

const REDIRECT = 'https://login.example.com/connections/social/feishu/callback';
const APP = { appId: 'cli_a1b2c3d4e5', appSecret: 'lark-secret' };
let fake: LarkFake;
beforeAll(async () => {
  fake = await startLarkFake({
    apps: [{ ...APP, redirectUris: [REDIRECT] }],
    users: [
      { key: 'alice', tenantKey: 'tenant-a', name: '飞书用户', email: 'alice@corp.example.com', mobile: '+8613600000001' },
      { key: 'zed', tenantKey: 'tenant-z', name: 'Zed' },
    ],
  });
});
afterAll(() => fake.close());

const internal = (extra: Record<string, unknown> = {}) => larkInternal.create({ ...APP, ...extra }, socialDeps(fake.overrides));

async function consent(user: string, c = internal()) {
  fake.signInAs(user);
  const res = await visit(await c.authorizationUrl({ ...AUTH_REQUEST, redirectUri: REDIRECT }), fake.overrides);
  expect(res.status).toBe(302);
  return { c, params: res.params };
}
const input = (params: Record<string, string>, codeVerifier: string = AUTH_REQUEST.codeVerifier) => ({ params, redirectUri: REDIRECT, codeVerifier, nonce: '' });

describe('lark-internal / lark-public', () => {
  it('builds the authorise link with PKCE S256 on the region host', async () => {
    const url = new URL(await internal().authorizationUrl({ ...AUTH_REQUEST, redirectUri: REDIRECT }));
    expect(url.origin + url.pathname).toBe('https://accounts.feishu.cn/open-apis/authen/v1/authorize');
    expect(url.searchParams.get('code_challenge')).toBe(AUTH_REQUEST.codeChallenge);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    const lark = new URL(await internal({ region: 'lark' }).authorizationUrl({ ...AUTH_REQUEST, redirectUri: REDIRECT }));
    expect(lark.origin).toBe('https://accounts.larksuite.com');
  });

  it('signs in with the PKCE verifier; id is the union_id, tenant and open_id kept', async () => {
    const { c, params } = await consent('alice');
    const profile = await c.handleCallback(input(params));
    expect(profile).toMatchObject({ id: fake.unionIdOf('alice'), unionId: fake.unionIdOf('alice'), name: '飞书用户', email: 'alice@corp.example.com', phone: '+8613600000001', raw: { tenant_key: 'tenant-a', open_id: fake.openIdOf(APP.appId, 'alice') } });
  });

  it('works on the Lark hosts too', async () => {
    const deps = socialDeps(fake.overrides);
    const c = larkInternal.create({ ...APP, region: 'lark' }, deps);
    const { params } = await consent('alice', c);
    expect((await c.handleCallback(input(params))).id).toBe(fake.unionIdOf('alice'));
    expect(deps.http.urls).toEqual(['https://open.larksuite.com/open-apis/authen/v2/oauth/token', 'https://open.larksuite.com/open-apis/authen/v1/user_info']);
  });

  it('refuses a wrong PKCE verifier (20049), a reused code (20003), an expired code (20004), a wrong secret (20002)', async () => {
    const a = await consent('alice');
    expect((await expectConnectorError(a.c.handleCallback(input(a.params, 'x'.repeat(43))), 'connector.invalid_grant')).vendorDetail).toContain('20049');
    const b = await consent('alice');
    await b.c.handleCallback(input(b.params));
    expect((await expectConnectorError(b.c.handleCallback(input(b.params)), 'connector.invalid_grant')).vendorDetail).toContain('20003');
    const d = await consent('alice');
    fake.advance(301);
    expect((await expectConnectorError(d.c.handleCallback(input(d.params)), 'connector.invalid_grant')).vendorDetail).toContain('20004');
    const e = await consent('alice');
    await expectConnectorError(internal({ appSecret: 'bad' }).handleCallback(input(e.params)), 'connector.auth_failed');
  });

  it('lark-public admits only the allowed tenants', async () => {
    const store = larkPublic.create({ ...APP, allowedTenantKeys: ['tenant-a'] }, socialDeps(fake.overrides));
    const ok = await consent('alice', store);
    expect((await store.handleCallback(input(ok.params))).raw['tenant_key']).toBe('tenant-a');
    const other = await consent('zed', store);
    await expectConnectorError(store.handleCallback(input(other.params)), 'connector.not_allowed');
  });

  it('mobile: the client SDK code without PKCE', async () => {
    const profile = await larkPublic.create(APP, socialDeps(fake.overrides)).handleMobile!({ code: fake.mobileCode(APP.appId, 'zed') });
    expect(profile.id).toBe(fake.unionIdOf('zed'));
    expect(larkPublic.manifest.mobileConnections).toEqual(['lark_public']);
  });

  it('the fake refuses a redirect URI that is not registered', async () => {
    fake.signInAs('alice');
    const res = await visit(await internal().authorizationUrl({ ...AUTH_REQUEST, redirectUri: `${REDIRECT}/x` }), fake.overrides);
    expect(res.status).toBe(400);
  });
});

describe('Feishu / Lark error mapping', () => {
  const EXPECTED: Record<LarkFakeError, ConnectorErrorCode> = {
    '20001': 'connector.invalid_config',
    '20002': 'connector.auth_failed',
    '20003': 'connector.invalid_grant',
    '20004': 'connector.invalid_grant',
    '20024': 'connector.invalid_grant',
    '20049': 'connector.invalid_grant',
    '20010': 'connector.not_allowed',
    '20050': 'connector.unavailable',
    '99991400': 'connector.rate_limited',
    '99991668': 'connector.invalid_grant',
    '99991677': 'connector.invalid_grant',
  };
  it('covers every error the fake can return', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(LARK_FAKE_ERRORS).sort());
  });
  it.each(Object.entries(EXPECTED))('code %s → %s', async (code, expected) => {
    const path = code.startsWith('9999') ? '/open-apis/authen/v1/user_info' : '/open-apis/authen/v2/oauth/token';
    fake.failNext(path, code as LarkFakeError);
    const e = await expectConnectorError(internal().handleMobile!({ code: fake.mobileCode(APP.appId, 'alice') }), expected);
    expect(e.vendorDetail).toContain(code);
  });
});
