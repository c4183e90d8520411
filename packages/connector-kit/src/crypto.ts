/** Small hashing helpers shared by request signers (node:crypto only). */
import { createHash, createHmac } from 'node:crypto';

type Bytes = string | Uint8Array;

export function sha256Hex(data: Bytes): string {
  return createHash('sha256').update(data).digest('hex');
}

export function hmac(algorithm: 'sha1' | 'sha256', key: Bytes, data: Bytes): Buffer {
  return createHmac(algorithm, key).update(data).digest();
}

/**
 * RFC 3986 percent-encoding: only A-Z a-z 0-9 - _ . ~ stay literal (encodeURIComponent also
 * leaves ! ' ( ) * alone, which Alibaba Cloud and AWS both require encoded).
 */
export function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
