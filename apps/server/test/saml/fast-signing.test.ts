import { createPrivateKey, generateKeyPairSync, randomInt } from 'node:crypto';
import { SAML } from '@node-saml/node-saml';
import { describe, expect, it } from 'vitest';
import { NAMEID_FORMATS, SIGNATURE_ALGORITHMS, type StoredSamlConfig } from '../../src/services/saml-idp/config.js';
import type { SigningKey } from '../../src/services/saml-idp/keys.js';
import { buildAssertion, buildResponse, responseElement, STATUS } from '../../src/services/saml-idp/response.js';
import { signElement, signTree } from '../../src/services/saml-idp/signing.js';
import { serialize, type XmlElement } from '../../src/services/saml-idp/xml-tree.js';
import { certificateBase64, selfSignedCertificate } from '../../src/utils/x509.js';

/**
 * The parser-free signer (signing.ts `signTree`, xml-tree.ts) against the xml-crypto signer it
 * replaces on the assertion path: RSA PKCS#1 v1.5 signatures are deterministic, so for the same
 * element both must give the same bytes — digest, SignedInfo, SignatureValue and the document
 * around them. Values are hostile on purpose (markup characters, quotes, TAB/LF/CR, non-ASCII,
 * astral characters), in every place a configuration, a request or a user can put text.
 */
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const certificate = selfSignedCertificate(privateKey, { commonName: 'fast signing', days: 30 }).certificate;
const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const key: SigningKey = { kid: 'k1', status: 'active', certificate, certBase64: certificateBase64(certificate), privateKey: createPrivateKey(pem) };

const NASTY = ['&', '<', '>', '"', "'", '\t', '\n', '\r', '\r\n', ']]>', ' ', '=', ':', '#', '&amp;', '&#13;', 'é', '中文', '😀', 'a', 'Z', '0', '/', '?', '%20'];
const nasty = (n = randomInt(1, 12)) => Array.from({ length: n }, () => NASTY[randomInt(NASTY.length)]).join('');

