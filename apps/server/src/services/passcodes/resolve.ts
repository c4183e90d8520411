import { AppError } from '../../errors/app-error.js';
import { normalizeEmail, normalizePhone, samePhone, type Phone } from './recipients.js';
import type { UserRow, UsersRepo } from '../../storage/repositories/users.js';

/** A passcode payload's recipient: `phone` (+ `phoneCountryCode`) or `email` (reference SignInByPassCodePayloadDto). */
export type Recipient = { kind: 'sms'; phone: Phone; recipient: string } | { kind: 'email'; email: string; recipient: string };

export function recipientOf(p: { phone?: string | undefined; phoneCountryCode?: string | undefined; email?: string | undefined }): Recipient {
  if (p.phone) {
    const phone = normalizePhone(p.phone, p.phoneCountryCode);
    return { kind: 'sms', phone, recipient: phone.e164 };
  }
  if (p.email) {
    const email = normalizeEmail(p.email);
    return { kind: 'email', email, recipient: email };
  }
  throw new AppError('passcode.payload_required');
}

/** The user holding this phone (same number and country code) or email, if any. */
export async function findHolder(users: UsersRepo, poolId: string, r: Recipient): Promise<UserRow | undefined> {
  if (r.kind === 'email') return users.findBy(poolId, 'email', r.email);
  const row = await users.findBy(poolId, 'phone', r.phone.number);
  return row && samePhone(row, r.phone) ? row : undefined;
}
