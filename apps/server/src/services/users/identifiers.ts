import { invalidInput as invalid } from '../../errors/app-error.js';
import { isUniqueViolation } from '../../errors/to-app-error.js';
import type { UserLookupColumn, UserRow } from '../../storage/repositories/users.js';
import type { UserIdType } from './types.js';
import { lookupForm } from './identifier-profile.js';

/**
 * The one normalisation for looking identifiers up and keying counters on them (lockout, rate
 * limits): NFKC + lower case + trim for usernames, emails and accounts; digits (and a leading +)
 * for phone numbers. See identifier-profile.ts.
 */
export { normalizeIdentifier } from './identifier-profile.js';

/** The identifiers that are unique per pool: looking a user up by one, and naming the one a write collided on. */

const LOOKUP_BY_ID_TYPE: Partial<Record<UserIdType, UserLookupColumn>> = {
  user_id: 'id',
  external_id: 'external_id',
  phone: 'phone',
  email: 'email',
  username: 'username',
};

export function lookupColumn(type: UserIdType | undefined, path: string): UserLookupColumn {
  const col = LOOKUP_BY_ID_TYPE[type ?? 'user_id'];
  if (!col) throw invalid(path, `userIdType '${type}' is not supported by this server; use user_id, email, phone, username or external_id`);
  return col;
}

/** Usernames and emails are stored in their profile form (NFKC, lower case, trimmed), so they are looked up in it. */
export const lookupValue = (col: UserLookupColumn, v: string) => (col === 'email' || col === 'username' ? lookupForm(v) : v);

export const IDENTIFIER_FIELDS = [
  ['username', 'username'],
  ['email', 'email'],
  ['phone', 'phone'],
  ['externalId', 'external_id'],
] as const;

/** The unique index a violation came from, as the vendor field name (PostgreSQL names the index, SQLite the columns). */
export function conflictField(err: unknown): string | null {
  const v = isUniqueViolation(err);
  if (!v) return null;
  const text = v.constraint;
  for (const [field, column] of IDENTIFIER_FIELDS) {
    if (text === `users_pool_${column}` || text.endsWith(`users.${column}`)) return field;
  }
  return 'id';
}

export const identifiersOf = (r: UserRow) => ({ username: r.username, email: r.email, phone: r.phone, external_id: r.external_id });
