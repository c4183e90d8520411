import { AppError } from '../../errors/app-error.js';
import { kvDelMany, type KvStore } from '../../storage/kv/types.js';
import { scopedKv } from '../../storage/kv/scoped.js';
import type { CaptchaService } from '../../services/captcha.js';
import type { BruteForceSettings } from '../../services/credentials/settings.js';

/**
 * The engine's attempt guard: brute-force accounting in the shared KV (security.md §0 items
 * 8–13), one place for every pathway that checks a secret — passwords on /api/v3/signin, the
 * hosted login and JitAi elements, SMS/email codes, the current password of a signed-in user,
 * second factors — so they all draw on the same counters.
 *
 * Counters are per key (`login-methods/counter-keys.ts`: the normalised identifier, never "known
 * account or not") and per IP. Each verification *reserves* its attempt before the secret is
 * checked: `incr` is atomic on every backend, so with N parallel requests each gets a distinct
 * number n. That number decides everything, with no check-then-act window (Keycloak
 * CVE-2024-4629 was such a race):
 *   - n > lockAfter            → refused as locked, even with the right secret;
 *   - n > captchaAfter         → allowed only with a valid graphic captcha (consumed), so a
 *                                parallel burst gets at most `captchaAfter` verifications without
 *                                one and at most `lockAfter` in all, on one node or many;
 *   - a refusal before the verification gives its reservation back (it was not a guess).
 * A failure keeps its reservation (it counts); the `lockAfter`-th failure turns the counter into
 * a lock that lives `lockBaseSeconds · 2^(level-1)` (capped), level counting the day's locks. A
 * success clears the counters of the keys it named.
 *
 * What this does not protect against: a guesser spreading attempts across many accounts from
 * many addresses stays under every per-key and per-IP limit (that is what the per-IP limit and
 * send quotas bound); the captcha is a speed bump that costs a machine little — the lock is the
 * real limit.
 */
const DAY_MS = 86_400_000;
/**
 * A locked counter holds this value, far above any `lockAfter` (≤ 100): requests refused while it
 * was being set give their reservation back (a decrement each), and no number of them can bring a
 * lock back under the limit. (Setting it to `lockAfter` would let a burst of give-backs reopen it.)
 */
const LOCKED = 1_000_000;

export interface AttemptSubject {
  /** Counter keys (see counter-keys.ts); the attempt is refused when any of them is locked. */
  keys: string[];
  ip?: string | null;
  /** A captcha the caller solved for this attempt. */
  captcha?: { token?: string | undefined; code?: string | undefined } | undefined;
  /** Require a captcha on every attempt (a JitAi instance with `requireCaptcha`). */
  captchaEveryTime?: boolean;
  /** The flow the captcha must have been issued for (unbound captchas from the API pass anywhere in their pool). */
  captchaBinding?: string | undefined;
}

export interface Attempt {
  /** The verification failed: keep the reservation, lock at the limit. */
  failed(): Promise<void>;
  /** The verification succeeded: clear the keys' counters; successes do not count against the IP. */
  succeeded(): Promise<void>;
  /** The verification did not happen (an error unrelated to the secret): give the reservation back. */
  release(): Promise<void>;
}

