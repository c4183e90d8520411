/** Second factors a policy can enable (the vendor's `OTP`, `SMS`, `EMAIL`, plus passkeys). */
export const POLICY_FACTORS = ['OTP', 'SMS', 'EMAIL', 'WEBAUTHN'] as const;
export type PolicyFactor = (typeof POLICY_FACTORS)[number];
/** What `/api/v3/mfa/verify` accepts: a policy factor or a recovery code. */
export type VerifyFactor = PolicyFactor | 'RECOVERY_CODE';
/** Factors stored in `mfa_factors` (WebAuthn credentials have their own table). */
export const ENROLLABLE_FACTORS = ['OTP', 'SMS', 'EMAIL'] as const;
export type EnrollableFactor = (typeof ENROLLABLE_FACTORS)[number];

export type MfaMode = 'off' | 'optional' | 'required';

export const isPolicyFactor = (v: unknown): v is PolicyFactor => typeof v === 'string' && (POLICY_FACTORS as readonly string[]).includes(v);
export const isEnrollableFactor = (v: unknown): v is EnrollableFactor => typeof v === 'string' && (ENROLLABLE_FACTORS as readonly string[]).includes(v);

/**
 * RFC 8176 authentication method references of each factor. `otp`, `sms`, `hwk`/`swk` and `mfa`
 * are registered values; EMAIL and RECOVERY_CODE have none, so Gatehouse documents its own
 * (docs/mfa.md) — relying parties must not read them as a registered method.
 */
export const FACTOR_AMR: Record<Exclude<VerifyFactor, 'WEBAUTHN'>, string> = { OTP: 'otp', SMS: 'sms', EMAIL: 'email', RECOVERY_CODE: 'recovery' };

/** The `acr` of a sign-in that passed a second factor (also what `acr_values` asks for to force MFA). */
export const ACR_MFA = 'mfa';
