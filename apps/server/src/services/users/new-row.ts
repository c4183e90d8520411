import { AppError } from '../../errors/app-error.js';
import type { UserRow } from '../../storage/repositories/users.js';
import { sortableId } from '../../utils/ids.js';
import { PROFILE_COLUMNS, type CreateUserOptions, type ProfileField, type UserFields } from './types.js';
import { customDataText } from './validation.js';
import { assertIdentifierCharacters, profileEmail, profileUsername } from './identifier-profile.js';

/** A new user's row: identifiers and flags from the input, every other profile column null unless given. */
export function newRow(poolId: string, f: UserFields, o: CreateUserOptions | undefined, path: string, now: string): UserRow {
  // The identifier profile (identifier-profile.ts): usernames and emails in their one stored form, hostile characters refused.
  const email = f.email ? profileEmail(f.email, `${path}email`) : undefined;
  const username = f.username ? profileUsername(f.username, `${path}username`) : undefined;
  if (f.phone) assertIdentifierCharacters(f.phone, `${path}phone`);
  if (f.externalId) assertIdentifierCharacters(f.externalId, `${path}externalId`);
  if (!email && !f.phone && !username) throw new AppError('user.identifier_required', { details: path ? [{ path, message: 'needs email, phone or username' }] : undefined });
  const row: UserRow = {
    id: sortableId(),
    pool_id: poolId,
    username: username ?? null,
    email: email ?? null,
    phone: f.phone || null,
    external_id: f.externalId || null,
    phone_country_code: null,
    name: null,
    nickname: null,
    given_name: null,
    family_name: null,
    middle_name: null,
    preferred_username: null,
    profile: null,
    website: null,
    photo: null,
    gender: f.gender ?? 'U',
    birthdate: null,
    zoneinfo: null,
    locale: null,
    address: null,
    street_address: null,
    city: null,
    province: null,
    region: null,
    formatted: null,
    postal_code: null,
    country: null,
    company: null,
    browser: null,
    device: null,
    identity_number: null,
    email_verified: f.emailVerified ? 1 : 0,
    phone_verified: f.phoneVerified ? 1 : 0,
    status: f.status ?? 'Activated',
    blocked: 0,
    logins_count: 0,
    last_login: null,
    last_ip: null,
    signed_up: now,
    password_hash: f.passwordHash ?? null,
    password_last_set_at: f.passwordHash ? now : null,
    reset_password_on_next_login: o?.resetPasswordOnFirstLogin ? 1 : 0,
    password_refresh: 0,
    custom_data: customDataText(f.customData ?? {}, `${path}customData`),
    created_at: now,
    updated_at: now,
  };
  for (const [field, column] of Object.entries(PROFILE_COLUMNS) as Array<[ProfileField, (typeof PROFILE_COLUMNS)[ProfileField]]>) {
    const v = f[field];
    if (v !== undefined) row[column] = v;
  }
  return row;
}
