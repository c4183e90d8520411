import { constants, generateKeyPairSync, privateDecrypt } from 'node:crypto';
import { sm2 } from 'sm-crypto-v2';
import { AppError } from '../../errors/app-error.js';
import type { CredentialsRepo } from '../../storage/repositories/credentials.js';
import type { SecretBox } from '../../utils/crypto.js';
import { nowIso } from '../../utils/time.js';

/**
 * Client-side password encryption (issue #4): per-pool RSA-2048 and SM2 key pairs, created on
 * first use, private keys sealed with the master key. Public keys are published at
 * GET /api/v3/system as the reference does (`data.rsa.publicKey`, `data.sm2.publicKey`).
 *
 * - `rsa`: base64 ciphertext. OAEP (SHA-256, then SHA-1) is tried first, then PKCS#1 v1.5 as
 *   the reference clients (jsencrypt) send it. Node's PKCS#1 v1.5 decryption uses implicit
 *   rejection, so a forged ciphertext yields random bytes rather than a padding oracle; those
 *   fail the UTF-8 check below and answer `auth.password_decrypt_failed`.
 * - `sm2`: hex C1C3C2 (the reference's sm-crypto default), with or without the `04` point
 *   prefix and an optional `sm2:` prefix.
 */
export type EncryptType = 'none' | 'rsa' | 'sm2';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function createEncryptionService(repo: CredentialsRepo, box: SecretBox) {
  async function keyPair(poolId: string, kind: 'rsa' | 'sm2'): Promise<{ publicKey: string; privateKey: string }> {
    let row = await repo.getKey(poolId, kind);
    if (!row) {
      let publicKey: string;
      let privateKey: string;
      if (kind === 'rsa') {
        const kp = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
        publicKey = kp.publicKey;
        privateKey = kp.privateKey;
      } else {
        const kp = sm2.generateKeyPairHex();
        publicKey = kp.publicKey;
        privateKey = kp.privateKey;
      }
      await repo.insertKeyIfAbsent({ pool_id: poolId, kind, public_key: publicKey, private_key_enc: box.seal(privateKey, `pool-key:${poolId}:${kind}`), created_at: nowIso() });
      row = await repo.getKey(poolId, kind);
      if (!row) throw new Error('pool key vanished');
    }
    return { publicKey: row.public_key, privateKey: box.open(row.private_key_enc, `pool-key:${poolId}:${kind}`) };
  }

  const fail = (type: string, cause?: unknown) => new AppError('auth.password_decrypt_failed', { params: { type }, cause });

  function decryptRsa(privateKey: string, ciphertext: string): string {
    const buf = Buffer.from(ciphertext, 'base64');
    if (buf.length !== 256) throw fail('rsa');
    const attempts = [
      { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      { padding: constants.RSA_PKCS1_PADDING },
    ];
    for (const a of attempts) {
      try {
        const out = privateDecrypt({ key: privateKey, ...a }, buf);
        const text = strictUtf8.decode(out);
        if (text.length > 0 && !/[\u0000-\u0008\u000e-\u001f]/.test(text)) return text;
      } catch {
        // try the next padding
      }
    }
    throw fail('rsa');
  }

  function decryptSm2(privateKey: string, ciphertext: string): string {
    let hex = ciphertext.startsWith('sm2:') ? ciphertext.slice(4) : ciphertext;
    if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length < 194) throw fail('sm2');
    if (hex.length % 2 === 0 && hex.startsWith('04') && (hex.length - 2 - 128 - 64) % 2 === 0 && hex.length > 194) hex = hex.slice(2);
    try {
      const out = sm2.doDecrypt(hex, privateKey, 1, { output: 'array' }) as Uint8Array;
      if (!out || out.length === 0) throw fail('sm2');
      return strictUtf8.decode(out);
    } catch (err) {
      throw fail('sm2', err);
    }
  }

  return {
    async publicKeys(poolId: string) {
      const [rsa, s] = await Promise.all([keyPair(poolId, 'rsa'), keyPair(poolId, 'sm2')]);
      return { rsa: rsa.publicKey, sm2: s.publicKey };
    },
    /** Returns the plain password; `none` (or absent) passes it through unchanged. */
    async decrypt(poolId: string, type: EncryptType | undefined, value: string): Promise<string> {
      if (!type || type === 'none') return value;
      if (type === 'rsa') return decryptRsa((await keyPair(poolId, 'rsa')).privateKey, value);
      if (type === 'sm2') return decryptSm2((await keyPair(poolId, 'sm2')).privateKey, value);
      throw new AppError('request.invalid_input', { details: [{ path: 'options.passwordEncryptType', message: 'must be none, rsa or sm2' }] });
    },
  };
}
export type EncryptionService = ReturnType<typeof createEncryptionService>;
