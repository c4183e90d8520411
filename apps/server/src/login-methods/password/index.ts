import type { UserRow } from '../../storage/repositories/users.js';
import type { PasswordHasher } from '../../services/passwords/hasher.js';
import type { LoginMethod, MethodResult } from '../types.js';
import { passwordMethodErrors, type PasswordFailure } from './errors.js';
import { PasswordVerifySchema, type PasswordVerifyInput } from './schema.js';

export interface PasswordMethodDeps {
  hasher: PasswordHasher;
  findUser(poolId: string, column: 'email' | 'phone' | 'username', value: string): Promise<UserRow | undefined>;
}

export type CheckResult = { status: 'authenticated' | 'failed'; outcome: PasswordVerifyOutcome };

export interface PasswordVerifyOutcome {
  /** The account the identifier names, when it exists (also on failure: the flow counts per account). */
  user: UserRow | null;
  /** Normalised identifier, used as the counter key for unknown accounts. */
  identifier: string;
  failure?: PasswordFailure;
  needsRehash?: boolean;
}

/**
 * Password login method (design.md §4). It resolves the account and verifies the secret; it
 * never decides lockout, captcha or what the client is told — the flow engine does.
 *
 * `account` matches phone, email or username (in that order, like the reference).
 */
export function createPasswordMethod(deps: PasswordMethodDeps) {
  async function resolve(poolId: string, p: PasswordVerifyInput): Promise<{ user: UserRow | null; identifier: string }> {
    if (p.email !== undefined) {
      const email = p.email.trim().toLowerCase();
      return { user: (await deps.findUser(poolId, 'email', email)) ?? null, identifier: `email:${email}` };
    }
    if (p.phone !== undefined) return { user: (await deps.findUser(poolId, 'phone', p.phone)) ?? null, identifier: `phone:${p.phone}` };
    if (p.username !== undefined) return { user: (await deps.findUser(poolId, 'username', p.username)) ?? null, identifier: `username:${p.username}` };
    const a = p.account ?? '';
    const user =
      (await deps.findUser(poolId, 'phone', a)) ?? (a.includes('@') ? await deps.findUser(poolId, 'email', a.trim().toLowerCase()) : undefined) ?? (await deps.findUser(poolId, 'username', a));
    return { user: user ?? null, identifier: `account:${a.toLowerCase()}` };
  }

  async function check(resolved: { user: UserRow | null; identifier: string }, password: string): Promise<CheckResult> {
    const { user, identifier } = resolved;
    if (!user) {
      await deps.hasher.verifyDummy(password); // same cost as a real check
      return { status: 'failed', outcome: { user: null, identifier, failure: 'unknown_account' } };
    }
    if (!user.password_hash) {
      await deps.hasher.verifyDummy(password);
      return { status: 'failed', outcome: { user, identifier, failure: 'no_password' } };
    }
    const r = await deps.hasher.verify(user.password_hash, password);
    if (!r.ok) return { status: 'failed', outcome: { user, identifier, failure: 'wrong_password' } };
    return { status: 'authenticated', outcome: { user, identifier, needsRehash: r.needsRehash || user.password_refresh === 1 } };
  }

  return {
    id: 'password',
    factor: 'knowledge',
    amr: ['pwd'],
    verifySchema: PasswordVerifySchema,
    errors: passwordMethodErrors,
    describe: () => ({ id: 'password', factor: 'knowledge', amr: ['pwd'] }),
    resolve,
    check,
    async verify(poolId: string, input: PasswordVerifyInput) {
      return check(await resolve(poolId, input), input.password);
    },
  };
}
export type PasswordMethod = ReturnType<typeof createPasswordMethod> & LoginMethodShape;
type LoginMethodShape = LoginMethod<PasswordVerifyInput, PasswordVerifyOutcome>;
