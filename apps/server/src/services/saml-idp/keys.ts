import { createPrivateKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { AppError } from '../../errors/app-error.js';
import type { SamlKeyRow, SamlKeysRepo } from '../../storage/repositories/saml-keys.js';
import type { SecretBox } from '../../utils/crypto.js';
import { nowIso } from '../../utils/time.js';
import { certificateBase64, selfSignedCertificate } from '../../utils/x509.js';

/**
 * The SAML signing keys of each user pool: RSA 2048 (what every SAML service provider verifies,
 * RSA-SHA256 by default) with a self-signed certificate valid 10 years — service providers pin
 * the key they read from metadata, not a CA chain, and rotation is by `rotate`, not by expiry.
 *
 * Rotation with overlap (docs/saml.md, "Signing keys"):
 *   stage   → a `next` key is published in metadata beside the active one, not yet used;
 *   rotate  → the `next` key (or a fresh one) signs from now on; the previous active key becomes
 *             `retired` and stays in metadata until the following rotation, so a service
 *             provider that refreshed its metadata at any point keeps verifying.
 * Private keys are sealed with the master secret, bound to their kid (AES-GCM associated data).
 */
export const RETIRED_SAML_KEYS_KEPT = 1;
const CERT_DAYS = 3650;

export interface SamlKey {
  kid: string;
  status: 'active' | 'next' | 'retired';
  certificate: string;
  /** Base64 DER of the certificate, as metadata and KeyInfo carry it. */
  certBase64: string;
}
export interface SigningKey extends SamlKey {
  /** The private key, imported once per kid: signing with a PEM string re-imports it and redoes OpenSSL's per-key setup on every signature (about twice the cost of the RSA operation itself). */
  privateKey: KeyObject;
}

/** Opened keys kept per kid (a kid's key material never changes; status is read from the row each time). */
const OPENED_KEYS_KEPT = 256;

export function createSamlKeysService(repo: SamlKeysRepo, box: SecretBox, opts: { name?: (poolId: string) => string } = {}) {
  const context = (kid: string) => `saml-key:${kid}`;
  const toKey = (r: SamlKeyRow): SamlKey => ({ kid: r.kid, status: r.status as SamlKey['status'], certificate: r.certificate, certBase64: certificateBase64(r.certificate) });
  // Unsealing (AES-GCM) and importing the private key on every assertion cost more than the
  // signature; both are done once per kid. Rotation and removal need no invalidation: they change
  // which row is active, and a kid's sealed key and certificate never change.
  const opened = new Map<string, { sealed: string; key: Omit<SigningKey, 'status'> }>();
  function open(r: SamlKeyRow): SigningKey {
    const hit = opened.get(r.kid);
    if (hit && hit.sealed === r.private_key_enc) return { ...hit.key, status: r.status as SamlKey['status'] };
    const { status: _status, ...pub } = toKey(r);
    const key = { ...pub, privateKey: createPrivateKey(box.open(r.private_key_enc, context(r.kid))) };
    if (opened.size >= OPENED_KEYS_KEPT) opened.clear();
    opened.set(r.kid, { sealed: r.private_key_enc, key });
    return { ...key, status: r.status as SamlKey['status'] };
  }

  function newKey(poolId: string, status: 'active' | 'next'): SamlKeyRow {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kid = `saml-${Date.now().toString(36)}-${randomBytes(6).toString('base64url')}`;
    const cert = selfSignedCertificate(privateKey, { commonName: opts.name?.(poolId) ?? `Gatehouse SAML ${poolId}`, days: CERT_DAYS });
    const at = nowIso();
    return {
      kid,
      pool_id: poolId,
      status,
      private_key_enc: box.seal(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, context(kid)),
      certificate: cert.certificate,
      created_at: at,
      activated_at: status === 'active' ? at : null,
      retired_at: null,
    };
  }

  /** The pool's keys, creating the first active one on first use (two nodes racing both insert; the newest signs). */
  async function rows(poolId: string): Promise<SamlKeyRow[]> {
    let list = await repo.list(poolId);
    if (!list.some((r) => r.status === 'active')) {
      await repo.insert(newKey(poolId, 'active'));
      list = await repo.list(poolId);
    }
    return list;
  }

  return {
    /** The key that signs now: the newest active one. */
    async signing(poolId: string): Promise<SigningKey> {
      return open((await rows(poolId)).find((x) => x.status === 'active')!);
    },

    /** Every published key (active first, then next, then retired): all go into metadata. */
    async published(poolId: string): Promise<SamlKey[]> {
      const order = { active: 0, next: 1, retired: 2 } as const;
      return (await rows(poolId)).map(toKey).sort((a, b) => order[a.status] - order[b.status]);
    },

    /** Publishes the next key ahead of a rotation (idempotent: an existing `next` key is kept). */
    async stage(poolId: string): Promise<SamlKey> {
      const list = await rows(poolId);
      const existing = list.find((r) => r.status === 'next');
      if (existing) return toKey(existing);
      const row = newKey(poolId, 'next');
      await repo.insert(row);
      return toKey(row);
    },

    /** The staged key (or a fresh one) becomes the signing key; the previous one is retired, older retired ones deleted. */
    async rotate(poolId: string): Promise<{ active: string; retired: string[]; deleted: string[] }> {
      const list = await rows(poolId);
      const at = nowIso();
      let next = list.find((r) => r.status === 'next');
      if (!next) {
        next = newKey(poolId, 'next');
        await repo.insert(next);
      }
      const previous = list.filter((r) => r.status === 'active').map((r) => r.kid);
      await repo.setStatus(poolId, [next.kid], 'active', at);
      await repo.setStatus(poolId, previous, 'retired', at);
      const olderRetired = list.filter((r) => r.status === 'retired').map((r) => r.kid);
      const deleted = [...previous, ...olderRetired].slice(RETIRED_SAML_KEYS_KEPT);
      await repo.delete(poolId, deleted);
      return { active: next.kid, retired: previous.filter((k) => !deleted.includes(k)), deleted };
    },

    /** Removes a retired or staged key from metadata at once (e.g. after every service provider moved on). */
    async remove(poolId: string, kid: string): Promise<void> {
      const r = (await repo.list(poolId)).find((x) => x.kid === kid);
      if (!r || r.status === 'active') throw new AppError('saml.key_not_found', { params: { keyId: kid } });
      await repo.delete(poolId, [kid]);
    },

    /** Public facts only (never key material), for the CLI. */
    async list(poolId: string) {
      return (await rows(poolId)).map((r) => ({ kid: r.kid, status: r.status, createdAt: r.created_at, activatedAt: r.activated_at, retiredAt: r.retired_at }));
    },
  };
}
export type SamlKeysService = ReturnType<typeof createSamlKeysService>;
