import { AppError } from '../../errors/app-error.js';
import type { CredentialsRepo } from '../../storage/repositories/credentials.js';
import { copyJson } from '../../utils/json-copy.js';
import { nowIso } from '../../utils/time.js';
import { DEFAULT_PASSWORD_POLICY, mergePolicy, type PasswordPolicy } from '../passwords/policy.js';
import { DEFAULT_QRCODE_SETTINGS, validateQrCodeSettings, type QrCodeSettings } from '../qrcode/settings.js';

/**
 * Per-pool authentication settings (issue #4). Stored as JSON in `pool_auth_settings`; read on
 * every use so all nodes agree without cache invalidation.
 */
export interface BruteForceSettings {
  /** After this many consecutive failures on one account, a graphic captcha is required (0 = never). */
  captchaAfter: number;
  /** After this many consecutive failures the account is locked temporarily (user.locked, 2005). */
  lockAfter: number;
  /** First lock lasts this long; each further lock within a day doubles it, up to lockMaxSeconds. */
  lockBaseSeconds: number;
  lockMaxSeconds: number;
  /** Failures are counted over this window. */
  windowSeconds: number;
  /** Failed attempts allowed from one IP per ipWindowSeconds (auth.too_many_attempts after). */
  ipMaxFailures: number;
  ipWindowSeconds: number;
}

export interface RegistrationSettings {
  /**
   * Self-service registration: /api/v3/signup, and auto-registration on sign-in when the client
   * asks for it (`options.autoRegister`, no second switch: as the reference, "if the user does
   * not exist, an account will be automatically created"). Each application narrows it further
   * with `registerConfig.enabledBasicRegisterMethods`.
   */
  enabled: boolean;
  /** When set, only these may register (any list matching is enough). */
  allowList: { emails?: string[]; emailDomains?: string[]; phones?: string[]; usernames?: string[] } | null;
}

export interface AuthSettings {
  passwordPolicy: PasswordPolicy;
  bruteForce: BruteForceSettings;
  /** false (default): unknown account and wrong password both answer 2333. true: 2004 / 2006 as the reference's older behaviour. */
  distinctLoginErrors: boolean;
  registration: RegistrationSettings;
  /** QR-code scan login (issue #6): lifetimes and the two risk switches; see services/qrcode/settings.ts. */
  qrcode: QrCodeSettings;
}

export const DEFAULT_AUTH_SETTINGS: AuthSettings = {
  passwordPolicy: DEFAULT_PASSWORD_POLICY,
  bruteForce: { captchaAfter: 3, lockAfter: 10, lockBaseSeconds: 60, lockMaxSeconds: 3600, windowSeconds: 3600, ipMaxFailures: 100, ipWindowSeconds: 3600 },
  distinctLoginErrors: false,
  registration: { enabled: true, allowList: null },
  qrcode: DEFAULT_QRCODE_SETTINGS,
};

const bad = (path: string, message: string) => new AppError('request.invalid_input', { details: [{ path, message }] });

function intIn(v: unknown, path: string, min: number, max: number): number {
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) throw bad(path, `must be an integer from ${min} to ${max}`);
  return v as number;
}

/** Validates a full settings object (after merging a patch). */
export function validateSettings(s: AuthSettings): AuthSettings {
  const bf = s.bruteForce;
  intIn(bf.captchaAfter, 'bruteForce.captchaAfter', 0, 100);
  intIn(bf.lockAfter, 'bruteForce.lockAfter', 1, 100); // ASVS 6.3.1: never more than 100 consecutive failures
  intIn(bf.lockBaseSeconds, 'bruteForce.lockBaseSeconds', 1, 86400);
  intIn(bf.lockMaxSeconds, 'bruteForce.lockMaxSeconds', bf.lockBaseSeconds, 7 * 86400);
  intIn(bf.windowSeconds, 'bruteForce.windowSeconds', 60, 7 * 86400);
  intIn(bf.ipMaxFailures, 'bruteForce.ipMaxFailures', 1, 100000);
  intIn(bf.ipWindowSeconds, 'bruteForce.ipWindowSeconds', 60, 7 * 86400);
  if (typeof s.distinctLoginErrors !== 'boolean') throw bad('distinctLoginErrors', 'must be a boolean');
  if (typeof s.registration.enabled !== 'boolean') throw bad('registration.enabled', 'must be a boolean');
  if ('autoRegister' in s.registration) throw bad('registration.autoRegister', 'is no longer a setting: auto-registration follows registration.enabled and the application\'s registerConfig');
  const al = s.registration.allowList;
  if (al !== null) {
    for (const k of ['emails', 'emailDomains', 'phones', 'usernames'] as const) {
      const v = al[k];
      if (v !== undefined && (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x.length === 0 || x.length > 320)))
        throw bad(`registration.allowList.${k}`, 'must be a list of non-empty strings');
    }
  }
  validateQrCodeSettings(s.qrcode);
  return { ...s, passwordPolicy: mergePolicy(DEFAULT_PASSWORD_POLICY, s.passwordPolicy) };
}

