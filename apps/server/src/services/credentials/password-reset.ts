import { createHash } from 'node:crypto';
import { AppError } from '../../errors/app-error.js';
import type { KvStore } from '../../storage/kv/types.js';
import { scopedKv } from '../../storage/kv/scoped.js';
import type { UsersRepo } from '../../storage/repositories/users.js';
import type { TokenService } from '../tokens/types.js';
import { urlSafeSecret } from '../../utils/ids.js';
import type { PasswordsService } from './passwords.js';

/**
 * The password half of "forgot password" (vendor `verifyResetPasswordRequest` → `resetPassword`,
 * authing-node-sdk `AuthenticationClient.ts`; OWASP Forgot Password Cheat Sheet):
 *
 * 1. `verify-reset-password-request` proves control of the email or phone with a passcode — the
 *    passcode service (issue #5) plugs in with `useCodeVerifier` — and gets a reset token from
 *    `issueResetToken(poolId, userId)`;
 * 2. `reset-password` sets the new password with that token.
 *
 * Reset tokens: 256 random bits, valid RESET_TOKEN_TTL_MS, single use (atomic KV `take`), bound
 * to the pool (KV prefix) and the user (the stored value), stored only as a SHA-256 key. The new
 * password passes policy and history *before* the token is consumed, so a refused password does
 * not cost the user a new code. A reset ends every session and refresh token of the user and
 * clears a temporary lock (the user just proved control of a recovery channel).
 */
export const RESET_TOKEN_TTL_MS = 15 * 60 * 1000;
const key = (token: string) => `pwreset:${createHash('sha256').update(token, 'utf8').digest('base64url')}`;

export type ResetVerifyMethod = 'EMAIL_PASSCODE' | 'PHONE_PASSCODE';

/** What `verify-reset-password-request` carries (vendor `VerifyResetPasswordRequestDto`). */
export interface ResetVerification {
  verifyMethod: ResetVerifyMethod;
  emailPassCodePayload?: { email?: string; passCode: string };
  phonePassCodePayload?: { phoneNumber: string; passCode: string; phoneCountryCode?: string };
}

/**
 * Supplied by the passcode service: checks the code on the reset channel and returns the id of
 * the user who owns the email/phone, or throws its catalogued error (wrong code, burned …).
 * For an unknown email/phone it must behave like a wrong code (no account enumeration).
 */
export type ResetCodeVerifier = (poolId: string, v: ResetVerification) => Promise<string>;

export function createPasswordReset(deps: {
  kv: KvStore;
  users: UsersRepo;
  passwords: PasswordsService;
  tokens: () => TokenService | undefined;
  unlock: (poolId: string, userId: string) => Promise<void>;
}) {
  let verifier: ResetCodeVerifier | undefined;

  async function issueResetToken(poolId: string, userId: string): Promise<{ passwordResetToken: string; tokenExpiresIn: number }> {
    if (!(await deps.users.findById(poolId, userId))) throw new AppError('user.not_found');
    const token = urlSafeSecret(32);
    await scopedKv(deps.kv, poolId).set(key(token), userId, RESET_TOKEN_TTL_MS);
    return { passwordResetToken: token, tokenExpiresIn: RESET_TOKEN_TTL_MS / 1000 };
  }

  return {
    issueResetToken,

    /** The passcode service registers its code check here (one call at start). */
    useCodeVerifier(v: ResetCodeVerifier) {
      verifier = v;
    },

    async verifyRequest(poolId: string, v: ResetVerification): Promise<{ passwordResetToken: string; tokenExpiresIn: number }> {
      const payload = v.verifyMethod === 'EMAIL_PASSCODE' ? v.emailPassCodePayload : v.phonePassCodePayload;
      if (!payload) {
        const field = v.verifyMethod === 'EMAIL_PASSCODE' ? 'emailPassCodePayload' : 'phonePassCodePayload';
        throw new AppError('request.invalid_input', { details: [{ path: `body/${field}`, message: `is required for verifyMethod ${v.verifyMethod}` }] });
      }
      if (!verifier) throw new AppError('auth.unsupported_connection', { params: { connection: v.verifyMethod, supported: 'none yet: SMS and email passcodes are not configured on this server' } });
      return issueResetToken(poolId, await verifier(poolId, v));
    },

    /** Sets the password for the token's user; the token is spent only when the password is accepted. */
    /** Returns the id of the user whose password was reset. */
    async reset(poolId: string, input: { passwordResetToken: string; password: string }): Promise<string> {
      const t = input.passwordResetToken;
      if (typeof t !== 'string' || t.length < 16 || t.length > 128) throw new AppError('auth.password_reset_token_invalid');
      const s = scopedKv(deps.kv, poolId);
      const userId = await s.get(key(t));
      const user = userId ? await deps.users.findById(poolId, userId) : undefined;
      if (!user) throw new AppError('auth.password_reset_token_invalid');
      const prepared = await deps.passwords.prepare(poolId, user, input.password);
      // Single use: of parallel resets with one token, only the one that takes it writes.
      if ((await s.take(key(t))) !== user.id) throw new AppError('auth.password_reset_token_invalid');
      await deps.passwords.store(poolId, user.id, prepared);
      await deps.tokens()?.revokeUserSessions(poolId, user.id);
      await deps.unlock(poolId, user.id);
      return user.id;
    },
  };
}
export type PasswordReset = ReturnType<typeof createPasswordReset>;