function config(i: number): StoredSamlConfig {
  const formats = [NAMEID_FORMATS.emailAddress, NAMEID_FORMATS.persistent, NAMEID_FORMATS.transient, NAMEID_FORMATS.unspecified];
  return {
    spEntityId: `https://sp.example/${nasty()}`,
    acsUrls: [{ url: 'https://sp.example/acs', binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', index: 0, isDefault: true }],
    nameIdFormat: formats[i % formats.length]!,
    nameIdSource: 'email',
    attributeMappings: { email: 'email', [`n${nasty(3)}`]: 'name', groups: 'groups', id: 'id' },
    signAssertion: true,
    signResponse: true,
    encryptAssertion: false,
    signatureAlgorithm: i % 3 === 2 ? SIGNATURE_ALGORITHMS['rsa-sha512'] : SIGNATURE_ALGORITHMS['rsa-sha256'],
  } as unknown as StoredSamlConfig;
}

async function unsignedAssertion(i: number): Promise<{ cfg: StoredSamlConfig; tree: XmlElement }> {
  const cfg = config(i);
  const tree = (await buildAssertion({
    idpEntityId: `https://idp.example/${nasty()}`,
    cfg: { ...cfg, signAssertion: false },
    acsUrl: `https://sp.example/acs?x=${nasty()}`,
    inResponseTo: i % 4 === 0 ? null : `_${nasty()}`,
    user: { id: `u${i}`, claims: { email: `${nasty()}@example.com`, name: nasty(), groups: [nasty(), nasty()] } },
    nameId: nasty(),
    authTime: 1_700_000_000 + i,
    amr: i % 2 ? ['pwd'] : ['pwd', 'mfa'],
    sessionIndex: `_${nasty()}`,
    https: i % 2 === 0,
    key,
    now: new Date(1_700_000_000_000 + i * 1000),
  })) as XmlElement;
  return { cfg, tree };
}

describe('SAML signing without a parser', () => {
  it('signs an Assertion to the same bytes as xml-crypto (200 hostile assertions, SHA-256 and SHA-512)', async () => {
    for (let i = 0; i < 200; i++) {
      const { cfg, tree } = await unsignedAssertion(i);
      const fast = serialize(signTree(tree, key, cfg.signatureAlgorithm));
      const reference = signElement(serialize(tree), 'Assertion', key, cfg.signatureAlgorithm);
      expect(fast, `case ${i}`).toBe(reference);
    }
  });

  it('signs a Response around a signed Assertion, and an error Response, to the same bytes as xml-crypto', async () => {
    for (let i = 0; i < 60; i++) {
      const { cfg, tree } = await unsignedAssertion(i);
      const assertion = signTree(tree, key, cfg.signatureAlgorithm);
      const withAssertion = responseElement({ idpEntityId: `https://idp.example/${nasty()}`, cfg, acsUrl: `https://sp.example/${nasty()}`, inResponseTo: `_${nasty()}`, status: STATUS.success, assertion, key });
      expect(serialize(signTree(withAssertion, key, cfg.signatureAlgorithm)), `case ${i}`).toBe(signElement(serialize(withAssertion), 'Response', key, cfg.signatureAlgorithm));
      const error = responseElement({ idpEntityId: 'https://idp.example/x', cfg, acsUrl: 'https://sp.example/acs', inResponseTo: null, status: STATUS.responder, subStatus: STATUS.authnFailed, key });
      expect(serialize(signTree(error, key, cfg.signatureAlgorithm))).toBe(signElement(serialize(error), 'Response', key, cfg.signatureAlgorithm));
    }
  });

  it('gives a Response that node-saml accepts (both signatures checked against the certificate)', async () => {
    const sp = 'https://sp.example/metadata';
    const cfg = { ...config(0), spEntityId: sp, nameIdFormat: NAMEID_FORMATS.emailAddress, attributeMappings: { email: 'email', name: 'name', groups: 'groups' } };
    const now = new Date();
    const assertion = await buildAssertion({ idpEntityId: 'https://idp.example/saml', cfg, acsUrl: 'https://sp.example/acs', inResponseTo: null, user: { id: 'u1', claims: { email: 'ann@example.com', name: 'Ann <&> "Quote" \'Apos\'', groups: ['a&b', 'c<d'] } }, nameId: 'ann@example.com', authTime: Math.floor(now.getTime() / 1000), amr: ['pwd'], sessionIndex: '_s1', https: true, key, now });
    const xml = buildResponse({ idpEntityId: 'https://idp.example/saml', cfg, acsUrl: 'https://sp.example/acs', inResponseTo: null, status: STATUS.success, assertion, key, now });
    expect(xml.match(/<ds:SignatureValue>/g)).toHaveLength(2);
    const client = new SAML({ issuer: sp, callbackUrl: 'https://sp.example/acs', audience: sp, idpCert: certificate, wantAssertionsSigned: true, wantAuthnResponseSigned: true, entryPoint: 'https://idp.example/saml' });
    const { profile } = await client.validatePostResponseAsync({ SAMLResponse: Buffer.from(xml).toString('base64') });
    expect(profile?.nameID).toBe('ann@example.com');
    expect(profile?.name).toBe('Ann <&> "Quote" \'Apos\'');
    expect(profile?.groups).toEqual(['a&b', 'c<d']);
    // A changed byte in the signed content is refused (the test could not pass with a digest over the wrong bytes).
    const tampered = xml.replace('ann@example.com</saml:NameID>', 'bob@example.com</saml:NameID>');
    await expect(client.validatePostResponseAsync({ SAMLResponse: Buffer.from(tampered).toString('base64') })).rejects.toThrow();
  });
});

describe('self-signed SAML certificates', () => {
  it('encodes every random serial number as valid DER (1,000 certificates; a leading zero byte used to fail one in 256)', () => {
    for (let i = 0; i < 1000; i++) expect(() => selfSignedCertificate(privateKey, { commonName: `c${i}`, days: 1 })).not.toThrow();
  });
});
