import { AppError } from '../errors/app-error.js';
import type { KvStore } from '../storage/kv/types.js';
import { scopedKv } from '../storage/kv/scoped.js';
import type { BruteForceSettings } from '../services/credentials/settings.js';

/**
 * Brute-force accounting in the shared KV (security.md §0 items 8–10). Every pathway that
 * checks a password goes through here, so they share one counter per account and per IP.
 *
 * The per-account counter is *reserved before* the password is checked: `incr` is atomic on
 * every backend, so with `lockAfter = M` at most M verifications can ever run in a window,
 * however many requests arrive in parallel (Keycloak CVE-2024-4629 was a check-then-act race).
 * A success deletes the counter. The M-th failure turns the counter into a lock by rewriting
 * it with the lock's lifetime; locks grow (base · 2^(n-1), capped) for repeated locks in a day.
 * Unknown accounts are keyed by their identifier and behave exactly like known ones.
 */
const DAY_MS = 86_400_000;

export interface LockoutKeys {
  account: string;
  ip?: string | undefined;
}

export function createLockout(kv: KvStore) {
  const acctKey = (k: string) => `bf:a:${k}`;
  const lvlKey = (k: string) => `bf:l:${k}`;
  const ipKey = (ip: string) => `bf:ip:${ip}`;

  return {
    /** Current consecutive failures (including in-flight reservations) of an account. */
    async failures(poolId: string, account: string): Promise<number> {
      return Number((await scopedKv(kv, poolId).get(acctKey(account))) ?? 0);
    },

    async assertNotLocked(poolId: string, account: string, bf: BruteForceSettings): Promise<void> {
      if ((await this.failures(poolId, account)) >= bf.lockAfter) throw new AppError('user.locked');
    },

    /** Atomically takes one attempt; throws user.locked / auth.too_many_attempts when none is left. */
    async reserve(poolId: string, keys: LockoutKeys, bf: BruteForceSettings): Promise<number> {
      const s = scopedKv(kv, poolId);
      const n = await s.incr(acctKey(keys.account), bf.windowSeconds * 1000);
      if (n > bf.lockAfter) throw new AppError('user.locked');
      if (keys.ip) {
        const m = await s.incr(ipKey(keys.ip), bf.ipWindowSeconds * 1000);
        if (m > bf.ipMaxFailures) {
          await s.incr(acctKey(keys.account), bf.windowSeconds * 1000, -1); // the account attempt was not used
          throw new AppError('auth.too_many_attempts');
        }
      }
      return n;
    },

    async succeeded(poolId: string, keys: LockoutKeys, bf: BruteForceSettings): Promise<void> {
      const s = scopedKv(kv, poolId);
      await s.del(acctKey(keys.account));
      await s.del(lvlKey(keys.account));
      if (keys.ip) await s.incr(ipKey(keys.ip), bf.ipWindowSeconds * 1000, -1); // successes do not count against the IP
    },

    /** Called after a failed verification that held reservation `n`. */
    async failed(poolId: string, keys: LockoutKeys, n: number, bf: BruteForceSettings): Promise<void> {
      if (n < bf.lockAfter) return;
      const s = scopedKv(kv, poolId);
      const level = await s.incr(lvlKey(keys.account), DAY_MS);
      const ms = Math.min(bf.lockBaseSeconds * 1000 * 2 ** Math.min(level - 1, 30), bf.lockMaxSeconds * 1000);
      await s.set(acctKey(keys.account), String(bf.lockAfter), ms);
    },

    /** Gives back an attempt that was not used (e.g. the request failed for another reason). */
    async release(poolId: string, keys: LockoutKeys, bf: BruteForceSettings): Promise<void> {
      const s = scopedKv(kv, poolId);
      await s.incr(acctKey(keys.account), bf.windowSeconds * 1000, -1);
      if (keys.ip) await s.incr(ipKey(keys.ip), bf.ipWindowSeconds * 1000, -1);
    },

    /** Admin unlock: clears the counter and the lock level. */
    async unlock(poolId: string, account: string): Promise<void> {
      const s = scopedKv(kv, poolId);
      await s.del(acctKey(account));
      await s.del(lvlKey(account));
    },
  };
}
export type Lockout = ReturnType<typeof createLockout>;
