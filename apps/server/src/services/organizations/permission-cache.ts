/**
 * Each user's effective permissions ("code:action" strings) per namespace, kept in this process
 * so a check is a Set lookup. Any change that can alter a permission in a pool (a grant, a
 * membership, a role assignment, a move) drops the pool's entries on every node through the
 * invalidation bus (Redis pub/sub when configured); `ttlMs` bounds what a lost message can leave
 * behind. Bounded in size: the oldest entries go first.
 */
export function createPermissionCache(opts: { ttlMs: number; maxEntries: number; now?: () => number }) {
  const now = opts.now ?? Date.now;
  const pools = new Map<string, Map<string, { at: number; set: Set<string> }>>();
  let size = 0;

  return {
    get(poolId: string, key: string): Set<string> | undefined {
      const e = pools.get(poolId)?.get(key);
      if (!e) return undefined;
      if (now() - e.at > opts.ttlMs) {
        pools.get(poolId)!.delete(key);
        size--;
        return undefined;
      }
      return e.set;
    },
    set(poolId: string, key: string, set: Set<string>): void {
      let m = pools.get(poolId);
      if (!m) pools.set(poolId, (m = new Map()));
      if (!m.has(key)) size++;
      m.set(key, { at: now(), set });
      while (size > opts.maxEntries) {
        const [pool, entries] = pools.entries().next().value as [string, Map<string, unknown>];
        const first = entries.keys().next();
        if (first.done) {
          pools.delete(pool);
          continue;
        }
        entries.delete(first.value);
        size--;
        if (entries.size === 0) pools.delete(pool);
      }
    },
    /** Drops a pool's entries (undefined: everything). */
    drop(poolId: string | undefined): void {
      if (poolId === undefined) {
        pools.clear();
        size = 0;
        return;
      }
      size -= pools.get(poolId)?.size ?? 0;
      pools.delete(poolId);
    },
  };
}
export type PermissionCache = ReturnType<typeof createPermissionCache>;
