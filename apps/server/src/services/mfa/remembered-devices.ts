import type { MfaRepo } from '../../storage/repositories/mfa.js';
import type { SecretBox } from '../../utils/crypto.js';
import { nowIso } from '../../utils/time.js';

const DAY_MS = 86_400_000;
/** At most this many remembered-device cookies of one browser are looked at (one per user who opted in). */
const MAX_TOKENS = 5;
export const DEVICE_COOKIE_PREFIX = 'gh_mfa_rd_';

interface DeviceClaims {
  /** The user. */
  u: string;
  /** Issued at (ms). */
  iat: number;
  /** Expiry (ms): the policy's days at issue time. */
  exp: number;
}

/**
 * "Remember this device" (docs/mfa.md): after a second factor on the hosted login, a user may
 * opt in to skip the MFA step in this browser for the policy's `rememberDeviceDays`.
 *
 * The cookie value is sealed with the master secret (AES-256-GCM, `SecretBox`; the pool in the
 * associated data), so it can be neither forged nor moved to another pool, and it names the user
 * only inside the ciphertext. It counts only for the user it was issued to, and only while:
 *  - it is younger than its own expiry and than the policy's current `rememberDeviceDays`
 *    (lowering the setting shortens every cookie; 0 turns them all off);
 *  - it was issued after the user's factors were last reset (`devices_revoked_at`) and after the
 *    user's sessions were last revoked (force-logout, password change or reset, an admin's MFA
 *    reset: the OIDC account revocation mark).
 * A request with `acr_values=mfa` is never skipped.
 */
export function createRememberedDevices(deps: {
  box: SecretBox;
  repo: Pick<MfaRepo, 'findUserSettings' | 'revokeDevices'>;
  /** When the user's sessions were last revoked (ms), if ever. */
  accountRevokedAt: (poolId: string, userId: string) => Promise<number | undefined>;
}) {
  const context = (poolId: string) => `mfa-device:${poolId}`;

  function open(poolId: string, token: string): DeviceClaims | null {
    try {
      const c = JSON.parse(deps.box.open(token, context(poolId))) as DeviceClaims;
      return typeof c.u === 'string' && Number.isFinite(c.iat) && Number.isFinite(c.exp) ? c : null;
    } catch {
      return null;
    }
  }

  return {
    /** A cookie for this user and browser: its name (one per user, not revealing the id), value and lifetime. */
    issue(poolId: string, userId: string, days: number): { name: string; value: string; maxAgeSeconds: number } {
      const now = Date.now();
      const value = deps.box.seal(JSON.stringify({ u: userId, iat: now, exp: now + days * DAY_MS } satisfies DeviceClaims), context(poolId));
      const name = `${DEVICE_COOKIE_PREFIX}${deps.box.digest(`mfa-device-name:${poolId}:${userId}`).slice(0, 16)}`;
      return { name, value, maxAgeSeconds: days * 86_400 };
    },

    /** Whether one of the browser's cookies remembers this device for this user now. */
    async remembers(poolId: string, userId: string, tokens: readonly string[], days: number): Promise<boolean> {
      if (days <= 0) return false;
      const now = Date.now();
      const mine = tokens
        .slice(0, MAX_TOKENS)
        .map((t) => open(poolId, t))
        .filter((c): c is DeviceClaims => c !== null && c.u === userId && now < Math.min(c.exp, c.iat + days * DAY_MS));
      if (!mine.length) return false;
      const settings = await deps.repo.findUserSettings(poolId, userId);
      const resetAt = settings?.devices_revoked_at ? Date.parse(settings.devices_revoked_at) : 0;
      const revokedAt = (await deps.accountRevokedAt(poolId, userId)) ?? 0;
      return mine.some((c) => c.iat > resetAt && c.iat > revokedAt);
    },

    /** Every remembered device of the user stops counting (a factor reset). */
    revoke: (poolId: string, userId: string) => deps.repo.revokeDevices(poolId, userId, nowIso()),
  };
}
export type RememberedDevices = ReturnType<typeof createRememberedDevices>;

/** The remembered-device cookie values of a request's Cookie header. */
export function deviceTokensOf(cookieHeader: string | undefined): string[] {
  if (!cookieHeader) return [];
  const out: string[] = [];
  for (const part of cookieHeader.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const name = part.slice(0, i).trim();
    const value = part.slice(i + 1).trim();
    if (name.startsWith(DEVICE_COOKIE_PREFIX) && value && value.length <= 1024) out.push(value);
  }
  return out.slice(0, MAX_TOKENS);
}
