import { createHash } from 'node:crypto';
import QRCode from 'qrcode';
import { AppError } from '../../errors/app-error.js';
import type { KvStore } from '../../storage/kv/types.js';
import { scopedKv } from '../../storage/kv/scoped.js';
import type { MfaFactorRow, MfaRepo } from '../../storage/repositories/mfa.js';
import type { UserRow } from '../../storage/repositories/users.js';
import type { SecretBox } from '../../utils/crypto.js';
import { sortableId, urlSafeSecret } from '../../utils/ids.js';
import { nowIso } from '../../utils/time.js';
import type { EventService } from '../events/service.js';
import { newRecoveryCodes, normaliseRecoveryCode } from './recovery-codes.js';
import { newTotpSecret, otpauthUri, totpStep } from './totp.js';
import { FACTOR_AMR, isEnrollableFactor, type EnrollableFactor, type VerifyFactor } from './types.js';

/** The vendor `FactorDto`. */
export interface FactorDto {
  factorId: string;
  factorType: EnrollableFactor;
  profile: Record<string, unknown>;
}

export interface EnrollmentStart {
  enrollmentToken: string;
  otpData?: { qrCodeUri: string; qrCodeDataUrl: string; recoveryCode: string };
}

interface PendingEnrollment {
  userId: string;
  factorType: EnrollableFactor;
  /** OTP: the new secret, sealed (the KV never holds it in the clear). */
  secretEnc?: string;
  profile: Record<string, unknown>;
}

/** Sends and checks the code of an SMS / EMAIL factor (the passcode service, channel CHANNEL_BIND_MFA / CHANNEL_VERIFY_MFA). */
export interface FactorCodes {
  send(poolId: string, e: { kind: 'SMS' | 'EMAIL'; profile: Record<string, unknown>; purpose: 'enroll' | 'verify'; appId: string | null; ip: string | null }): Promise<void>;
  check(poolId: string, e: { kind: 'SMS' | 'EMAIL'; profile: Record<string, unknown>; purpose: 'enroll' | 'verify'; code: string }): Promise<boolean>;
}

/** The vendor's enrolment token lives one minute (SendEnrollFactorRequestDataDto). */
const ENROLLMENT_TTL_MS = 60_000;
const enrolKey = (token: string) => `mfa:enrol:${createHash('sha256').update(token, 'utf8').digest('base64url')}`;
const sealContext = (poolId: string, userId: string) => `mfa-otp:${poolId}:${userId}`;

export type VerifyOutcome = { ok: true; amr: string[] } | { ok: false; error: 'mfa.otp_invalid' | 'mfa.recovery_code_invalid' | 'mfa.passcode_invalid' };

/**
 * A user's second factors (docs/mfa.md): enrolment in two calls (the vendor's
 * sendEnrollFactorRequest → enrollFactor), listing, reset, recovery codes and the check of an
 * answer. Lockout is not here: the flows that call `verify` draw on the attempt guard.
 */
