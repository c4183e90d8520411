/**
 * `wechatwork:corp:qrconnect` and `wechatwork:mobile` against the WeCom fake, and the WeCom
 * organisation sync against its 3-level tree of 1,000 members.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorErrorCode, OrgSnapshot } from '@gatehouse/connector-kit';
import { createWecomOrgSync, wecom } from '../src/index.js';
import { startWecomFake, WECOM_FAKE_ERRCODES, type WecomFake, type WecomFakeErrcode } from './fakes/wecom.js';
import { generateOrg } from './fakes/org.js';
import { expectConnectorError } from './helpers/deps.js';
import { AUTH_REQUEST, socialDeps, visit } from './helpers/social-china.js';

const CORP = 'ww1234567890abcdef';
const AGENT = { agentId: '1000002', secret: 'agent-secret', redirectDomain: 'login.example.com' };
const CONTACTS = 'contacts-sync-secret';
const REDIRECT = 'https://login.example.com/connections/social/wecom/callback';

let fake: WecomFake; // sign-in
let orgFake: WecomFake; // organisation sync, with WeCom's frequency limit on every 9th call
beforeAll(async () => {
  const org = generateOrg();
  org.members[0]!.userKey = 'alice'; // u00001
  org.members[49]!.userKey = 'dora'; // u00050, inactive
  fake = await startWecomFake({ corpId: CORP, agents: [AGENT, { agentId: '1000003', secret: 'other-agent', redirectDomain: 'other.example.com' }], org });
  orgFake = await startWecomFake({ corpId: CORP, agents: [AGENT], contactSecret: CONTACTS, rateLimitEvery: 9 });
});
afterAll(async () => {
  await fake.close();
  await orgFake.close();
});

const connector = (extra: Record<string, unknown> = {}) => wecom.create({ corpId: CORP, agentId: AGENT.agentId, secret: AGENT.secret, ...extra }, socialDeps(fake.overrides));
const noPkce = { redirectUri: REDIRECT, codeVerifier: '', nonce: '' };

async function scan(user: string, hints?: Record<string, string>) {
  fake.signInAs(user);
  const c = connector();
  const res = await visit(await c.authorizationUrl({ ...AUTH_REQUEST, redirectUri: REDIRECT, ...(hints ? { hints } : {}) }), fake.overrides);
  expect(res.status).toBe(302);
  return { c, params: res.params };
}

describe('wechatwork:corp:qrconnect', () => {
  it('builds the web login link, or the in-client OAuth link for the WeCom browser', async () => {
    const web = new URL(await connector().authorizationUrl({ ...AUTH_REQUEST, redirectUri: REDIRECT }));
    expect(web.origin + web.pathname).toBe('https://login.work.weixin.qq.com/wwlogin/sso/login');
    expect(Object.fromEntries(web.searchParams)).toEqual({ login_type: 'CorpApp', appid: CORP, agentid: AGENT.agentId, redirect_uri: REDIRECT, state: AUTH_REQUEST.state });
    const inApp = await connector().authorizationUrl({ ...AUTH_REQUEST, redirectUri: REDIRECT, hints: { client: 'wecom' } });
    expect(inApp).toMatch(/^https:\/\/open\.weixin\.qq\.com\/connect\/oauth2\/authorize\?appid=ww1234567890abcdef&redirect_uri=.*&response_type=code&scope=snsapi_privateinfo&state=.*&agentid=1000002#wechat_redirect$/);
  });

  it('signs a member in with name, mobile and email (user_ticket); id is the userid', async () => {
    const { c, params } = await scan('alice');
    const profile = await c.handleCallback({ params, ...noPkce });
    expect(profile).toMatchObject({ id: 'u00001', name: '员工1', phone: '+8613910000001', email: 'u00001@corp.example.com', raw: { corpId: CORP, userid: 'u00001' } });
    const inApp = await scan('alice', { client: 'wecom' });
    expect((await inApp.c.handleCallback({ params: inApp.params, ...noPkce })).id).toBe('u00001');
  });

  it('refuses someone who is not a member (openid only) and a disabled member', async () => {
    const outsider = await scan('mallory');
    expect((await expectConnectorError(outsider.c.handleCallback({ params: outsider.params, ...noPkce }), 'connector.not_allowed')).vendorDetail).toContain('not a member');
    const disabled = await scan('dora');
    await expectConnectorError(disabled.c.handleCallback({ params: disabled.params, ...noPkce }), 'connector.not_allowed');
  });

  it('refuses a reused code, a code of another agent, and a wrong secret', async () => {
    const { c, params } = await scan('alice');
    await c.handleCallback({ params, ...noPkce });
    await expectConnectorError(c.handleCallback({ params, ...noPkce }), 'connector.invalid_grant');
    await expectConnectorError(c.handleCallback({ params: { code: fake.mobileCode('1000003', 'alice') }, ...noPkce }), 'connector.invalid_grant');
    await expectConnectorError(connector({ secret: 'wrong' }).handleCallback({ params: { code: fake.mobileCode(AGENT.agentId, 'alice') }, ...noPkce }), 'connector.auth_failed');
  });

  it('the fake refuses a redirect URI outside the trusted domain', async () => {
    fake.signInAs('alice');
    const res = await visit(await connector().authorizationUrl({ ...AUTH_REQUEST, redirectUri: 'https://evil.example.net/cb' }), fake.overrides);
    expect(res.status).toBe(400);
  });

  it('wechatwork:mobile: the SDK code of wechatworkPayload', async () => {
    const profile = await connector().handleMobile!({ code: fake.mobileCode(AGENT.agentId, 'alice') });
    expect(profile.id).toBe('u00001');
    await expectConnectorError(connector().handleMobile!({}), 'connector.invalid_grant');
  });
});

describe('WeCom errcode mapping', () => {
  const EXPECTED: Record<WecomFakeErrcode, ConnectorErrorCode> = {
    '-1': 'connector.unavailable',
    '40001': 'connector.auth_failed',
    '40013': 'connector.auth_failed',
    '40014': 'connector.auth_failed',
    '40029': 'connector.invalid_grant',
    '40056': 'connector.invalid_config',
    '42001': 'connector.auth_failed',
    '45009': 'connector.rate_limited',
    '45033': 'connector.rate_limited',
    '48002': 'connector.invalid_config',
    '50001': 'connector.invalid_config',
    '60011': 'connector.invalid_config',
    '60020': 'connector.invalid_config',
    '60111': 'connector.rejected',
    '60123': 'connector.rejected',
  };
  it('covers every errcode the fake can return', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(WECOM_FAKE_ERRCODES).sort());
  });
  it.each(Object.entries(EXPECTED))('errcode %s → %s', async (code, expected) => {
    fake.failNext('/cgi-bin/user/get', code as WecomFakeErrcode);
    if (code === '40014' || code === '42001') fake.failNext('/cgi-bin/user/get', code as WecomFakeErrcode); // stale twice
    const e = await expectConnectorError(connector().handleMobile!({ code: fake.mobileCode(AGENT.agentId, 'alice') }), expected);
    expect(e.vendorDetail).toContain(`wecom: ${code}`);
  });
  it('refreshes an expired token (42001) once and succeeds', async () => {
    const c = connector();
    await c.handleMobile!({ code: fake.mobileCode(AGENT.agentId, 'alice') });
    const before = fake.stats.tokensIssued;
    fake.advance(7201);
    expect((await c.handleMobile!({ code: fake.mobileCode(AGENT.agentId, 'alice') })).id).toBe('u00001');
    expect(fake.stats.tokensIssued - before).toBe(1);
  });
});

describe('WeCom organisation sync', () => {
  const sleep = async () => {};
  const sync = (extra: Record<string, unknown> = {}) => createWecomOrgSync({ corpId: CORP, secret: CONTACTS, ...extra }, socialDeps(orgFake.overrides), { sleep });
  const strip = (s: OrgSnapshot) => ({ departments: s.departments, members: s.members });
  let first: OrgSnapshot;

  it('pulls 13 departments over 3 levels and 1,000 members, backing off on 45009', async () => {
    first = await sync().pull();
    expect(first.departments).toHaveLength(13);
    expect(first.members).toHaveLength(1000);
    expect(first.stats.rateLimitRetries).toBeGreaterThan(0);
    expect(first.departments.filter((d) => d.parentExternalId === null).map((d) => d.externalId)).toEqual(['1']);
    expect(first.departments.filter((d) => d.parentExternalId === '2')).toHaveLength(3);
    expect(first.members.find((m) => m.externalId === 'u00010')!.departmentExternalIds).toHaveLength(2);
    expect(first.members.find((m) => m.externalId === 'u00050')).toMatchObject({ active: false });
    expect(first.members.find((m) => m.externalId === 'u00002')).toMatchObject({ name: '员工2', email: 'user2@example.com', phone: '+8613910000002', active: true });
  });

  it('gets the same result twice, and the same with user/simplelist + user/get', async () => {
    expect(strip(await sync().pull())).toEqual(strip(first));
    const simple = await sync({ members: 'simplelist' }).pull();
    // user/get carries no mobile/email in this fake, as for application secrets: compare the rest
    expect(simple.departments).toEqual(first.departments);
    expect(simple.members.map((m) => [m.externalId, m.name, m.departmentExternalIds, m.active])).toEqual(first.members.map((m) => [m.externalId, m.name, m.departmentExternalIds, m.active]));
  });

  it('syncs a subtree, and drops a member removed upstream', async () => {
    const sub = await sync({ rootDepartmentId: '2' }).pull();
    expect(sub.departments.map((d) => d.externalId)).toEqual(['2', '5', '6', '7']);
    expect(sub.departments[0]!.parentExternalId).toBeNull();
    expect(sub.members.every((m) => m.departmentExternalIds.every((d) => ['2', '5', '6', '7'].includes(d)))).toBe(true);
    orgFake.removeMember('u00777');
    expect((await sync().pull()).members.some((m) => m.externalId === 'u00777')).toBe(false);
  });

  it('fails on a department outside the visible range (60011)', async () => {
    orgFake.failNext('/cgi-bin/department/list', '60011');
    await expectConnectorError(sync().pull(), 'connector.invalid_config');
  });
});
