import { AppError } from '../../errors/app-error.js';
import type { CaptchaService } from '../../services/captcha.js';
import type { AuthSettingsService } from '../../services/credentials/settings.js';
import type { PasswordsService } from '../../services/credentials/passwords.js';
import type { PasswordHasher } from '../../services/passwords/hasher.js';
import { mergePolicy, type PasswordPolicy } from '../../services/passwords/policy.js';
import type { UsersService } from '../../services/users.js';
import type { LoginTokenResponseData, SessionRevoker } from '../../services/tokens/types.js';
import type { UserRow, UsersRepo } from '../../storage/repositories/users.js';
import { LoginTypeError, toElementError } from './errors.js';
import type { LoginTypeDefinition } from './instance-schema.js';

/**
 * One JitAi `auths.loginTypes.PasswordType` instance with the element's operations
 * (seeds/002_4e3abf45e3e17e9a.txt "Methods"), on top of Gatehouse's own services: sign-in runs
 * the sign-in engine with the `jitai` login method (lockout, captcha, per-IP limit, history,
 * events — the engine applies them), and the engine's finish parks the result behind a login
 * code that the one token issuer later exchanges.
 */
export interface ElementSignIn {
  poolId: string;
  appId: string | null;
  instance: string;
  username: string;
  /** The secret as the instance hashes it (the MD5 hex string in md5Password mode). */
  password: string;
  captcha?: { token?: string | undefined; code?: string | undefined };
  captchaEveryTime: boolean;
  historyLabel: string;
  ip: string | null;
  userAgent: string | null;
}

export interface PasswordTypeDeps {
  poolId: string;
  def: LoginTypeDefinition & { config: { authConfig: { salt: string } } };
  /** The sign-in engine, finishing with a login code (the container adapts it). */
  signIn: (input: ElementSignIn) => Promise<{ loginCode: string; userId: string }>;
  captcha: CaptchaService;
  settings: AuthSettingsService;
  passwords: PasswordsService;
  hasher: PasswordHasher;
  users: UsersService;
  usersRepo: UsersRepo;
  sessions: () => SessionRevoker | undefined;
  /** The current password under the shared attempt counters. */
  checkCurrent: (poolId: string, user: UserRow, password: string, ip: string | null) => Promise<void>;
  /** The engine's login-code redemption (the one place tokens are issued). */
  redeemLoginCode: (poolId: string, input: { loginCode: string; appId: string; scope?: string }) => Promise<LoginTokenResponseData>;
}

/** Where a call comes from, for the history and the per-IP limit (optional in the TS API). */
export interface CallContext {
  appId?: string;
  ip?: string;
  userAgent?: string;
}

const MD5_HEX = /^[0-9a-fA-F]{32}$/;
const bad = (path: string, message: string) => new AppError('request.invalid_input', { details: [{ path, message }] });
const str = (v: unknown, path: string, max: number): string => {
  if (typeof v !== 'string' || v.length === 0 || v.length > max) throw bad(path, `is required: a non-empty string of at most ${max} characters`);
  return v;
};

