import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** Random id with `bytes` of CSPRNG entropy, lowercase base36-ish, optionally prefixed. */
export function randomId(bytes = 12): string {
  const buf = randomBytes(bytes);
  let out = '';
  for (const b of buf) out += ALPHABET[b % 36]! + ALPHABET[(b >> 3) % 36]!;
  return out.slice(0, Math.ceil(bytes * 1.6));
}

/** 24 hex characters, time-ordered first (48-bit ms timestamp + 48 random bits), like a Mongo ObjectId / ULID. */
export function sortableId(now = Date.now()): string {
  return now.toString(16).padStart(12, '0') + randomBytes(6).toString('hex');
}

/**
 * High-entropy secret using URL-safe characters only (base64url, 32 bytes = 256 bits):
 * clients encode HTTP Basic credentials differently, and `+ / =` are where they disagree.
 */
export function urlSafeSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
