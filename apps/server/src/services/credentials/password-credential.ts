import { AppError } from '../../errors/app-error.js';
import type { UserRow, UsersRepo } from '../../storage/repositories/users.js';
import type { PasswordsService } from './passwords.js';

/**
 * The password credential of a signed-in user (JitAi `bind` / `unbind`, as Gatehouse
 * extensions of the authentication API: the vendor AuthenticationClient has no such calls).
 *
 * - bind: an account without a password (e.g. registered with a passcode) adds one; an account
 *   that has one changes it with update-password instead (`auth.password_already_set`).
 * - unbind: needs the current password (re-authentication before removing a credential,
 *   ASVS 6.2.3 / 7.5.1) and another way in — a verified email or phone — so the owner cannot
 *   lock themselves out (`auth.last_credential`).
 */
export function createPasswordCredential(deps: {
  users: UsersRepo;
  passwords: PasswordsService;
  /** The guarded current-password check (shared attempt counters). */
  checkCurrent: (poolId: string, user: UserRow, password: string, ip: string | null) => Promise<void>;
}) {
  async function user(poolId: string, userId: string) {
    const u = await deps.users.findById(poolId, userId);
    if (!u) throw new AppError('auth.not_logged_in');
    return u;
  }
  return {
    async bind(poolId: string, userId: string, password: string): Promise<void> {
      const u = await user(poolId, userId);
      if (u.password_hash) throw new AppError('auth.password_already_set');
      await deps.passwords.set(poolId, u, password);
    },
    async unbind(poolId: string, userId: string, currentPassword: string, ip: string | null): Promise<void> {
      const u = await user(poolId, userId);
      if (!u.password_hash) throw new AppError('auth.password_not_set');
      await deps.checkCurrent(poolId, u, currentPassword, ip);
      const otherWayIn = (u.email && u.email_verified === 1) || (u.phone && u.phone_verified === 1);
      if (!otherWayIn) throw new AppError('auth.last_credential');
      await deps.passwords.clear(poolId, u.id);
    },
  };
}
export type PasswordCredential = ReturnType<typeof createPasswordCredential>;