export function createPasswordTypeElement(d: PasswordTypeDeps) {
  const { poolId, def } = d;
  const cfg = def.config;
  const method = `jitai:${def.name}`;

  function assertActive() {
    if (!cfg.isActive) throw new AppError('login_method.inactive');
  }

  /** The secret that is hashed: the password, or in md5Password mode the MD5 hex string (lower-cased). */
  function secretOf(password: unknown, path: string): string {
    const p = str(password, path, 4096);
    if (!cfg.md5Password) return p;
    if (!MD5_HEX.test(p)) throw bad(path, 'must be the MD5 of the password as 32 hexadecimal characters (this instance has md5Password on)');
    return p.toLowerCase();
  }

  /** The pool's policy with this instance's `limit` on top (absent keys keep the pool's values). */
  async function policy(): Promise<PasswordPolicy> {
    const pool = (await d.settings.get(poolId)).passwordPolicy;
    const l = cfg.limit;
    return mergePolicy(pool, Object.fromEntries(Object.entries(l).filter(([, v]) => v !== undefined)) as Partial<PasswordPolicy>, 'limit');
  }

  async function userById(userId: unknown): Promise<UserRow> {
    const id = str(userId, 'userId', 320);
    const u = await d.usersRepo.findById(poolId, id);
    if (!u) throw new LoginTypeError('USER_AUTH_MISS', 'user.not_found');
    return u;
  }

  /** md5Password mode hashes an MD5 string: no policy can apply to it (the front end enforces `limit`). */
  const policyOpts = async () => (cfg.md5Password ? { skipPolicy: true } : { policy: await policy() });

  return {
    name: def.name,
    title: def.element.title,
    /** Element properties (seed "Properties"). */
    authType: 'password',
    authModelElemName: `auths.loginTypes.${def.name}`,
    type: def.element.type,
    isDefault: def.element.default === 1,
    allowRegister: def.element.allowRegister === 1,
    isActive: cfg.isActive,
    md5Password: cfg.md5Password,

    /** Verifies username + password (+ captcha) and returns a single-use login code. */
    async getLoginCode(input: { username: string; password: string; captcha?: string; token?: string }, ctx: CallContext = {}): Promise<{ loginCode: string; corpList: unknown[]; userId: string }> {
      assertActive();
      const username = str(input?.username, 'username', 255);
      const secret = secretOf(input?.password, 'password');
      try {
        const r = await d.signIn({
          poolId,
          appId: ctx.appId ?? null,
          instance: def.name,
          username,
          password: secret,
          captcha: { token: input.token, code: input.captcha },
          captchaEveryTime: cfg.requireCaptcha,
          historyLabel: method,
          ip: ctx.ip ?? null,
          userAgent: ctx.userAgent ?? null,
        });
        // Gatehouse has no organisations in the element yet: the JitAi corpList is empty.
        return { loginCode: r.loginCode, corpList: [], userId: r.userId };
      } catch (err) {
        throw toElementError(err);
      }
    },

    /** Exchanges a login code for tokens (same as POST /api/v3/exchange-login-code). */
    exchangeLoginCode: (loginCode: string, appId: string, scope?: string) => d.redeemLoginCode(poolId, { loginCode, appId, ...(scope ? { scope } : {}) }),

    /** `{token, img}`: img is a data URL of the SVG image (base64), valid 5 minutes, single use. */
    async generateCaptcha(): Promise<{ token: string; img: string }> {
      const c = await d.captcha.generate(poolId);
      return { token: c.token, img: `data:image/svg+xml;base64,${c.base64}` };
    },

    /** Consumes the captcha token; true only for the right answer (case-insensitive). */
    checkCaptcha: (token: string, code: string): Promise<boolean> => d.captcha.check(poolId, token, code),

    /** Gives a user without a password this credential: sets the username and the password in one write. */
    async bind(input: { userId: string; username: string; password: string }): Promise<{ success: true; userId: string }> {
      assertActive();
      const user = await userById(input?.userId);
      const username = str(input?.username, 'username', 255);
      const secret = secretOf(input?.password, 'password');
      if (user.password_hash) throw new AppError('auth.password_already_set');
      const prepared = await d.passwords.prepare(poolId, user, secret, { ...(await policyOpts()), who: { username, email: user.email, phone: user.phone } });
      await d.users.update(poolId, { userId: user.id, username, passwordHash: prepared.hash });
      return { success: true, userId: user.id };
    },

    /** Removes the password credential of a user. */
    async unbind(input: { userId: string }): Promise<{ success: true; userId: string }> {
      const user = await userById(input?.userId);
      if (!user.password_hash) throw new AppError('auth.password_not_set');
      await d.passwords.clear(poolId, user.id);
      return { success: true, userId: user.id };
    },

    /** Checks the old password, applies the policy and history, stores the new one, ends the user's sessions. */
    async updatePassword(input: { userId: string; oldPassword: string; newPassword: string }): Promise<{ success: true; userId: string }> {
      assertActive();
      const user = await userById(input?.userId);
      const oldSecret = secretOf(input?.oldPassword, 'oldPassword');
      const newSecret = secretOf(input?.newPassword, 'newPassword');
      if (!user.password_hash) throw new AppError('auth.password_not_set');
      try {
        await d.checkCurrent(poolId, user, oldSecret, null);
      } catch (err) {
        throw toElementError(err);
      }
      await d.passwords.store(poolId, user.id, await d.passwords.prepare(poolId, user, newSecret, await policyOpts()));
      await d.sessions()?.revokeUserSessions(poolId, user.id);
      return { success: true, userId: user.id };
    },

    /** Renames the user (unique per pool: user.already_exists). */
    async updateUsername(input: { userId: string; username: string }): Promise<{ success: true; userId: string; username: string }> {
      const user = await userById(input?.userId);
      const username = str(input?.username, 'username', 255);
      await d.users.update(poolId, { userId: user.id, username });
      return { success: true, userId: user.id, username };
    },

    /**
     * The stored form of a password (JitAi "for import/export"): an argon2id hash of the secret
     * (the MD5 string in md5Password mode), usable as `passwordHash` in `gatehouse user import`.
     */
    async encryptPassword(password: string): Promise<string> {
      return d.hasher.hash(secretOf(password, 'password'));
    },

    /** Marks every password hash of the pool for replacement at its next successful sign-in. */
    async refreshDbPassword(): Promise<{ success: true; count: number }> {
      return { success: true, count: await d.passwords.markAllForRefresh(poolId) };
    },
  };
}
export type PasswordTypeElement = ReturnType<typeof createPasswordTypeElement>;
