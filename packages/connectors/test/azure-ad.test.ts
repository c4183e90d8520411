/**
 * Microsoft Entra ID connector against the Entra fake (test/fakes/azure-ad.ts): several
 * tenants, the multi-tenant issuer rule, the tenant allow-list, tid:oid subjects and the nOAuth
 * case (an attacker tenant asserting the victim's email).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { azureAd } from '../src/index.js';
import { MSA_TENANT, startEntraFake, type EntraFake } from './fakes/azure-ad.js';
import { expectConnectorError } from './helpers/deps.js';
import { browse, CALLBACK, newRequest, socialDeps } from './helpers/social.js';

const CONTOSO = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const FABRIKAM = 'aaaaaaaa-1111-2222-3333-bbbbbbbbbbbb';
const EVIL = 'eeeeeeee-6666-6666-6666-eeeeeeeeeeee';
const APP = { clientId: '11111111-2222-3333-4444-555555555555', clientSecret: 'entra~secret', redirectUris: [CALLBACK], homeTenant: CONTOSO, signInAudience: 'AzureADandPersonalMicrosoftAccount' as const };
const SINGLE = { ...APP, clientId: '99999999-2222-3333-4444-555555555555', signInAudience: 'AzureADMyOrg' as const };
const USERS = [
  { sub: 'alice@contoso.com', oid: '00000000-0000-0000-0000-00000000a11c', tid: CONTOSO, name: 'Alice', email: 'alice@contoso.com' },
  { sub: 'bob@fabrikam.com', oid: '00000000-0000-0000-0000-000000000b0b', tid: FABRIKAM, name: 'Bob' },
  // nOAuth: an attacker's own tenant, whose admin set the user's email to the victim's address.
  { sub: 'mallory@evil.example', oid: '00000000-0000-0000-0000-00000000bad0', tid: EVIL, name: 'Mallory', email: 'alice@contoso.com' },
  { sub: 'carol@outlook.com', oid: '00000000-0000-0000-0000-00000000ca01', tid: MSA_TENANT, name: 'Carol', email: 'carol@outlook.com' },
];

describe('azure-ad connector', () => {
  let fake: EntraFake;
  let deps: ReturnType<typeof socialDeps>;
  const config = { clientId: APP.clientId, clientSecret: APP.clientSecret };

  beforeAll(async () => {
    fake = await startEntraFake({ apps: [APP, SINGLE], users: USERS });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    deps = socialDeps(fake.overrides);
  });

  async function signIn(login: string, cfg: Record<string, unknown>) {
    const conn = azureAd.create(cfg as typeof config, deps);
    const req = await newRequest();
    fake.server.nextLogin = login;
    const url = await conn.authorizationUrl(req);
    const back = await browse(url, fake.overrides);
    return { conn, req, url, back, input: { params: back.params, redirectUri: CALLBACK, codeVerifier: req.codeVerifier, nonce: req.nonce } };
  }

  it('uses the configured authority (default organizations) with PKCE and nonce', async () => {
    const req = await newRequest();
    const url = new URL(await azureAd.create(config, deps).authorizationUrl(req));
    expect(url.origin + url.pathname).toBe('https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize');
    expect(url.searchParams.get('scope')).toBe('openid profile email');
    expect(url.searchParams.get('nonce')).toBe(req.nonce);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('response_mode')).toBe('query');
  });

  it('common: the issuer is checked against the token tid; the subject is tid:oid; email is never verified', async () => {
    const { conn, input } = await signIn('alice@contoso.com', { ...config, tenant: 'common' });
    const p = await conn.handleCallback(input);
    expect(p).toMatchObject({ id: `${CONTOSO}:00000000-0000-0000-0000-00000000a11c`, name: 'Alice', email: 'alice@contoso.com', emailVerified: false, username: 'alice@contoso.com' });
    expect(p.raw['iss']).toBe(`https://login.microsoftonline.com/${CONTOSO}/v2.0`);
    expect(azureAd.manifest.trustsVerifiedEmail).toBe(false);
  });

  it('nOAuth: another tenant asserting the same email is a different subject with an unverified email', async () => {
    const victim = await signIn('alice@contoso.com', { ...config, tenant: 'common' });
    const attacker = await signIn('mallory@evil.example', { ...config, tenant: 'common' });
    const a = await victim.conn.handleCallback(victim.input);
    const m = await attacker.conn.handleCallback(attacker.input);
    expect(m.email).toBe(a.email);
    expect(m.id).not.toBe(a.id);
    expect(m.emailVerified).toBe(false);
  });

  it('allowedTenants admits listed tenants only → not_allowed for others', async () => {
    const cfg = { ...config, tenant: 'organizations', allowedTenants: [CONTOSO, FABRIKAM] };
    const bob = await signIn('bob@fabrikam.com', cfg);
    expect((await bob.conn.handleCallback(bob.input)).id).toBe(`${FABRIKAM}:00000000-0000-0000-0000-000000000b0b`);
    const mallory = await signIn('mallory@evil.example', cfg);
    const err = await expectConnectorError(mallory.conn.handleCallback(mallory.input), 'connector.not_allowed');
    expect(err.message).toContain(EVIL);
  });

  it('a single-tenant authority refuses a token whose tid is another tenant', async () => {
    // The fake would not let Bob sign in at Contoso's authority; a token for his tenant replayed
    // into a Contoso connection must still be refused by the connector's own check.
    const s = await signIn('alice@contoso.com', { ...config, tenant: 'common' });
    const conn = azureAd.create({ ...config, tenant: 'common', allowedTenants: [FABRIKAM] }, deps);
    await expectConnectorError(conn.handleCallback(s.input), 'connector.not_allowed');
    const single = await signIn('alice@contoso.com', { ...config, tenant: CONTOSO });
    fake.tamperNextIdToken((c) => ({ ...c, tid: FABRIKAM, iss: `https://login.microsoftonline.com/${FABRIKAM}/v2.0` }));
    await expectConnectorError(single.conn.handleCallback(single.input), 'connector.not_allowed');
  });

  it('consumers admits personal accounts only; organizations refuses them', async () => {
    const carol = await signIn('carol@outlook.com', { ...config, tenant: 'consumers' });
    expect((await carol.conn.handleCallback(carol.input)).id).toBe(`${MSA_TENANT}:00000000-0000-0000-0000-00000000ca01`);
    // The fake keeps personal accounts out of the organizations authority; a token for the MSA
    // tenant arriving there anyway must still be refused by the connector.
    const org = await signIn('alice@contoso.com', { ...config, tenant: 'organizations' });
    fake.tamperNextIdToken((c) => ({ ...c, tid: MSA_TENANT, iss: `https://login.microsoftonline.com/${MSA_TENANT}/v2.0` }));
    await expectConnectorError(org.conn.handleCallback(org.input), 'connector.not_allowed');
    // And a code is redeemable only at the authority that issued it.
    const viaCommon = await signIn('carol@outlook.com', { ...config, tenant: 'common' });
    await expectConnectorError(azureAd.create({ ...config, tenant: 'consumers' }, deps).handleCallback(viaCommon.input), 'connector.invalid_grant');
  });

  it.each([
    ['an issuer for another tenant than tid', (c: Record<string, unknown>) => ({ ...c, iss: `https://login.microsoftonline.com/${FABRIKAM}/v2.0` })],
    ['the template issuer', (c: Record<string, unknown>) => ({ ...c, iss: 'https://login.microsoftonline.com/{tenantid}/v2.0' })],
    ['a v1 issuer', (c: Record<string, unknown>) => ({ ...c, iss: `https://sts.windows.net/${c['tid']}/` })],
    ['an audience of another app', (c: Record<string, unknown>) => ({ ...c, aud: SINGLE.clientId })],
    ['a wrong nonce', (c: Record<string, unknown>) => ({ ...c, nonce: 'other' })],
    ['an expired token', (c: Record<string, unknown>) => ({ ...c, exp: Math.floor(Date.now() / 1000) - 600 })],
    ['a forged signature', (c: Record<string, unknown>) => ({ claims: c, rogue: true as const })],
    ['no oid', (c: Record<string, unknown>) => ({ ...c, oid: undefined })],
  ])('refuses %s → invalid_token', async (_l, tamper) => {
    const s = await signIn('alice@contoso.com', { ...config, tenant: 'common' });
    fake.tamperNextIdToken(tamper);
    await expectConnectorError(s.conn.handleCallback(s.input), 'connector.invalid_token');
  });

  it('the fake enforces the app audience: a single-tenant app cannot be used by other tenants', async () => {
    const conn = azureAd.create({ clientId: SINGLE.clientId, clientSecret: SINGLE.clientSecret, tenant: 'common' }, deps);
    fake.server.nextLogin = 'bob@fabrikam.com';
    await expect(browse(await conn.authorizationUrl(await newRequest()), fake.overrides)).rejects.toThrow(/AADSTS50020/);
  });

  it('provider errors: consent declined, expired/used code, wrong secret, 500, timeout', async () => {
    const cfg = { ...config, tenant: 'common' };
    const denied = await signIn('deny', cfg);
    await expectConnectorError(denied.conn.handleCallback(denied.input), 'connector.access_denied');

    const expired = await signIn('alice@contoso.com', cfg);
    fake.server.expireCodes();
    expect((await expectConnectorError(expired.conn.handleCallback(expired.input), 'connector.invalid_grant')).vendorDetail).toContain('AADSTS70008');

    const used = await signIn('alice@contoso.com', cfg);
    await used.conn.handleCallback(used.input);
    expect((await expectConnectorError(used.conn.handleCallback(used.input), 'connector.invalid_grant')).vendorDetail).toContain('AADSTS54005');

    const other = await signIn('alice@contoso.com', cfg);
    await expectConnectorError(azureAd.create({ ...cfg, clientSecret: 'wrong' }, deps).handleCallback(other.input), 'connector.auth_failed');

    const down = await signIn('alice@contoso.com', cfg);
    fake.failNext(500, '/common/oauth2/v2.0/token');
    await expectConnectorError(down.conn.handleCallback(down.input), 'connector.unavailable');

    deps = socialDeps(fake.overrides);
    const slow = await signIn('alice@contoso.com', { ...cfg, timeoutMs: 300 });
    fake.hangNext('/common/oauth2/v2.0/token');
    await expectConnectorError(slow.conn.handleCallback(slow.input), 'connector.unavailable');
  });

  it('validates the tenant field', () => {
    expect(() => azureAd.create({ ...config, tenant: 'bad tenant/..' }, deps)).toThrow(/invalid_config.*\/tenant/);
    expect(() => azureAd.create({ ...config, allowedTenants: ['not-a-guid'] }, deps)).toThrow(/invalid_config.*\/allowedTenants/);
  });
});
