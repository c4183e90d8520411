import { AppError, isAppError } from '../errors/app-error.js';
import type { ErrorCode } from '@gatehouse/contracts';
import type { Logger } from '../utils/logger.js';
import type { LoginMethodRegistry } from '../login-methods/registry.js';
import type { PasswordVerifyOutcome } from '../login-methods/password/index.js';
import type { AuthSettingsService } from '../services/credentials/settings.js';
import type { LoginHistoryService } from '../services/credentials/login-history.js';
import type { CaptchaService } from '../services/captcha.js';
import type { PasswordHasher } from '../services/passwords/hasher.js';
import type { CredentialsRepo } from '../storage/repositories/credentials.js';
import type { UserRow } from '../storage/repositories/users.js';
import { nowIso } from '../utils/time.js';
import type { Lockout } from './lockout.js';
import type { PasswordSignIn, PasswordSignInInput, PasswordSignInResult } from './password-sign-in.types.js';

export interface PasswordSignInDeps {
  methods: LoginMethodRegistry;
  settings: AuthSettingsService;
  lockout: Lockout;
  captcha: CaptchaService;
  hasher: PasswordHasher;
  credentials: CredentialsRepo;
  history: LoginHistoryService;
  log: Logger;
}

/** Extra inputs of the /api/v3/signin path; the hosted login uses the plain `PasswordSignInInput`. */
export interface PasswordSignInExtra {
  /** Login-method label in the history (`password`, or a JitAi instance name). */
  method?: string;
  /** The caller already checked (and consumed) a captcha for this attempt (a JitAi instance with requireCaptcha). */
  captchaPassed?: boolean;
}

const DISABLED_STATUSES = new Set(['Suspended', 'Deactivated', 'Archived']);
export const isUserDisabled = (u: UserRow) => u.blocked === 1 || DISABLED_STATUSES.has(u.status);

/** The counter key of an account: the user id when it exists, the identifier otherwise. */
export const accountKey = (o: { user: UserRow | null; identifier: string }) => (o.user ? `u:${o.user.id}` : `i:${o.identifier}`);

/**
 * The password sign-in flow (issue #4), shared by /api/v3/signin and the hosted login:
 *
 * 1. resolve the account (phone | email | username) — unknown accounts continue identically;
 * 2. refuse when the account is locked (2005), for known and unknown accounts alike;
 * 3. require and consume a graphic captcha after `captchaAfter` failures;
 * 4. atomically reserve one attempt per account and per IP (the limit holds under parallel requests);
 * 5. verify (dummy hash for unknown accounts), then count the failure or reset the counter;
 * 6. refuse disabled accounts (only after the right password), upgrade legacy hashes, record history.
 *
 * Failures answer `auth.invalid_credentials` (2333) for both unknown accounts and wrong
 * passwords unless the pool opts into the reference's distinct 2004 / 2006.
 */
export function createPasswordSignIn(deps: PasswordSignInDeps): PasswordSignIn & ((input: PasswordSignInInput, extra?: PasswordSignInExtra) => Promise<PasswordSignInResult>) {
  const method = deps.methods.password;

  return async function passwordSignIn(input: PasswordSignInInput, extra: PasswordSignInExtra = {}): Promise<PasswordSignInResult> {
    const { poolId } = input;
    const label = extra.method ?? 'password';
    const hasId = [input.account, input.email, input.username, input.phone].some((v) => typeof v === 'string' && v.length > 0);
    if (!hasId || typeof input.password !== 'string' || input.password.length === 0) throw new AppError('auth.payload_required');

    const settings = await deps.settings.get(poolId);
    const bf = settings.bruteForce;
    const payload = {
      password: input.password,
      ...(input.account ? { account: input.account } : {}),
      ...(input.email ? { email: input.email } : {}),
      ...(input.username ? { username: input.username } : {}),
      ...(input.phone ? { phone: input.phone } : {}),
    };
    const resolved = await method.resolve(poolId, payload);
    const keys = { account: accountKey(resolved), ip: input.ip };
    const record = (success: boolean, code?: ErrorCode) =>
      deps.history
        .record({ poolId, userId: resolved.user?.id ?? null, appId: input.appId || null, ip: input.ip ?? null, userAgent: input.userAgent ?? null, method: label, success, code: code ?? null, requestId: input.requestId ?? null })
        .catch((err: unknown) => deps.log.error({ err }, 'login history write failed'));

    try {
      await deps.lockout.assertNotLocked(poolId, keys.account, bf);
      if (bf.captchaAfter > 0 && !extra.captchaPassed && (await deps.lockout.failures(poolId, keys.account)) >= bf.captchaAfter) {
        if (!input.captchaCode) throw new AppError('auth.captcha_required');
        if (!(await deps.captcha.check(poolId, input.captchaToken, input.captchaCode))) throw new AppError('auth.captcha_invalid');
      }
      const n = await deps.lockout.reserve(poolId, keys, bf);

      let result: Awaited<ReturnType<typeof method.check>>;
      try {
        result = await method.check(resolved, input.password);
      } catch (err) {
        await deps.lockout.release(poolId, keys, bf).catch(() => undefined);
        throw err;
      }
      if (result.status !== 'authenticated') {
        await deps.lockout.failed(poolId, keys, n, bf);
        throw failureError(result.outcome, settings.distinctLoginErrors);
      }
      await deps.lockout.succeeded(poolId, keys, bf);
      const user = result.outcome.user!;
      if (isUserDisabled(user)) throw new AppError('user.disabled');

      const at = nowIso();
      if (result.outcome.needsRehash) {
        try {
          await deps.credentials.setPasswordHash(poolId, user.id, await deps.hasher.hash(input.password), at, { keepSetAt: true });
        } catch (err) {
          deps.log.error({ err, userId: user.id }, 'password rehash failed');
        }
      }
      await deps.credentials.recordLogin(poolId, user.id, at, input.ip ?? null);
      await record(true);
      return { userId: user.id, amr: [...method.amr], authTime: Math.floor(Date.now() / 1000) };
    } catch (err) {
      if (isAppError(err)) await record(false, err.code);
      throw err;
    }
  };
}

function failureError(o: PasswordVerifyOutcome, distinct: boolean): AppError {
  if (!distinct) return new AppError('auth.invalid_credentials');
  return o.failure === 'unknown_account' ? new AppError('user.not_found') : new AppError('user.wrong_password');
}
