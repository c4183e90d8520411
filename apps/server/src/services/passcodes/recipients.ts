import { AppError } from '../../errors/app-error.js';

/**
 * Recipient normalisation. A code is bound to the normalised recipient, so "13800000000"
 * sent without a country code and signed in with "+86" is the same phone: the reference
 * says mainland-China numbers may omit `phoneCountryCode` (SendSMSDto), so it defaults to +86.
 */
export const DEFAULT_COUNTRY_CODE = '+86';

export interface Phone {
  /** National number as the user typed it, without separators (what `users.phone` holds). */
  number: string;
  /** `+` and 1–4 digits. */
  countryCode: string;
  /** E.164: countryCode + number. */
  e164: string;
}

const invalid = () => new AppError('passcode.invalid_recipient');

export function normalizePhone(number: string, countryCode?: string | null): Phone {
  const n = number.replace(/[\s-]/g, '');
  const cc = (countryCode ?? '').replace(/\s/g, '') || DEFAULT_COUNTRY_CODE;
  const ccn = cc.startsWith('+') ? cc : `+${cc}`;
  // E.164 allows at most 15 digits in all (ITU-T E.164 §6); 4 is the shortest national number in use.
  if (!/^\d{4,15}$/.test(n) || !/^\+\d{1,4}$/.test(ccn) || ccn.length - 1 + n.length > 15) throw invalid();
  return { number: n, countryCode: ccn, e164: `${ccn}${n}` };
}

/** Emails are case-insensitive for Gatehouse (SendEmailDto: "邮箱，不区分大小写"). */
export function normalizeEmail(email: string): string {
  const e = email.trim().toLowerCase();
  // A pragmatic check (RFC 5321 limits: 64 local, 254 total); the provider has the last word.
  if (e.length > 254 || !/^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/.test(e)) throw invalid();
  return e;
}

/** Whether a user's stored phone (number + optional country code) is this phone. */
export function samePhone(stored: { phone: string | null; phone_country_code: string | null }, p: Phone): boolean {
  if (!stored.phone || stored.phone.replace(/[\s-]/g, '') !== p.number) return false;
  const cc = stored.phone_country_code ? (stored.phone_country_code.startsWith('+') ? stored.phone_country_code : `+${stored.phone_country_code}`) : DEFAULT_COUNTRY_CODE;
  return cc === p.countryCode;
}
