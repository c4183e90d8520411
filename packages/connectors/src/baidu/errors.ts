/**
 * Baidu errors: the OAuth endpoints answer HTTP 400 `{error, error_description}` (RFC 6749
 * names); the REST API `{error_code, error_msg}`.
 * https://openauth.baidu.com/doc/appendix.html (OAuth), https://openauth.baidu.com/doc/doc.html
 */
import type { VendorErrorTable } from '@gatehouse/connector-kit';

export const baiduErrors: VendorErrorTable = {
  exact: {
    invalid_request: 'connector.invalid_config',
    invalid_client: 'connector.auth_failed',
    unauthorized_client: 'connector.invalid_config',
    redirect_uri_mismatch: 'connector.invalid_config',
    invalid_grant: 'connector.invalid_grant',
    expired_token: 'connector.invalid_grant',
    access_denied: 'connector.access_denied',
    '1': 'connector.unavailable', // Unknown error
    '2': 'connector.unavailable', // Service temporarily unavailable
    '4': 'connector.rate_limited', // Open api request limit reached
    '6': 'connector.invalid_config', // No permission to access data
    '17': 'connector.rate_limited', // Open api daily request limit reached
    '18': 'connector.rate_limited', // Open api qps request limit reached
    '100': 'connector.rejected', // Invalid parameter
    '110': 'connector.invalid_grant', // Access token invalid or no longer valid
    '111': 'connector.invalid_grant', // Access token expired
  },
  fallback: 'connector.rejected',
};
