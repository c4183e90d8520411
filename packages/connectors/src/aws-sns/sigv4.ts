/**
 * AWS Signature Version 4 (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html):
 *   CanonicalRequest = METHOD \n URI \n QUERY \n CanonicalHeaders \n SignedHeaders \n hex(sha256(payload))
 *   StringToSign = 'AWS4-HMAC-SHA256' \n amzDate \n date/region/service/aws4_request \n hex(sha256(CanonicalRequest))
 *   kSigning = HMAC(HMAC(HMAC(HMAC('AWS4' + secret, date), region), service), 'aws4_request')
 * Checked against the AWS SigV4 test suite's "get-vanilla" vector in the unit tests.
 */
import { hmac, rfc3986, sha256Hex } from '@gatehouse/connector-kit';

export interface SigV4Input {
  method: string;
  url: URL;
  /** Headers to sign; must include host and x-amz-date. */
  headers: Record<string, string>;
  payload: string;
  region: string;
  service: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** 20150830T123600Z */
  amzDate: string;
}

export function sigV4Authorization(i: SigV4Input): string {
  const date = i.amzDate.slice(0, 8);
  const lower = Object.fromEntries(Object.entries(i.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const names = Object.keys(lower).sort();
  const canonicalHeaders = names.map((n) => `${n}:${lower[n]!.trim().replace(/\s+/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');
  const query = [...i.url.searchParams]
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const path = i.url.pathname.split('/').map((s) => rfc3986(decodeURIComponent(s))).join('/') || '/';
  const canonicalRequest = [i.method, path, query, canonicalHeaders, signedHeaders, sha256Hex(i.payload)].join('\n');
  const scope = `${date}/${i.region}/${i.service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', i.amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  let key = hmac('sha256', `AWS4${i.secretAccessKey}`, date);
  for (const part of [i.region, i.service, 'aws4_request']) key = hmac('sha256', key, part);
  const signature = hmac('sha256', key, toSign).toString('hex');
  return `AWS4-HMAC-SHA256 Credential=${i.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

export function amzDate(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}
