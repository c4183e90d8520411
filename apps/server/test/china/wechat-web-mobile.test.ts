import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import { startWechatFake, type WechatFake, type WechatFakeApp } from '../../../../packages/connectors/test/fakes/wechat.js';
import { userCount } from '../federation/support.js';
import { startOidcServer, type OidcTestServer } from '../oidc/support.js';
import { ok } from '../support/management.js';
import {
  Browser,
  expectMobileRefused,
  expectRefused,
  expectRefusedPage,
  identitiesOf,
  mobileSignIn,
  mobileUser,
  openCallback,
  overridesOf,
  signedInUser,
  toCallback,
  userOf,
  type ChinaConnection,
} from '../support/china.js';

/**
 * The two WeChat types the other WeChat suites do not sign in with, against the WeChat fake, on
 * SQLite: `wechat:webpage-authorization` (inside the WeChat browser: oauth2/authorize with the
 * parameter order WeChat insists on, snsapi_userinfo) and `wechat:mobile` (a native app's SDK code
 * through the vendor `signInByMobile`, `connection: 'wechat'`). For each: the first sign-in
 * registers the user with the openid and the unionid of the shared Open Platform account, the
 * second finds the same user, and the same WeChat user is one user across both; a spent code or
 * state is refused with a catalogued error; a `loginOnly` connection refuses a WeChat user it has
 * never seen (federation.login_only) and registers nobody.
 */
const apps: WechatFakeApp[] = [
  { appId: 'wxh5000000000001', appSecret: 'h5-secret-1', kind: 'official-account', openPlatform: 'op-acme' },
  { appId: 'wxh5000000000002', appSecret: 'h5-secret-2', kind: 'official-account', openPlatform: 'op-acme' },
  { appId: 'wxapp00000000001', appSecret: 'app-secret-1', kind: 'mobile', openPlatform: 'op-acme' },
  { appId: 'wxapp00000000002', appSecret: 'app-secret-2', kind: 'mobile', openPlatform: 'op-acme' },
];
let fake: WechatFake;
let gh: OidcTestServer;
let mc: ManagementClient;
const conns: Record<string, ChinaConnection> = {};

beforeAll(async () => {
  fake = await startWechatFake({ apps, users: [{ key: 'alice', nickname: '爱丽丝' }, { key: 'bob', nickname: 'Bob' }, { key: 'newcomer' }, { key: 'carol' }, { key: 'dave' }] });
  gh = await startOidcServer({ config: { upstreamOverrides: overridesOf(fake) } as never });
  // WeChat only redirects to the authorisation callback domain registered for the account.
  for (const a of apps) a.redirectDomain = new URL(gh.url).host;
  mc = gh.mgmt();
  // One WeChat source holding every connection, enabled for one application: a WeChat user is one
  // user across its connections by unionid (as in wechat.test.ts).
  const app = (await gh.container.services.applications.create(gh.poolId, { appName: 'WeChat web and app', appType: 'web', redirectUris: ['http://127.0.0.1:1/cb'] } as never)) as { appId: string; appSecret: string };
  const idp = ok(await mc.createExtIdp({ name: 'WeChat', type: 'wechat' as never }));
  const add = async (type: string, identifier: string, wx: WechatFakeApp, loginOnly = false) => {
    const conn = ok(await mc.createExtIdpConn({ extIdpId: idp.id, type: type as never, identifier, displayName: identifier, fields: { appId: wx.appId, appSecret: wx.appSecret }, ...(loginOnly ? { loginOnly } : {}) }));
    ok(await mc.changeExtIdpConnState({ id: conn.id, enabled: true, appId: app.appId }));
    conns[identifier] = { identifier, appId: app.appId, appSecret: app.appSecret, connId: conn.id, extIdpId: idp.id };
  };
  await add('wechat:webpage-authorization', 'wxh5', apps[0]!);
  await add('wechat:webpage-authorization', 'wxh5only', apps[1]!, true);
  await add('wechat:mobile', 'wxapp', apps[2]!);
  await add('wechat:mobile', 'wxapponly', apps[3]!, true);
}, 120_000);
afterAll(async () => {
  await gh?.close();
  await fake?.close();
});

async function webpageRoundTrip(identifier: string, user: string) {
  fake.signInAs(user);
  const b = new Browser();
  const cb = await toCallback(gh, b, conns[identifier]!, fake.origin);
  return { b, cb, message: await openCallback(b, cb) };
}
const appSignIn = (identifier: string, code: string) => mobileSignIn(gh, conns[identifier]!, 'wechat', 'wechatPayload', { code });

