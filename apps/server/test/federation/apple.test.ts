import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import { SignJWT } from 'jose';
import type { FakeClient } from '../../../../packages/connectors/test/fakes/oauth-core.js';
import { startAppleFake, type AppleFake } from '../../../../packages/connectors/test/fakes/apple.js';
import { ok } from '../support/management.js';
import { Browser, startOidcServer, type OidcTestServer } from '../oidc/support.js';
import { connectSource, deliver, popupMessageOf, popupSignIn, toProvider, userCount } from './support.js';

/**
 * `apple:web` (Sign in with Apple) against the Apple fake through GATEHOUSE_UPSTREAM_OVERRIDES
 * (appleid.apple.com mapped to the fake): the fake answers with `response_mode=form_post` (an
 * auto-submitted cross-site POST to our callback, with the `user` JSON on the first
 * authorization only) and verifies our client secret, an ES256 JWT signed with the team's key.
 * A client secret signed with another key is refused; an `id_token` slipped into the callback
 * POST is never trusted (only the one from the token endpoint, over TLS to Apple, is).
 */
const TEAM = 'TEAM123456';
const KEY_ID = 'KEY1234567';
const teamKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = (k: typeof teamKey) => k.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const SERVICES_ID = 'com.example.gatehouse';
const ALICE = { sub: '001234.abcdef0123456789abcdef0123456789.0123', email: 'x7k2m9@privaterelay.appleid.com', isPrivateEmail: true, firstName: 'Alice', lastName: 'Apple' };
const BOB = { sub: '001234.fedcba9876543210fedcba9876543210.0456', email: 'bob@icloud.com', firstName: 'Bob', lastName: 'B' };

const clients: FakeClient[] = [];
let fake: AppleFake;
let gh: OidcTestServer;
let mc: ManagementClient;
let appId = '';
let badAppId = '';

beforeAll(async () => {
  fake = await startAppleFake({ teamId: TEAM, keys: { [KEY_ID]: teamKey.publicKey.export({ type: 'spki', format: 'pem' }).toString() }, clients, users: [ALICE, BOB] });
  gh = await startOidcServer({ config: { upstreamOverrides: JSON.stringify(fake.overrides) } as never });
  clients.push({ clientId: SERVICES_ID, redirectUris: [`${gh.url}/connections/social/apple/callback`, `${gh.url}/connections/social/apple-wrong-key/callback`] });
  mc = gh.mgmt();
  ({ appId } = await connectSource(gh, mc, { type: 'apple:web', idpType: 'apple', identifier: 'apple', displayName: 'Apple', fields: { clientId: SERVICES_ID, teamId: TEAM, keyId: KEY_ID, privateKey: pem(teamKey) } }));
  ({ appId: badAppId } = await connectSource(gh, mc, { type: 'apple:web', idpType: 'apple', identifier: 'apple-wrong-key', displayName: 'Apple (wrong key)', fields: { clientId: SERVICES_ID, teamId: TEAM, keyId: KEY_ID, privateKey: pem(otherKey) } }));
}, 90_000);
afterAll(async () => {
  await gh?.close();
  await fake?.close();
});

describe('apple through GATEHOUSE_UPSTREAM_OVERRIDES', () => {
  it('signs in through the form_post callback with a client-secret JWT; the name comes from the first authorization only', async () => {
    fake.server.nextLogin = ALICE.sub;
    const b = new Browser();
    const back = await toProvider(b, { gh, start: `${gh.url}/connections/social/apple?app_id=${appId}`, upstreamOrigin: fake.origin });
    // Apple POSTs the answer (name and email scopes need form_post), with the user JSON the first time.
    expect(back.form?.action).toBe(`${gh.url}/connections/social/apple/callback`);
    expect(JSON.parse(back.form!.fields['user']!)).toMatchObject({ name: { firstName: 'Alice', lastName: 'Apple' } });
    const one = await popupMessageOf(await deliver(b, back));
    expect(one).toMatchObject({ code: 200, data: { email: ALICE.email } });
    expect(fake.clientSecrets.at(-1)).toEqual({ ok: true });
    const user = await gh.container.repos.users.findById(gh.poolId, one.data!.userId);
    expect(user).toMatchObject({ email: ALICE.email, email_verified: 1, given_name: 'Alice', family_name: 'Apple' });

    fake.server.nextLogin = ALICE.sub;
    const two = await popupSignIn({ gh, identifier: 'apple', appId, upstreamOrigin: fake.origin });
    expect(two.data!.userId).toBe(one.data!.userId);
    expect(ok(await mc.getUserIdentities({ userId: one.data!.userId }))).toEqual([expect.objectContaining({ provider: 'apple', userIdInIdp: ALICE.sub })]);
    // The second answer had no user JSON: the name from the first one is kept.
    expect(await gh.container.repos.users.findById(gh.poolId, one.data!.userId)).toMatchObject({ given_name: 'Alice' });
  });

  it('never trusts an id_token slipped into the callback POST', async () => {
    fake.server.nextLogin = BOB.sub;
    const b = new Browser();
    const back = await toProvider(b, { gh, start: `${gh.url}/connections/social/apple?app_id=${appId}`, upstreamOrigin: fake.origin });
    // A self-made token claiming to be Alice (an attacker relaying the form).
    const now = Math.floor(Date.now() / 1000);
    back.form!.fields['id_token'] = await new SignJWT({ iss: 'https://appleid.apple.com', aud: SERVICES_ID, sub: ALICE.sub, email: ALICE.email, email_verified: 'true', iat: now, exp: now + 600 }).setProtectedHeader({ alg: 'ES256', kid: KEY_ID }).sign(otherKey.privateKey);
    const r = await popupMessageOf(await deliver(b, back));
    expect(r).toMatchObject({ code: 200, data: { email: BOB.email } });
    expect(ok(await mc.getUserIdentities({ userId: r.data!.userId }))).toEqual([expect.objectContaining({ userIdInIdp: BOB.sub })]);
  });

  it('a client secret signed with a key Apple does not know is refused, creating nothing', async () => {
    const before = await userCount(gh);
    fake.server.nextLogin = 'x.unknown';
    fake.users.push({ sub: 'x.unknown', email: 'new@icloud.com' });
    const r = await popupSignIn({ gh, identifier: 'apple-wrong-key', appId: badAppId, upstreamOrigin: fake.origin });
    expect(r).toMatchObject({ code: 502, message: 'federation.upstream_refused', data: null });
    expect(fake.clientSecrets.at(-1)).toMatchObject({ ok: false });
    expect(await userCount(gh)).toBe(before);
  });
});
