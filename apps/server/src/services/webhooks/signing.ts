import { createHmac, randomBytes } from 'node:crypto';
import { AppError } from '../../errors/app-error.js';

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com, spec `spec/standard-webhooks.md`):
 * `webhook-signature: v1,<base64 HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>")>`.
 *
 * The key: a secret written `whsec_<base64>` is the base64-decoded bytes, as the reference
 * libraries (`standardwebhooks`, svix) decode it; any other string is its UTF-8 bytes (secrets
 * carried over from GenAuth are plain strings). A generated secret is `whsec_` + 32 random bytes.
 */
const PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function generateSecret(): string {
  return PREFIX + randomBytes(32).toString('base64');
}

/** Refuses what cannot be used as a key; returns the secret unchanged. */
export function checkSecret(secret: string): string {
  if (secret.length < 8) throw new AppError('webhook.invalid_secret', { params: { reason: 'at least 8 characters' } });
  if (secret.length > 256) throw new AppError('webhook.invalid_secret', { params: { reason: 'at most 256 characters' } });
  if (secret.startsWith(PREFIX)) {
    const b64 = secret.slice(PREFIX.length);
    if (!BASE64.test(b64) || b64.length % 4 !== 0) throw new AppError('webhook.invalid_secret', { params: { reason: 'a whsec_ secret must be base64 after the prefix' } });
    if (Buffer.from(b64, 'base64').length < 16) throw new AppError('webhook.invalid_secret', { params: { reason: 'a whsec_ secret must decode to at least 16 bytes' } });
  }
  return secret;
}

export function keyOf(secret: string): Buffer {
  return secret.startsWith(PREFIX) ? Buffer.from(secret.slice(PREFIX.length), 'base64') : Buffer.from(secret, 'utf8');
}

/** The three Standard Webhooks headers for one attempt (`timestamp` in seconds since the epoch). */
export function signatureHeaders(secret: string, msgId: string, timestamp: number, body: string): Record<string, string> {
  const mac = createHmac('sha256', keyOf(secret)).update(`${msgId}.${timestamp}.${body}`).digest('base64');
  return { 'webhook-id': msgId, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${mac}` };
}
