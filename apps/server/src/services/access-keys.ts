import type { AccessKeysRepo } from '../storage/repositories/access-keys.js';
import type { SecretBox } from '../utils/crypto.js';
import { randomId, urlSafeSecret } from '../utils/ids.js';
import { nowIso } from '../utils/time.js';
import { AppError } from '../errors/app-error.js';
import { isUniqueViolation } from '../errors/to-app-error.js';
import { TOPICS, type InvalidationBus } from '../storage/kv/invalidation-bus.js';

export interface ResolvedKey {
  accessKeyId: string;
  poolId: string;
  secret: string;
}

const CACHE_TTL_MS = 30_000;

/**
 * Management access keys (AK/SK). The secret must be recoverable because the vendor's
 * request signing is HMAC with the secret itself, so it is sealed (AES-GCM), not hashed.
 * Resolved keys (and unknown ids) are cached briefly per process. Creating, enabling or
 * disabling a key publishes on the invalidation bus: every node drops the entry at once with
 * Redis, this node only without it (other nodes then within CACHE_TTL_MS, also the bound for a
 * missed pub/sub message).
 */
export function createAccessKeysService(repo: AccessKeysRepo, box: SecretBox, bus?: InvalidationBus) {
  const cache = new Map<string, { value: ResolvedKey | null; until: number }>();
  /** Bumped on every invalidation: a lookup that started before one must not cache what it read. */
  let generation = 0;
  const drop = (id: string | undefined) => {
    generation++;
    if (id === undefined) cache.clear();
    else cache.delete(id);
  };
  bus?.subscribe(TOPICS.accessKey, drop);
  const changed = async (id: string) => {
    drop(id);
    await bus?.publish(TOPICS.accessKey, id);
  };
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
      await changed(accessKeyId);
      return { accessKeyId, accessKeySecret, poolId };
    },
    /** Returns null for unknown or disabled keys; callers must not reveal which. */
    async resolve(accessKeyId: string): Promise<ResolvedKey | null> {
      const hit = cache.get(accessKeyId);
      if (hit && hit.until > Date.now()) return hit.value;
      const gen = generation;
      const row = await repo.findById(accessKeyId);
      const value = row && row.enabled === 1 ? { accessKeyId, poolId: row.pool_id, secret: box.open(row.secret_enc, context(accessKeyId)) } : null;
      if (cache.size > 10_000) cache.clear();
      if (gen === generation) cache.set(accessKeyId, { value, until: Date.now() + CACHE_TTL_MS });
      return value;
    },
    list: (poolId: string) => repo.listByPool(poolId),
    async setEnabled(poolId: string, accessKeyId: string, enabled: boolean) {
      await repo.setEnabled(poolId, accessKeyId, enabled);
      await changed(accessKeyId);
    },
  };
}
export type AccessKeysService = ReturnType<typeof createAccessKeysService>;