export function createAttemptGuard(deps: { kv: KvStore; captcha: Pick<CaptchaService, 'check'>; settings: (poolId: string) => Promise<BruteForceSettings> }) {
  const acctKey = (k: string) => `bf:a:${k}`;
  const lvlKey = (k: string) => `bf:l:${k}`;
  const ipKey = (ip: string) => `bf:ip:${ip}`;

  async function begin(poolId: string, subject: AttemptSubject): Promise<Attempt> {
    const bf = await deps.settings(poolId);
    const s = scopedKv(deps.kv, poolId);
    const keys = [...new Set(subject.keys)];
    const ip = subject.ip ?? null;
    const taken: string[] = [];
    let ipTaken = false;
    const giveBack = async () => {
      await Promise.all(taken.map((k) => s.incr(acctKey(k), bf.windowSeconds * 1000, -1)));
      if (ipTaken && ip) await s.incr(ipKey(ip), bf.ipWindowSeconds * 1000, -1);
    };
    const counts: number[] = [];
    try {
      for (const k of keys) {
        counts.push(await s.incr(acctKey(k), bf.windowSeconds * 1000));
        taken.push(k);
      }
      const n = Math.max(0, ...counts);
      if (n > bf.lockAfter) throw new AppError('user.locked');
      if (ip) {
        const m = await s.incr(ipKey(ip), bf.ipWindowSeconds * 1000);
        ipTaken = true;
        if (m > bf.ipMaxFailures) throw new AppError('auth.too_many_attempts');
      }
      const needsCaptcha = subject.captchaEveryTime === true || (bf.captchaAfter > 0 && n > bf.captchaAfter);
      if (needsCaptcha) {
        const c = subject.captcha;
        if (!c?.code || !c.token) throw new AppError('auth.captcha_required');
        if (!(await deps.captcha.check(poolId, c.token, c.code, subject.captchaBinding ? { bindTo: subject.captchaBinding } : {}))) throw new AppError('auth.captcha_invalid');
      }
    } catch (err) {
      await giveBack().catch(() => undefined);
      throw err;
    }
    let settled = false;
    const once = async (fn: () => Promise<void>) => {
      if (settled) return;
      settled = true;
      await fn();
    };
    return {
      failed: () =>
        once(async () => {
          // The keys of one attempt name one account: when any of them reaches the limit, all of
          // them lock. A second factor counts on the identifiers and on `mfa:<userId>`, which a
          // password success does not clear; when that key reaches the limit after a password
          // success emptied the identifier counters, the password is locked too (docs/mfa.md).
          if (!counts.some((c) => c >= bf.lockAfter)) return;
          for (const k of keys) {
            const level = await s.incr(lvlKey(k), DAY_MS);
            const ms = Math.min(bf.lockBaseSeconds * 1000 * 2 ** Math.min(level - 1, 30), bf.lockMaxSeconds * 1000);
            await s.set(acctKey(k), String(LOCKED), ms);
          }
        }),
      succeeded: () =>
        once(async () => {
          // One statement (one Redis command) for all of them: a second factor names three keys.
          await kvDelMany(s, keys.flatMap((k) => [acctKey(k), lvlKey(k)]));
          if (ipTaken && ip) await s.incr(ipKey(ip), bf.ipWindowSeconds * 1000, -1);
        }),
      release: () => once(giveBack),
    };
  }

  return {
    begin,
    /**
     * Runs one verification under the guard: `verify` answers true (right secret) or false (a
     * counted failure); a thrown error gives the attempt back and propagates.
     */
    async run<T>(poolId: string, subject: AttemptSubject, verify: () => Promise<{ ok: boolean; value: T }>): Promise<{ ok: boolean; value: T }> {
      const attempt = await begin(poolId, subject);
      let r: { ok: boolean; value: T };
      try {
        r = await verify();
      } catch (err) {
        await attempt.release().catch(() => undefined);
        throw err;
      }
      await (r.ok ? attempt.succeeded() : attempt.failed());
      return r;
    },
    /** The highest failure count among the keys now (a read, for showing a captcha before it is demanded). */
    async failures(poolId: string, keys: string[]): Promise<number> {
      const s = scopedKv(deps.kv, poolId);
      let n = 0;
      for (const k of keys) n = Math.max(n, Number((await s.get(acctKey(k))) ?? 0));
      return n;
    },
    /** Whether the keys are locked now (a read; the decision at sign-in is the reservation's). */
    async isLocked(poolId: string, keys: string[]): Promise<boolean> {
      const bf = await deps.settings(poolId);
      const s = scopedKv(deps.kv, poolId);
      for (const k of keys) if (Number((await s.get(acctKey(k))) ?? 0) >= bf.lockAfter) return true;
      return false;
    },
    /** Admin unlock: clears the counters and lock levels of the keys. */
    async unlock(poolId: string, keys: string[]): Promise<void> {
      const s = scopedKv(deps.kv, poolId);
      await Promise.all(keys.flatMap((k) => [s.del(acctKey(k)), s.del(lvlKey(k))]));
    },
  };
}
export type AttemptGuard = ReturnType<typeof createAttemptGuard>;
