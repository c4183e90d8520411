/**
 * Entra authorization errors beyond RFC 6749 (https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes).
 * Token errors use the standard `error` values (`invalid_grant` for AADSTS70008 expired /
 * 54005 already redeemed / 50148 redirect mismatch / 501481 PKCE; `invalid_client` for 7000215).
 */
import type { ConnectorErrorCode } from '@gatehouse/connector-kit';

export const entraAuthorizeErrors: Record<string, ConnectorErrorCode> = {
  consent_required: 'connector.access_denied',
  interaction_required: 'connector.access_denied',
  login_required: 'connector.access_denied',
  invalid_resource: 'connector.invalid_config',
};
