import { defineErrors } from '../define.js';

/**
 * 502xxxx — LDAP and Active Directory sign-in (connection types `ldap` and `ad`, docs/ldap.md).
 *
 * Two kinds of codes:
 *  - what a client may see: `directory.unavailable` (the directory is down, does not answer in
 *    time, or its certificate does not verify — the sign-in fails closed) and
 *    `directory.not_configured`; a refused account gets the engine's enumeration-safe answer
 *    (2333 `auth.invalid_credentials`, or the reference's distinct codes when the pool opts in);
 *  - the specific reason of a refusal, for the login history, the audit trail and logs only
 *    (`directory.account_locked` for AD sub-code 775 …). The client never sees these by default:
 *    they would tell an attacker which accounts exist.
 */
export const directoryErrors = defineErrors({
  'directory.unavailable': { apiCode: 5020001, status: 503, en: 'The directory cannot be reached right now; try again later.', zh: '目录服务暂时无法访问，请稍后重试。' },
  'directory.not_configured': { apiCode: 5020002, status: 400, en: 'No {type} directory is enabled for this application.', zh: '此应用未开启 {type} 目录登录。' },
  'directory.invalid_credentials': { apiCode: 5020003, status: 403, en: 'The directory refused the password.', zh: '目录拒绝了该密码。', countsAsFailedAttempt: true },
  'directory.no_such_user': { apiCode: 5020004, status: 403, en: 'The directory has no such account.', zh: '目录中不存在该账号。', countsAsFailedAttempt: true },
  'directory.account_disabled': { apiCode: 5020005, status: 403, en: 'The directory account is disabled.', zh: '目录账号已被禁用。', countsAsFailedAttempt: true },
  'directory.account_locked': { apiCode: 5020006, status: 403, en: 'The directory account is locked out.', zh: '目录账号已被锁定。', countsAsFailedAttempt: true },
  'directory.account_expired': { apiCode: 5020007, status: 403, en: 'The directory account has expired.', zh: '目录账号已过期。', countsAsFailedAttempt: true },
  'directory.password_expired': { apiCode: 5020008, status: 403, en: 'The directory password has expired.', zh: '目录密码已过期。', countsAsFailedAttempt: true },
  'directory.password_must_change': { apiCode: 5020009, status: 403, en: 'The directory password must be changed first.', zh: '必须先修改目录密码。', countsAsFailedAttempt: true },
  'directory.logon_restricted': { apiCode: 5020010, status: 403, en: 'The directory does not allow this account to sign in now or from here.', zh: '目录不允许该账号在此时间或此处登录。', countsAsFailedAttempt: true },
  'directory.empty_password': { apiCode: 5020011, status: 400, en: 'An empty password is refused before the directory is asked.', zh: '空密码在询问目录之前即被拒绝。' },
  'directory.invalid_account': { apiCode: 5020012, status: 400, en: 'The account name is too long or contains characters an account cannot have.', zh: '账号过长或包含账号中不可能出现的字符。' },
  'directory.ambiguous_account': { apiCode: 5020013, status: 403, en: 'The account matches several directory entries.', zh: '该账号匹配了多个目录条目。' },
  'directory.tls_failed': { apiCode: 5020014, status: 503, en: 'The directory certificate did not verify.', zh: '目录服务器证书校验失败。' },
  'directory.misconfigured': { apiCode: 5020015, status: 503, en: 'The directory connection is misconfigured; contact the administrator.', zh: '目录连接配置有误，请联系管理员。' },
  'directory.rejected': { apiCode: 5020016, status: 403, en: 'The directory refused the sign-in.', zh: '目录拒绝了此次登录。', countsAsFailedAttempt: true },
});
