import { defineErrors } from '../define.js';

/**
 * 501xxxx — the China providers' server flows: WeChat official-account pushes and scan logins,
 * mini-program QR confirmations, DingTalk / WeCom organisation sync. Vendor refusals during a
 * sign-in keep the federation codes (5000013–5000017); these are the flows' own failures.
 */
export const chinaErrors = defineErrors({
  'china.push_refused': { apiCode: 5010001, status: 403, en: 'This message does not carry a valid signature of the official account.', zh: '该消息没有公众号的有效签名。' },
  'china.qrcode_not_supported': { apiCode: 5010002, status: 400, en: 'This connection does not sign in by scanning a QR code.', zh: '此连接不支持扫码登录。' },
  'china.qrcode_invalid': { apiCode: 5010003, status: 400, en: 'This QR code is unknown, expired or already used; refresh it and scan again.', zh: '二维码不存在、已过期或已被使用，请刷新后重新扫码。' },
  'china.org_source_not_found': { apiCode: 5010004, status: 404, en: 'No {provider} connection of this user pool can synchronise the organisational structure.', zh: '此用户池没有可同步组织架构的 {provider} 连接。' },
  'china.sync_failed': { apiCode: 5010005, status: 502, en: 'Synchronising the organisational structure from {provider} failed ({reason}).', zh: '从 {provider} 同步组织架构失败（{reason}）。' },
  'china.sync_running': { apiCode: 5010006, status: 409, en: 'A synchronisation of this organisation is already running.', zh: '该组织架构的同步正在进行中。' },
});
