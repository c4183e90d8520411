import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

/**
 * TOTP (RFC 6238): SHA-1, 6 digits, 30-second steps — what every authenticator app reads from an
 * `otpauth://` URI. A code is accepted in the current step or one step either side (RFC 6238
 * §5.2 recommends at most one step of network delay). The library checks codes; replay (the same
 * code twice) is refused by the caller, which stores the last accepted step (repositories/mfa.ts).
 */
export const TOTP_PERIOD = 30;
const WINDOW = 1;

/** A new shared secret: 160 bits from the CSPRNG (RFC 4226 §4 R6 recommends 160), base32. */
export const newTotpSecret = (): string => new Secret({ buffer: randomBytes(20).buffer }).base32;

const totp = (secret: string, label = 'user', issuer = 'Gatehouse') => new TOTP({ issuer, label, algorithm: 'SHA1', digits: 6, period: TOTP_PERIOD, secret: Secret.fromBase32(secret) });

/** The `otpauth://totp/…` URI an authenticator app imports (Key Uri Format). */
export const otpauthUri = (secret: string, label: string, issuer: string): string => totp(secret, label, issuer).toString();

/** The time step a valid code belongs to, or null. `now` in ms. */
export function totpStep(secret: string, code: string, now = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const t = totp(secret);
  const delta = t.validate({ token: code, timestamp: now, window: WINDOW });
  return delta === null ? null : t.counter({ timestamp: now }) + delta;
}

/** Accepts a base32 secret as imported (spaces and lower case tolerated); null when it is not base32 of 80+ bits. */
export function normaliseBase32Secret(s: string): string | null {
  const v = s.replace(/\s+/g, '').replace(/=+$/, '').toUpperCase();
  return /^[A-Z2-7]{16,128}$/.test(v) ? v : null;
}
