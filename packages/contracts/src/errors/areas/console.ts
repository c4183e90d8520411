import { defineErrors } from '../define.js';

/** 750xxxx — the admin console and its administrators (docs/console.md). */
export const consoleErrors = defineErrors({
  'console.not_signed_in': { apiCode: 7500001, status: 401, en: 'Your console session has ended; sign in again.', zh: '控制台会话已结束，请重新登录。' },
  'console.not_administrator': { apiCode: 7500002, status: 403, en: 'This account is not a Gatehouse administrator.', zh: '该账号不是 Gatehouse 管理员。' },
  'console.read_only': { apiCode: 7500003, status: 403, en: 'Auditors have read-only access; this change was refused.', zh: '审计员只有只读权限，此修改已被拒绝。' },
  'console.pool_not_allowed': { apiCode: 7500004, status: 403, en: 'You do not administer user pool {poolId}.', zh: '你无权管理用户池 {poolId}。' },
  'console.admin_exists': { apiCode: 7500005, status: 409, en: 'An administrator with this email already exists.', zh: '该邮箱的管理员已存在。' },
  'console.invalid_role': { apiCode: 7500006, status: 400, en: 'role must be one of owner, pool-admin, auditor.', zh: 'role 必须是 owner、pool-admin 或 auditor 之一。' },
  'console.pools_required': { apiCode: 7500007, status: 400, en: 'A pool administrator needs at least one user pool (--pool).', zh: '用户池管理员至少需要一个用户池（--pool）。' },
  'console.pool_required': { apiCode: 7500008, status: 400, en: 'Name the user pool to act on (x-authing-userpool-id).', zh: '请指定要操作的用户池（x-authing-userpool-id）。' },
  'console.invalid_admin_input': { apiCode: 7500009, status: 400, en: 'Invalid administrator: {reason}.', zh: '管理员信息无效：{reason}。' },
  'console.owner_only': { apiCode: 7500010, status: 403, en: 'Only an owner may manage administrators.', zh: '只有所有者可以管理管理员。' },
  'console.last_owner': { apiCode: 7500011, status: 409, en: 'The last owner cannot be removed or given another role.', zh: '不能移除最后一位所有者或更改其角色。' },
});
