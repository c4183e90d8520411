/**
 * The one error catalog (design.md §5). Every error a client can see is here.
 *
 * - `apiCode` is the stable number Authing/GenAuth clients switch on. Reference numbers are
 *   reused where the meaning matches (docs-v3 `reference/error-code.md`: 1300–1306 request
 *   signing, 2004/2005/2006/2333 sign-in, 2011 app not found, 2224 pool not found). New codes
 *   live in area-prefixed 7-digit spaces: 100xxxx request, 130xxxx signing, 210xxxx users,
 *   224xxxx pools, 400xxxx applications, 410xxxx roles.
 * - `status` is the HTTP-like class: the real HTTP status on non-compat surfaces and the
 *   envelope `statusCode` on `/api/v3` (which itself always answers HTTP 200).
 * - `en` / `zh` are the client-safe messages. They never contain secrets or internals; the
 *   cause goes to the log only.
 *
 * Codes are frozen by `catalog.lock.json` and its test: never renumber or remove an entry.
 */
export interface ErrorDefinition {
  apiCode: number;
  status: number;
  en: string;
  zh: string;
  /** Counts as a failed authentication attempt for brute-force accounting. */
  countsAsFailedAttempt?: boolean;
}

const defineErrors = <T extends Record<string, ErrorDefinition>>(catalog: T): T => catalog;

