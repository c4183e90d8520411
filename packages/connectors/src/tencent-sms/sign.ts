/**
 * TC3-HMAC-SHA256 request signing for Tencent Cloud API 3.0
 * (https://cloud.tencent.com/document/api/382/52072, "签名方法 v3"):
 *   CanonicalRequest = METHOD \n URI \n QUERY \n CanonicalHeaders \n SignedHeaders \n hex(sha256(payload))
 *   StringToSign     = 'TC3-HMAC-SHA256' \n Timestamp \n Date/service/tc3_request \n hex(sha256(CanonicalRequest))
 *   key = HMAC(HMAC(HMAC('TC3' + SecretKey, Date), service), 'tc3_request'); Signature = hex(HMAC(key, StringToSign))
 */
import { hmac, sha256Hex } from '@gatehouse/connector-kit';

export interface Tc3Input {
  secretId: string;
  secretKey: string;
  service: string;
  host: string;
  /** Headers to sign besides host (lower-case names). */
  headers: Record<string, string>;
  payload: string;
  /** Unix seconds. */
  timestamp: number;
}

export function tc3Authorization(i: Tc3Input): string {
  const date = new Date(i.timestamp * 1000).toISOString().slice(0, 10);
  const all: Record<string, string> = { ...i.headers, host: i.host };
  const names = Object.keys(all).map((n) => n.toLowerCase()).sort();
  const lower = Object.fromEntries(Object.entries(all).map(([k, v]) => [k.toLowerCase(), v]));
  // Header names and values are lower-cased and trimmed; each line ends with \n.
  const canonicalHeaders = names.map((n) => `${n}:${lower[n]!.trim().toLowerCase()}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = ['POST', '/', '', canonicalHeaders, signedHeaders, sha256Hex(i.payload)].join('\n');
  const scope = `${date}/${i.service}/tc3_request`;
  const toSign = ['TC3-HMAC-SHA256', String(i.timestamp), scope, sha256Hex(canonicalRequest)].join('\n');
  const kDate = hmac('sha256', `TC3${i.secretKey}`, date);
  const kService = hmac('sha256', kDate, i.service);
  const kSigning = hmac('sha256', kService, 'tc3_request');
  const signature = hmac('sha256', kSigning, toSign).toString('hex');
  return `TC3-HMAC-SHA256 Credential=${i.secretId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}
