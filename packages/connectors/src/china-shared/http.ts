/**
 * HTTP helpers shared by the China identity-provider connectors. Every call goes through the kit's
 * `vendorRequest` (transport failures become a retryable `connector.unavailable` without URLs in
 * the message: URLs of these vendors carry app secrets and codes in the query string).
 */
import { vendorRequest, type HttpClient } from '@gatehouse/connector-kit';

export interface VendorResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface CallOptions {
  headers?: Record<string, string>;
  timeoutMs: number;
}

function parse(res: { status: number; headers: Record<string, string>; text: string }): VendorResponse {
  let json: unknown;
  try {
    json = JSON.parse(res.text);
  } catch {
    json = undefined;
  }
  return { ...res, json };
}

/** `base` with `params` appended as a query string (undefined values skipped). */
export function withQuery(base: string, params: Record<string, string | undefined>): string {
  const url = new URL(base);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

export async function getJson(http: HttpClient, vendor: string, url: string, opts: CallOptions): Promise<VendorResponse> {
  const res = await vendorRequest(http, vendor, url, { method: 'GET', headers: { accept: 'application/json', ...opts.headers }, timeoutMs: opts.timeoutMs });
  return parse(res);
}

export async function postJson(http: HttpClient, vendor: string, url: string, body: unknown, opts: CallOptions): Promise<VendorResponse> {
  const res = await vendorRequest(http, vendor, url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', accept: 'application/json', ...opts.headers },
    body: JSON.stringify(body),
    timeoutMs: opts.timeoutMs,
  });
  return parse(res);
}

export async function postForm(http: HttpClient, vendor: string, url: string, form: Record<string, string | undefined>, opts: CallOptions): Promise<VendorResponse> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) if (v !== undefined) body.set(k, v);
  const res = await vendorRequest(http, vendor, url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8', accept: 'application/json', ...opts.headers },
    body: body.toString(),
    timeoutMs: opts.timeoutMs,
  });
  return parse(res);
}
