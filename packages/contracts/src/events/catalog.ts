/**
 * The one event catalog (design.md §3a). Every event Gatehouse emits is named here, with its
 * category and a description in English and Chinese. Names are the vendor's webhook event
 * names where the vendor has one (`CreateWebhookDto.events` of authing-node-sdk), so a webhook
 * written for GenAuth subscribes to the same strings; Gatehouse's own events use the same
 * `subject:verb` shape.
 *
 * `webhook: false` marks events that are security records only (audit log, metrics) and cannot
 * be subscribed to: failed sign-ins, token issue and revocation, client-authentication failures.
 *
 * Payloads are typed in `payloads.ts`. Never put passwords, codes, tokens or secrets in one.
 */
export interface EventDefinition {
  category: EventCategory;
  en: string;
  zh: string;
  /** Subscribable by webhooks (default true). */
  webhook?: boolean;
}

export const eventCategories = {
  authentication: { en: 'Authentication', zh: '认证' },
  user: { en: 'Users', zh: '用户' },
  role: { en: 'Roles', zh: '角色' },
  permission: { en: 'Permissions and resources', zh: '权限与资源' },
  application: { en: 'Applications', zh: '应用' },
  group: { en: 'Groups', zh: '分组' },
  organization: { en: 'Organisations', zh: '组织机构' },
  pool: { en: 'User pool', zh: '用户池' },
  token: { en: 'Tokens and sessions', zh: '令牌与会话' },
  test: { en: 'Test', zh: '测试' },
} as const;
export type EventCategory = keyof typeof eventCategories;

const defineEvents = <T extends Record<string, EventDefinition>>(c: T): T => c;

