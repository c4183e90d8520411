import { createHash, createPublicKey, sign as rsaSign, verify as verifySignature } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import { AppError } from '../../errors/app-error.js';
import { DIGEST_OF, SIGNATURE_ALGORITHMS } from './config.js';
import type { SigningKey } from './keys.js';
import { canonical, el, type XmlElement } from './xml-tree.js';

const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

/**
 * Enveloped XML signature (SAML Core §5) over the element `localName` at the root of `xml`,
 * placed right after its Issuer as the schema requires. Exclusive canonicalization (SAML Core
 * §5.4.3) keeps the signature valid when the element is embedded in another document.
 */
export function signElement(xml: string, localName: 'Assertion' | 'Response' | 'LogoutRequest' | 'LogoutResponse', key: SigningKey, algorithm: string): string {
  const sig = new SignedXml({
    privateKey: key.privateKey,
    publicCert: key.certificate,
    signatureAlgorithm: algorithm as never,
    canonicalizationAlgorithm: EXC_C14N,
  });
  sig.addReference({
    xpath: `/*[local-name(.)='${localName}']`,
    digestAlgorithm: (DIGEST_OF[algorithm] ?? DIGEST_OF[SIGNATURE_ALGORITHMS['rsa-sha256']]!) as never,
    transforms: [ENVELOPED, EXC_C14N],
  });
  sig.computeSignature(xml, { prefix: 'ds', location: { reference: `/*[local-name(.)='${localName}']/*[local-name(.)='Issuer']`, action: 'after' } });
  return sig.getSignedXml();
}

const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const HASH_OF_DIGEST: Record<string, string> = { 'http://www.w3.org/2001/04/xmlenc#sha256': 'sha256', 'http://www.w3.org/2001/04/xmlenc#sha512': 'sha512' };

/**
 * The same enveloped signature as `signElement`, over an element we built ourselves
 * (xml-tree.ts), without parsing anything: the digest is over the element's exclusive canonical
 * form (the enveloped-signature transform removes exactly the Signature added here), the
 * SignatureValue over SignedInfo's canonical form, with the key object imported once per key
 * (keys.ts). Returns the element with `<ds:Signature>` right after its Issuer. The bytes are
 * those `signElement` produces for the serialised element (test/saml/fast-signing.test.ts).
 */
export function signTree(e: XmlElement, key: SigningKey, algorithm: string): XmlElement {
  const id = e.attrs?.find(([n]) => n === 'ID')?.[1];
  const issuerAt = (e.children ?? []).findIndex((c) => typeof c !== 'string' && c.name.endsWith(':Issuer'));
  if (!id || issuerAt < 0) throw new Error(`signTree: ${e.name} has no ID or no Issuer`);
  const digestAlgorithm = DIGEST_OF[algorithm] ?? DIGEST_OF[SIGNATURE_ALGORITHMS['rsa-sha256']]!;
  const digest = createHash(HASH_OF_DIGEST[digestAlgorithm]!).update(canonical(e)).digest('base64');
  const signedInfo = el('ds:SignedInfo', [], [
    el('ds:CanonicalizationMethod', [['Algorithm', EXC_C14N]]),
    el('ds:SignatureMethod', [['Algorithm', algorithm]]),
    el('ds:Reference', [['URI', `#${id}`]], [
      el('ds:Transforms', [], [el('ds:Transform', [['Algorithm', ENVELOPED]]), el('ds:Transform', [['Algorithm', EXC_C14N]])]),
      el('ds:DigestMethod', [['Algorithm', digestAlgorithm]]),
      el('ds:DigestValue', [], [digest]),
    ]),
  ]);
  const hash = algorithm === SIGNATURE_ALGORITHMS['rsa-sha512'] ? 'sha512' : 'sha256';
  const value = rsaSign(hash, Buffer.from(canonical(signedInfo, new Map([['ds', DSIG]]))), key.privateKey).toString('base64');
  const signature = el('ds:Signature', [], [
    signedInfo,
    el('ds:SignatureValue', [], [value]),
    el('ds:KeyInfo', [], [el('ds:X509Data', [], [el('ds:X509Certificate', [], [key.certBase64])])]),
  ], [['ds', DSIG]]);
  const children = [...(e.children ?? [])];
  children.splice(issuerAt + 1, 0, signature);
  return { ...e, children };
}

/** Algorithms accepted on messages from service providers: SHA-1 is refused (collisions are practical). */
const ACCEPTED_SIG_ALGS: Record<string, string> = {
  [SIGNATURE_ALGORITHMS['rsa-sha256']]: 'sha256',
  [SIGNATURE_ALGORITHMS['rsa-sha512']]: 'sha512',
};

/**
 * HTTP-Redirect binding signature (SAML Bindings §3.4.4.1): over the octets
 * `SAMLRequest=…&RelayState=…&SigAlg=…` exactly as they appeared, URL-encoded, in the query.
 */
export function verifyRedirectSignature(rawQuery: string, messageParam: 'SAMLRequest' | 'SAMLResponse', certificatePem: string): boolean {
  const raw = new Map<string, string>();
  for (const part of rawQuery.split('&')) {
    const i = part.indexOf('=');
    const name = i < 0 ? part : part.slice(0, i);
    if (raw.has(name)) return false; // a repeated parameter is ambiguous: refuse
    raw.set(name, i < 0 ? '' : part.slice(i + 1));
  }
  const value = (n: string) => raw.get(n);
  const sigAlg = decodeURIComponent((value('SigAlg') ?? '').replace(/\+/g, '%20'));
  const signature = value('Signature');
  const hash = ACCEPTED_SIG_ALGS[sigAlg];
  if (!hash || !signature || value(messageParam) === undefined) return false;
  const octets = [`${messageParam}=${value(messageParam)}`, ...(raw.has('RelayState') ? [`RelayState=${value('RelayState')}`] : []), `SigAlg=${value('SigAlg')}`].join('&');
  try {
    return verifySignature(hash, Buffer.from(octets), createPublicKey(certificatePem), Buffer.from(decodeURIComponent(signature.replace(/\+/g, '%20')), 'base64'));
  } catch {
    return false;
  }
}

/**
 * Verifies the enveloped signature on the root element of a POST-binding message with the
 * service provider's registered certificate only (never a certificate the message carries), and
 * returns the signed bytes of that element: the caller parses and uses only those, so content
 * wrapped around or beside the signed element is never read (signature wrapping, CVE-2025-29775).
 */
export function verifyEnvelopedSignature(xml: string, signatureXml: string, rootId: string, certificatePem: string): string {
  const sig = new SignedXml({ publicCert: certificatePem, getCertFromKeyInfo: () => null });
  for (const alg of Object.keys(sig.SignatureAlgorithms)) if (!ACCEPTED_SIG_ALGS[alg]) delete (sig.SignatureAlgorithms as Record<string, unknown>)[alg];
  delete (sig.HashAlgorithms as Record<string, unknown>)['http://www.w3.org/2000/09/xmldsig#sha1'];
  let ok = false;
  try {
    sig.loadSignature(signatureXml);
    ok = sig.checkSignature(xml);
  } catch {
    ok = false;
  }
  if (!ok) throw new AppError('saml.signature_invalid');
  const refs = sig.getSignedReferences();
  const refUris = sig.getReferences().map((r) => r.uri);
  if (refs.length !== 1 || refUris.length !== 1 || refUris[0] !== `#${rootId}`) throw new AppError('saml.signature_invalid');
  return refs[0]!;
}
