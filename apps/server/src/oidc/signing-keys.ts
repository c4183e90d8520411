import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { SigningKeyRow as KeyRow, SigningKeysRepo } from '../storage/repositories/signing-keys.js';
import type { SecretBox } from '../utils/crypto.js';
import { nowIso } from '../utils/time.js';

/**
 * Signing keys per user pool: one active ES256 key (the default for ID and access tokens)
 * and one active RS256 key (for apps that ask for RS256). HS256 ID tokens use the app's own
 * secret and need no key here. Private keys are sealed with the master secret and bound to
 * their kid (AES-GCM associated data). Rotation creates fresh active keys and keeps the
 * previous ones published (status 'retired') so tokens they signed still verify.
 */
export const SIGNING_ALGS = ['ES256', 'RS256'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];
/** Retired keys kept per algorithm (published for verification); older ones are deleted on rotation. */
export const RETIRED_KEYS_KEPT = 2;

async function newKey(poolId: string, alg: SigningAlg, box: SecretBox): Promise<KeyRow> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength: 2048 } : {}) });
  const kid = `${alg.toLowerCase()}-${Date.now().toString(36)}-${randomBytes(6).toString('base64url')}`;
  const jwk = { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
  return {
    kid,
    pool_id: poolId,
    alg,
    status: 'active',
    private_jwk_enc: box.seal(JSON.stringify(jwk), `oidc-key:${kid}`),
    created_at: nowIso(),
    retired_at: null,
  };
}

export function createSigningKeysService(repo: SigningKeysRepo, box: SecretBox) {
  const open = (r: KeyRow) => JSON.parse(box.open(r.private_jwk_enc, `oidc-key:${r.kid}`)) as JWK;

  return {
    /**
     * The pool's private JWKS for oidc-provider: active keys first (oidc-provider signs with the
     * first key of an algorithm), then retired ones. Creates the initial keys on first use.
     */
    async privateJwks(poolId: string): Promise<{ keys: JWK[]; version: string }> {
      let rows = await repo.list(poolId);
      const missing = SIGNING_ALGS.filter((alg) => !rows.some((r) => r.alg === alg && r.status === 'active'));
      if (missing.length) {
        for (const alg of missing) await repo.insert(await newKey(poolId, alg, box));
        rows = await repo.list(poolId);
      }
      // Two nodes may have raced to create the first key of an alg: the newest active one signs,
      // the other stays published (harmless) until the next rotation retires it.
      const ordered = [...rows.filter((r) => r.status === 'active'), ...rows.filter((r) => r.status !== 'active')];
      return { keys: ordered.map(open), version: this.versionOf(rows) };
    },

    /** A cheap fingerprint of the key set, to notice a rotation done by another node or the CLI. */
    versionOf: (rows: KeyRow[]) => rows.map((r) => `${r.kid}:${r.status}`).sort().join(','),

    async version(poolId: string): Promise<string> {
      return this.versionOf(await repo.list(poolId));
    },

    /** New active keys for every algorithm; the previous ones are retired but stay published. */
    async rotate(poolId: string): Promise<{ active: { kid: string; alg: string }[]; retired: string[]; deleted: string[] }> {
      const rows = await repo.list(poolId);
      const at = nowIso();
      const fresh: KeyRow[] = [];
      for (const alg of SIGNING_ALGS) fresh.push(await newKey(poolId, alg, box));
      for (const r of fresh) await repo.insert(r);
      const toRetire = rows.filter((r) => r.status === 'active').map((r) => r.kid);
      await repo.retire(poolId, toRetire, at);
      // Keep the most recent RETIRED_KEYS_KEPT retired keys per algorithm.
      const deleted: string[] = [];
      for (const alg of SIGNING_ALGS) {
        const retired = rows.filter((r) => r.alg === alg); // all previous keys of this alg are now retired, newest first
        deleted.push(...retired.slice(RETIRED_KEYS_KEPT).map((r) => r.kid));
      }
      await repo.delete(poolId, deleted);
      return { active: fresh.map((r) => ({ kid: r.kid, alg: r.alg })), retired: toRetire.filter((k) => !deleted.includes(k)), deleted };
    },

    /** Public metadata only (never key material), for the CLI. */
    async list(poolId: string) {
      return (await repo.list(poolId)).map((r) => ({ kid: r.kid, alg: r.alg, status: r.status, createdAt: r.created_at, retiredAt: r.retired_at }));
    },
  };
}
export type SigningKeysService = ReturnType<typeof createSigningKeysService>;
