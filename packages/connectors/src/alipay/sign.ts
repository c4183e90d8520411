/**
 * Alipay RSA2 (SHA256withRSA) both ways (https://opendocs.alipay.com/common/02kf5q,
 * https://opendocs.alipay.com/common/02mse7):
 *
 *  - request: every parameter except `sign`, empty values dropped, sorted by name, joined as
 *    `k=v&k=v` with raw (not URL-encoded) UTF-8 values, signed with the app's private key;
 *  - response: the gateway signs the exact text of the `<method>_response` (or `error_response`)
 *    JSON value as it appears in the body; we cut that substring out of the raw body (re-
 *    serialising parsed JSON would not reproduce Alipay's bytes) and verify it with the Alipay
 *    public key. A success without a valid signature is refused: it could come from anyone on
 *    the path to the gateway.
 */
import { createPrivateKey, createPublicKey, createSign, createVerify, type KeyObject } from 'node:crypto';

export function loadPrivateKey(key: string): KeyObject {
  const k = key.trim();
  if (k.startsWith('-----BEGIN')) return createPrivateKey(k);
  const body = k.replace(/\s+/g, '').replace(/(.{64})/g, '$1\n');
  try {
    return createPrivateKey(`-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----`);
  } catch {
    return createPrivateKey(`-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----`);
  }
}

export function loadPublicKey(key: string): KeyObject {
  const k = key.trim();
  if (k.startsWith('-----BEGIN')) return createPublicKey(k);
  return createPublicKey(`-----BEGIN PUBLIC KEY-----\n${k.replace(/\s+/g, '').replace(/(.{64})/g, '$1\n')}\n-----END PUBLIC KEY-----`);
}

export function stringToSign(params: Record<string, string | undefined>): string {
  return Object.keys(params)
    .filter((k) => k !== 'sign' && params[k] !== undefined && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

export function rsa2Sign(content: string, key: KeyObject): string {
  return createSign('RSA-SHA256').update(content, 'utf8').sign(key, 'base64');
}

export function rsa2Verify(content: string, signature: string, key: KeyObject): boolean {
  try {
    return createVerify('RSA-SHA256').update(content, 'utf8').verify(key, signature, 'base64');
  } catch {
    return false;
  }
}

/**
 * The raw text of the top-level JSON value of `key` in `body` (an object or a string), or
 * undefined. Scans with string and escape awareness, so braces inside strings do not count.
 */
export function rawJsonValue(body: string, key: string): string | undefined {
  let depth = 0;
  let i = 0;
  const n = body.length;
  while (i < n) {
    const ch = body[i]!;
    if (ch === '"') {
      const end = endOfString(body, i);
      if (end < 0) return undefined;
      if (depth === 1 && body.slice(i + 1, end) === key) {
        let j = end + 1;
        while (j < n && /\s/.test(body[j]!)) j++;
        if (body[j] !== ':') return undefined;
        j++;
        while (j < n && /\s/.test(body[j]!)) j++;
        const stop = endOfValue(body, j);
        return stop < 0 ? undefined : body.slice(j, stop + 1);
      }
      i = end + 1;
      continue;
    }
    if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') depth--;
    i++;
  }
  return undefined;
}

function endOfString(s: string, start: number): number {
  for (let i = start + 1; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '"') return i;
  }
  return -1;
}

function endOfValue(s: string, start: number): number {
  if (s[start] === '"') return endOfString(s, start);
  if (s[start] !== '{' && s[start] !== '[') return -1;
  let depth = 0;
  for (let i = start; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '"') {
      i = endOfString(s, i);
      if (i < 0) return -1;
    } else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** Alipay's `timestamp`: `yyyy-MM-dd HH:mm:ss` in Beijing time (UTC+8, no daylight saving). */
export function alipayTimestamp(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}
