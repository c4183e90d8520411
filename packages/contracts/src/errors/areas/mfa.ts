import { defineErrors } from '../define.js';

/**
 * 1635, 1636, 6001, 600xxxx — multi-factor authentication and passkeys. 1635/1636 are the
 * vendor's "MFA required" codes (a factor is enrolled / enrolment is required) and 6001 its
 * "wrong TOTP"; Gatehouse's own codes live in 600xxxx.
 */
export const mfaErrors = defineErrors({
  'mfa.required': { apiCode: 1635, status: 401, en: 'A second factor is required: verify it with the mfaToken.', zh: '需要进行多因素认证：请使用 mfaToken 完成验证。' },
  'mfa.enrollment_required': { apiCode: 1636, status: 401, en: 'This application requires a second factor: enrol one with the mfaToken.', zh: '该应用要求多因素认证：请使用 mfaToken 绑定一个认证要素。' },
  'mfa.otp_invalid': { apiCode: 6001, status: 400, en: 'The one-time code is wrong, expired or already used.', zh: 'OTP 验证码错误、已过期或已被使用。', countsAsFailedAttempt: true },
  'mfa.token_invalid': { apiCode: 6000001, status: 401, en: 'The mfaToken is unknown, expired or already used; sign in again.', zh: 'mfaToken 不存在、已过期或已被使用，请重新登录。' },
  'mfa.factor_not_enabled': { apiCode: 6000002, status: 400, en: 'The factor {factorType} is not enabled for this application.', zh: '该应用未开启认证要素 {factorType}。' },
  'mfa.factor_not_enrolled': { apiCode: 6000003, status: 400, en: 'No {factorType} factor is enrolled for this user.', zh: '用户未绑定认证要素 {factorType}。' },
  'mfa.factor_already_enrolled': { apiCode: 6000004, status: 409, en: 'A {factorType} factor is already enrolled; reset it first.', zh: '已绑定认证要素 {factorType}，请先解绑。' },
  'mfa.enrollment_token_invalid': { apiCode: 6000005, status: 400, en: 'The enrollmentToken is unknown, expired (one minute) or for another factor type.', zh: 'enrollmentToken 不存在、已过期（有效期一分钟）或不属于该认证要素类型。' },
  'mfa.factor_not_found': { apiCode: 6000006, status: 404, en: 'The factor does not exist.', zh: '认证要素不存在。' },
  'mfa.recovery_code_invalid': { apiCode: 6000007, status: 400, en: 'The recovery code is wrong or already used.', zh: '恢复码错误或已被使用。', countsAsFailedAttempt: true },
  'mfa.passcode_invalid': { apiCode: 6000008, status: 400, en: 'The verification code is wrong, expired or already used.', zh: '验证码错误、已过期或已被使用。', countsAsFailedAttempt: true },
  'mfa.profile_required': { apiCode: 6000009, status: 400, en: 'The factor {factorType} needs profile.{field}.', zh: '认证要素 {factorType} 需要 profile.{field}。' },
  'mfa.factor_unsupported': { apiCode: 6000010, status: 400, en: 'The factor type {factorType} is not supported by this server.', zh: '不支持认证要素类型 {factorType}。' },
  'mfa.answer_required': { apiCode: 6000011, status: 400, en: 'The answer for {factorType} needs {field}.', zh: '{factorType} 验证需要提供 {field}。' },
  'mfa.otp_export_disabled': { apiCode: 6000012, status: 403, en: 'Reading OTP secrets is disabled for this user pool.', zh: '该用户池未允许读取 OTP 密钥。' },
  'mfa.invalid_settings': { apiCode: 6000013, status: 400, en: 'Invalid MFA settings: {reason}.', zh: 'MFA 设置不合法：{reason}。' },
  'mfa.acknowledge_required': { apiCode: 6000014, status: 401, en: 'Store the recovery codes shown once, then continue with acknowledge: true.', zh: '请保存仅显示一次的恢复码，然后以 acknowledge: true 继续。' },
  'mfa.no_recovery_codes': { apiCode: 6000015, status: 400, en: 'This user has no recovery codes.', zh: '该用户没有恢复码。' },
  'webauthn.ticket_invalid': { apiCode: 6000016, status: 400, en: 'The passkey request is unknown, expired (five minutes) or already used; start again.', zh: '通行密钥请求不存在、已过期（五分钟）或已被使用，请重新开始。' },
  'webauthn.verification_failed': { apiCode: 6000017, status: 403, en: 'The passkey could not be verified.', zh: '通行密钥验证失败。' },
  'webauthn.credential_not_found': { apiCode: 6000018, status: 404, en: 'The passkey does not exist.', zh: '通行密钥不存在。' },
  'webauthn.credential_exists': { apiCode: 6000019, status: 409, en: 'This passkey is already registered.', zh: '该通行密钥已注册。' },
});