export const eventCatalog = defineEvents({
  // Authentication (vendor names)
  login: { category: 'authentication', en: 'A user signed in', zh: '用户登录' },
  register: { category: 'authentication', en: 'A user registered', zh: '用户注册' },
  'mfa:verified': { category: 'authentication', en: 'A user passed a second factor', zh: '用户通过多因素认证' },
  kick: { category: 'authentication', en: 'A user was forcibly signed out', zh: '用户被强制下线' },
  'refresh-token': { category: 'token', en: 'A refresh token was used', zh: '刷新令牌被使用' },
  // Authentication (Gatehouse; security records)
  'login:failed': { category: 'authentication', en: 'A sign-in attempt failed', zh: '登录失败', webhook: false },
  'mfa:enrolled': { category: 'authentication', en: 'A user enrolled a second factor', zh: '用户绑定了多因素认证' },
  'mfa:reset': { category: 'authentication', en: 'A user\'s second factors were reset', zh: '用户的多因素认证被重置' },
  'mfa:failed': { category: 'authentication', en: 'A second-factor check failed', zh: '多因素认证失败', webhook: false },
  'mfa:otp-secret-read': { category: 'authentication', en: 'An administrator read a user\'s OTP secret', zh: '管理员读取了用户的 OTP 密钥', webhook: false },
  'mfa:status-set': { category: 'authentication', en: 'An administrator set a user\'s MFA trigger data', zh: '管理员设置了用户的 MFA 触发数据', webhook: false },
  'passcode:sent': { category: 'authentication', en: 'A verification code was sent', zh: '发送了验证码', webhook: false },
  // Users (vendor names)
  'user:created': { category: 'user', en: 'A user was created', zh: '用户被创建' },
  'user:updated': { category: 'user', en: 'A user was updated', zh: '用户信息被修改' },
  'user:deleted': { category: 'user', en: 'A user was deleted', zh: '用户被删除' },
  'user:password-changed': { category: 'user', en: 'A user\'s password was changed', zh: '用户密码被修改' },
  'user:email-verified': { category: 'user', en: 'A user\'s email was verified', zh: '用户邮箱已验证' },
  'user:blocked': { category: 'user', en: 'A user was blocked', zh: '用户被禁用' },
  'user:unblocked': { category: 'user', en: 'A user was unblocked', zh: '用户被解禁' },
  'user:archived': { category: 'user', en: 'A user was archived', zh: '用户被归档' },
  'user:unarchived': { category: 'user', en: 'A user was unarchived', zh: '用户被取消归档' },
  'user:link-account': { category: 'user', en: 'An external identity was linked to a user', zh: '用户绑定了外部身份' },
  'user:udv-changed': { category: 'user', en: 'A user\'s custom data changed', zh: '用户自定义数据变更' },
  // Users (Gatehouse)
  'user:unlink-account': { category: 'user', en: 'An external identity was unlinked from a user', zh: '用户解绑了外部身份' },
  'user:unlocked': { category: 'user', en: 'A user\'s failed-attempt lock was cleared', zh: '用户的登录锁定被解除' },
  'user:password-reset': { category: 'user', en: 'A user reset the password', zh: '用户重置了密码' },
  'user:password-bound': { category: 'user', en: 'A password was set on an account without one', zh: '账号绑定了密码' },
  'user:password-unbound': { category: 'user', en: 'A user\'s password was removed', zh: '账号解绑了密码' },
  'user:password-imported': { category: 'user', en: 'A password hash was imported for a user', zh: '为用户导入了密码哈希' },
  'user:password-change-failed': { category: 'user', en: 'A password change was refused (wrong current password)', zh: '修改密码失败（原密码错误）', webhook: false },
  // Roles (vendor names)
  'role:created': { category: 'role', en: 'A role was created', zh: '角色被创建' },
  'role:updated': { category: 'role', en: 'A role was updated', zh: '角色被修改' },
  'role:deleted': { category: 'role', en: 'A role was deleted', zh: '角色被删除' },
  'role:assigned': { category: 'role', en: 'A role was assigned', zh: '角色被授予' },
  'role:unassigned': { category: 'role', en: 'A role was revoked', zh: '角色被撤销' },
  // Permissions and resources (vendor names)
  'permission:add': { category: 'permission', en: 'A permission was granted', zh: '授权' },
  'permission:revoke': { category: 'permission', en: 'A permission was revoked', zh: '取消授权' },
  'resource:created': { category: 'permission', en: 'A resource was created', zh: '资源被创建' },
  'resource:updated': { category: 'permission', en: 'A resource was updated', zh: '资源被修改' },
  'resource:delete': { category: 'permission', en: 'A resource was deleted', zh: '资源被删除' },
  // Applications (vendor names)
  'application:created': { category: 'application', en: 'An application was created', zh: '应用被创建' },
  'application:updated': { category: 'application', en: 'An application was updated', zh: '应用被修改' },
  'application:deleted': { category: 'application', en: 'An application was deleted', zh: '应用被删除' },
  'application:secret-refreshed': { category: 'application', en: 'An application secret was refreshed', zh: '应用密钥被刷新' },
  'application:secret-read': { category: 'application', en: 'An application secret was read through the management API', zh: '通过管理 API 读取了应用密钥', webhook: false },
  'application:mfa:enabled': { category: 'application', en: 'MFA was enabled for an application', zh: '应用开启了多因素认证' },
  'application:mfa:disabled': { category: 'application', en: 'MFA was disabled for an application', zh: '应用关闭了多因素认证' },
  // Groups (vendor names)
  'group:created': { category: 'group', en: 'A group was created', zh: '分组被创建' },
  'group:updated': { category: 'group', en: 'A group was updated', zh: '分组被修改' },
  'group:deleted': { category: 'group', en: 'A group was deleted', zh: '分组被删除' },
  'group:member-added': { category: 'group', en: 'Members were added to a group', zh: '分组添加了成员' },
  'group:member-removed': { category: 'group', en: 'Members were removed from a group', zh: '分组移除了成员' },
  // Organisations (vendor names)
  'organization:created': { category: 'organization', en: 'An organisation was created', zh: '组织被创建' },
  'organization:imported': { category: 'organization', en: 'An organisation was imported or synchronised', zh: '组织被导入或同步' },
  'organization:deleted': { category: 'organization', en: 'An organisation was deleted', zh: '组织被删除' },
  'organization:node-added': { category: 'organization', en: 'A department was created', zh: '部门被创建' },
  'organization:node-updated': { category: 'organization', en: 'A department was updated', zh: '部门被修改' },
  'organization:node-deleted': { category: 'organization', en: 'A department was deleted', zh: '部门被删除' },
  'organization:node-moved': { category: 'organization', en: 'A department was moved', zh: '部门被移动' },
  'organization:member-added': { category: 'organization', en: 'Members were added to a department', zh: '部门添加了成员' },
  'organization:member-removed': { category: 'organization', en: 'Members were removed from a department', zh: '部门移除了成员' },
  // User pool (vendor names + Gatehouse)
  'user-pool:updated': { category: 'pool', en: 'User pool settings were changed', zh: '用户池设置被修改' },
  'user-pool:udf-added': { category: 'pool', en: 'A custom field was defined', zh: '添加了自定义字段' },
  'user-pool:udf-deleted': { category: 'pool', en: 'A custom field was deleted', zh: '删除了自定义字段' },
  'user-pool:env-added': { category: 'pool', en: 'A script environment variable was added', zh: '添加了环境变量' },
  'user-pool:env-deleted': { category: 'pool', en: 'A script environment variable was deleted', zh: '删除了环境变量' },
  'user-pool:env-updated': { category: 'pool', en: 'A script environment variable was updated', zh: '修改了环境变量' },
  'login-method:created': { category: 'pool', en: 'A login-method instance was created', zh: '创建了登录方式实例' },
  'login-method:updated': { category: 'pool', en: 'A login-method instance was updated', zh: '修改了登录方式实例' },
  'login-method:deleted': { category: 'pool', en: 'A login-method instance was deleted', zh: '删除了登录方式实例' },
  'pipeline:created': { category: 'pool', en: 'A pipeline function was created', zh: '创建了 Pipeline 函数' },
  'pipeline:updated': { category: 'pool', en: 'A pipeline function was changed or reordered', zh: '修改了 Pipeline 函数' },
  'pipeline:deleted': { category: 'pool', en: 'A pipeline function was deleted', zh: '删除了 Pipeline 函数' },
  'pipeline:executed': { category: 'pool', en: 'A pipeline function ran', zh: 'Pipeline 函数已执行', webhook: false },
  'ext-idp:created': { category: 'pool', en: 'An identity source or connection was created', zh: '创建了身份源或身份源连接' },
  'ext-idp:updated': { category: 'pool', en: 'An identity source or connection was changed (or enabled for applications)', zh: '修改了身份源或身份源连接（或其应用开启状态）' },
  'ext-idp:deleted': { category: 'pool', en: 'An identity source or connection was deleted', zh: '删除了身份源或身份源连接' },
  'access-key:created': { category: 'pool', en: 'A management access key was created', zh: '创建了管理密钥' },
  'access-key:updated': { category: 'pool', en: 'A management access key was enabled or disabled', zh: '启用或禁用了管理密钥' },
  'access-key:deleted': { category: 'pool', en: 'A management access key was deleted', zh: '删除了管理密钥' },
  // Console administrators (Gatehouse; recorded in the system pool)
  'administrator:created': { category: 'pool', en: 'A console administrator was created', zh: '创建了控制台管理员', webhook: false },
  'administrator:updated': { category: 'pool', en: "A console administrator's role or pools were changed", zh: '修改了控制台管理员的角色或用户池', webhook: false },
  'administrator:deleted': { category: 'pool', en: 'A console administrator was removed', zh: '移除了控制台管理员', webhook: false },
  // Tokens and sessions (Gatehouse; security records)
  'token:issued': { category: 'token', en: 'Tokens were issued', zh: '签发了令牌', webhook: false },
  'token:refused': { category: 'token', en: 'A token request was refused', zh: '令牌请求被拒绝', webhook: false },
  'token:revoked': { category: 'token', en: 'A token was revoked', zh: '令牌被撤销', webhook: false },
  'grant:revoked': { category: 'token', en: 'A grant was revoked', zh: '授权被撤销', webhook: false },
  'client-auth:failed': { category: 'token', en: 'An application failed to authenticate', zh: '应用认证失败', webhook: false },
  'session:ended': { category: 'token', en: 'A sign-in session ended (logout)', zh: '登录会话结束（登出）' },
  // Test deliveries
  test: { category: 'test', en: 'A test event', zh: '测试事件' },
});

export type EventName = keyof typeof eventCatalog;

export const isEventName = (value: string): value is EventName => Object.prototype.hasOwnProperty.call(eventCatalog, value);

/** Events a webhook may subscribe to. */
export const webhookEventNames = (Object.keys(eventCatalog) as EventName[]).filter((n) => (eventCatalog[n] as EventDefinition).webhook !== false);
