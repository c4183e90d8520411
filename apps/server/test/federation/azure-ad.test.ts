import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import { startEntraFake, type EntraApp, type EntraFake } from '../../../../packages/connectors/test/fakes/azure-ad.js';
import { ok } from '../support/management.js';
import { startOidcServer, type OidcTestServer } from '../oidc/support.js';
import { connectSource, popupSignIn, userCount } from './support.js';

/**
 * `azure-ad` (Microsoft Entra ID, the seeds' "Microsoft Teams" sign-in) against the Entra fake
 * through GATEHOUSE_UPSTREAM_OVERRIDES (login.microsoftonline.com mapped to the fake, which
 * checks the client secret, redirect URI, PKCE and the authority, and signs real ID tokens):
 * the subject is `tid:oid`, never the mutable email; a tenant outside `allowedTenants` is
 * refused; an attacker tenant asserting a local user's email (nOAuth) gets an account of its
 * own, never the victim's; an ID token for another audience is refused and creates nothing.
 */
const CONTOSO = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const FABRIKAM = 'aaaaaaaa-1111-2222-3333-bbbbbbbbbbbb';
const EVIL = 'eeeeeeee-6666-6666-6666-eeeeeeeeeeee';
const apps: EntraApp[] = [];
const ALICE = { sub: 'alice@contoso.com', oid: '00000000-0000-0000-0000-00000000a11c', tid: CONTOSO, name: 'Alice Contoso', email: 'alice@contoso.com' };
const BOB = { sub: 'bob@fabrikam.com', oid: '00000000-0000-0000-0000-000000000b0b', tid: FABRIKAM, name: 'Bob' };
// nOAuth: the attacker's own tenant, whose admin set the user's email to the victim's address.
const MALLORY = { sub: 'mallory@evil.example', oid: '00000000-0000-0000-0000-00000000bad0', tid: EVIL, name: 'Mallory', email: 'victim@contoso.com' };

let fake: EntraFake;
let gh: OidcTestServer;
let mc: ManagementClient;
let appId = '';

beforeAll(async () => {
  fake = await startEntraFake({ apps, users: [ALICE, BOB, MALLORY] });
  gh = await startOidcServer({ config: { upstreamOverrides: JSON.stringify(fake.overrides) } as never });
  apps.push({ clientId: '11111111-2222-3333-4444-555555555555', clientSecret: 'entra~secret-0123456789', redirectUris: [`${gh.url}/connections/social/entra/callback`], homeTenant: CONTOSO, signInAudience: 'AzureADMultipleOrgs' });
  mc = gh.mgmt();
  ({ appId } = await connectSource(gh, mc, { type: 'azure-ad', identifier: 'entra', displayName: 'Microsoft', fields: { clientId: apps[0]!.clientId, clientSecret: apps[0]!.clientSecret, tenant: 'organizations', allowedTenants: [CONTOSO, EVIL] } }));
}, 90_000);
afterAll(async () => {
  await gh?.close();
  await fake?.close();
});

const signIn = (login: string) => {
  fake.server.nextLogin = login;
  return popupSignIn({ gh, identifier: 'entra', appId, upstreamOrigin: fake.origin });
};

describe('azure-ad through GATEHOUSE_UPSTREAM_OVERRIDES', () => {
  it('signs a new user in keyed by tid:oid, and finds the same user again', async () => {
    const one = await signIn(ALICE.sub);
    expect(one).toMatchObject({ code: 200, data: { userId: expect.any(String) } });
    // Entra's email claim is not a verified attribute: it is not stored as the account's email.
    expect(one.data!.email ?? null).toBeNull();
    expect((await gh.container.repos.users.findById(gh.poolId, one.data!.userId))?.name).toBe('Alice Contoso');
    const two = await signIn(ALICE.sub);
    expect(two.data!.userId).toBe(one.data!.userId);
    expect(ok(await mc.getUserIdentities({ userId: one.data!.userId }))).toEqual([expect.objectContaining({ provider: 'azure-ad', userIdInIdp: `${CONTOSO}:${ALICE.oid}` })]);
  });

  it('refuses a tenant outside allowedTenants, creating nothing', async () => {
    const before = await userCount(gh);
    const r = await signIn(BOB.sub);
    expect(r).toMatchObject({ code: 403, apiCode: 5000017, message: 'federation.not_allowed', data: null });
    expect(await userCount(gh)).toBe(before);
  });

  it("never links by Entra's email: another tenant asserting a local user's address gets its own account (nOAuth)", async () => {
    const victim = ok(await mc.createUser({ email: 'victim@contoso.com', emailVerified: true }));
    const r = await signIn(MALLORY.sub);
    expect(r.code).toBe(200);
    expect(r.data!.userId).not.toBe(victim.userId);
    expect(r.data!.email ?? null).toBeNull();
    expect(ok(await mc.getUserIdentities({ userId: victim.userId }))).toEqual([]);
  });

  it('refuses an ID token issued to another application, creating nothing', async () => {
    const before = await userCount(gh);
    fake.tamperNextIdToken((c) => ({ ...c, aud: '99999999-2222-3333-4444-555555555555', oid: '00000000-0000-0000-0000-0000000000ff' }));
    const r = await signIn(ALICE.sub);
    expect(r).toMatchObject({ code: 401, apiCode: 5000016, message: 'federation.invalid_token', data: null });
    expect(await userCount(gh)).toBe(before);
  });
});
