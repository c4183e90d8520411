/**
 * Douyin (抖音) errors. The open platform answers `{data: {error_code, description}, message:
 * 'error'}` (https://developer.open-douyin.com/docs/resource/zh-CN/dop/develop/openapi/account-permission/get-access-token);
 * the mini-program jscode2session `{err_no, err_tips}`
 * (https://developer.open-douyin.com/docs/resource/zh-CN/mini-app/develop/server/log-in/code-2-session).
 */
import type { VendorErrorTable } from '@gatehouse/connector-kit';

export const douyinOpenErrors: VendorErrorTable = {
  exact: {
    '10007': 'connector.invalid_grant', // 授权码过期
    '10013': 'connector.auth_failed', // client_key 或 client_secret 错误
    '2100004': 'connector.unavailable', // 系统繁忙
    '2100005': 'connector.invalid_config', // 参数不合法
    '2190002': 'connector.invalid_grant', // access_token 无效
    '2190004': 'connector.invalid_config', // 应用未获得该能力 (scope not granted to the app)
    '2190008': 'connector.invalid_grant', // access_token 过期
  },
  fallback: 'connector.rejected',
};

export const douyinMiniErrors: VendorErrorTable = {
  exact: {
    '-1': 'connector.unavailable', // 系统错误
    '40014': 'connector.invalid_config', // 参数错误
    '40015': 'connector.auth_failed', // appid 错误
    '40017': 'connector.auth_failed', // secret 错误
    '40018': 'connector.invalid_grant', // code 错误 (unknown, used or expired)
    '40019': 'connector.invalid_grant', // anonymous_code 错误
  },
  fallback: 'connector.rejected',
};
