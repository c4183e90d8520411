/**
 * Sign in with Apple errors (https://developer.apple.com/documentation/sign_in_with_apple/errorresponse,
 * https://developer.apple.com/documentation/sign_in_with_apple/incorporating-sign-in-with-apple-into-other-platforms).
 */
import type { ConnectorErrorCode } from '@gatehouse/connector-kit';

/** Posted to the callback instead of a code. */
export const appleAuthorizeErrors: Record<string, ConnectorErrorCode> = {
  user_cancelled_authorize: 'connector.access_denied',
  popup_closed_by_user: 'connector.access_denied',
};

/** Token endpoint: `invalid_client` is also what a wrong or expired client-secret JWT gets. */
export const appleTokenErrors: Record<string, ConnectorErrorCode> = {
  invalid_client: 'connector.auth_failed',
  invalid_grant: 'connector.invalid_grant',
};
