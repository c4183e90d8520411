/**
 * A per-node read-through cache for configuration that every sign-in or token request re-reads
 * (an application, MFA policies, a pool's custom-database or webhook settings). What makes it
 * safe to use for configuration:
 *  - The owner drops entries when the configuration changes (`drop`), on this node at once and
 *    on the others through the invalidation bus (storage/kv/invalidation-bus.ts); `ttlMs` bounds
 *    what a lost pub/sub message, or several nodes without Redis, can leave behind.
 *  - A read that a `drop` overtook does not store what it read (generation counter), so a change
 *    published while a read was running is never hidden behind the older value.
 *  - Concurrent reads of one key share one load; a failed load is not kept.
 *  - At most `maxEntries` keys (oldest first out), so unknown keys cannot grow it without bound.
 * Values are shared between callers: they must not be changed (`freeze` below helps).
 */
export interface KeyedCacheOptions {
  ttlMs: number;
  maxEntries?: number;
  now?: () => number;
}

export function createKeyedCache<V>(load: (key: string) => Promise<V>, opts: KeyedCacheOptions) {
  const max = opts.maxEntries ?? 10_000;
  const now = opts.now ?? Date.now;
  // Insertion order = age (a refreshed entry is deleted and set again), so the first key is the oldest.
  const entries = new Map<string, { at: number; value: Promise<V> }>();
  let generation = 0;

  return {
    get(key: string): Promise<V> {
      const hit = entries.get(key);
      if (hit && now() - hit.at < opts.ttlMs) return hit.value;
      if (hit) entries.delete(key);
      const gen = generation;
      const value = load(key);
      const entry = { at: now(), value };
      entries.set(key, entry);
      while (entries.size > max) entries.delete(entries.keys().next().value!);
      const forget = () => {
        if (entries.get(key) === entry) entries.delete(key);
      };
      value.then(() => gen !== generation && forget(), forget);
      return value;
    },
    /** Drops one key, every key starting with `prefix` (`{ prefix }`), or everything (undefined). */
    drop(key?: string | { prefix: string }) {
      generation++;
      if (key === undefined) return entries.clear();
      if (typeof key === 'string') return void entries.delete(key);
      for (const k of entries.keys()) if (k.startsWith(key.prefix)) entries.delete(k);
    },
    get size() {
      return entries.size;
    },
  };
}
export type KeyedCache<V> = ReturnType<typeof createKeyedCache<V>>;

/** Freezes a cached value and everything in it, so a caller that tries to change it fails loudly instead of changing it for every other caller. */
export function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v as object)) deepFreeze(x);
  }
  return v;
}
