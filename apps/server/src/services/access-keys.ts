import type { AccessKeyListing, AccessKeysRepo } from '../storage/repositories/access-keys.js';
import type { SecretBox } from '../utils/crypto.js';
import { randomId, urlSafeSecret } from '../utils/ids.js';
import { nowIso } from '../utils/time.js';
import { AppError } from '../errors/app-error.js';
import { isUniqueViolation } from '../errors/to-app-error.js';
import { TOPICS, type InvalidationBus } from '../storage/kv/invalidation-bus.js';
import type { EventService } from './events/service.js';

export interface ResolvedKey {
  accessKeyId: string;
  poolId: string;
  secret: string;
}

/** Who asked for a change: the signing key of a management request, or the CLI (null). */
export interface KeyActor {
  actor?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
}

/** A key as the API and the CLI show it: never the secret. */
export interface AccessKeyView {
  accessKeyId: string;
  userPoolId: string;
  name: string | null;
  enabled: boolean;
  createdAt: string;
  lastUsedAt: string | null;
}

export const toAccessKeyView = (r: AccessKeyListing): AccessKeyView => ({
  accessKeyId: r.id,
  userPoolId: r.pool_id,
  name: r.name,
  enabled: r.enabled === 1,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
});

const CACHE_TTL_MS = 30_000;
/** `last_used_at` is written at most this often per key and process: a signed request must not cost a write. */
const LAST_USE_EVERY_MS = 60_000;

/**
 * Management access keys (AK/SK). The secret must be recoverable because the vendor's
 * request signing is HMAC with the secret itself, so it is sealed (AES-GCM), not hashed.
 * Resolved keys (and unknown ids) are cached briefly per process. Creating, enabling,
 * disabling or deleting a key publishes on the invalidation bus: every node drops the entry at
 * once with Redis, this node only without it (other nodes then within CACHE_TTL_MS, also the
 * bound for a missed pub/sub message).
 *
 * Disabling or deleting the last enabled key of a pool is refused (`access_key.last_enabled`):
 * it would lock every administrator out of the management API, and only the CLI could recover.
 */
export function createAccessKeysService(repo: AccessKeysRepo, box: SecretBox, bus?: InvalidationBus, events?: EventService) {
  const cache = new Map<string, { value: ResolvedKey | null; until: number }>();
  const lastUseWritten = new Map<string, number>();
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
  const emit = (name: 'access-key:created' | 'access-key:updated' | 'access-key:deleted', poolId: string, accessKeyId: string, by: KeyActor, data: Record<string, unknown>) =>
    events?.emit(name, { poolId, actor: by.actor ?? null, subject: accessKeyId, ip: by.ip ?? null, userAgent: by.userAgent ?? null, requestId: by.requestId ?? null, data: { accessKeyId, ...data } });

  async function found(poolId: string, accessKeyId: string): Promise<AccessKeyListing> {
    const row = await repo.findInPool(poolId, accessKeyId);
    if (!row) throw new AppError('access_key.not_found');
    return row;
  }
  async function keepOneEnabled(poolId: string, accessKeyId: string): Promise<void> {
    if ((await repo.countOtherEnabled(poolId, accessKeyId)) === 0) throw new AppError('access_key.last_enabled');
  }

  return {
    async create(poolId: string, input: { accessKeyId?: string; accessKeySecret?: string; name?: string } = {}, by: KeyActor = {}) {
      const accessKeyId = input.accessKeyId ?? `ak_${randomId(12)}`;
      const accessKeySecret = input.accessKeySecret ?? urlSafeSecret(32);
      const createdAt = nowIso();
      try {
        await repo.insert({
          id: accessKeyId,
          pool_id: poolId,
          name: input.name ?? null,
          secret_enc: box.seal(accessKeySecret, context(accessKeyId)),
          enabled: 1,
          created_at: createdAt,
          last_used_at: null,
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('request.invalid_input', { details: [{ path: 'accessKeyId', message: 'already exists' }], cause: err });
        throw err;
      }
      await changed(accessKeyId);
      await emit('access-key:created', poolId, accessKeyId, by, { name: input.name ?? null });
      return { accessKeyId, accessKeySecret, poolId, name: input.name ?? null, createdAt };
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
    /**
     * Records that a key signed a verified request. Throttled to one write per key and minute per
     * process, so `lastUsedAt` is accurate to about a minute; callers need not await it.
     */
    async recordUse(accessKeyId: string): Promise<void> {
      const now = Date.now();
      if ((lastUseWritten.get(accessKeyId) ?? 0) > now - LAST_USE_EVERY_MS) return;
      if (lastUseWritten.size > 10_000) lastUseWritten.clear();
      lastUseWritten.set(accessKeyId, now);
      await repo.touchLastUsed(accessKeyId, new Date(now).toISOString());
    },
    list: async (poolId: string): Promise<AccessKeyView[]> => (await repo.listByPool(poolId)).map(toAccessKeyView),
    get: async (poolId: string, accessKeyId: string): Promise<AccessKeyView> => toAccessKeyView(await found(poolId, accessKeyId)),
    async setEnabled(poolId: string, accessKeyId: string, enabled: boolean, by: KeyActor = {}): Promise<AccessKeyView> {
      const row = await found(poolId, accessKeyId);
      if (!enabled && row.enabled === 1) await keepOneEnabled(poolId, accessKeyId);
      if (!(await repo.setEnabled(poolId, accessKeyId, enabled))) throw new AppError('access_key.not_found');
      await changed(accessKeyId);
      await emit('access-key:updated', poolId, accessKeyId, by, { enabled });
      return { ...toAccessKeyView(row), enabled };
    },
    async delete(poolId: string, accessKeyId: string, by: KeyActor = {}): Promise<void> {
      const row = await found(poolId, accessKeyId);
      if (row.enabled === 1) await keepOneEnabled(poolId, accessKeyId);
      if (!(await repo.delete(poolId, accessKeyId))) throw new AppError('access_key.not_found');
      lastUseWritten.delete(accessKeyId);
      await changed(accessKeyId);
      await emit('access-key:deleted', poolId, accessKeyId, by, {});
    },
  };
}
export type AccessKeysService = ReturnType<typeof createAccessKeysService>;
