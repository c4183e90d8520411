/**
 * Reading the authorization response at the callback (RFC 6749 §4.1.2, RFC 9207). The server
 * has already checked `state` (single-use, browser-bound) before it calls the connector.
 */
import { ConnectorError, type ConnectorErrorCode } from '../types.js';
import { AUTHORIZATION_ERRORS, vendorErrorDetail } from './errors.js';

export interface ReadCodeOptions {
  /** Vendor-specific `error` values, checked before the RFC 6749 table. */
  errors?: Record<string, ConnectorErrorCode>;
  /** Name of the code parameter (DingTalk sends `authCode`). Default `code`. */
  codeParam?: string;
  /**
   * RFC 9207 mix-up defence: when set and the response carries `iss`, it must equal this; when
   * `requireIss` is also set, a missing `iss` is refused too (the provider advertises
   * `authorization_response_iss_parameter_supported`).
   */
  expectedIssuer?: string;
  requireIss?: boolean;
}

/** Returns the authorization code or throws: `error=access_denied` → connector.access_denied, no code → invalid_response. */
export function readAuthorizationCode(vendor: string, params: Record<string, string>, opts: ReadCodeOptions = {}): string {
  const error = params['error'];
  if (typeof error === 'string' && error) {
    const code = opts.errors?.[error] ?? AUTHORIZATION_ERRORS[error] ?? 'connector.rejected';
    throw new ConnectorError(code, vendorErrorDetail(vendor, 'authorization', error, params['error_description']));
  }
  if (opts.expectedIssuer !== undefined) {
    const iss = params['iss'];
    if (iss === undefined ? opts.requireIss : iss !== opts.expectedIssuer) {
      throw new ConnectorError('connector.invalid_response', `${vendor}: authorization response iss does not match the issuer (RFC 9207)`);
    }
  }
  const value = params[opts.codeParam ?? 'code'];
  if (typeof value !== 'string' || !value || value.length > 4096) {
    throw new ConnectorError('connector.invalid_response', `${vendor}: callback without an authorization code`);
  }
  return value;
}
