import { defineErrors } from '../define.js';

/**
 * 500xxxx — identity sources and federation: ext-idp / connection management, identities,
 * social sign-in round trips (state, provider answers, account linking).
 */
export const federationErrors = defineErrors({
  'federation.idp_not_found': { apiCode: 5000001, status: 404, en: 'Identity source not found.', zh: '身份源不存在。' },
  'federation.connection_not_found': { apiCode: 5000002, status: 404, en: 'Identity source connection not found.', zh: '身份源连接不存在。' },
  'federation.identifier_taken': { apiCode: 5000003, status: 409, en: 'The connection identifier {identifier} is already used in this user pool.', zh: '连接标识 {identifier} 在此用户池中已被使用。' },
  'federation.unsupported_type': { apiCode: 5000004, status: 400, en: 'The connection type {type} is not supported by this server.', zh: '本服务不支持连接类型 {type}。' },
  'federation.invalid_field': { apiCode: 5000005, status: 400, en: 'Invalid connection field {field}: {reason}.', zh: '连接字段 {field} 不合法：{reason}。' },
  'federation.type_mismatch': { apiCode: 5000006, status: 400, en: 'A connection of type {type} cannot belong to an identity source of type {idpType}.', zh: '类型为 {type} 的连接不能属于类型为 {idpType} 的身份源。' },
  'federation.identity_taken': { apiCode: 5000007, status: 409, en: 'This external account is already linked to another user.', zh: '该外部账号已绑定其他用户。' },
  'federation.identity_not_found': { apiCode: 5000008, status: 404, en: 'The user has no identity from this source.', zh: '该用户没有来自此身份源的身份。' },
  'federation.connection_ambiguous': { apiCode: 5000009, status: 400, en: 'The identity source has several connections: name one in {field}.', zh: '该身份源有多个连接，请在 {field} 中指定一个。' },
  'federation.connection_disabled': { apiCode: 5000011, status: 403, en: 'This identity source connection is not enabled for this application.', zh: '该应用未开启此身份源连接。' },
  'federation.state_invalid': { apiCode: 5000012, status: 400, en: 'This sign-in with an external account is unknown, expired, already used or was started in another browser; start again.', zh: '该第三方登录不存在、已过期、已被使用或在其他浏览器中发起，请重新开始。' },
  'federation.access_denied': { apiCode: 5000013, status: 403, en: 'The sign-in was cancelled at the identity provider.', zh: '已在身份提供商处取消登录。' },
  'federation.upstream_unavailable': { apiCode: 5000014, status: 502, en: 'The identity provider is not answering; try again later.', zh: '身份提供商暂时无法访问，请稍后重试。' },
  'federation.upstream_refused': { apiCode: 5000015, status: 502, en: 'The identity provider refused the sign-in ({reason}).', zh: '身份提供商拒绝了此次登录（{reason}）。' },
  'federation.invalid_token': { apiCode: 5000016, status: 401, en: 'The answer of the identity provider did not pass validation.', zh: '身份提供商的响应未通过校验。' },
  'federation.not_allowed': { apiCode: 5000017, status: 403, en: 'This external account may not sign in here.', zh: '该外部账号不允许在此登录。' },
  'federation.login_only': { apiCode: 5000018, status: 403, en: 'No account is linked to this external account, and this connection does not create accounts.', zh: '该外部账号未绑定任何账号，且此连接不创建新账号。' },
  'federation.link_required': { apiCode: 5000019, status: 409, en: 'An account with this email already exists: sign in to it first, then link this external account.', zh: '已存在使用此邮箱的账号：请先登录该账号，再绑定此外部账号。' },
  'federation.last_identity': { apiCode: 5000020, status: 400, en: 'This is the last way to sign in to the account; it cannot be unlinked.', zh: '这是该账号最后一种登录方式，无法解绑。' },
  'federation.mobile_not_supported': { apiCode: 5000021, status: 400, en: 'This connection does not accept a mobile sign-in payload.', zh: '此连接不支持移动端登录参数。' },
  'federation.redirect_not_allowed': { apiCode: 5000022, status: 400, en: 'The redirect URL is not registered for this application.', zh: '该跳转地址未在此应用登记。' },
  'federation.one_per_app': { apiCode: 5000023, status: 400, en: 'Only one connection of type {type} can be enabled for an application.', zh: '同一应用只能开启一个类型为 {type} 的连接。' },
});
