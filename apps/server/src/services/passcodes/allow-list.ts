import { AppError } from '../../errors/app-error.js';
import type { RegistrationSettings } from '../credentials/settings.js';
import type { Phone } from './recipients.js';

/**
 * The phone allow-list ("Registration Whitelist": only listed phone numbers may register and
 * sign in — seeds/001_a3c36f13b3a5cb98.txt). It is the pool's `registration.allowList.phones`;
 * when that list is non-empty it also gates code sign-in and sending login/registration codes,
 * so an unlisted number costs no SMS. Entries may be national numbers or E.164.
 */
export function assertPhoneAllowed(reg: RegistrationSettings, p: Phone): void {
  const list = reg.allowList?.phones;
  if (!list || list.length === 0) return;
  const norm = list.map((x) => x.replace(/[\s-]/g, ''));
  if (norm.includes(p.e164) || norm.includes(p.number)) return;
  throw new AppError('passcode.phone_not_allowed');
}
