import type { KvStore } from './types.js';

/**
 * A view of a KV store confined to one user pool: every key is prefixed `p:<poolId>:`.
 * Pool ids cannot contain ':' (services/pools.ts validates them), so one pool can never
 * address another pool's keys.
 */
export function scopedKv(kv: KvStore, poolId: string): KvStore {
  const p = `p:${poolId}:`;
  return {
    get: (k) => kv.get(p + k),
    ...(kv.getMany ? { getMany: (keys: string[]) => kv.getMany!(keys.map((k) => p + k)) } : {}),
    set: (k, v, t) => kv.set(p + k, v, t),
    setIfAbsent: (k, v, t) => kv.setIfAbsent(p + k, v, t),
    incr: (k, t, by) => kv.incr(p + k, t, by),
    take: (k) => kv.take(p + k),
    del: (k) => kv.del(p + k),
    ...(kv.delMany ? { delMany: (keys: string[]) => kv.delMany!(keys.map((k) => p + k)) } : {}),
    ttl: (k) => kv.ttl(p + k),
    ping: () => kv.ping(),
    close: async () => undefined, // the view does not own the store
  };
}
