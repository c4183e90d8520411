import { createPublicKey, verify as verifySignature } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import { AppError } from '../../errors/app-error.js';
import { DIGEST_OF, SIGNATURE_ALGORITHMS } from './config.js';
import type { SigningKey } from './keys.js';

const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

/**
 * Enveloped XML signature (SAML Core §5) over the element `localName` at the root of `xml`,
 * placed right after its Issuer as the schema requires. Exclusive canonicalization (SAML Core
 * §5.4.3) keeps the signature valid when the element is embedded in another document.
 */
export function signElement(xml: string, localName: 'Assertion' | 'Response' | 'LogoutRequest' | 'LogoutResponse', key: SigningKey, algorithm: string): string {
  const sig = new SignedXml({
    privateKey: key.privateKeyPem,
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
