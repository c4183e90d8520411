/**
 * WeCom (企业微信) `errcode` → connector errors. Errors are HTTP 200 with `{errcode, errmsg}`.
 * Source: https://developer.work.weixin.qq.com/document/path/90313 (全局错误码).
 */
import type { VendorErrorTable } from '@gatehouse/connector-kit';

export const wecomErrors: VendorErrorTable = {
  exact: {
    '-1': 'connector.unavailable', // 系统繁忙
    '40001': 'connector.auth_failed', // 不合法的secret参数
    '40013': 'connector.auth_failed', // 不合法的CorpID
    '40014': 'connector.auth_failed', // 不合法的access_token (after one refresh)
    '42001': 'connector.auth_failed', // access_token已过期 (after one refresh)
    '40029': 'connector.invalid_grant', // 不合法的oauth_code: unknown, used or expired
    '40056': 'connector.invalid_config', // 不合法的agentid
    '45009': 'connector.rate_limited', // 接口调用超过限制
    '45033': 'connector.rate_limited', // 接口并发调用超过限制
    '48002': 'connector.invalid_config', // API接口无权限调用
    '50001': 'connector.invalid_config', // redirect_url未登记可信域名
    '60011': 'connector.invalid_config', // 指定的成员/部门/标签参数无权限 (outside the app's visible range)
    '60020': 'connector.invalid_config', // 不安全的访问IP
    '60111': 'connector.rejected', // UserID不存在
    '60123': 'connector.rejected', // 无效的部门id
  },
  fallback: 'connector.rejected',
};

export const STALE_APP_TOKEN = new Set([40014, 42001]);
