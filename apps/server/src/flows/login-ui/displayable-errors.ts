import type { ErrorCode } from '@gatehouse/contracts';

/**
 * Every catalogued error the login API can answer a page with (beyond those of the login
 * methods, which the registry lists). The login UI has a person's wording for each in four
 * languages (apps/login/src/errors.ts); a test keeps the two in step.
 */
export const LOGIN_UI_ERRORS: readonly ErrorCode[] = [
  'auth.invalid_credentials', 'user.not_found', 'user.wrong_password', 'user.locked', 'user.disabled', 'user.already_exists', 'user.invalid_password',
  'auth.captcha_required', 'auth.captcha_invalid', 'auth.too_many_attempts', 'auth.registration_disabled', 'auth.registration_not_allowed', 'auth.payload_required',
  'auth.method_disabled', 'auth.password_reset_token_invalid', 'auth.password_reuse',
  'passcode.invalid', 'passcode.burned', 'passcode.send_limited', 'passcode.delivery_failed', 'passcode.provider_not_configured', 'passcode.invalid_recipient',
  'passcode.phone_not_allowed', 'passcode.captcha_required', 'passcode.payload_required',
  'qrcode.expired', 'qrcode.not_found', 'qrcode.ticket_invalid',
  'flow.invalid', 'flow.step_mismatch', 'flow.binding_mismatch', 'flow.step_required',
  'login.flow_invalid', 'login.csrf_invalid', 'login.origin_not_allowed', 'login.agreement_required', 'login.app_required', 'login.interaction_mismatch', 'login.not_finished', 'login.password_mismatch',
  // MFA step (flows/mfa/step.ts)
  'mfa.otp_invalid', 'mfa.passcode_invalid', 'mfa.recovery_code_invalid', 'mfa.answer_required', 'mfa.factor_not_enabled', 'mfa.enrollment_token_invalid', 'mfa.acknowledge_required', 'mfa.profile_required', 'mfa.factor_already_enrolled', 'webauthn.ticket_invalid', 'webauthn.verification_failed',
  // Profile completion (flows/profile/step.ts)
  'profile.field_required', 'profile.field_not_asked', 'custom_field.invalid_value', 'custom_field.duplicate_value',
  'application.not_found', 'request.invalid_input', 'internal.unavailable', 'internal.error',
];
