import type { UserRow } from '../storage/repositories/users.js';
import { normalizeIdentifier } from '../utils/identifiers.js';

/**
 * Keys of the shared attempt counters (security.md §0 items 9–11). A key is the identifier as
 * lookup would read it — Unicode NFKC, trimmed, case-folded, a phone number without separators —
 * and does not say which field named it (`email`, `account`, `phone` …) or whether an account
 * holds it. So `passwordPayload.email = X` and `passwordPayload.account = X`, a password and an
 * SMS code for one phone, a known and an unknown account all count the same way.
 *
 * What this does not protect against: an account reachable by several identifiers (an email and
 * a username) has one counter per identifier at sign-in, so a guesser who knows all of them gets
 * `lockAfter` tries per identifier. Operations of a signed-in user (changing the password, a
 * second factor) draw on every identifier of the account at once (`userCounterKeys`).
 */
export function counterKey(identifier: string): string {
  return `id:${normalizeIdentifier(identifier)}`;
}

/** Every counter key of an existing account; a user without identifiers (federated only) is keyed by id. */
export function userCounterKeys(user: Pick<UserRow, 'id' | 'email' | 'phone' | 'username'>): string[] {
  const keys = [user.email, user.phone, user.username].filter((v): v is string => typeof v === 'string' && v.length > 0).map(counterKey);
  return keys.length ? [...new Set(keys)] : [`user:${user.id}`];
}

/** The counter key of a code's recipient: the national number of a phone or the normalised email. */
export function recipientCounterKey(r: { kind: 'sms'; phone: { number: string } } | { kind: 'email'; email: string }): string {
  return counterKey(r.kind === 'sms' ? r.phone.number : r.email);
}
