import { createPrivateKey, createPublicKey, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';

/**
 * A minimal self-signed X.509 v3 certificate (RFC 5280 §4.1) for an RSA key, signed with
 * sha256WithRSAEncryption. SAML metadata publishes signing keys as certificates; service
 * providers use only the public key inside (the certificate is not validated against a CA:
 * SAML V2.0 Metadata Interoperability Profile §2.1), so a self-signed one is what every IdP
 * ships. Node can parse and verify certificates but not create them; this DER encoder covers
 * exactly the fields needed, and `new X509Certificate()` checks the result.
 */

const der = (tag: number, body: Buffer): Buffer => {
  const len = body.length;
  let head: Buffer;
  if (len < 0x80) head = Buffer.from([tag, len]);
  else if (len < 0x100) head = Buffer.from([tag, 0x81, len]);
  else if (len < 0x10000) head = Buffer.from([tag, 0x82, len >> 8, len & 0xff]);
  else head = Buffer.from([tag, 0x83, len >> 16, (len >> 8) & 0xff, len & 0xff]);
  return Buffer.concat([head, body]);
};
const seq = (...parts: Buffer[]) => der(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => der(0x31, Buffer.concat(parts));
const oid = (dotted: string): Buffer => {
  const [a, b, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]];
  const bytes = [40 * a + b];
  for (const n of rest) {
    const chunk: number[] = [n & 0x7f];
    for (let v = n >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
};
const integer = (value: Buffer): Buffer => der(0x02, value[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), value]) : value);
const utf8 = (s: string) => der(0x0c, Buffer.from(s, 'utf8'));
const NULL = Buffer.from([0x05, 0x00]);
const SHA256_RSA = seq(oid('1.2.840.113549.1.1.11'), NULL);

/** UTCTime until 2049, GeneralizedTime after (RFC 5280 §4.1.2.5). */
const time = (d: Date): Buffer => {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14); // YYYYMMDDHHMMSS
  return d.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(`${iso.slice(2)}Z`)) : der(0x18, Buffer.from(`${iso}Z`));
};

export interface SelfSigned {
  /** PEM of the certificate. */
  certificate: string;
  /** The certificate's base64 DER (what SAML metadata and KeyInfo carry). */
  base64: string;
}

export function selfSignedCertificate(privateKey: KeyObject | string, opts: { commonName: string; days: number; now?: Date }): SelfSigned {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  if (key.asymmetricKeyType !== 'rsa') throw new Error('selfSignedCertificate: RSA keys only');
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const now = opts.now ?? new Date();
  const notBefore = new Date(now.getTime() - 5 * 60_000);
  const notAfter = new Date(now.getTime() + opts.days * 86_400_000);
  const serial = randomBytes(16);
  // Positive (RFC 5280 §4.1.2.2) and minimally encoded (X.690 §8.3.2): a leading zero byte would
  // make a non-minimal DER INTEGER whenever the next byte is below 0x80, which OpenSSL refuses —
  // one key in 256 failed to get a certificate before.
  serial[0] = serial[0]! & 0x7f || 1;
  const name = seq(set(seq(oid('2.5.4.3'), utf8(opts.commonName))));
  const tbs = seq(der(0xa0, integer(Buffer.from([2]))), integer(serial), SHA256_RSA, name, seq(time(notBefore), time(notAfter)), name, spki);
  const signature = sign('sha256', tbs, key);
  const cert = seq(tbs, SHA256_RSA, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const x = new X509Certificate(cert); // throws when the encoding is wrong
  if (!x.verify(createPublicKey(key))) throw new Error('selfSignedCertificate: signature check failed');
  return { certificate: x.toString(), base64: cert.toString('base64') };
}

/** The base64 body of a PEM certificate (no header lines, no whitespace). */
export const certificateBase64 = (pem: string): string => pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');

/**
 * Reads a certificate given as PEM or as bare base64 DER (as SAML metadata carries it);
 * undefined when it is neither.
 */
export function parseCertificate(input: string): X509Certificate | undefined {
  const body = input.includes('-----BEGIN') ? certificateBase64(input) : input.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+=*$/.test(body) || body.length > 16384) return undefined;
  try {
    return new X509Certificate(Buffer.from(body, 'base64'));
  } catch {
    return undefined;
  }
}
