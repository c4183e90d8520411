/**
 * Feishu / Lark error codes → connector errors. The v2 token endpoint answers errors with a 4xx
 * and `{code, error, error_description}`; the other APIs with `{code, msg}` (code 0 = success).
 * https://open.feishu.cn/document/authentication-management/access-token/get-user-access-token
 * https://open.feishu.cn/document/server-docs/getting-started/server-error-codes
 */
import type { VendorErrorTable } from '@gatehouse/connector-kit';

export const larkErrors: VendorErrorTable = {
  exact: {
    '20001': 'connector.invalid_config', // invalid request: a required parameter is missing
    '20002': 'connector.auth_failed', // invalid client: app_id/app_secret wrong
    '20003': 'connector.invalid_grant', // authorization code not found (unknown or used)
    '20004': 'connector.invalid_grant', // authorization code expired
    '20024': 'connector.invalid_grant', // the code was issued to another app
    '20049': 'connector.invalid_grant', // PKCE code_verifier does not match
    '20010': 'connector.not_allowed', // the user may not use this app (availability range)
    '20050': 'connector.unavailable', // server error, retry
    '99991400': 'connector.rate_limited', // request trigger frequency limit
    '99991663': 'connector.invalid_grant', // invalid access token
    '99991668': 'connector.invalid_grant', // invalid user access token
    '99991677': 'connector.invalid_grant', // user access token expired
  },
  fallback: 'connector.rejected',
};
