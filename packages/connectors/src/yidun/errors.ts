/**
 * Yidun response `code` → connector errors (200 = ok). Source: the 响应返回码 table of
 * https://support.dun.163.com/documents/287305921855672320?docId=289953034527756288
 */
import type { VendorErrorTable } from '@gatehouse/connector-kit';

export const yidunErrors: VendorErrorTable = {
  exact: {
    '400': 'connector.invalid_config', // bad request: secretId or businessId missing
    '401': 'connector.auth_failed', // forbidden: secretId/businessId unknown, product not enabled or expired
    '405': 'connector.invalid_grant', // param error: the token or accessToken is malformed
    '410': 'connector.auth_failed', // signature failure
    '411': 'connector.rate_limited', // high frequency
    '414': 'connector.invalid_grant', // param too long
    '420': 'connector.auth_failed', // request expired: our clock is off
    '430': 'connector.auth_failed', // replay attack: nonce reused
    '503': 'connector.unavailable', // service unavailable
  },
  fallback: 'connector.rejected',
};

