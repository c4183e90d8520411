import { createRequire } from 'node:module';

/**
 * Raw signed requests built with the vendor's own signing functions
 * (authing-node-sdk `dist/utils/buildSignature.js`), so tests can vary one element at a time:
 * the date, the nonce, the headers, the body after signing.
 */
const sdk = createRequire(import.meta.url)('authing-node-sdk/dist/utils/buildSignature.js') as {
  buildStringToSign(method: string, uri: string, headers: Record<string, string>, query: Record<string, unknown>): string;
  buildAuthorization(id: string, secret: string, stringToSign: string): string;
  makeNonce(): string;
};

export interface SignedRequestOptions {
  method?: 'GET' | 'POST';
  path: string;
  query?: Record<string, string>;
  body?: Record<string, unknown>;
  key: { accessKeyId: string; accessKeySecret: string };
  date?: string | null;
  nonce?: string | null;
  extraHeaders?: Record<string, string>;
  /** Called with the signed parts before sending, to tamper with them. */
  tamper?: (parts: { headers: Record<string, string>; bodyText: string | undefined; url: string }) => void;
}

export function signedRequest(base: string, o: SignedRequestOptions): { url: string; init: RequestInit } {
  const method = o.method ?? 'GET';
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-authing-signature-method': 'HMAC-SHA1',
    'x-authing-signature-version': '1.0',
    'x-authing-lang': 'en-US',
    ...o.extraHeaders,
  };
  if (o.nonce !== null) headers['x-authing-signature-nonce'] = o.nonce ?? sdk.makeNonce();
  if (o.date !== null) headers.date = o.date ?? new Date().toUTCString();
  const signed = method === 'GET' ? (o.query ?? {}) : (o.body ?? {});
  headers.authorization = sdk.buildAuthorization(o.key.accessKeyId, o.key.accessKeySecret, sdk.buildStringToSign(method, o.path, headers, signed));
  const qs = o.query ? `?${new URLSearchParams(o.query).toString()}` : '';
  const parts = { headers, bodyText: method === 'GET' ? undefined : JSON.stringify(o.body ?? {}), url: `${base}${o.path}${qs}` };
  o.tamper?.(parts);
  return { url: parts.url, init: { method, headers: parts.headers, body: parts.bodyText } };
}

export async function signedFetch(base: string, o: SignedRequestOptions): Promise<{ http: number; body: { statusCode: number; apiCode?: number; message: string; requestId: string; data: any } }> {
  const { url, init } = signedRequest(base, o);
  const res = await fetch(url, init);
  return { http: res.status, body: (await res.json()) as any };
}
