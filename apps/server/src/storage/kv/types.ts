/**
 * Short-lived shared state: signature nonces, passcodes, captchas, QR states, counters.
 * Every operation is atomic on its backend so limits hold across parallel requests and
 * across nodes (Redis, or the SQL database when no Redis is configured). Keys are plain
 * strings; pool isolation comes from `scopedKv` prefixing every key with the pool id.
 *
 * TTLs are milliseconds and required: nothing here lives forever.
 */
export interface KvStore {
  get(key: string): Promise<string | null>;
  /**
   * Several keys at once (same order, null for absent or expired): one round trip instead of
   * one per key. Optional: callers fall back to get() per key (kvGetMany below).
   */
  getMany?(keys: string[]): Promise<(string | null)[]>;
  /** Sets (overwrites) the value with a fresh TTL. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Sets only when no live value exists; true when this call set it (nonces, locks, single-use claims). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /**
   * Atomically adds `by` (default 1) and returns the new value. A missing or expired key
   * starts from 0 and gets `ttlMs`; an existing key keeps its expiry (fixed windows).
   */
  incr(key: string, ttlMs: number, by?: number): Promise<number>;
  /** Atomically reads and deletes: the single-use primitive for codes and tickets. */
  take(key: string): Promise<string | null>;
  /** Deletes; true when a live value was removed. */
  del(key: string): Promise<boolean>;
  /**
   * Deletes several keys in one round trip (one statement, one Redis command): the attempt
   * guard clears a success's counters this way. Not atomic across keys. Optional: callers fall
   * back to del() per key (kvDelMany below).
   */
  delMany?(keys: string[]): Promise<void>;
  /** Remaining lifetime in ms, or null when the key is absent or expired. */
  ttl(key: string): Promise<number | null>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type KvBackend = 'memory' | 'sql' | 'redis';

/** delMany when the backend has it, else one del() per key (in parallel). */
export async function kvDelMany(kv: KvStore, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  if (kv.delMany) return kv.delMany(keys);
  await Promise.all(keys.map((k) => kv.del(k)));
}

/** getMany when the backend has it, else one get() per key (in parallel). */
export function kvGetMany(kv: KvStore, keys: string[]): Promise<(string | null)[]> {
  return kv.getMany ? kv.getMany(keys) : Promise.all(keys.map((k) => kv.get(k)));
}
