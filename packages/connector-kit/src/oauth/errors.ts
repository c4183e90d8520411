/**
 * Error mapping shared by OAuth 2.0 / OIDC connectors: RFC 6749 §4.1.2.1 (authorization
 * response) and §5.2 (token endpoint) error codes to the closed ConnectorErrorCode set.
 */
import { ConnectorError, type ConnectorErrorCode } from '../types.js';

/** Token-endpoint errors (RFC 6749 §5.2). */
export const TOKEN_ERRORS: Readonly<Record<string, ConnectorErrorCode>> = Object.freeze({
  invalid_grant: 'connector.invalid_grant', // code wrong, expired, used, or issued for another redirect URI / client
  invalid_client: 'connector.auth_failed', // client authentication failed
  unauthorized_client: 'connector.auth_failed',
  invalid_request: 'connector.rejected',
  unsupported_grant_type: 'connector.invalid_config',
  invalid_scope: 'connector.invalid_config',
  access_denied: 'connector.access_denied',
  server_error: 'connector.unavailable',
  temporarily_unavailable: 'connector.unavailable',
});

/** Authorization-response errors (RFC 6749 §4.1.2.1, OIDC Core §3.1.2.6). */
export const AUTHORIZATION_ERRORS: Readonly<Record<string, ConnectorErrorCode>> = Object.freeze({
  access_denied: 'connector.access_denied',
  consent_required: 'connector.access_denied',
  login_required: 'connector.access_denied',
  interaction_required: 'connector.access_denied',
  account_selection_required: 'connector.access_denied',
  server_error: 'connector.unavailable',
  temporarily_unavailable: 'connector.unavailable',
  unauthorized_client: 'connector.invalid_config',
  invalid_scope: 'connector.invalid_config',
  invalid_request: 'connector.rejected',
  unsupported_response_type: 'connector.invalid_config',
});

/**
 * Code for a response body we could not read: 5xx → unavailable (retry later), 429 →
 * rate_limited, anything else → invalid_response. (Unlike the SMS helper, a 2xx we cannot read is
 * `invalid_response`: nothing was sent twice, the sign-in just cannot go on.)
 */
export function socialCodeForStatus(status: number): ConnectorErrorCode {
  if (status >= 500) return 'connector.unavailable';
  if (status === 429) return 'connector.rate_limited';
  return 'connector.invalid_response';
}

export function unreadableSocialResponse(vendor: string, what: string, status: number): ConnectorError {
  return new ConnectorError(socialCodeForStatus(status), `${vendor}: unexpected ${what} response (HTTP ${status})`);
}

/**
 * Error detail safe for logs: the vendor's error code and a shortened description. Vendor
 * descriptions never carry our secrets, but are cut to keep hostile text out of logs.
 */
export function vendorErrorDetail(vendor: string, what: string, error: string, description?: string, status?: number): string {
  const desc = description ? ` (${description.replace(/[\r\n]+/g, ' ').slice(0, 200)})` : '';
  return `${vendor}: ${what} error ${error.slice(0, 100)}${desc}${status !== undefined ? ` HTTP ${status}` : ''}`;
}
