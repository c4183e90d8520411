import { randomBytes } from 'node:crypto';

/**
 * Recovery codes: ten per user, each 50 bits from the CSPRNG in Crockford-style base32 without
 * ambiguous letters, shown as `xxxxx-xxxxx`. High entropy, so a keyed digest (HMAC) is a safe
 * store and a constant-time lookup; each is spent once.
 */
export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // 32 symbols: no i, l, o, u

export function newRecoveryCodes(n = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: n }, () => {
    const b = randomBytes(10);
    let s = '';
    for (let i = 0; i < 10; i++) s += ALPHABET[b[i]! & 31]!;
    return `${s.slice(0, 5)}-${s.slice(5)}`;
  });
}

/** What the user typed, as stored: lower case, no separators or spaces, ambiguous letters mapped. */
export const normaliseRecoveryCode = (code: string): string => code.toLowerCase().replace(/[\s-]/g, '').replace(/[il]/g, '1').replace(/o/g, '0').replace(/u/g, 'v');
