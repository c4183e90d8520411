import type { AccessKeysRepo } from '../storage/repositories/access-keys.js';
import type { SecretBox } from '../utils/crypto.js';
import { randomId, urlSafeSecret } from '../utils/ids.js';
import { nowIso } from '../utils/time.js';
import { AppError } from '../errors/app-error.js';
import { isUniqueViolation } from '../errors/to-app-error.js';

export interface ResolvedKey {
  accessKeyId: string;
  poolId: string;
  secret: string;
}

const CACHE_TTL_MS = 30_000;

/**
 * Management access keys (AK/SK). The secret must be recoverable because the vendor's
 * request signing is HMAC with the secret itself, so it is sealed (AES-GCM), not hashed.
 * Resolved keys are cached briefly per process; disabling a key takes effect within
 * CACHE_TTL_MS on other nodes (immediately on this one).
 */
export function createAccessKeysService(repo: AccessKeysRepo, box: SecretBox) {
  const cache = new Map<string, { value: ResolvedKey | null; until: number }>();
  const context = (id: string) => `access_key:${id}`;
  return {
    async create(poolId: string, input: { accessKeyId?: string; accessKeySecret?: string; name?: string } = {}) {
      const accessKeyId = input.accessKeyId ?? `ak_${randomId(12)}`;
      const accessKeySecret = input.accessKeySecret ?? urlSafeSecret(32);
      try {
        await repo.insert({
          id: accessKeyId,
          pool_id: poolId,
          name: input.name ?? null,
          secret_enc: box.seal(accessKeySecret, context(accessKeyId)),
          enabled: 1,
          created_at: nowIso(),
          last_used_at: null,
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('request.invalid_input', { details: [{ path: 'accessKeyId', message: 'already exists' }], cause: err });
        throw err;
      }
      cache.delete(accessKeyId);
      return { accessKeyId, accessKeySecret, poolId };
    },
    /** Returns null for unknown or disabled keys; callers must not reveal which. */
    async resolve(accessKeyId: string): Promise<ResolvedKey | null> {
      const hit = cache.get(accessKeyId);
      if (hit && hit.until > Date.now()) return hit.value;
      const row = await repo.findById(accessKeyId);
      const value = row && row.enabled === 1 ? { accessKeyId, poolId: row.pool_id, secret: box.open(row.secret_enc, context(accessKeyId)) } : null;
      if (cache.size > 10_000) cache.clear();
      cache.set(accessKeyId, { value, until: Date.now() + CACHE_TTL_MS });
      return value;
    },
    list: (poolId: string) => repo.listByPool(poolId),
    async setEnabled(poolId: string, accessKeyId: string, enabled: boolean) {
      await repo.setEnabled(poolId, accessKeyId, enabled);
      cache.delete(accessKeyId);
    },
  };
}
export type AccessKeysService = ReturnType<typeof createAccessKeysService>;
