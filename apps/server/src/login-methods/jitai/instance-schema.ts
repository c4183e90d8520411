import { AppError } from '../../errors/app-error.js';
import { POLICY_BOUNDS } from '../../services/passwords/policy.js';

/**
 * The JitAi login-method instance format (seeds/002_4e3abf45e3e17e9a.txt "Account Password
 * Login"): a folder `auths/loginTypes/<Name>/` with `e.json` (the element) and the business
 * configuration it names in `frontBundleEntry` (`Config.json`). Validation collects every
 * problem and names the file and the field of each, so one run shows all that is wrong.
 *
 * Gatehouse extensions in the configuration (both optional):
 * - `md5Password` (default false): the legacy mode of the seed's examples, where the front end
 *   sends MD5(password) as a 32-hex string. That string is then the secret that is
 *   argon2id-hashed and verified; the server never sees the password, so `limit` cannot be
 *   enforced (the front end must) — a legacy mode, not a recommendation.
 * - `requireCaptcha` (default true): `getLoginCode` needs `captcha` + `token` on every call, as
 *   the element documents them as required. false: only after the pool's `captchaAfter` failures.
 */
export const PASSWORD_TYPE = 'auths.loginTypes.PasswordType';
export const SUPPORTED_TYPES = [PASSWORD_TYPE] as const;
export const INSTANCE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** `e.json`. */
export interface ElementJson {
  title: string;
  type: typeof PASSWORD_TYPE;
  /** 1 = the default login method (JitAi uses 0/1). */
  default: 0 | 1;
  allowRegister: 0 | 1;
  backendBundleEntry: string;
  frontBundleEntry: string;
}

/** The JitAi `limit` object; absent keys fall back to the pool's password policy. */
export interface JitLimit {
  minLength?: number;
  maxLength?: number;
  requireUppercase?: boolean;
  requireLowercase?: boolean;
  requireNumber?: boolean;
  requireSpecialChar?: boolean;
}

/** `Config.json` after validation and defaults. */
export interface PasswordTypeConfig {
  /** `authConfig.salt` is null when the file has none (the service then generates one once). */
  authConfig: { salt: string | null };
  isActive: boolean;
  limit: JitLimit;
  md5Password: boolean;
  requireCaptcha: boolean;
}

export interface LoginTypeDefinition {
  name: string;
  element: ElementJson;
  config: PasswordTypeConfig;
}

