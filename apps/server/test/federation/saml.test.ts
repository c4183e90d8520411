import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import { startSamlIdp, type ResponseShape, type SamlIdp, type SamlSpRegistration } from '../../../../packages/connectors/test/fakes/saml-idp.js';
import { ok } from '../support/management.js';
import { startOidcServer, type OidcTestServer } from '../oidc/support.js';
import { connectSource, popupSignIn, userCount } from './support.js';

/**
 * An enterprise `saml` source (Gatehouse as SAML 2.0 SP, @node-saml) against a SAML IdP built
 * in the test with xml-crypto, through GATEHOUSE_UPSTREAM_OVERRIDES (the IdP's https origin
 * mapped to its local port): the HTTP-Redirect AuthnRequest, the HTTP-POST response posted back
 * by the browser, the signed assertion checked. Refused with `federation.invalid_token`, and
 * nothing created: an unsigned assertion, one signed with another key, one for another
 * audience, an expired one, and an assertion ID seen before (replay).
 */
const fixture = (name: string) => readFileSync(new URL(`../../../../packages/connectors/test/fixtures/saml/${name}`, import.meta.url), 'utf8');
const IDP = { baseUrl: 'https://idp.corp.test', entityId: 'https://idp.corp.test/saml/metadata', key: fixture('idp.key'), cert: fixture('idp.crt'), rogueKey: fixture('rogue.key'), rogueCert: fixture('rogue.crt') };
const ALICE = { nameId: 'a1b2c3-persistent', attributes: { mail: 'alice@corp.example', displayName: 'Alice Corp', givenName: 'Alice', sn: 'Corp' } };
const BOB = { nameId: 'b0b-persistent', attributes: { mail: 'bob@corp.example', displayName: 'Bob Corp' } };

const sps: SamlSpRegistration[] = [];
let idp: SamlIdp;
let gh: OidcTestServer;
let mc: ManagementClient;
let appId = '';
let acs = '';

beforeAll(async () => {
  idp = await startSamlIdp({ ...IDP, sps, users: [ALICE, BOB] });
  gh = await startOidcServer({ config: { upstreamOverrides: JSON.stringify(idp.overrides) } as never });
  acs = `${gh.url}/connections/social/corp-saml/callback`;
  // The SP entity ID defaults to the ACS URL (docs/identity-providers.md "saml").
  sps.push({ entityId: acs, acsUrl: acs });
  mc = gh.mgmt();
  ({ appId } = await connectSource(gh, mc, { type: 'saml', identifier: 'corp-saml', displayName: 'Corp SAML', fields: { idpMetadataUrl: idp.metadataUrl } }));
}, 90_000);
afterAll(async () => {
  await gh?.close();
  await idp?.close();
});

const signIn = (login: string, shape?: Partial<ResponseShape>) => {
  idp.nextLogin = login;
  idp.nextResponse = shape;
  return popupSignIn({ gh, identifier: 'corp-saml', appId, upstreamOrigin: idp.origin });
};

describe('saml source through GATEHOUSE_UPSTREAM_OVERRIDES', () => {
  it('signs a new user in from the signed assertion, then finds the same user', async () => {
    const one = await signIn(ALICE.nameId);
    expect(one).toMatchObject({ code: 200, data: { userId: expect.any(String) } });
    expect(idp.authnRequests.at(-1)).toMatchObject({ issuer: acs, acsUrl: acs });
    // SAML has no "email verified" assertion: the address is not stored as the account's.
    expect(one.data!.email ?? null).toBeNull();
    expect(await gh.container.repos.users.findById(gh.poolId, one.data!.userId)).toMatchObject({ name: 'Alice Corp', given_name: 'Alice', family_name: 'Corp' });
    const two = await signIn(ALICE.nameId);
    expect(two.data!.userId).toBe(one.data!.userId);
    expect(ok(await mc.getUserIdentities({ userId: one.data!.userId }))).toEqual([expect.objectContaining({ provider: 'saml', userIdInIdp: ALICE.nameId })]);
  });

  it.each<[string, Partial<ResponseShape>]>([
    ['an unsigned assertion', { sign: 'none' }],
    ['a response signed but its assertion not', { sign: 'response' }],
    ['an assertion signed with another key', { rogue: true }],
    ['an assertion for another audience', { audience: 'https://other-sp.example/saml' }],
    ['an expired assertion', { validForMs: -10 * 60_000 }],
    ['a response for another Destination', { destination: 'https://other-sp.example/acs' }],
  ])('refuses %s, creating nothing', async (_label, shape) => {
    const before = await userCount(gh);
    const r = await signIn(BOB.nameId, shape);
    expect(r).toMatchObject({ code: 401, apiCode: 5000016, message: 'federation.invalid_token', data: null });
    expect(await userCount(gh)).toBe(before);
  });

  it('accepts an assertion ID once: the same ID in a later response is a replay', async () => {
    const assertionId = `_replay${Date.now()}`;
    const first = await signIn(BOB.nameId, { assertionId });
    expect(first.code).toBe(200);
    const again = await signIn(BOB.nameId, { assertionId });
    expect(again).toMatchObject({ code: 401, message: 'federation.invalid_token', data: null });
  });
});

describe('SP metadata of the saml connection', () => {
  const metadataUrl = (identifier: string, q = '') => `${gh.url}/connections/social/${identifier}/saml-metadata${q}`;

  it('publishes the entity ID, the HTTP-POST ACS URL and signed assertions wanted, with or without app_id, and no key', async () => {
    for (const q of ['', `?app_id=${appId}`]) {
      const res = await fetch(metadataUrl('corp-saml', q));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/samlmetadata+xml');
      const xml = await res.text();
      expect(xml).toContain(`entityID="${acs}"`);
      expect(xml).toMatch(/<(\w+:)?SPSSODescriptor[^>]*WantAssertionsSigned="true"/);
      expect(xml).toMatch(new RegExp(`<(\\w+:)?AssertionConsumerService[^>]*Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"[^>]*Location="${acs.replace(/[.?*+^$()|[\]\\]/g, '\\$&')}"`));
      expect(xml).not.toMatch(/PRIVATE KEY/);
    }
  });

  it('answers catalogued errors for an unknown identifier, a connection of another type and an unknown app', async () => {
    const unknown = await fetch(metadataUrl('no-such-connection'));
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ apiCode: 5000002, error: 'federation.connection_not_found' });
    const idp = ok(await mc.createExtIdp({ name: 'Not SAML', type: 'oidc' as never }));
    ok(await mc.createExtIdpConn({ extIdpId: idp.id, type: 'oidc' as never, identifier: 'not-saml', displayName: 'Not SAML', fields: { issuerUrl: 'https://op.example', clientId: 'c', clientSecret: 's' } }));
    const other = await fetch(metadataUrl('not-saml'));
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ apiCode: 5000002 });
    const app = await fetch(metadataUrl('corp-saml', '?app_id=000000000000000000000000'));
    expect(app.status).toBe(404);
    expect(await app.json()).toMatchObject({ error: 'application.not_found' });
  });
});
