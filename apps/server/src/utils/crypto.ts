import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Secrets at rest (access-key secrets, app secrets, connector credentials) are sealed with
 * AES-256-GCM under a key derived from GATEHOUSE_SECRET by HKDF-SHA256 (RFC 5869), with a
 * fresh 96-bit IV per value. Format: `v1.<iv>.<tag>.<ciphertext>` in base64url.
 *
 * This protects database dumps and backups. It does not protect against an attacker who
 * also has the master secret (environment or data directory) or the running process.
 */
export class SecretBox {
  private readonly encKey: Buffer;
  private readonly macKey: Buffer;

  constructor(masterSecret: string) {
    const ikm = Buffer.from(masterSecret, 'utf8');
    this.encKey = Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), 'gatehouse/secret-box/v1', 32));
    this.macKey = Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), 'gatehouse/digest/v1', 32));
  }

  seal(plain: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv);
    cipher.setAAD(Buffer.from(context)); // binds the value to its row/purpose: no swapping ciphertexts
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
  }

  open(sealed: string, context: string): string {
    const [v, iv, tag, ct] = sealed.split('.');
    if (v !== 'v1' || !iv || !tag || ct === undefined) throw new Error('unsupported sealed secret format');
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** Keyed digest for fast, constant-time verification of high-entropy secrets (never for passwords). */
  digest(value: string): string {
    return createHmac('sha256', this.macKey).update(value, 'utf8').digest('base64url');
  }
}

/** Constant-time string comparison; unequal lengths are compared against themselves to keep timing flat. */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  if (ab.length !== bb.length) {
    timingSafeEqual(ab, ab);
    return false;
  }
  return timingSafeEqual(ab, bb);
}

/** Hex SHA-256 of a UTF-8 string (digests of non-secret bindings; never for passwords). */
export const sha256Hex = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');
