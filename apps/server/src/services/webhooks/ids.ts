import { randomBytes } from 'node:crypto';

/** A Standard Webhooks message id: `msg_` + random (the spec's examples use this prefix). */
export const deliveryId = () => `msg_${randomBytes(16).toString('base64url')}`;

let last = 0;
/**
 * Orders deliveries of one subject: milliseconds × 1000 plus a counter, increasing within this
 * process. Two nodes writing events about the same subject in the same millisecond are ordered
 * arbitrarily between them — the same as the order their transactions would commit in.
 */
export function nextSeq(now = Date.now()): number {
  last = Math.max(now * 1000, last + 1);
  return last;
}
