import type { IncomingHttpHeaders } from 'node:http';

/**
 * What the lean token-path handlers (fast-endpoints.ts, fast-client-credentials.ts) share: the
 * answer shape and headers oidc-provider's Koa app gives JSON answers, the conditions under
 * which a request is left to oidc-provider, the strict reading of a form body, and
 * client_secret_basic / client_secret_post credentials read exactly as oidc-provider reads them
 * (lib/shared/client_auth.js). Every "undefined" here means "let oidc-provider answer": the lean
 * handlers never produce an error answer of their own.
 */

export interface FastResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * The headers oidc-provider's Koa app sends with these JSON answers, in its order: its CORS
 * middleware for a request without Origin (requests with one are deferred), no-store (RFC 6749
 * §5.1, RFC 7662 §2.2), then Koa's type and length.
 */
export const json = (body: unknown, status = 200): FastResponse => {
  const text = JSON.stringify(body);
  return {
    status,
    headers: {
      vary: 'Origin',
      'access-control-allow-origin': '*',
      'access-control-expose-headers': 'WWW-Authenticate',
      'cache-control': 'no-store',
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(text)),
    },
    body: text,
  };
};

/** Headers whose presence means a feature the lean handlers leave to oidc-provider (CORS, DPoP, attestation). */
const DEFER_HEADERS = ['origin', 'dpop', 'oauth-client-attestation', 'oauth-client-attestation-pop'];
export const deferred = (h: IncomingHttpHeaders) => DEFER_HEADERS.some((k) => h[k] !== undefined);

/** epoch seconds, as oidc-provider's models compare them (helpers/epoch_time.js). */
export const epochTime = () => Math.floor(Date.now() / 1000);

/** The oidc-provider Client properties the lean handlers read. */
export type FastClient = {
  clientId: string;
  clientAuthMethod: string;
  clientSecretExpiresAt?: number;
  subjectType?: string;
  scope?: string;
  userinfoSignedResponseAlg?: string;
  userinfoEncryptedResponseAlg?: string;
  introspectionSignedResponseAlg?: string;
  introspectionEncryptedResponseAlg?: string;
  compareClientSecret(secret: string): Promise<boolean> | boolean;
  grantTypeAllowed(grantType: string): boolean;
};

/**
 * A urlencoded body with only the `allowed` parameters, each once and non-empty; undefined
 * otherwise. oidc-provider ignores unknown parameters, treats empty ones as absent and refuses
 * some duplicates — rather than repeat those rules, such a request goes to it.
 */
export function strictForm(headers: IncomingHttpHeaders, body: string, allowed: ReadonlySet<string>): Map<string, string> | undefined {
  if (!/^application\/x-www-form-urlencoded\b/i.test(headers['content-type'] ?? '')) return undefined;
  const params = new Map<string, string>();
  for (const [k, v] of new URLSearchParams(body)) {
    if (params.has(k) || !allowed.has(k) || v === '') return undefined;
    params.set(k, v);
  }
  return params;
}

/** RFC 6749 §2.3.1 form-encoding of the Basic credentials, as oidc-provider decodes them. */
const decodeBasicPart = (v: string) => decodeURIComponent(v.replace(/\+/g, '%20'));

/**
 * client_secret_basic or client_secret_post credentials — exactly one of them, as oidc-provider
 * requires — or undefined for anything else (no credentials, both, a malformed header, another
 * method, characters outside VSCHAR), which oidc-provider then answers and audits.
 */
export function secretCredentials(params: Map<string, string>, headers: IncomingHttpHeaders): { clientId: string; secret: string } | undefined {
  let clientId = params.get('client_id');
  let secret = params.get('client_secret');
  const auth = headers.authorization;
  if (auth !== undefined) {
    if (secret !== undefined) return undefined;
    const parts = auth.split(' ');
    if (parts.length !== 2 || parts[0]!.toLowerCase() !== 'basic' || !/^[A-Za-z0-9+/]+={0,2}$/.test(parts[1]!)) return undefined;
    const basic = Buffer.from(parts[1]!, 'base64').toString('utf8');
    const i = basic.indexOf(':');
    if (i <= 0) return undefined;
    let id: string;
    try {
      id = decodeBasicPart(basic.slice(0, i));
      secret = decodeBasicPart(basic.slice(i + 1));
    } catch {
      return undefined;
    }
    if (clientId !== undefined && clientId !== id) return undefined;
    clientId = id;
  }
  if (!clientId || !secret || /[^\x20-\x7e]/.test(clientId) || /[^\x20-\x7e]/.test(secret)) return undefined;
  return { clientId, secret };
}

/**
 * The client, authenticated with its secret by client_secret_basic or _post (oidc-provider
 * accepts either for a client registered with one of them), or undefined: unknown client,
 * another registered method, an expiring secret, a wrong secret.
 */
export async function secretAuthenticatedClient(client: FastClient | undefined, secret: string): Promise<FastClient | undefined> {
  if (!client || (client.clientAuthMethod !== 'client_secret_basic' && client.clientAuthMethod !== 'client_secret_post')) return undefined;
  if (client.clientSecretExpiresAt) return undefined;
  return (await client.compareClientSecret(secret)) ? client : undefined;
}