export const errorCatalog = defineErrors({
  // 100xxxx — request shape and generic failures
  'request.malformed_json': { apiCode: 1000001, status: 400, en: 'The request body is not valid JSON.', zh: '请求体不是合法的 JSON。' },
  'request.invalid_input': { apiCode: 1000002, status: 400, en: 'Invalid request parameters.', zh: '请求参数不合法。' },
  'request.body_too_large': { apiCode: 1000003, status: 413, en: 'The request body is too large.', zh: '请求体过大。' },
  'request.unsupported_media_type': { apiCode: 1000004, status: 415, en: 'Unsupported content type; send application/json.', zh: '不支持的内容类型，请使用 application/json。' },
  'request.route_not_found': { apiCode: 1000005, status: 404, en: 'No such API endpoint.', zh: '接口不存在。' },
  'request.unauthenticated': { apiCode: 1000006, status: 401, en: 'Authentication is required: sign the request with an access key.', zh: '需要认证：请使用访问密钥对请求签名。' },
  'request.forbidden': { apiCode: 1000007, status: 403, en: 'This access key may not perform this operation.', zh: '该访问密钥无权执行此操作。' },
  'request.unsupported_field': { apiCode: 1000008, status: 400, en: 'The field {field} is not supported by this server yet.', zh: '本服务暂不支持字段 {field}。' },
  'internal.error': { apiCode: 1000500, status: 500, en: 'Internal server error.', zh: '服务器内部错误。' },
  'internal.unavailable': { apiCode: 1000503, status: 503, en: 'A backing service is unavailable; try again later.', zh: '依赖的服务暂不可用，请稍后重试。' },

  // 1300–1306 — management request signing (reference numbers), 130xxxx — our additions
  'signature.invalid': { apiCode: 1300, status: 401, en: 'The request signature is invalid.', zh: '请求签名无效。' },
  'signature.bad_method': { apiCode: 1301, status: 401, en: 'Unsupported signature method; use HMAC-SHA1.', zh: '不支持的签名方法，请使用 HMAC-SHA1。' },
  'signature.bad_version': { apiCode: 1302, status: 401, en: 'Unsupported signature version; use 1.0.', zh: '不支持的签名版本，请使用 1.0。' },
  'signature.bad_timestamp': { apiCode: 1303, status: 401, en: 'The date header is not a valid HTTP date.', zh: 'date 请求头不是合法的 HTTP 日期。' },
  'signature.missing_date': { apiCode: 1304, status: 401, en: 'The date header is missing.', zh: '缺少 date 请求头。' },
  'signature.clock_skew': { apiCode: 1305, status: 401, en: 'The request date is too far from the server time.', zh: '请求时间与服务器时间相差过大。' },
  'signature.replayed': { apiCode: 1306, status: 401, en: 'This signed request was already used (nonce replayed).', zh: '该签名请求已被使用（nonce 重放）。' },
  'signature.missing_nonce': { apiCode: 1300001, status: 401, en: 'The x-authing-signature-nonce header is missing.', zh: '缺少 x-authing-signature-nonce 请求头。' },
  'signature.pool_mismatch': { apiCode: 1300002, status: 403, en: 'This access key belongs to another user pool.', zh: '该访问密钥属于其他用户池。' },

  // 2004–2333 — sign-in (reference numbers)
  'user.not_found': { apiCode: 2004, status: 404, en: 'User not found.', zh: '用户不存在。' },
  'user.locked': { apiCode: 2005, status: 403, en: 'The account is locked.', zh: '账号已被锁定。' },
  'user.wrong_password': { apiCode: 2006, status: 403, en: 'Wrong password.', zh: '密码错误。', countsAsFailedAttempt: true },
  'auth.invalid_credentials': { apiCode: 2333, status: 403, en: 'Account not exists or password is incorrect.', zh: '账号不存在或密码错误。', countsAsFailedAttempt: true },
  'auth.not_logged_in': { apiCode: 2020, status: 401, en: 'Not signed in: send a valid access token in the Authorization header.', zh: '尚未登录：请在 Authorization 请求头中携带有效的 access token。' },
  'auth.registration_disabled': { apiCode: 2031, status: 403, en: 'Registration is disabled for this application.', zh: '该应用已关闭注册。' },
  'user.disabled': { apiCode: 2120008, status: 403, en: 'The account is disabled.', zh: '账号已被禁用。' },

  // 206xxxx — sign-in flow, captcha, client-side password encryption, login methods (issue #4)
  'auth.captcha_required': { apiCode: 2060001, status: 403, en: 'Too many failed attempts: a graphic captcha is required (get one from /api/v3/get-captcha-code).', zh: '失败次数过多，需要输入图形验证码。' },
  'auth.captcha_invalid': { apiCode: 2060002, status: 403, en: 'The captcha is wrong or expired.', zh: '图形验证码错误或已过期。' },
  'auth.too_many_attempts': { apiCode: 2060003, status: 429, en: 'Too many sign-in attempts from this address; try again later.', zh: '该地址登录尝试过多，请稍后再试。' },
  'auth.registration_not_allowed': { apiCode: 2060004, status: 403, en: 'This account may not register in this user pool.', zh: '该账号不允许在此用户池注册。' },
  'auth.unsupported_connection': { apiCode: 2060005, status: 400, en: 'Unsupported connection {connection} (supported: {supported}).', zh: '不支持的认证方式 {connection}（支持：{supported}）。' },
  'auth.password_decrypt_failed': { apiCode: 2060006, status: 400, en: 'The encrypted password could not be decrypted with this server\'s {type} key.', zh: '无法使用服务器的 {type} 密钥解密密码。' },
  'auth.invalid_client': { apiCode: 2060007, status: 401, en: 'Client authentication failed for this application ({method}).', zh: '应用身份验证失败（{method}）。' },
  'auth.payload_required': { apiCode: 2060008, status: 400, en: 'passwordPayload with a password and one of account, email, username or phone is required.', zh: '需要 passwordPayload：password 以及 account、email、username、phone 之一。' },
  'auth.login_code_invalid': { apiCode: 2060009, status: 400, en: 'The login code is invalid, expired or already used.', zh: '登录凭证无效、已过期或已被使用。' },
  'auth.password_reuse': { apiCode: 2060010, status: 400, en: 'The new password was used recently; choose another.', zh: '新密码最近使用过，请换一个。' },
  'auth.password_not_set': { apiCode: 2060011, status: 400, en: 'The account has no password credential.', zh: '该账号未设置密码。' },
  'auth.token_service_unavailable': { apiCode: 2060012, status: 503, en: 'Token issuance is not available on this server yet.', zh: '本服务暂不能签发令牌。' },
  'login_method.invalid_instance': { apiCode: 2060013, status: 400, en: 'Invalid login-method instance {name}: {reason}.', zh: '登录方式实例 {name} 不合法：{reason}。' },
  'login_method.not_found': { apiCode: 2060014, status: 404, en: 'Login-method instance not found.', zh: '登录方式实例不存在。' },
  'login_method.inactive': { apiCode: 2060015, status: 403, en: 'This login method is not active.', zh: '该登录方式未启用。' },
  'auth.invalid_password_hash': { apiCode: 2060016, status: 400, en: 'Unsupported or malformed password hash: {reason}.', zh: '不支持或格式错误的密码哈希：{reason}。' },

  // 210xxxx — users
  'user.already_exists': { apiCode: 2100001, status: 409, en: 'A user with this {field} already exists in the user pool.', zh: '用户池中已存在该{field}的用户。' },
  'user.identifier_required': { apiCode: 2100002, status: 400, en: 'A user needs at least one of email, phone or username.', zh: '用户至少需要邮箱、手机号或用户名之一。' },
  'user.batch_too_large': { apiCode: 2100003, status: 400, en: 'Too many items in one batch (at most {max}).', zh: '单次批量操作数量过多（最多 {max} 个）。' },
  'user.invalid_password': { apiCode: 2100004, status: 400, en: 'The password is not acceptable: {reason}.', zh: '密码不符合要求：{reason}。' },
  'user.password_not_supported': { apiCode: 2100005, status: 400, en: 'Setting passwords arrives with password sign-in; create the user without a password for now.', zh: '设置密码将随密码登录一同提供，目前请创建不带密码的用户。' },

  // 2011 / 400xxxx — applications
  'application.not_found': { apiCode: 2011, status: 404, en: 'Application not found.', zh: '应用不存在。' },
  'application.invalid_redirect_uri': { apiCode: 4000001, status: 400, en: 'Invalid redirect URI: {uri}.', zh: '回调地址不合法：{uri}。' },
  'application.invalid_config': { apiCode: 4000002, status: 400, en: 'Invalid application configuration: {reason}.', zh: '应用配置不合法：{reason}。' },
  'application.default_protected': { apiCode: 4000003, status: 422, en: 'The default application of a user pool cannot be deleted.', zh: '用户池的默认应用不能删除。' },

  'application.already_exists': { apiCode: 4000004, status: 409, en: 'An application with this appIdentifier already exists in the user pool.', zh: '用户池中已存在该 appIdentifier 的应用。' },
  // 2224 / 224xxxx — user pools
  'pool.not_found': { apiCode: 2224, status: 404, en: 'User pool not found.', zh: '用户池不存在。' },
  'pool.already_exists': { apiCode: 2240001, status: 409, en: 'A user pool with this id already exists.', zh: '该用户池 ID 已存在。' },

  // 410xxxx — roles
  'role.not_found': { apiCode: 4100001, status: 404, en: 'Role not found.', zh: '角色不存在。' },
  'role.already_exists': { apiCode: 4100002, status: 409, en: 'A role with this code already exists in the namespace.', zh: '该权限分组下已存在相同 code 的角色。' },
});

export type ErrorCode = keyof typeof errorCatalog;

export const isErrorCode = (value: string): value is ErrorCode =>
  Object.prototype.hasOwnProperty.call(errorCatalog, value);

export type Lang = 'en' | 'zh';

/** Renders a catalogued message with `{placeholder}` values; unknown placeholders stay visible. */
export function renderMessage(code: ErrorCode, lang: Lang, params?: Record<string, string | number>): string {
  const template = errorCatalog[code][lang];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    params[name] === undefined ? whole : String(params[name]),
  );
}
