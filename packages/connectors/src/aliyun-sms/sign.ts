/**
 * Alibaba Cloud RPC signature, version 1.0 (HMAC-SHA1), as documented in "Request
 * signatures" for RPC-style APIs (https://help.aliyun.com/document_detail/315526.html, also
 * https://www.alibabacloud.com/help/en/sdk/product-overview/rpc-mechanism):
 *   CanonicalizedQueryString = sorted params, name=value, each percent-encoded (RFC 3986)
 *   StringToSign = METHOD + '&' + enc('/') + '&' + enc(CanonicalizedQueryString)
 *   Signature    = Base64(HMAC-SHA1(AccessKeySecret + '&', StringToSign))
 */
import { hmac, rfc3986 } from '@gatehouse/connector-kit';

export function canonicalQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort()
    .map((k) => `${rfc3986(k)}=${rfc3986(params[k]!)}`)
    .join('&');
}

export function stringToSign(method: string, params: Record<string, string>): string {
  return `${method}&${rfc3986('/')}&${rfc3986(canonicalQuery(params))}`;
}

export function rpcSignature(method: string, params: Record<string, string>, accessKeySecret: string): string {
  return hmac('sha1', `${accessKeySecret}&`, stringToSign(method, params)).toString('base64');
}

/** Aliyun wants ISO 8601 UTC without milliseconds: 2017-07-12T02:42:19Z. */
export function aliyunTimestamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