export interface AuthSettingsPatch {
  passwordPolicy?: Partial<PasswordPolicy>;
  bruteForce?: Partial<BruteForceSettings>;
  distinctLoginErrors?: boolean;
  registration?: Partial<RegistrationSettings>;
  qrcode?: Partial<QrCodeSettings>;
}

export function createAuthSettingsService(repo: CredentialsRepo) {
  async function get(poolId: string): Promise<AuthSettings> {
    const raw = await repo.getSettings(poolId);
    const stored = (raw ? JSON.parse(raw) : {}) as AuthSettingsPatch;
    return {
      passwordPolicy: { ...DEFAULT_AUTH_SETTINGS.passwordPolicy, ...stored.passwordPolicy },
      bruteForce: { ...DEFAULT_AUTH_SETTINGS.bruteForce, ...stored.bruteForce },
      distinctLoginErrors: stored.distinctLoginErrors ?? DEFAULT_AUTH_SETTINGS.distinctLoginErrors,
      registration: withoutRetired({ ...DEFAULT_AUTH_SETTINGS.registration, ...stored.registration }),
      qrcode: { ...DEFAULT_AUTH_SETTINGS.qrcode, ...stored.qrcode },
    };
  }
  return {
    get,
    async update(poolId: string, patch: AuthSettingsPatch): Promise<AuthSettings> {
      const cur = await get(poolId);
      const next = validateSettings({
        passwordPolicy: { ...cur.passwordPolicy, ...patch.passwordPolicy },
        bruteForce: { ...cur.bruteForce, ...patch.bruteForce },
        distinctLoginErrors: patch.distinctLoginErrors ?? cur.distinctLoginErrors,
        registration: { ...cur.registration, ...patch.registration },
        qrcode: { ...cur.qrcode, ...patch.qrcode },
      });
      await repo.putSettings(poolId, JSON.stringify(next), nowIso());
      return next;
    },
  };
}
export type AuthSettingsService = ReturnType<typeof createAuthSettingsService>;

/**
 * The settings kept per node (every sign-in reads them: the brute-force guard, the password
 * policy). `drop(poolId)` is called for the `auth-settings` topic of the invalidation bus, which
 * `update` publishes (container/index.ts) — on this node at once, on the others over Redis;
 * `ttlMs` bounds what a lost message, or a write by another process without the bus, can leave.
 * Each caller gets its own copy (callers may change what they get). Bounded to `maxPools` pools.
 */
export function withSettingsCache(service: AuthSettingsService, opts: { ttlMs: number; maxPools?: number }) {
  const max = opts.maxPools ?? 10_000;
  const entries = new Map<string, { at: number; settings: Promise<AuthSettings> }>();
  const drop = (poolId: string | undefined) => (poolId === undefined ? entries.clear() : void entries.delete(poolId));
  return {
    async get(poolId: string): Promise<AuthSettings> {
      let e = entries.get(poolId);
      if (!e || Date.now() - e.at >= opts.ttlMs) {
        const settings = service.get(poolId);
        e = { at: Date.now(), settings };
        entries.delete(poolId);
        if (entries.size >= max) entries.delete(entries.keys().next().value!);
        entries.set(poolId, e);
        settings.catch(() => entries.get(poolId) === e && entries.delete(poolId));
      }
      return copyJson(await e.settings);
    },
    async update(poolId: string, patch: AuthSettingsPatch): Promise<AuthSettings> {
      try {
        return await service.update(poolId, patch);
      } finally {
        drop(poolId);
      }
    },
    drop,
  };
}

/** Settings stored by earlier versions that no longer exist (read as absent). */
function withoutRetired(r: RegistrationSettings & { autoRegister?: unknown }): RegistrationSettings {
  const { autoRegister: _retired, ...rest } = r;
  return rest;
}