/** Collects `file: field message` problems. */
class Problems {
  readonly list: Array<{ path: string; message: string }> = [];
  add(file: string, field: string, message: string) {
    this.list.push({ path: field ? `${file}#${field}` : file, message: field ? `${field} ${message}` : message });
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** JitAi writes flags as 0/1; booleans are accepted too. */
function flag(p: Problems, file: string, field: string, v: unknown, dflt: 0 | 1): 0 | 1 {
  if (v === undefined) return dflt;
  if (v === 0 || v === 1) return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  p.add(file, field, 'must be 0 or 1');
  return dflt;
}

function bool(p: Problems, file: string, field: string, v: unknown, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v === 'boolean') return v;
  p.add(file, field, 'must be true or false');
  return dflt;
}

function unknownKeys(p: Problems, file: string, prefix: string, o: Record<string, unknown>, known: readonly string[]) {
  for (const k of Object.keys(o)) if (!known.includes(k)) p.add(file, `${prefix}${k}`, `is not a known field (known: ${known.join(', ')})`);
}

function parseElement(p: Problems, file: string, raw: unknown): ElementJson {
  const e = isObj(raw) ? raw : {};
  if (!isObj(raw)) p.add(file, '', 'must be a JSON object');
  unknownKeys(p, file, '', e, ['title', 'type', 'default', 'allowRegister', 'backendBundleEntry', 'frontBundleEntry']);
  if (typeof e.title !== 'string' || e.title.trim() === '' || e.title.length > 255) p.add(file, 'title', 'is required: a non-empty string of at most 255 characters');
  if (e.type !== PASSWORD_TYPE) p.add(file, 'type', `must be "${PASSWORD_TYPE}" (the only login-method type Gatehouse implements), got ${JSON.stringify(e.type)}`);
  for (const f of ['backendBundleEntry', 'frontBundleEntry'] as const) {
    if (e[f] !== undefined && (typeof e[f] !== 'string' || (e[f] as string).length === 0 || (e[f] as string).length > 255)) p.add(file, f, 'must be a non-empty string');
  }
  return {
    title: typeof e.title === 'string' ? e.title : '',
    type: PASSWORD_TYPE,
    default: flag(p, file, 'default', e.default, 0),
    allowRegister: flag(p, file, 'allowRegister', e.allowRegister, 0),
    backendBundleEntry: typeof e.backendBundleEntry === 'string' ? e.backendBundleEntry : '.',
    frontBundleEntry: typeof e.frontBundleEntry === 'string' ? e.frontBundleEntry : './Config.json',
  };
}

function parseConfig(p: Problems, file: string, raw: unknown): PasswordTypeConfig {
  const c = isObj(raw) ? raw : {};
  if (!isObj(raw)) p.add(file, '', 'must be a JSON object');
  unknownKeys(p, file, '', c, ['authConfig', 'isActive', 'limit', 'md5Password', 'requireCaptcha']);

  let salt: string | null = null;
  if (c.authConfig !== undefined) {
    if (!isObj(c.authConfig)) p.add(file, 'authConfig', 'must be an object');
    else {
      unknownKeys(p, file, 'authConfig.', c.authConfig, ['salt']);
      const s = c.authConfig.salt;
      if (s !== undefined && (typeof s !== 'string' || s.length < 8 || s.length > 256)) p.add(file, 'authConfig.salt', 'must be a string of 8 to 256 characters');
      else if (typeof s === 'string') salt = s;
    }
  }

  const limit: JitLimit = {};
  if (c.limit !== undefined) {
    if (!isObj(c.limit)) p.add(file, 'limit', 'must be an object');
    else {
      const l = c.limit;
      unknownKeys(p, file, 'limit.', l, ['minLength', 'maxLength', 'requireUppercase', 'requireLowercase', 'requireNumber', 'requireSpecialChar']);
      const { min, max } = POLICY_BOUNDS.minLength;
      if (l.minLength !== undefined) {
        if (!Number.isInteger(l.minLength) || (l.minLength as number) < min || (l.minLength as number) > max) p.add(file, 'limit.minLength', `must be an integer from ${min} to ${max}`);
        else limit.minLength = l.minLength as number;
      }
      if (l.maxLength !== undefined) {
        if (!Number.isInteger(l.maxLength) || (l.maxLength as number) < 1 || (l.maxLength as number) > POLICY_BOUNDS.maxLength.max) p.add(file, 'limit.maxLength', `must be an integer from 1 to ${POLICY_BOUNDS.maxLength.max}`);
        else limit.maxLength = l.maxLength as number;
      }
      if (limit.minLength !== undefined && limit.maxLength !== undefined && limit.minLength > limit.maxLength) p.add(file, 'limit.minLength', 'must not exceed limit.maxLength');
      for (const k of ['requireUppercase', 'requireLowercase', 'requireNumber', 'requireSpecialChar'] as const) {
        if (l[k] !== undefined) limit[k] = bool(p, file, `limit.${k}`, l[k], false);
      }
    }
  }
  return {
    authConfig: { salt },
    isActive: bool(p, file, 'isActive', c.isActive, true),
    limit,
    md5Password: bool(p, file, 'md5Password', c.md5Password, false),
    requireCaptcha: bool(p, file, 'requireCaptcha', c.requireCaptcha, true),
  };
}

/**
 * Validates one instance. `files` names the two sources in messages (folder-relative paths, or
 * `element` / `config` for the management API). Throws `login_method.invalid_instance` listing
 * every problem as `file#field: message`.
 */
export function parseInstance(name: string, element: unknown, config: unknown, files = { element: 'e.json', config: 'Config.json' }): LoginTypeDefinition {
  const p = new Problems();
  if (!INSTANCE_NAME.test(name)) p.add(name, '', 'is not a valid instance name: letters, digits and _, starting with a letter or _, at most 128 characters');
  const el = parseElement(p, files.element, element);
  const cfg = parseConfig(p, files.config, config);
  throwIfAny(name, p.list);
  return { name, element: el, config: cfg };
}

export function throwIfAny(name: string, problems: Array<{ path: string; message: string }>): void {
  if (problems.length === 0) return;
  throw new AppError('login_method.invalid_instance', {
    params: { name, reason: problems.map((x) => `${x.path.split('#')[0]}: ${x.message}`).join('; ') },
    details: problems,
  });
}
