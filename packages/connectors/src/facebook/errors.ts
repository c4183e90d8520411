/**
 * Graph API error codes → connector errors
 * (https://developers.facebook.com/docs/graph-api/guides/error-handling,
 * https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow#confirm).
 */
import { ConnectorError, type ConnectorErrorCode } from '@gatehouse/connector-kit';

const BY_SUBCODE: Record<number, ConnectorErrorCode> = {
  36007: 'connector.invalid_grant', // authorization code expired
  36008: 'connector.invalid_grant', // redirect_uri not identical to the dialog's
  36009: 'connector.invalid_grant', // authorization code already used
};
const BY_CODE: Record<number, ConnectorErrorCode> = {
  1: 'connector.auth_failed', // "Error validating client secret." (also generic API error 1 without it)
  101: 'connector.auth_failed', // invalid application ID
  190: 'connector.invalid_grant', // invalid / expired access token
  100: 'connector.invalid_grant', // invalid parameter: "Invalid verification code format."
  2: 'connector.unavailable', // service temporarily unavailable
  4: 'connector.rate_limited', // application request limit
  17: 'connector.rate_limited', // user request limit
  32: 'connector.rate_limited', // page request limit
  613: 'connector.rate_limited',
  10: 'connector.access_denied', // permission denied
  200: 'connector.access_denied',
};

export function graphErrorCode(code: number | undefined, subcode: number | undefined, status: number): ConnectorErrorCode {
  const known = (subcode !== undefined ? BY_SUBCODE[subcode] : undefined) ?? (code !== undefined ? BY_CODE[code] : undefined);
  if (known) return known;
  if (status >= 500) return 'connector.unavailable';
  return status === 429 ? 'connector.rate_limited' : 'connector.rejected';
}

export function graphError(vendor: string, what: string, err: { code?: number; error_subcode?: number; type?: string }, status: number): ConnectorError {
  return new ConnectorError(graphErrorCode(err.code, err.error_subcode, status), `${vendor}: ${what} Graph error ${err.type ?? '?'} ${err.code ?? '?'}/${err.error_subcode ?? '-'} HTTP ${status}`);
}

export const facebookAuthorizeErrors: Record<string, ConnectorErrorCode> = {
  access_denied: 'connector.access_denied',
};
