/**
 * openid.connect.token errors: HTTP 200 with `ok: false` and `error`
 * (https://api.slack.com/methods/openid.connect.token#errors).
 */
import type { ConnectorErrorCode } from '@gatehouse/connector-kit';

export const slackTokenErrors: Record<string, ConnectorErrorCode> = {
  invalid_code: 'connector.invalid_grant',
  code_already_used: 'connector.invalid_grant',
  cannot_verify_code_with_provided_verifier: 'connector.invalid_grant',
  invalid_client_id: 'connector.auth_failed',
  bad_client_secret: 'connector.auth_failed',
  bad_redirect_uri: 'connector.invalid_config',
  invalid_grant_type: 'connector.invalid_config',
  oauth_authorization_url_mismatch: 'connector.invalid_config',
  ratelimited: 'connector.rate_limited',
  service_unavailable: 'connector.unavailable',
  fatal_error: 'connector.unavailable',
  internal_error: 'connector.unavailable',
  request_timeout: 'connector.unavailable',
};