export function createMfaFactors(deps: {
  repo: MfaRepo;
  kv: KvStore;
  box: SecretBox;
  events: Pick<EventService, 'emit'>;
  /** The issuer shown in authenticator apps (the app's or the pool's name). */
  issuer: (poolId: string, appId: string | null) => Promise<string>;
  codes: () => FactorCodes | undefined;
}) {
  const toDto = (r: MfaFactorRow): FactorDto => ({ factorId: r.id, factorType: r.factor_type as EnrollableFactor, profile: JSON.parse(r.profile) as Record<string, unknown> });
  const label = (u: Pick<UserRow, 'email' | 'phone' | 'username' | 'id'>) => u.email ?? u.username ?? u.phone ?? u.id;

  async function issueRecoveryCodes(poolId: string, userId: string): Promise<string[]> {
    const codes = newRecoveryCodes();
    await deps.repo.replaceRecoveryCodes(poolId, userId, codes.map((c) => deps.box.digest(`${poolId}:${userId}:${normaliseRecoveryCode(c)}`)), nowIso());
    return codes;
  }

  async function checkOtp(poolId: string, row: MfaFactorRow, code: string): Promise<boolean> {
    if (!row.secret_enc) return false;
    const step = totpStep(deps.box.open(row.secret_enc, sealContext(poolId, row.user_id)), code.trim());
    // Each code once: the step must move past the last accepted one (RFC 6238 §5.2).
    return step !== null && (await deps.repo.acceptStep(poolId, row.id, step));
  }

  return {
    issueRecoveryCodes,

    async listEnrolled(poolId: string, userId: string): Promise<FactorDto[]> {
      return (await deps.repo.listFactors(poolId, userId)).map(toDto);
    },

    async get(poolId: string, userId: string, factorId: string): Promise<FactorDto> {
      const r = await deps.repo.findFactor(poolId, userId, factorId);
      if (!r) throw new AppError('mfa.factor_not_found');
      return toDto(r);
    },

    /** Starts an enrolment: a one-minute token and, for OTP, the new secret as URI and QR image. */
    async startEnrollment(poolId: string, user: UserRow, e: { factorType: string; profile: Record<string, unknown>; appId: string | null; ip: string | null }): Promise<EnrollmentStart> {
      const type = e.factorType;
      if (!isEnrollableFactor(type)) throw new AppError('mfa.factor_unsupported', { params: { factorType: String(type) } });
      if (await deps.repo.findFactorByType(poolId, user.id, type)) throw new AppError('mfa.factor_already_enrolled', { params: { factorType: type } });
      const token = urlSafeSecret(32);
      const pending: PendingEnrollment = { userId: user.id, factorType: type, profile: {} };
      let otpData: EnrollmentStart['otpData'];
      if (type === 'OTP') {
        const secret = newTotpSecret();
        pending.secretEnc = deps.box.seal(secret, sealContext(poolId, user.id));
        const qrCodeUri = otpauthUri(secret, label(user), await deps.issuer(poolId, e.appId));
        // Recovery codes are issued with the first enrolled factor, in enrollFactor's answer (docs/mfa.md).
        otpData = { qrCodeUri, qrCodeDataUrl: await QRCode.toDataURL(qrCodeUri), recoveryCode: '' };
      } else {
        const field = type === 'SMS' ? 'phoneNumber' : 'email';
        const v = e.profile[field];
        if (typeof v !== 'string' || !v.trim()) throw new AppError('mfa.profile_required', { params: { factorType: type, field } });
        pending.profile = type === 'SMS' ? { phoneNumber: v.trim(), ...(typeof e.profile.phoneCountryCode === 'string' ? { phoneCountryCode: e.profile.phoneCountryCode } : {}) } : { email: v.trim().toLowerCase() };
        const codes = deps.codes();
        if (!codes) throw new AppError('mfa.factor_unsupported', { params: { factorType: type } });
        await codes.send(poolId, { kind: type, profile: pending.profile, purpose: 'enroll', appId: e.appId, ip: e.ip });
      }
      await scopedKv(deps.kv, poolId).set(enrolKey(token), JSON.stringify(pending), ENROLLMENT_TTL_MS);
      return { enrollmentToken: token, ...(otpData ? { otpData } : {}) };
    },

    /**
     * Completes an enrolment with the code the new factor produced. A wrong code keeps the
     * token (the caller counts the attempt); success spends it. The first factor of a user comes
     * with ten recovery codes, returned once.
     */
    async completeEnrollment(poolId: string, userId: string, e: { factorType: string; enrollmentToken: string; passCode: string }): Promise<{ factor: FactorDto; recoveryCodes?: string[] } | { ok: false; error: 'mfa.otp_invalid' | 'mfa.passcode_invalid' }> {
      const s = scopedKv(deps.kv, poolId);
      const raw = typeof e.enrollmentToken === 'string' && e.enrollmentToken.length <= 64 ? await s.get(enrolKey(e.enrollmentToken)) : null;
      const pending = raw ? (JSON.parse(raw) as PendingEnrollment) : null;
      if (!pending || pending.userId !== userId || pending.factorType !== e.factorType) throw new AppError('mfa.enrollment_token_invalid');
      const code = e.passCode.trim();
      let lastStep: number | null = null;
      if (pending.factorType === 'OTP') {
        lastStep = totpStep(deps.box.open(pending.secretEnc!, sealContext(poolId, userId)), code);
        if (lastStep === null) return { ok: false, error: 'mfa.otp_invalid' };
      } else if (!(await deps.codes()?.check(poolId, { kind: pending.factorType, profile: pending.profile, purpose: 'enroll', code }))) {
        return { ok: false, error: 'mfa.passcode_invalid' };
      }
      if (!(await s.take(enrolKey(e.enrollmentToken)))) throw new AppError('mfa.enrollment_token_invalid'); // spent by a parallel call
      const row: MfaFactorRow = {
        id: sortableId(),
        pool_id: poolId,
        user_id: userId,
        factor_type: pending.factorType,
        profile: JSON.stringify(pending.profile),
        secret_enc: pending.secretEnc ?? null,
        // The enrolment code's step is spent: it cannot also pass the next verification.
        last_step: lastStep,
        created_at: nowIso(),
      };
      if (!(await deps.repo.insertFactor(row))) throw new AppError('mfa.factor_already_enrolled', { params: { factorType: pending.factorType } });
      const recoveryCodes = (await deps.repo.countRecoveryCodes(poolId, userId)) === 0 ? await issueRecoveryCodes(poolId, userId) : undefined;
      await deps.events.emit('mfa:enrolled', { poolId, actor: userId, subject: userId, data: { userId, factor: pending.factorType } });
      return { factor: toDto(row), ...(recoveryCodes ? { recoveryCodes } : {}) };
    },

    /** Removes one factor; with the last one go the recovery codes. */
    async reset(poolId: string, userId: string, factorId: string, actor: string): Promise<void> {
      const row = await deps.repo.findFactor(poolId, userId, factorId);
      if (!row || !(await deps.repo.deleteFactor(poolId, userId, factorId))) throw new AppError('mfa.factor_not_found');
      if (!(await deps.repo.listFactors(poolId, userId)).length && !(await deps.repo.listCredentials(poolId, userId)).length) await deps.repo.replaceRecoveryCodes(poolId, userId, [], nowIso());
      // A reset factor may have been the reason: no remembered device skips the next sign-in (docs/mfa.md).
      await deps.repo.revokeDevices(poolId, userId, nowIso());
      await deps.events.emit('mfa:reset', { poolId, actor, subject: userId, data: { userId, factors: [row.factor_type] } });
    },

    /** Removes every factor and recovery code (an administrator's reset; the caller revokes sessions). */
    async resetAll(poolId: string, userId: string, actor: string): Promise<string[]> {
      const types = await deps.repo.deleteAllFactors(poolId, userId);
      await deps.repo.revokeDevices(poolId, userId, nowIso());
      await deps.events.emit('mfa:reset', { poolId, actor, subject: userId, data: { userId, factors: types } });
      return types;
    },

    /** The user's enrolled factor types, and whether unused recovery codes remain. */
    async enrolledTypes(poolId: string, userId: string): Promise<{ types: EnrollableFactor[]; recoveryCodes: number }> {
      const rows = await deps.repo.listFactors(poolId, userId);
      return { types: rows.map((r) => r.factor_type as EnrollableFactor), recoveryCodes: await deps.repo.countRecoveryCodes(poolId, userId) };
    },

    /** Sends the code of the user's SMS / EMAIL factor for a sign-in. */
    async sendVerifyCode(poolId: string, userId: string, kind: 'SMS' | 'EMAIL', e: { appId: string | null; ip: string | null }): Promise<void> {
      const row = await deps.repo.findFactorByType(poolId, userId, kind);
      if (!row) throw new AppError('mfa.factor_not_enrolled', { params: { factorType: kind } });
      const codes = deps.codes();
      if (!codes) throw new AppError('mfa.factor_unsupported', { params: { factorType: kind } });
      await codes.send(poolId, { kind, profile: JSON.parse(row.profile) as Record<string, unknown>, purpose: 'verify', appId: e.appId, ip: e.ip });
    },

    /** Checks an answer for one of the user's factors (WebAuthn is checked by the WebAuthn service). */
    async verify(poolId: string, userId: string, factorType: Exclude<VerifyFactor, 'WEBAUTHN'>, answer: string): Promise<VerifyOutcome> {
      if (factorType === 'RECOVERY_CODE') {
        const digest = deps.box.digest(`${poolId}:${userId}:${normaliseRecoveryCode(answer)}`);
        return (await deps.repo.useRecoveryCode(poolId, userId, digest, nowIso())) ? { ok: true, amr: [FACTOR_AMR.RECOVERY_CODE] } : { ok: false, error: 'mfa.recovery_code_invalid' };
      }
      const row = await deps.repo.findFactorByType(poolId, userId, factorType);
      if (!row) throw new AppError('mfa.factor_not_enrolled', { params: { factorType } });
      if (factorType === 'OTP') return (await checkOtp(poolId, row, answer)) ? { ok: true, amr: [FACTOR_AMR.OTP] } : { ok: false, error: 'mfa.otp_invalid' };
      const ok = await deps.codes()?.check(poolId, { kind: factorType, profile: JSON.parse(row.profile) as Record<string, unknown>, purpose: 'verify', code: answer.trim() });
      return ok ? { ok: true, amr: [FACTOR_AMR[factorType]] } : { ok: false, error: 'mfa.passcode_invalid' };
    },

    /** Admin import of an existing TOTP secret (importOtp): replaces the user's OTP factor. */
    async importOtp(poolId: string, userId: string, secret: string, actor: string): Promise<void> {
      await deps.repo.replaceFactor({ id: sortableId(), pool_id: poolId, user_id: userId, factor_type: 'OTP', profile: '{}', secret_enc: deps.box.seal(secret, sealContext(poolId, userId)), last_step: null, created_at: nowIso() });
      await deps.events.emit('mfa:enrolled', { poolId, actor, subject: userId, data: { userId, factor: 'OTP' } });
    },

    /** The OTP secret in the clear (getOtpSecretByUser; the caller checks the pool allows it and audits). */
    async otpSecret(poolId: string, userId: string): Promise<string | null> {
      const row = await deps.repo.findFactorByType(poolId, userId, 'OTP');
      return row?.secret_enc ? deps.box.open(row.secret_enc, sealContext(poolId, userId)) : null;
    },
  };
}
export type MfaFactors = ReturnType<typeof createMfaFactors>;
