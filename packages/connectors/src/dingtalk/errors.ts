/**
 * DingTalk errors come in two shapes:
 *  - the current API (api.dingtalk.com/v1.0): HTTP 4xx/5xx with `{code, message, requestid}`,
 *    `code` a string (https://open.dingtalk.com/document/orgapp/server-api-error-codes-1);
 *  - the older API (oapi.dingtalk.com/topapi, sns): HTTP 200 with `{errcode, errmsg}`
 *    (https://open.dingtalk.com/document/orgapp/server-api-error-codes).
 */
import type { VendorErrorTable } from '@gatehouse/connector-kit';

export const dingtalkApiErrors: VendorErrorTable = {
  exact: {
    invalidClientIdOrSecret: 'connector.auth_failed', // wrong AppKey/AppSecret
    InvalidAuthentication: 'connector.invalid_grant', // the (user) access token is invalid or expired
    'InvalidAction.NotFound': 'connector.invalid_config',
  },
  prefixes: [
    ['invalidParameter.authCode', 'connector.invalid_grant'], // unknown, used or expired authCode
    ['Forbidden.AccessDenied.QpsLimit', 'connector.rate_limited'], // QpsLimitForApi, QpsLimitForAppkeyAndApi
    ['Forbidden.AccessDenied', 'connector.invalid_config'], // AccessTokenPermissionDenied (permission not granted), IpNotInWhiteList
    ['Throttling', 'connector.rate_limited'],
    ['ServiceUnavailable', 'connector.unavailable'],
    ['InternalError', 'connector.unavailable'],
  ],
  fallback: 'connector.rejected',
};

export const dingtalkOapiErrors: VendorErrorTable = {
  exact: {
    '-1': 'connector.unavailable', // 系统繁忙
    '40014': 'connector.auth_failed', // 不合法的access_token (after one refresh)
    '42001': 'connector.auth_failed', // access_token 超时 (after one refresh)
    '40035': 'connector.invalid_config', // 不合法的参数
    '40078': 'connector.invalid_grant', // 不存在的临时授权码
    '60003': 'connector.rejected', // 部门不存在
    '60011': 'connector.invalid_config', // 权限不足: the app lacks the contacts permission
    '60020': 'connector.invalid_config', // 访问ip不在白名单之中
    '60121': 'connector.not_allowed', // 找不到该用户: not a member of this organisation
    '853002': 'connector.auth_failed', // legacy SNS request signature does not match
    '90002': 'connector.rate_limited',
    '90005': 'connector.rate_limited',
    '90006': 'connector.rate_limited',
    '90018': 'connector.rate_limited', // 当前企业调用该接口的QPS超限
  },
  fallback: 'connector.rejected',
};

/** oapi errcodes meaning the app access token in the URL is invalid or expired. */
export const STALE_APP_TOKEN = new Set([40014, 42001]);
