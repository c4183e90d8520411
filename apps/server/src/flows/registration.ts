import { AppError } from '../errors/app-error.js';
import type { UsersService, UserDto, UserFields } from '../services/users.js';
import type { UsersRepo } from '../storage/repositories/users.js';
import type { PasswordsService } from '../services/credentials/passwords.js';
import type { AuthSettingsService, RegistrationSettings } from '../services/credentials/settings.js';
import type { CredentialsRepo } from '../storage/repositories/credentials.js';
import { nowIso } from '../utils/time.js';

/** Profile fields a self-registering user may set (reference SignUpProfileDto, as far as users have columns). */
export const SIGNUP_PROFILE_FIELDS = [
  'nickname', 'company', 'photo', 'device', 'browser', 'name', 'givenName', 'familyName', 'middleName', 'profile', 'preferredUsername',
  'website', 'gender', 'birthdate', 'zoneinfo', 'locale', 'address', 'formatted', 'streetAddress', 'region', 'postalCode', 'country',
  'customData',
] as const;

export interface RegistrationInput {
  email?: string;
  username?: string;
  phone?: string;
  phoneCountryCode?: string;
  /** Optional for passcode sign-up (issue #5): the code proved the phone or email, no password is set. */
  password?: string;
  /** Identifiers proven by a code at registration (issue #5). */
  verified?: { email?: boolean; phone?: boolean };
  profile?: Partial<Record<(typeof SIGNUP_PROFILE_FIELDS)[number], unknown>>;
}

function allowed(reg: RegistrationSettings, i: RegistrationInput): boolean {
  const al = reg.allowList;
  if (!al) return true;
  const email = i.email?.trim().toLowerCase();
  const lc = (xs?: string[]) => (xs ?? []).map((x) => x.toLowerCase());
  if (email && lc(al.emails).includes(email)) return true;
  if (email && lc(al.emailDomains).some((d) => email.endsWith(`@${d.replace(/^@/, '')}`))) return true;
  if (i.phone && (al.phones ?? []).includes(i.phone)) return true;
  if (i.username && (al.usernames ?? []).includes(i.username)) return true;
  return false;
}

/**
 * Creating a self-registered account (POST /api/v3/signup, auto-registration on sign-in). The
 * sign-in engine decides whether registration is allowed (pool and app switches), runs the
 * registration hooks and emits the events; this creates the account. Order: allow-list →
 * password policy → create → store hash, so a refused password never leaves a user behind.
 * Duplicate identifiers answer user.already_exists as the reference.
 */
export function createRegistration(deps: { users: UsersService; usersRepo: UsersRepo; passwords: PasswordsService; settings: AuthSettingsService; credentials: CredentialsRepo }) {
  /** Called after every registration (issue #5: welcome and verification mails); failures are the hook's own business. */
  const hooks: Array<(poolId: string, user: UserDto) => Promise<void>> = [];
  const register = async function register(poolId: string, input: RegistrationInput, _opts: { via: 'signup' | 'autoRegister' }): Promise<UserDto> {
    const settings = await deps.settings.get(poolId);
    if (!allowed(settings.registration, input)) throw new AppError('auth.registration_not_allowed');
    if (input.password !== undefined) await deps.passwords.assertAcceptable(poolId, input.password, { username: input.username ?? null, email: input.email ?? null, phone: input.phone ?? null });
    const hash = input.password !== undefined ? await deps.passwords.hash(input.password) : null;
    const fields: UserFields = { ...(input.profile as UserFields | undefined) };
    if (input.email !== undefined) fields.email = input.email;
    if (input.username !== undefined) fields.username = input.username;
    if (input.phone !== undefined) fields.phone = input.phone;
    if (input.phoneCountryCode !== undefined) fields.phoneCountryCode = input.phoneCountryCode;
    if (input.verified?.email) fields.emailVerified = true;
    if (input.verified?.phone) fields.phoneVerified = true;
    const user = await deps.users.create(poolId, fields);
    if (hash === null) {
      const created: UserDto = { ...user, userSourceType: 'register' };
      for (const h of hooks) await h(poolId, created);
      return created;
    }
    await deps.credentials.setPasswordHash(poolId, user.userId, hash, nowIso());
    const created: UserDto = { ...user, userSourceType: 'register', passwordLastSetAt: nowIso() };
    for (const h of hooks) await h(poolId, created);
    return created;
  };
  return Object.assign(register, {
    onRegistered(hook: (poolId: string, user: UserDto) => Promise<void>) {
      hooks.push(hook);
    },
  });
}
export type Registration = ReturnType<typeof createRegistration>;
