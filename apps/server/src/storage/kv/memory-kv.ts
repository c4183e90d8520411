import type { KvStore } from './types.js';

export interface MemoryKvOptions {
  /** How often expired entries are dropped (they are already invisible); default 60 s. */
  sweepIntervalMs?: number;
}

interface Entry {
  value: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/**
 * A process-local KV store for tests and single-process development. It is NOT shared
 * across nodes, so production with more than one process must use the SQL or Redis backend.
 * Every operation is synchronous inside one call, which is what makes it atomic.
 */
export function createMemoryKv(opts: MemoryKvOptions = {}): KvStore {
  const entries = new Map<string, Entry>();

  /** The live entry, or undefined; an expired entry is removed on sight. */
  const live = (key: string, now: number): Entry | undefined => {
    const e = entries.get(key);
    if (e === undefined) return undefined;
    if (e.expiresAt <= now) {
      entries.delete(key);
      return undefined;
    }
    return e;
  };

  // Reads already hide expired entries; the sweep only bounds memory held by keys nobody
  // reads again. unref() so an idle store never keeps the process alive.
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [k, e] of entries) if (e.expiresAt <= now) entries.delete(k);
  }, opts.sweepIntervalMs ?? 60_000);
  sweep.unref();

  return {
    async get(key) {
      return live(key, Date.now())?.value ?? null;
    },
    async getMany(keys) {
      const now = Date.now();
      return keys.map((k) => live(k, now)?.value ?? null);
    },
    async set(key, value, ttlMs) {
      entries.set(key, { value, expiresAt: Date.now() + ttlMs });
    },
    async setIfAbsent(key, value, ttlMs) {
      const now = Date.now();
      if (live(key, now)) return false;
      entries.set(key, { value, expiresAt: now + ttlMs });
      return true;
    },
    async incr(key, ttlMs, by = 1) {
      if (!Number.isSafeInteger(by)) throw new Error('KV incr: `by` must be an integer');
      const now = Date.now();
      const e = live(key, now);
      if (!e) {
        entries.set(key, { value: String(by), expiresAt: now + ttlMs });
        return by;
      }
      const current = Number(e.value);
      // Same contract as Redis INCRBY: a non-integer value is a caller bug, not a zero.
      if (!Number.isSafeInteger(current)) throw new Error('KV incr: stored value is not an integer');
      const next = current + by;
      e.value = String(next); // keeps expiresAt: fixed windows
      return next;
    },
    async take(key) {
      const e = live(key, Date.now());
      if (!e) return null;
      entries.delete(key);
      return e.value;
    },
    async del(key) {
      const e = live(key, Date.now());
      if (!e) return false;
      entries.delete(key);
      return true;
    },
    async delMany(keys) {
      for (const k of keys) entries.delete(k);
    },
    async ttl(key) {
      const now = Date.now();
      const e = live(key, now);
      return e ? e.expiresAt - now : null;
    },
    async ping() {},
    async close() {
      clearInterval(sweep);
      entries.clear();
    },
  };
}
