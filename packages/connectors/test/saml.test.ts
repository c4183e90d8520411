/**
 * The `saml` connector (Gatehouse as SP, @node-saml/node-saml) against a SAML IdP built in the
 * test with xml-crypto (test/fakes/saml-idp.ts): metadata by URL and XML, SP metadata, signed
 * AuthnRequests, and every refusal — unsigned, wrong key, replayed, other audience, expired,
 * other request, wrong Destination/Recipient/Issuer, signature wrapping.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderSamlSpMetadata, saml, samlRequestId } from '../src/index.js';
import { startSamlIdp, wrapSignature, type SamlIdp } from './fakes/saml-idp.js';
import { expectConnectorError } from './helpers/deps.js';
import { browse, CALLBACK, memoryCache, newRequest, socialDeps } from './helpers/social.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/saml/${name}`, import.meta.url), 'utf8');
const IDP = { baseUrl: 'https://idp.example.test', entityId: 'https://idp.example.test/saml/metadata', key: fixture('idp.key'), cert: fixture('idp.crt'), rogueKey: fixture('rogue.key'), rogueCert: fixture('rogue.crt') };
const SP_ENTITY = 'https://gatehouse.test/saml/acme';
const ALICE = { nameId: 'a1b2c3-persistent', attributes: { mail: 'alice@corp.example', displayName: 'Alice Corp', givenName: 'Alice', sn: 'Corp', groups: ['staff', 'admins'] } };
const TRANSIENT = { nameId: '_transient-xyz', nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient', attributes: { uid: 'bob', mail: 'bob@corp.example' } };

describe('saml connector', () => {
  let idp: SamlIdp;
  let deps: ReturnType<typeof socialDeps>;
  const byUrl = { idpMetadataUrl: `${IDP.baseUrl}/metadata` };

  beforeAll(async () => {
    idp = await startSamlIdp({
      ...IDP,
      sps: [
        { entityId: CALLBACK, acsUrl: CALLBACK },
        { entityId: SP_ENTITY, acsUrl: CALLBACK, certificate: fixture('sp.crt') },
      ],
      users: [ALICE, TRANSIENT],
    });
  });
  afterAll(() => idp.close());
  beforeEach(() => {
    deps = socialDeps(idp.overrides);
  });

  async function signIn(cfg: Record<string, unknown> = byUrl, login?: string) {
    const conn = saml.create(cfg as typeof byUrl, deps);
    const req = await newRequest();
    idp.nextLogin = login;
    const url = await conn.authorizationUrl(req);
    const back = await browse(url, idp.overrides);
    return { conn, req, url, back, input: { params: back.params, redirectUri: CALLBACK, codeVerifier: req.codeVerifier, nonce: req.nonce } };
  }

  it('redirects with an AuthnRequest bound to the flow nonce and RelayState = state; the IdP posts back', async () => {
    const { url, req, back } = await signIn();
    const u = new URL(url);
    expect(u.origin + u.pathname).toBe(`${IDP.baseUrl}/sso`);
    expect(u.searchParams.get('RelayState')).toBe(req.state);
    expect(idp.authnRequests.at(-1)).toMatchObject({ id: samlRequestId(req.nonce), issuer: CALLBACK, acsUrl: CALLBACK, signed: false });
    expect(back).toMatchObject({ method: 'POST', target: CALLBACK });
    expect(back.params['RelayState']).toBe(req.state);
    expect(saml.manifest).toMatchObject({ responseMode: 'form_post', stateParam: 'RelayState', trustsVerifiedEmail: false });
  });

  it('signs in: persistent NameID as id, attributes mapped, email unverified', async () => {
    const { conn, input } = await signIn();
    const p = await conn.handleCallback(input);
    expect(p).toMatchObject({ id: 'a1b2c3-persistent', email: 'alice@corp.example', emailVerified: false, name: 'Alice Corp', givenName: 'Alice', familyName: 'Corp', groups: ['staff', 'admins'] });
    expect(p.raw).toMatchObject({ issuer: IDP.entityId, nameID: 'a1b2c3-persistent' });
  });

  it('metadata as XML works the same; the URL is fetched once and cached', async () => {
    const x = await signIn({ idpMetadataXml: idp.metadataXml() });
    expect((await x.conn.handleCallback(x.input)).id).toBe('a1b2c3-persistent');
    await signIn();
    await signIn();
    expect(deps.http.calls.filter((c) => c.endsWith('/metadata'))).toHaveLength(1);
  });

  it('a replayed response (same assertion ID) is refused', async () => {
    const { conn, input } = await signIn();
    await conn.handleCallback(input);
    const err = await expectConnectorError(conn.handleCallback(input), 'connector.invalid_token');
    expect(err.message).toContain('replay');
  });

  it.each([
    ['unsigned', { sign: 'none' as const }],
    ['only the Response signed', { sign: 'response' as const }],
    ['signed with another key', { rogue: true }],
    ['for another audience', { audience: 'https://other-sp.example/saml' }],
    ['expired', { validForMs: -5 * 60_000 }],
    ['in response to another request', { inResponseTo: '_someone-elses-request' }],
    ['with another Destination', { destination: 'https://evil.example/acs' }],
    ['with another Recipient', { recipient: 'https://evil.example/acs' }],
    ['from another issuer', { issuer: 'https://other-idp.example/saml' }],
  ])('refuses a response %s → invalid_token', async (_l, shape) => {
    idp.nextResponse = shape;
    const { conn, input } = await signIn();
    await expectConnectorError(conn.handleCallback(input), 'connector.invalid_token');
  });

  it('accepts a response where both Response and assertion are signed', async () => {
    idp.nextResponse = { sign: 'both' };
    const { conn, input } = await signIn();
    expect((await conn.handleCallback(input)).id).toBe('a1b2c3-persistent');
  });

  it.each(['nested', 'sibling', 'extensions'] as const)('refuses a wrapped signature (%s)', async (variant) => {
    const { conn, req, input } = await signIn();
    const signed = idp.build({ user: ALICE, acsUrl: CALLBACK, audience: CALLBACK, inResponseTo: samlRequestId(req.nonce) });
    const wrapped = wrapSignature(signed, 'admin@corp.example', variant);
    const err = await expectConnectorError(conn.handleCallback({ ...input, params: { SAMLResponse: Buffer.from(wrapped).toString('base64'), RelayState: req.state } }), 'connector.invalid_token');
    expect(err.message).not.toContain('admin@corp.example');
    // The unwrapped original is still good (and the wrapped attempts did not burn it).
    expect((await conn.handleCallback({ ...input, params: { SAMLResponse: Buffer.from(signed).toString('base64') } })).id).toBe('a1b2c3-persistent');
  });

  it('a comment inside the signed NameID does not truncate it', async () => {
    const { conn, req, input } = await signIn();
    const xml = idp.build({ user: { ...ALICE, nameId: 'admin@corp.example<!-- -->.evil.example' }, acsUrl: CALLBACK, audience: CALLBACK, inResponseTo: samlRequestId(req.nonce) });
    const p = await conn.handleCallback({ ...input, params: { SAMLResponse: Buffer.from(xml).toString('base64') } });
    expect(p.id).toBe('admin@corp.example.evil.example');
  });

  it('an IdP error status → access_denied; no or garbage SAMLResponse → invalid_response / invalid_token', async () => {
    const denied = await signIn(byUrl, 'deny');
    await expectConnectorError(denied.conn.handleCallback(denied.input), 'connector.access_denied');
    const conn = saml.create(byUrl, deps);
    const req = await newRequest();
    await expectConnectorError(conn.handleCallback({ params: { RelayState: 'x' }, redirectUri: CALLBACK, codeVerifier: req.codeVerifier, nonce: req.nonce }), 'connector.invalid_response');
    await expectConnectorError(conn.handleCallback({ params: { SAMLResponse: 'bm90IHhtbA==' }, redirectUri: CALLBACK, codeVerifier: req.codeVerifier, nonce: req.nonce }), 'connector.invalid_token');
  });

  it('a transient NameID is refused as id; userIdAttribute reads a stable attribute instead', async () => {
    const t = await signIn(byUrl, TRANSIENT.nameId);
    await expectConnectorError(t.conn.handleCallback(t.input), 'connector.invalid_config');
    const u = await signIn({ ...byUrl, userIdAttribute: 'uid' }, TRANSIENT.nameId);
    expect(await u.conn.handleCallback(u.input)).toMatchObject({ id: 'bob', email: 'bob@corp.example' });
  });

  it('signs AuthnRequests with the SP key and publishes SP metadata', async () => {
    const cfg = { ...byUrl, spEntityId: SP_ENTITY, spPrivateKey: fixture('sp.key'), spCertificate: fixture('sp.crt'), nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent' };
    const { conn, url, input } = await signIn(cfg);
    expect(new URL(url).searchParams.get('SigAlg')).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    expect(idp.authnRequests.at(-1)).toMatchObject({ issuer: SP_ENTITY, signed: true });
    expect((await conn.handleCallback(input)).id).toBe('a1b2c3-persistent');
    const xml = await conn.serviceProviderMetadata!({ redirectUri: CALLBACK });
    expect(xml).toContain(`entityID="${SP_ENTITY}"`);
    expect(xml).toMatch(/AuthnRequestsSigned="true"/);
    expect(xml).toMatch(/WantAssertionsSigned="true"/);
    expect(xml).toContain(`Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${CALLBACK}"`);
    expect(xml).toContain(fixture('sp.crt').replace(/-----[^-]+-----/g, '').replace(/\s+/g, '').slice(0, 60));
    expect(xml).not.toContain('PRIVATE KEY');
    const plain = renderSamlSpMetadata(byUrl, { acsUrl: CALLBACK });
    expect(plain).toContain(`entityID="${CALLBACK}"`);
    expect(plain).toMatch(/AuthnRequestsSigned="false"/);
  });

  it('the IdP refuses an unsigned request from an SP that registered a certificate', async () => {
    const conn = saml.create({ ...byUrl, spEntityId: SP_ENTITY }, deps);
    await expect(browse(await conn.authorizationUrl(await newRequest()), idp.overrides)).rejects.toThrow(/signature missing or invalid/);
  });

  it('metadata URL failures: 500 and timeout → unavailable', async () => {
    idp.failNext(500, '/metadata');
    await expectConnectorError(saml.create(byUrl, deps).authorizationUrl(await newRequest()), 'connector.unavailable');
    idp.hangNext('/metadata');
    await expectConnectorError(saml.create({ ...byUrl, timeoutMs: 300 }, deps).authorizationUrl(await newRequest()), 'connector.unavailable');
  });

  it('config errors: no metadata, both, a DOCTYPE, a POST-only IdP, a cache without add()', async () => {
    expect(() => saml.create({}, deps)).toThrow(/exactly one of idpMetadataUrl and idpMetadataXml/);
    expect(() => saml.create({ ...byUrl, idpMetadataXml: idp.metadataXml() }, deps)).toThrow(/exactly one/);
    const doctype = `<!DOCTYPE x [<!ENTITY e "e">]>${idp.metadataXml().replace('<?xml version="1.0"?>', '')}`;
    await expectConnectorError(saml.create({ idpMetadataXml: doctype }, deps).authorizationUrl(await newRequest()), 'connector.invalid_config');
    const postOnly = idp.metadataXml().replace(/<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"[^>]*\/>/, '');
    await expectConnectorError(saml.create({ idpMetadataXml: postOnly }, deps).authorizationUrl(await newRequest()), 'connector.invalid_config');
    const broken = '<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"><unclosed></md:EntityDescriptor>';
    await expectConnectorError(saml.create({ idpMetadataXml: broken }, deps).authorizationUrl(await newRequest()), 'connector.invalid_config');
    const { add: _add, ...noAdd } = memoryCache();
    expect(() => saml.create(byUrl, { ...deps, cache: noAdd })).toThrow(/add\(\)/);
    expect(saml.manifest.secretFields).toEqual(['spPrivateKey']);
  });
});
