/**
 * Sina Weibo errors: `{error, error_code, request, error_description}` (HTTP 400 on the OAuth
 * endpoints, 4xx on the API). Source: https://open.weibo.com/wiki/Error_code
 */
import type { VendorErrorTable } from '@gatehouse/connector-kit';

export const weiboErrors: VendorErrorTable = {
  exact: {
    '10001': 'connector.unavailable', // system error
    '10022': 'connector.rate_limited', // IP requests out of rate limit
    '10023': 'connector.rate_limited', // User requests out of rate limit
    '10024': 'connector.rate_limited', // User requests for this API out of rate limit
    '21322': 'connector.invalid_config', // redirect_uri_mismatch
    '21323': 'connector.invalid_config', // invalid_request
    '21324': 'connector.auth_failed', // invalid_client: App Key or App Secret wrong
    '21325': 'connector.invalid_grant', // invalid_grant: code unknown, used or expired
    '21327': 'connector.invalid_grant', // expired_token
    '21330': 'connector.access_denied', // access_denied
    '21332': 'connector.invalid_grant', // invalid_access_token
    '21314': 'connector.invalid_grant', // token used
    '21315': 'connector.invalid_grant', // token expired
    '21316': 'connector.invalid_grant', // token revoked
    '21317': 'connector.invalid_grant', // token rejected
  },
  fallback: 'connector.rejected',
};
