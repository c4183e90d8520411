import type { UserRow } from '../../storage/repositories/users.js';
import type { PasswordHasher } from '../../services/passwords/hasher.js';
import { AppError } from '../../errors/app-error.js';
import { counterKey } from '../counter-keys.js';
import type { Identified, LoginMethod, MethodOutcome } from '../types.js';
import { passwordMethodErrors } from './errors.js';
import { PasswordVerifySchema, type PasswordVerifyInput } from './schema.js';

export interface PasswordMethodDeps {
  hasher: PasswordHasher;
  findUser(poolId: string, column: 'email' | 'phone' | 'username', value: string): Promise<UserRow | undefined>;
  /** Stores a fresh hash after a sign-in with an outdated one (argon2id parameters, imported legacy hashes). */
  rehash(poolId: string, userId: string, password: string): Promise<void>;
}

/**
 * Password login method (design.md §4; the reference SignInByPasswordPayloadDto). It resolves
 * the account — `account` matches phone, email or username in that order, like the reference —
 * and verifies the secret with the same cost for unknown accounts (a dummy hash). It never
 * decides lockout, captcha or what the client is told: the engine does.
 */
export function createPasswordMethod(deps: PasswordMethodDeps) {
  async function identify(ctx: { poolId: string }, p: PasswordVerifyInput): Promise<Identified> {
    if (p.email !== undefined) {
      const email = p.email.trim().toLowerCase();
      return { user: (await deps.findUser(ctx.poolId, 'email', email)) ?? null, keys: [counterKey(email)] };
    }
    if (p.phone !== undefined) return { user: (await deps.findUser(ctx.poolId, 'phone', p.phone)) ?? null, keys: [counterKey(p.phone)] };
    if (p.username !== undefined) return { user: (await deps.findUser(ctx.poolId, 'username', p.username)) ?? null, keys: [counterKey(p.username)] };
    const a = p.account ?? '';
    const user =
      (await deps.findUser(ctx.poolId, 'phone', a)) ?? (a.includes('@') ? await deps.findUser(ctx.poolId, 'email', a.trim().toLowerCase()) : undefined) ?? (await deps.findUser(ctx.poolId, 'username', a));
    return { user: user ?? null, keys: [counterKey(a)] };
  }

  return {
    id: 'password',
    connection: { name: 'PASSWORD', payloadField: 'passwordPayload' },
    factor: 'knowledge',
    amr: ['pwd'],
    inputSchema: PasswordVerifySchema,
    errors: passwordMethodErrors,
    guarded: true,
    describe: () => ({
      id: 'password',
      factor: 'knowledge' as const,
      amr: ['pwd'],
      label: { en: 'Password', zh: '密码登录' },
      fields: [
        { name: 'account', type: 'text' as const, label: { en: 'Email, phone or username', zh: '邮箱、手机号或用户名' }, autocomplete: 'username' },
        { name: 'password', type: 'password' as const, label: { en: 'Password', zh: '密码' }, autocomplete: 'current-password' },
      ],
    }),
    check(p: PasswordVerifyInput) {
      if (![p.account, p.email, p.username, p.phone].some((v) => typeof v === 'string' && v.length > 0)) throw new AppError('auth.payload_required');
    },
    identify,
    registration(p: PasswordVerifyInput) {
      // The reference auto-registers from email, username or phone with the given password; `account` is ambiguous.
      if (p.account !== undefined) return null;
      return {
        password: p.password,
        registerMethod: 'EMAIL_PASSWORD' as const,
        ...(p.email ? { email: p.email } : {}),
        ...(p.username ? { username: p.username } : {}),
        ...(p.phone ? { phone: p.phone } : {}),
        ...(p.phoneCountryCode ? { phoneCountryCode: p.phoneCountryCode } : {}),
      };
    },
    async verify(ctx: { poolId: string }, p: PasswordVerifyInput, { user }: Identified): Promise<MethodOutcome> {
      if (!user) {
        await deps.hasher.verifyDummy(p.password); // same cost as a real check
        return { status: 'failed', error: 'user.not_found', countsAsFailure: true };
      }
      if (!user.password_hash) {
        await deps.hasher.verifyDummy(p.password);
        return { status: 'failed', error: 'user.wrong_password', countsAsFailure: true };
      }
      const r = await deps.hasher.verify(user.password_hash, p.password);
      if (!r.ok) return { status: 'failed', error: 'user.wrong_password', countsAsFailure: true };
      const upgrade = r.upgradable !== false && (r.needsRehash || user.password_refresh === 1);
      return { status: 'authenticated', user, amr: ['pwd'], ...(upgrade ? { after: () => deps.rehash(ctx.poolId, user.id, p.password) } : {}) };
    },
  } satisfies LoginMethod<PasswordVerifyInput>;
}
export type PasswordMethod = ReturnType<typeof createPasswordMethod>;
