/**
 * GitHub token-endpoint errors, which arrive as HTTP 200 with an `error` member
 * (https://docs.github.com/en/apps/oauth-apps/maintaining-oauth-apps/troubleshooting-oauth-app-access-token-request-errors).
 */
import type { ConnectorErrorCode } from '@gatehouse/connector-kit';

export const githubTokenErrors: Record<string, ConnectorErrorCode> = {
  bad_verification_code: 'connector.invalid_grant', // wrong, expired or already used code
  incorrect_client_credentials: 'connector.auth_failed',
  redirect_uri_mismatch: 'connector.invalid_config', // the callback URL is not the app's registered one
  unverified_user_email: 'connector.rejected', // the GitHub user must verify an email first
  device_flow_disabled: 'connector.invalid_config',
};

export const githubAuthorizeErrors: Record<string, ConnectorErrorCode> = {
  redirect_uri_mismatch: 'connector.invalid_config',
  application_suspended: 'connector.invalid_config',
};
