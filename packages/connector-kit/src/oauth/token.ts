/**
 * The authorization-code exchange (RFC 6749 §4.1.3, RFC 7636 §4.5) with the RFC 6749 §5.2
 * error mapping. Vendors that deviate (GitHub's HTTP 200 errors, Slack's `ok:false`, Facebook's
 * nested `error` object) pass `errors` or `onError`.
 */
import { Type, type Static } from '@sinclair/typebox';
import { ConnectorError, type ConnectorErrorCode, type HttpClient } from '../types.js';
import { TOKEN_ERRORS, unreadableSocialResponse, vendorErrorDetail } from './errors.js';
import { basicAuth, matches, providerRequest, type ProviderResponse } from './request.js';

export const TokenResponseSchema = Type.Object({
  access_token: Type.String({ minLength: 1 }),
  token_type: Type.Optional(Type.String()),
  id_token: Type.Optional(Type.String()),
  refresh_token: Type.Optional(Type.String()),
  expires_in: Type.Optional(Type.Union([Type.Number(), Type.String()])),
  scope: Type.Optional(Type.String()),
});
export type TokenResponse = Static<typeof TokenResponseSchema>;

const OAuthErrorSchema = Type.Object({ error: Type.String(), error_description: Type.Optional(Type.String()) });

/** How the client authenticates at the token endpoint (RFC 6749 §2.3.1; `none` for public clients with PKCE). */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

export interface CodeExchange {
  vendor: string;
  tokenEndpoint: string;
  clientId: string;
  clientSecret?: string;
  clientAuth: ClientAuthMethod;
  code: string;
  /** Sent when the authorization request had one (RFC 6749 §4.1.3: then it is required and must be identical). */
  redirectUri?: string;
  codeVerifier?: string;
  /** Extra form parameters (Entra's `scope`, Apple's nothing…). */
  extra?: Record<string, string | undefined>;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Vendor `error` values checked before the RFC 6749 table. */
  errors?: Record<string, ConnectorErrorCode>;
  /** Vendor-specific error shapes; return undefined to fall through to the standard handling. */
  onError?: (res: ProviderResponse) => ConnectorError | undefined;
  /** GET with the parameters in the query instead of a POSTed form (Facebook's documented form). */
  method?: 'POST' | 'GET';
}

export async function exchangeCode(http: HttpClient, x: CodeExchange): Promise<TokenResponse> {
  const form: Record<string, string | undefined> = {
    grant_type: 'authorization_code',
    code: x.code,
    redirect_uri: x.redirectUri,
    code_verifier: x.codeVerifier,
    ...x.extra,
  };
  const headers: Record<string, string> = { ...x.headers };
  if (x.clientAuth === 'client_secret_basic') {
    Object.assign(headers, basicAuth(x.clientId, x.clientSecret ?? ''));
  } else {
    form['client_id'] = x.clientId;
    if (x.clientAuth === 'client_secret_post') form['client_secret'] = x.clientSecret;
  }
  let res: ProviderResponse;
  if (x.method === 'GET') {
    const url = new URL(x.tokenEndpoint);
    for (const [k, v] of Object.entries(form)) if (v !== undefined) url.searchParams.set(k, v);
    res = await providerRequest(http, x.vendor, url.toString(), { headers, ...(x.timeoutMs ? { timeoutMs: x.timeoutMs } : {}) });
  } else {
    res = await providerRequest(http, x.vendor, x.tokenEndpoint, { method: 'POST', form, headers, ...(x.timeoutMs ? { timeoutMs: x.timeoutMs } : {}) });
  }
  return readTokenResponse(x, res);
}

export function readTokenResponse(x: Pick<CodeExchange, 'vendor' | 'errors' | 'onError'>, res: ProviderResponse): TokenResponse {
  const custom = x.onError?.(res);
  if (custom) throw custom;
  // An `error` member wins even on HTTP 200 (GitHub answers bad codes with 200 + error).
  if (matches(OAuthErrorSchema, res.body)) {
    const { error, error_description } = res.body;
    const code = x.errors?.[error] ?? TOKEN_ERRORS[error] ?? (res.status >= 500 ? 'connector.unavailable' : 'connector.rejected');
    throw new ConnectorError(code, vendorErrorDetail(x.vendor, 'token', error, error_description, res.status));
  }
  if (res.status >= 200 && res.status < 300 && matches(TokenResponseSchema, res.body)) return res.body;
  throw unreadableSocialResponse(x.vendor, 'token', res.status);
}
