/**
 * Alipay gateway errors: `{code, msg, sub_code, sub_msg}` inside the `…_response` object (or
 * `error_response`). The `sub_code` says what went wrong; `code` is the family. Sources:
 * https://opendocs.alipay.com/common/02km9f (公共错误码),
 * https://opendocs.alipay.com/open/02xtl8 (alipay.system.oauth.token),
 * https://opendocs.alipay.com/open/02xtlb (alipay.user.info.share).
 */
import type { ConnectorErrorCode, VendorErrorTable } from '@gatehouse/connector-kit';

/** By `code` (the family), used when the sub_code is not in the table below. */
const BY_CODE: Record<string, ConnectorErrorCode> = {
  '20000': 'connector.unavailable', // Service Currently Unavailable
  '20001': 'connector.invalid_grant', // Insufficient Token Permissions: the auth_token is invalid or expired
  '40001': 'connector.invalid_config', // Missing Required Arguments
  '40002': 'connector.rejected', // Invalid Arguments
  '40004': 'connector.rejected', // Business Failed
  '40006': 'connector.invalid_config', // Insufficient Permissions: the app lacks the product/scope
};

export function alipayErrorTable(code: string): VendorErrorTable {
  return {
    exact: {
      'isv.code-invalid': 'connector.invalid_grant', // the auth_code is unknown, used or expired
      'aop.invalid-auth-token': 'connector.invalid_grant',
      'aop.auth-token-time-out': 'connector.invalid_grant',
      'isv.invalid-signature': 'connector.auth_failed', // our RSA2 signature does not verify with the uploaded app public key
      'isv.invalid-app-id': 'connector.auth_failed',
      'isv.missing-signature': 'connector.invalid_config',
      'isv.insufficient-isv-permissions': 'connector.invalid_config',
    },
    prefixes: [['isp.', 'connector.unavailable']], // Alipay-side failures, retry
    fallback: BY_CODE[code] ?? 'connector.rejected',
  };
}
