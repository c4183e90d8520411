/**
 * Default HttpClient on top of global fetch, with a per-request timeout (AbortController),
 * and `vendorRequest`, which turns transport failures into `connector.unavailable`.
 */
import { ConnectorError, type HttpClient } from './types.js';

export interface FetchHttpClientOptions {
  /** Used when a request does not set `timeoutMs`. Default 10 000 ms. */
  defaultTimeoutMs?: number;
}

export function createFetchHttpClient(opts: FetchHttpClientOptions = {}): HttpClient {
  const defaultTimeoutMs = opts.defaultTimeoutMs ?? 10_000;
  return async (url, init) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error('timeout')), init.timeoutMs ?? defaultTimeoutMs);
    try {
      const res = await fetch(url, {
        method: init.method,
        headers: init.headers,
        body: init.body,
        signal: controller.signal,
        redirect: 'manual',
      });
      // A binary body (an image) is returned base64-encoded when the caller asks for it (social-extras.ts `HttpInitWithEncoding`).
      const binary = (init as { responseEncoding?: string }).responseEncoding === 'base64';
      const text = binary ? Buffer.from(await res.arrayBuffer()).toString('base64') : await res.text();
      const headers: Record<string, string> = {};
      res.headers.forEach((value, key) => {
        headers[key] = value;
      });
      return { status: res.status, headers, text };
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * Calls the vendor; a thrown error (DNS, refused connection, TLS, timeout) becomes a retryable
 * `connector.unavailable`. The detail names the vendor and the error class only: URLs and
 * bodies can carry credentials, so they are never put into the message.
 */
export async function vendorRequest(
  http: HttpClient,
  vendor: string,
  url: string,
  init: Parameters<HttpClient>[1],
): ReturnType<HttpClient> {
  try {
    return await http(url, init);
  } catch (err) {
    const kind = err instanceof Error ? `${err.name}${codeOf(err)}` : 'error';
    throw new ConnectorError('connector.unavailable', `${vendor}: request failed (${kind})`, { cause: err });
  }
}

function codeOf(err: Error): string {
  const cause = (err as { cause?: { code?: unknown } }).cause;
  const code = (err as { code?: unknown }).code ?? cause?.code;
  return typeof code === 'string' ? ` ${code}` : '';
}
