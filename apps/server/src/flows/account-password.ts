import { AppError, isAppError } from '../errors/app-error.js';
import { userCounterKeys } from '../login-methods/counter-keys.js';
import type { PasswordsService } from '../services/credentials/passwords.js';
import type { EventService } from '../services/events/service.js';
import type { SessionRevoker } from '../services/tokens/types.js';
import type { UserRow, UsersRepo } from '../storage/repositories/users.js';
import type { AttemptGuard } from './engine/attempt-guard.js';
import type { RequestInfo } from './engine/types.js';

/**
 * The current password of a signed-in user, checked under the engine's attempt guard
 * (security.md §0 item 9): a stolen access token cannot be used to guess the password through
 * update-password or unbind-password, because those draw on the same counters as sign-in — on
 * every identifier of the account at once — and a locked account refuses even the right password.
 */
export function createCurrentPasswordCheck(deps: { guard: AttemptGuard; passwords: Pick<PasswordsService, 'verifyCurrent'> }) {
  return async function checkCurrentPassword(poolId: string, user: UserRow, password: string, ip: string | null): Promise<void> {
    const r = await deps.guard.run(poolId, { keys: userCounterKeys(user), ip }, async () => ({ ok: await deps.passwords.verifyCurrent(user, password), value: null }));
    if (!r.ok) throw new AppError('user.wrong_password');
  };
}
export type CurrentPasswordCheck = ReturnType<typeof createCurrentPasswordCheck>;

/** update-password of the authentication API: current password (guarded), policy and history, sessions revoked, events. */
export function createPasswordChange(deps: {
  users: Pick<UsersRepo, 'findById'>;
  passwords: Pick<PasswordsService, 'set'>;
  checkCurrent: CurrentPasswordCheck;
  sessions: () => SessionRevoker;
  events: Pick<EventService, 'emit'>;
}) {
  return async function changePassword(poolId: string, userId: string, input: { oldPassword?: string | undefined; newPassword: string; revokeOtherSessions?: boolean | undefined }, request: RequestInfo): Promise<void> {
    const user = await deps.users.findById(poolId, userId);
    if (!user) throw new AppError('auth.not_logged_in');
    const ref = { userId: user.id, email: user.email, phone: user.phone, username: user.username };
    if (user.password_hash) {
      if (!input.oldPassword) throw new AppError('request.invalid_input', { details: [{ path: 'body/oldPassword', message: 'is required when the account has a password' }] });
      try {
        await deps.checkCurrent(poolId, user, input.oldPassword, request.ip);
      } catch (err) {
        if (isAppError(err)) await deps.events.emit('user:password-change-failed', { poolId, actor: user.id, subject: user.id, result: 'failure', ...request, data: { ...ref, reason: err.code } });
        throw err;
      }
    }
    await deps.passwords.set(poolId, user, input.newPassword);
    if (input.revokeOtherSessions !== false) await deps.sessions().revokeUserSessions(poolId, user.id);
    await deps.events.emit('user:password-changed', { poolId, actor: user.id, subject: user.id, ...request, data: { ...ref, via: 'update-password' } });
  };
}
export type PasswordChange = ReturnType<typeof createPasswordChange>;