describe('wechat:webpage-authorization: inside the WeChat browser', () => {
  it('sends the browser to oauth2/authorize in the order WeChat requires; the first sign-in registers, the second finds the user', async () => {
    const before = await userCount(gh);
    const first = await webpageRoundTrip('wxh5', 'alice');
    // The fake refuses any other parameter order, so reaching the callback proves it; the scope is the default.
    const authorize = fake.requests.filter((r) => r.path === '/connect/oauth2/authorize').at(-1)!;
    expect(authorize.queryOrder.slice(0, 5)).toEqual(['appid', 'redirect_uri', 'response_type', 'scope', 'state']);
    expect(authorize.query['scope']).toBe('snsapi_userinfo');
    const userId = signedInUser(first.message);
    expect(await userCount(gh)).toBe(before + 1);
    const ids = await identitiesOf(mc, userId);
    // With an Open Platform account behind it, WeChat's unionid is the identity (an openid differs per app).
    expect(ids.find((i) => i.type === 'unionid')?.userIdInIdp).toBe(fake.unionidOf(apps[0]!.appId, 'alice'));
    expect(ids.find((i) => i.type === 'generic')?.userIdInIdp).toBe(fake.unionidOf(apps[0]!.appId, 'alice'));
    expect(await userOf(mc, userId)).toMatchObject({ nickname: '爱丽丝' });

    expect(signedInUser((await webpageRoundTrip('wxh5', 'alice')).message)).toBe(userId);
    expect(await userCount(gh)).toBe(before + 1);
  });

  it('refuses a replayed callback and a spent code in a new sign-in, with catalogued errors', async () => {
    const first = await webpageRoundTrip('wxh5', 'bob');
    signedInUser(first.message);
    await expectRefusedPage(await first.b.fetch(first.cb.toString()), 'federation.state_invalid');
    fake.signInAs('bob');
    const b = new Browser();
    const cb = await toCallback(gh, b, conns['wxh5']!, fake.origin);
    cb.searchParams.set('code', first.cb.searchParams.get('code')!);
    expectRefused(await openCallback(b, cb), 'federation.upstream_refused', 5000015);
  });

  it('a loginOnly connection refuses a WeChat user it has never seen, and registers nobody', async () => {
    const before = await userCount(gh);
    expectRefused((await webpageRoundTrip('wxh5only', 'carol')).message, 'federation.login_only', 5000018);
    expect(await userCount(gh)).toBe(before);
  });
});

describe('wechat:mobile: a native app through signInByMobile', () => {
  it('the first sign-in registers, the second finds the user, and the unionid makes it the same user as in the WeChat browser', async () => {
    const before = await userCount(gh);
    const userId = mobileUser(await appSignIn('wxapp', fake.issueSnsCode(apps[2]!.appId, 'newcomer')));
    expect(await userCount(gh)).toBe(before + 1);
    expect((await identitiesOf(mc, userId)).find((i) => i.type === 'unionid')?.userIdInIdp).toBe(fake.unionidOf(apps[2]!.appId, 'newcomer'));
    expect(mobileUser(await appSignIn('wxapp', fake.issueSnsCode(apps[2]!.appId, 'newcomer')))).toBe(userId);
    // alice signed in through the WeChat browser above: the app finds her by unionid.
    const alice = signedInUser((await webpageRoundTrip('wxh5', 'alice')).message);
    expect(mobileUser(await appSignIn('wxapp', fake.issueSnsCode(apps[2]!.appId, 'alice')))).toBe(alice);
    expect(await userCount(gh)).toBe(before + 1);
  });

  it('refuses a code used twice, a code of another app, and an empty payload, with catalogued errors', async () => {
    const code = fake.issueSnsCode(apps[2]!.appId, 'bob');
    mobileUser(await appSignIn('wxapp', code));
    expectMobileRefused(await appSignIn('wxapp', code), 5000015);
    expectMobileRefused(await appSignIn('wxapp', fake.issueSnsCode(apps[0]!.appId, 'bob')), 5000015);
    expectMobileRefused(await mobileSignIn(gh, conns['wxapp']!, 'wechat', 'wechatPayload', {}), 5000015);
  });

  it('a loginOnly connection refuses a WeChat user it has never seen, and registers nobody', async () => {
    const before = await userCount(gh);
    expectMobileRefused(await appSignIn('wxapponly', fake.issueSnsCode(apps[3]!.appId, 'dave')), 5000018);
    expect(await userCount(gh)).toBe(before);
  });
});
