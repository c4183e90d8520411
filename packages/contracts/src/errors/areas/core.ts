import { defineErrors } from '../define.js';

/** Round 1's codes: request, signing, sign-in, users, applications, passcodes, pools, QR, roles. */
export const coreErrors = defineErrors({
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
  'signature.missing': { apiCode: 1300003, status: 401, en: 'The request signature is missing: sign the request with an access key (Authorization: authing <accessKeyId>:<signature>).', zh: '缺少请求签名：请使用访问密钥对请求签名（Authorization: authing <accessKeyId>:<signature>）。' },

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
  'auth.password_already_set': { apiCode: 2060017, status: 409, en: 'The account already has a password; change it with update-password.', zh: '该账号已设置密码，请通过修改密码接口更改。' },
  'auth.password_reset_token_invalid': { apiCode: 2060018, status: 400, en: 'The password reset token is invalid, expired or already used.', zh: '重置密码凭证无效、已过期或已被使用。' },
  'login_method.already_exists': { apiCode: 2060019, status: 409, en: 'A login-method instance with this name already exists.', zh: '同名的登录方式实例已存在。' },
  'auth.last_credential': { apiCode: 2060020, status: 409, en: 'The password is the only way to sign in to this account (no verified email or phone); it cannot be removed.', zh: '密码是该账号唯一的登录方式（没有已验证的邮箱或手机号），不能解绑。' },

  // 210xxxx — users
  'user.already_exists': { apiCode: 2100001, status: 409, en: 'A user with this {field} already exists in the user pool.', zh: '用户池中已存在该{field}的用户。' },
  'user.identifier_required': { apiCode: 2100002, status: 400, en: 'A user needs at least one of email, phone or username.', zh: '用户至少需要邮箱、手机号或用户名之一。' },
  'user.batch_too_large': { apiCode: 2100003, status: 400, en: 'Too many items in one batch (at most {max}).', zh: '单次批量操作数量过多（最多 {max} 个）。' },
  'user.invalid_password': { apiCode: 2100004, status: 400, en: 'The password is not acceptable: {reason}.', zh: '密码不符合要求：{reason}。' },
  // Frozen, no longer raised: management create/update-user accept `password` since issue #4.
  'user.password_not_supported': { apiCode: 2100005, status: 400, en: 'Setting passwords arrives with password sign-in; create the user without a password for now.', zh: '设置密码将随密码登录一同提供，目前请创建不带密码的用户。' },

  // 2011 / 400xxxx — applications
  'application.not_found': { apiCode: 2011, status: 404, en: 'Application not found.', zh: '应用不存在。' },
  'application.invalid_redirect_uri': { apiCode: 4000001, status: 400, en: 'Invalid redirect URI: {uri}.', zh: '回调地址不合法：{uri}。' },
  'application.invalid_config': { apiCode: 4000002, status: 400, en: 'Invalid application configuration: {reason}.', zh: '应用配置不合法：{reason}。' },
  'application.default_protected': { apiCode: 4000003, status: 422, en: 'The default application of a user pool cannot be deleted.', zh: '用户池的默认应用不能删除。' },

  'application.already_exists': { apiCode: 4000004, status: 409, en: 'An application with this appIdentifier already exists in the user pool.', zh: '用户池中已存在该 appIdentifier 的应用。' },
  // 220xxxx — SMS / email verification codes, sending and providers (issue #5)
  'passcode.invalid': { apiCode: 2200001, status: 400, en: 'The verification code is wrong, expired or already used.', zh: '验证码错误、已过期或已被使用。', countsAsFailedAttempt: true },
  'passcode.burned': { apiCode: 2200002, status: 400, en: 'Too many wrong codes: this verification code is no longer valid; request a new one.', zh: '验证码错误次数过多，该验证码已失效，请重新获取。' },
  'passcode.send_limited': { apiCode: 2200003, status: 429, en: 'Too many codes requested; try again in {retryAfter} seconds.', zh: '验证码发送过于频繁，请在 {retryAfter} 秒后重试。' },
  'passcode.delivery_failed': { apiCode: 2200004, status: 503, en: 'The message could not be sent right now; it will be retried. If it does not arrive, request a new code in a few minutes.', zh: '消息暂时无法发送，系统将自动重试。如未收到，请几分钟后重新获取验证码。' },
  'passcode.provider_not_configured': { apiCode: 2200005, status: 503, en: 'No {kind} provider is configured for this user pool.', zh: '该用户池未配置{kind}服务。' },
  'passcode.invalid_recipient': { apiCode: 2200006, status: 400, en: 'The phone number or email address is not valid.', zh: '手机号或邮箱格式不正确。' },
  'passcode.phone_not_allowed': { apiCode: 2200007, status: 403, en: 'This phone number is not on the allow-list of this user pool.', zh: '该手机号不在此用户池的白名单中。' },
  'passcode.captcha_required': { apiCode: 2200008, status: 403, en: 'A graphic captcha is required before sending a code (captchaToken and captchaCode from /api/v3/get-captcha-code).', zh: '发送验证码前需要填写图形验证码。' },
  'passcode.payload_required': { apiCode: 2200009, status: 400, en: 'passCodePayload with passCode and a phone or an email is required.', zh: '需要 passCodePayload：passCode 以及 phone 或 email。' },
  'passcode.token_invalid': { apiCode: 2200010, status: 400, en: 'The token is invalid, expired or already used.', zh: '凭证无效、已过期或已被使用。' },
  'passcode.already_bound': { apiCode: 2200011, status: 409, en: 'This account already has a {kind}; use the update endpoint to change it.', zh: '该账号已绑定{kind}，请使用修改接口。' },
  'passcode.not_bound': { apiCode: 2200012, status: 400, en: 'This account has no {kind} bound.', zh: '该账号未绑定{kind}。' },
  'passcode.old_code_required': { apiCode: 2200013, status: 400, en: 'Changing the {kind} needs a code sent to the current one as well.', zh: '修改{kind}时还需要提供发送到当前绑定地址的验证码。' },
  'passcode.last_identifier': { apiCode: 2200014, status: 400, en: 'The {kind} is the only way to identify this account and cannot be removed.', zh: '{kind}是该账号唯一的标识，不能解绑。' },
  'passcode.invalid_provider_config': { apiCode: 2200015, status: 400, en: 'Invalid {kind} provider configuration: {reason}.', zh: '{kind}服务配置不合法：{reason}。' },
  'passcode.invalid_settings': { apiCode: 2200016, status: 400, en: 'Invalid messaging settings: {reason}.', zh: '消息设置不合法：{reason}。' },

  // 2224 / 224xxxx — user pools
  'pool.not_found': { apiCode: 2224, status: 404, en: 'User pool not found.', zh: '用户池不存在。' },
  'pool.already_exists': { apiCode: 2240001, status: 409, en: 'A user pool with this id already exists.', zh: '该用户池 ID 已存在。' },

  // 260xxxx — QR-code scan login (issue #6)
  'qrcode.not_found': { apiCode: 2600001, status: 404, en: 'QR code not found.', zh: '二维码不存在。' },
  'qrcode.expired': { apiCode: 2600002, status: 410, en: 'The QR code has expired; generate a new one.', zh: '二维码已过期，请重新生成。' },
  'qrcode.not_scanned': { apiCode: 2600003, status: 409, en: 'The QR code has not been scanned yet: mark it scanned first.', zh: '二维码尚未被扫描，请先确认扫码。' },
  'qrcode.already_scanned': { apiCode: 2600004, status: 409, en: 'The QR code has already been scanned.', zh: '二维码已被扫描。' },
  'qrcode.already_decided': { apiCode: 2600005, status: 409, en: 'The QR code has already been confirmed or cancelled.', zh: '二维码已被确认或取消。' },
  'qrcode.not_scanner': { apiCode: 2600006, status: 403, en: 'Only the user who scanned the QR code may confirm or cancel it.', zh: '只有扫码的用户可以确认或取消授权。' },
  'qrcode.pool_mismatch': { apiCode: 2600007, status: 403, en: 'The QR code belongs to another user pool.', zh: '二维码属于其他用户池。' },
  'qrcode.ticket_invalid': { apiCode: 2600008, status: 400, en: 'The ticket is invalid, expired or already used.', zh: 'ticket 无效、已过期或已被使用。' },
  'qrcode.exchange_server_only': { apiCode: 2600009, status: 403, en: 'The ticket can only be exchanged server-side (with the application secret or a management key).', zh: 'ticket 只能在服务端换取（需要应用密钥或管理密钥）。' },
  'qrcode.unsupported_type': { apiCode: 2600010, status: 400, en: 'Unsupported QR code type {type} (supported: {supported}).', zh: '不支持的二维码类型 {type}（支持：{supported}）。' },
  'qrcode.app_mismatch': { apiCode: 2600011, status: 403, en: 'The ticket was issued for another application.', zh: '该 ticket 属于其他应用。' },
  'qrcode.pool_required': { apiCode: 2600012, status: 400, en: 'Send x-authing-app-id or x-authing-userpool-id to identify the user pool.', zh: '请通过 x-authing-app-id 或 x-authing-userpool-id 指明用户池。' },
  'qrcode.app_required': { apiCode: 2600013, status: 400, en: 'This QR code has no application: exchange the ticket as an application (client_id and client_secret).', zh: '该二维码未关联应用：请以应用身份（client_id 与 client_secret）换取 ticket。' },
  'qrcode.custom_data_too_large': { apiCode: 2600014, status: 400, en: 'customData is too large for a QR code (at most {max} bytes as JSON).', zh: 'customData 过大，无法放入二维码（JSON 最多 {max} 字节）。' },

  // 410xxxx — roles
  'role.not_found': { apiCode: 4100001, status: 404, en: 'Role not found.', zh: '角色不存在。' },
  'role.already_exists': { apiCode: 4100002, status: 409, en: 'A role with this code already exists in the namespace.', zh: '该权限分组下已存在相同 code 的角色。' },
});
