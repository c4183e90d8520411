/**
 * LinkedIn OAuth errors (https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow).
 */
import type { ConnectorErrorCode } from '@gatehouse/connector-kit';

export const linkedinAuthorizeErrors: Record<string, ConnectorErrorCode> = {
  user_cancelled_login: 'connector.access_denied',
  user_cancelled_authorize: 'connector.access_denied',
  unauthorized_scope_error: 'connector.invalid_config',
};

/**
 * LinkedIn answers an expired, used or mismatched code with HTTP 400 `invalid_request` and the
 * description "Unable to retrieve access token: …"; that one is an invalid grant.
 */
export function isLinkedinCodeError(description: string | undefined): boolean {
  return !!description && description.startsWith('Unable to retrieve access token');
}
