/**
 * JSON requests to identity providers through the injected HttpClient. Every body is checked
 * against a TypeBox schema before a connector reads it.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { ConnectorError, HttpClient } from '../types.js';
import { vendorRequest } from '../http.js';
import { unreadableSocialResponse } from './errors.js';

/** Some providers (GitHub's REST API) refuse requests without a User-Agent. */
export const USER_AGENT = 'Gatehouse';

export interface ProviderResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The parsed JSON body, or form-encoded body as an object, or undefined. */
  body: unknown;
}

export interface ProviderRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** A form body (application/x-www-form-urlencoded). */
  form?: Record<string, string | undefined>;
  /** A JSON body. */
  json?: unknown;
  timeoutMs?: number;
}

/** Sends a request; transport failures become connector.unavailable. Parses JSON (or a form-encoded body). */
export async function providerRequest(http: HttpClient, vendor: string, url: string, req: ProviderRequest = {}): Promise<ProviderResponse> {
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': USER_AGENT, ...req.headers };
  let body: string | undefined;
  if (req.form) {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(req.form)) if (v !== undefined) form.set(k, v);
    body = form.toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  } else if (req.json !== undefined) {
    body = JSON.stringify(req.json);
    headers['content-type'] = 'application/json';
  }
  const res = await vendorRequest(http, vendor, url, { method: req.method ?? (body === undefined ? 'GET' : 'POST'), headers, ...(body !== undefined ? { body } : {}), ...(req.timeoutMs ? { timeoutMs: req.timeoutMs } : {}) });
  return { ...res, body: parseBody(res.headers, res.text) };
}

function parseBody(headers: Record<string, string>, text: string): unknown {
  const type = (headers['content-type'] ?? '').toLowerCase();
  if (type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function matches<T extends TSchema>(schema: T, data: unknown): data is Static<T> {
  return Value.Check(schema, data);
}

/**
 * GET a JSON resource with a bearer token (or the given headers) and check it against `schema`.
 * A 2xx that does not fit is `connector.invalid_response`; other statuses go through `onError`
 * first (vendor error shapes), then by status.
 */
export async function getJson<T extends TSchema>(
  http: HttpClient,
  vendor: string,
  what: string,
  url: string,
  schema: T,
  opts: { headers?: Record<string, string>; timeoutMs?: number; onError?: (res: ProviderResponse) => ConnectorError | undefined } = {},
): Promise<Static<T>> {
  const res = await providerRequest(http, vendor, url, { headers: opts.headers ?? {}, ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) });
  if (res.status >= 200 && res.status < 300 && matches(schema, res.body)) return res.body;
  const mapped = opts.onError?.(res);
  if (mapped) throw mapped;
  throw unreadableSocialResponse(vendor, what, res.status);
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

export function basicAuth(user: string, password: string): Record<string, string> {
  // RFC 6749 §2.3.1: client_id and secret are form-urlencoded before Basic encoding.
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return { authorization: `Basic ${Buffer.from(`${enc(user)}:${enc(password)}`).toString('base64')}` };
}
