/**
 * QQ Connect (QQ 互联) errors: the OAuth endpoints answer `{error, error_description}` (with
 * `fmt=json`), the OpenAPI `{ret, msg}`. Source: https://wiki.connect.qq.com/公共返回码说明
 */
import type { VendorErrorTable } from '@gatehouse/connector-kit';

export const qqErrors: VendorErrorTable = {
  exact: {
    '100000': 'connector.invalid_config', // 缺少参数 response_type 或参数值非法
    '100001': 'connector.invalid_config', // 缺少参数 client_id
    '100002': 'connector.invalid_config', // 缺少参数 client_secret
    '100008': 'connector.auth_failed', // client_id 不存在
    '100009': 'connector.auth_failed', // client_secret（即 appkey）非法
    '100010': 'connector.invalid_config', // 回调地址不合法
    '100013': 'connector.invalid_grant', // access token 非法
    '100014': 'connector.invalid_grant', // access token 过期
    '100015': 'connector.invalid_grant', // access token 废除
    '100016': 'connector.invalid_grant', // access token 验证失败
    '100019': 'connector.invalid_grant', // code 换取 access token 失败
    '100020': 'connector.invalid_grant', // code 被重复使用
    '100030': 'connector.access_denied', // 用户没有对该 api 进行授权
  },
  fallback: 'connector.rejected',
};
