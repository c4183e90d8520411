import { AppError } from '../../errors/app-error.js';
import { userCounterKeys } from '../../login-methods/counter-keys.js';
import type { EventService } from '../../services/events/service.js';
import type { UserRow } from '../../storage/repositories/users.js';
import type { AttemptGuard } from '../engine/attempt-guard.js';
import type { RequestInfo } from '../engine/types.js';

/**
 * A second-factor check on the shared attempt counters (security.md §0 items 8–13): a wrong code
 * counts like a wrong password, on every identifier of the account, and at the lock the account
 * is locked for passwords too.
 *
 * One more key, `mfa:<userId>`, is cleared only by a passed second factor: a first-factor success
 * clears the identifier counters, so without it someone who knows the password could sign in
 * again and again to get `lockAfter − 1` fresh guesses each time.
 */
export const mfaCounterKey = (userId: string) => `mfa:${userId}`;

export type CheckError = 'mfa.otp_invalid' | 'mfa.recovery_code_invalid' | 'mfa.passcode_invalid' | 'webauthn.verification_failed';

export async function guardedCheck<T extends { ok: true } | { ok: false; error: CheckError }>(
  deps: { guard: AttemptGuard; events: Pick<EventService, 'emit'> },
  e: { poolId: string; user: UserRow; extraKeys?: string[]; request: RequestInfo; appId: string | null; factor: string; captcha?: { token?: string; code?: string } | undefined },
  check: () => Promise<T>,
): Promise<Extract<T, { ok: true }>> {
  const keys = [...new Set([...userCounterKeys(e.user), ...(e.extraKeys ?? []), mfaCounterKey(e.user.id)])];
  // Past `captchaAfter` failures a captcha is due here as for passwords (the answer carries `captcha`).
  const attempt = await deps.guard.begin(e.poolId, { keys, ip: e.request.ip, ...(e.captcha ? { captcha: e.captcha } : {}) });
  let r: T;
  try {
    r = await check();
  } catch (err) {
    await attempt.release().catch(() => undefined);
    throw err;
  }
  if (!r.ok) {
    await attempt.failed();
    await deps.events.emit('mfa:failed', { poolId: e.poolId, actor: e.user.id, subject: e.user.id, result: 'failure', ip: e.request.ip, userAgent: e.request.userAgent, requestId: e.request.requestId, data: { userId: e.user.id, appId: e.appId, factor: e.factor, reason: r.error } });
    throw new AppError(r.error);
  }
  await attempt.succeeded();
  return r as Extract<T, { ok: true }>;
}
