import type { MfaPolicyRow, MfaRepo } from '../../storage/repositories/mfa.js';
import { createKeyedCache, deepFreeze } from '../../utils/keyed-cache.js';

/**
 * What the MFA step reads on every sign-in although it changes only through management calls:
 * the pool's and the application's policy rows, and whether any user of the pool has trigger
 * data (setUsersMfaStatus) — without any, the user's own settings are not read at all. Kept per
 * node; the writes below publish the pool on the `mfa` topic of the invalidation bus, which
 * drops everything of that pool here at once and, with Redis, on every node (`drop` is the
 * subscriber, container/mfa.ts). `ttlMs` bounds a lost message.
 */
export function createMfaConfigCache(repo: Pick<MfaRepo, 'findPolicy' | 'poolHasTriggerData'>, opts: { ttlMs: number; maxEntries?: number }) {
  const policies = createKeyedCache(async (key: string) => {
    const [poolId, appId] = key.split('/') as [string, string];
    const row = await repo.findPolicy(poolId, appId);
    return row ? deepFreeze(row) : undefined;
  }, { ttlMs: opts.ttlMs, maxEntries: opts.maxEntries ?? 10_000 });
  const triggers = createKeyedCache((poolId: string) => repo.poolHasTriggerData(poolId), { ttlMs: opts.ttlMs, maxEntries: opts.maxEntries ?? 10_000 });
  return {
    /** The stored policy of a pool (appId '') or an app; shared, never change it. */
    findPolicy: (poolId: string, appId: string): Promise<MfaPolicyRow | undefined> => policies.get(`${poolId}/${appId}`),
    poolHasTriggerData: (poolId: string) => triggers.get(poolId),
    /** Drops a pool's entries (the bus key), or everything. */
    drop(poolId: string | undefined) {
      if (poolId === undefined) {
        policies.drop();
        triggers.drop();
        return;
      }
      policies.drop({ prefix: `${poolId}/` });
      triggers.drop(poolId);
    },
  };
}
