import { randomBytes, randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** Random id with `bytes` of CSPRNG entropy, lowercase base36-ish, optionally prefixed. */
export function randomId(bytes = 12): string {
  const buf = randomBytes(bytes);
  let out = '';
  for (const b of buf) out += ALPHABET[b % 36]! + ALPHABET[(b >> 3) % 36]!;
  return out.slice(0, Math.ceil(bytes * 1.6));
}

/**
 * CSPRNG bytes for sortableId, drawn 1,024 ids at a time: one `randomBytes(6)` per id cost a
 * synchronous call into OpenSSL each time (~2 % of a client-credentials token, whose audit event
 * gets an id). Ids are identifiers, not secrets (they are shown to clients), so bytes waiting in
 * this buffer protect nothing that a per-call draw would; secrets keep their own draw
 * (urlSafeSecret). The buffer is refilled before any byte is reused.
 */
const ID_BYTES = 6;
const idPool = Buffer.allocUnsafe(ID_BYTES * 1024);
let idPoolOffset = idPool.length;

/** 24 hex characters, time-ordered first (48-bit ms timestamp + 48 random bits), like a Mongo ObjectId / ULID. */
export function sortableId(now = Date.now()): string {
  if (idPoolOffset + ID_BYTES > idPool.length) {
    randomFillSync(idPool);
    idPoolOffset = 0;
  }
  const random = idPool.toString('hex', idPoolOffset, idPoolOffset + ID_BYTES);
  idPoolOffset += ID_BYTES;
  return now.toString(16).padStart(12, '0') + random;
}

/**
 * High-entropy secret using URL-safe characters only (base64url, 32 bytes = 256 bits):
 * clients encode HTTP Basic credentials differently, and `+ / =` are where they disagree.
 */
export function urlSafeSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
