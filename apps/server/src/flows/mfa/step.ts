import { AppError } from '../../errors/app-error.js';
import type { EventService } from '../../services/events/service.js';
import type { MfaFactors } from '../../services/mfa/factors.js';
import type { MfaPolicy } from '../../services/mfa/policy.js';
import { ACR_MFA, isEnrollableFactor, type PolicyFactor, type VerifyFactor } from '../../services/mfa/types.js';
import type { UserRow, UsersRepo } from '../../storage/repositories/users.js';
import type { AttemptGuard } from '../engine/attempt-guard.js';
import type { EngineHooks, FlowRecord, PolicyStep, RequestInfo, StepResult } from '../engine/types.js';
import { guardedCheck } from './guarded.js';

/** The vendor's mfaToken lives five minutes; the waiting flow is cut to that. */
export const MFA_TOKEN_TTL_MS = 5 * 60 * 1000;
export const MFA_STEP = 'mfa';

/** Passkeys for the MFA step (the WebAuthn service). */
export interface WebauthnSecondFactor {
  hasCredentials(poolId: string, userId: string): Promise<boolean>;
  /** Options for `navigator.credentials.get` bound to this flow. */
  options(poolId: string, userId: string, flowId: string): Promise<Record<string, unknown>>;
  verify(poolId: string, userId: string, flowId: string, assertion: unknown): Promise<{ ok: true; amr: string[] } | { ok: false; error: 'webauthn.verification_failed' }>;
  /** Options for `navigator.credentials.create` bound to this flow (enrolment when required). */
  enrollOptions(poolId: string, user: UserRow, flowId: string): Promise<Record<string, unknown>>;
  enroll(poolId: string, userId: string, flowId: string, credential: unknown): Promise<unknown>;
}

/** Where the step stands inside a flow (flow.data.mfa; never a secret). */
interface MfaState {
  /** Factors this sign-in may use (the challenge's `applicableFactors`). */
  applicable: string[];
  /** Factors the user may enrol (enrolment required). */
  enrollable?: string[];
  /** A factor was enrolled inside this flow and passed; waiting for the recovery codes to be acknowledged. */
  passed?: string[];
  /** "Remember this device" may be offered for this many days (hosted login, policy allows it, not forced). */
  rememberDays?: number;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');
/** The captcha an answer carries once failures passed `captchaAfter` (`{ token, code }`). */
const captchaOf = (v: unknown) => (v && typeof v === 'object' ? { token: str((v as Record<string, unknown>).token), code: str((v as Record<string, unknown>).code) } : undefined);

/**
 * The policy of a sign-in whose OIDC request asked for MFA (`acr_values=mfa`): required, with the
 * policy's factors and the strong ones a user may already have (TOTP, SMS, passkeys; email only
 * when the policy enables it — it is weak). A user without any enrols one of them.
 */
const forcedPolicy = (p: MfaPolicy): MfaPolicy => ({ ...p, mode: 'required', factors: [...new Set<PolicyFactor>([...p.factors, 'OTP', 'SMS', 'WEBAUTHN'])] });

/**
 * The MFA policy step (docs/mfa.md). After the first factor:
 *  - policy off, or optional for a user without an applicable factor → done;
 *  - the user has an applicable factor → challenge 1635 with `mfaToken` and `applicableFactors`;
 *  - required and nothing enrolled → challenge 1636: the user enrols inside the flow
 *    (`action: 'enroll'` → `action: 'enroll-verify'`), then acknowledges the recovery codes.
 * The answer `{ factorType, passCode | recoveryCode | assertion }` is checked on the shared
 * attempt counters; a wrong one keeps the flow (the mfaToken) alive.
 */
export function createMfaStep(deps: {
  /** The policy of a sign-in: the pool's, the app's and the user's own trigger data (services/mfa/user-status.ts). */
  policies: { effective(poolId: string, appId: string | null, userId: string): Promise<MfaPolicy> };
  factors: MfaFactors;
  users: Pick<UsersRepo, 'findById'>;
  guard: AttemptGuard;
  events: Pick<EventService, 'emit'>;
  webauthn: () => WebauthnSecondFactor | undefined;
  /** Whether a remembered device cookie lets this sign-in skip the step. */
  rememberedDevice?: (flow: FlowRecord, policy: MfaPolicy) => Promise<boolean>;
  /** The engine's hooks around a second-factor check (user scripts PRE_MFA_VERIFY / POST_MFA_VERIFY). */
  hooks?: () => readonly Pick<EngineHooks, 'beforeMfaVerify' | 'afterMfaVerify'>[];
}): PolicyStep {
  const hooks = () => deps.hooks?.() ?? [];
  /** PRE_MFA_VERIFY: before the answer is checked, so a refusal costs no attempt. */
  const beforeCheck = async (flow: FlowRecord, factorType: string, request: RequestInfo) => {
    for (const h of hooks()) await h.beforeMfaVerify?.(flow, { factorType, request });
  };
  const afterCheck = async (flow: FlowRecord, factorType: string, request: RequestInfo) => {
    for (const h of hooks()) await h.afterMfaVerify?.(flow, { factorType, request });
  };
  const alias = (flow: FlowRecord) => (flow.target.kind === 'tokens' ? { tokenAlias: 'mfaToken' } : {});
  const state = (flow: FlowRecord): MfaState => (flow.data.mfa as MfaState | undefined) ?? { applicable: [] };

  async function userOf(flow: FlowRecord) {
    const u = await deps.users.findById(flow.poolId, flow.userId);
    if (!u) throw new AppError('user.not_found');
    return u;
  }

  /** The factors of this user the policy accepts, recovery codes last. */
  async function applicableFor(flow: FlowRecord, policy: MfaPolicy): Promise<string[]> {
    const { types, recoveryCodes } = await deps.factors.enrolledTypes(flow.poolId, flow.userId);
    const out: string[] = types.filter((t) => policy.factors.includes(t));
    const wa = deps.webauthn();
    if (policy.factors.includes('WEBAUTHN') && wa && (await wa.hasCredentials(flow.poolId, flow.userId))) out.push('WEBAUTHN');
    if (out.length && recoveryCodes > 0) out.push('RECOVERY_CODE');
    return out;
  }

  /** `phase` tells a page which screen to show (the API caller reads the error code). */
  const PHASE = { 'mfa.required': 'verify', 'mfa.enrollment_required': 'enroll', 'mfa.acknowledge_required': 'recovery-codes' } as const;
  function challenge(flow: FlowRecord, error: keyof typeof PHASE, data: Record<string, unknown>): StepResult {
    flow.expiresAt = Math.min(flow.expiresAt, flow.createdAt + MFA_TOKEN_TTL_MS, Date.now() + MFA_TOKEN_TTL_MS);
    return { status: 'challenge', error, data: { phase: PHASE[error], ...data }, ...alias(flow) };
  }

  /** What every verify-phase screen needs: the factors, and whether "remember this device" is offered. */
  const verifyData = (st: MfaState, extra: Record<string, unknown> = {}) => ({ applicableFactors: st.applicable, ...(st.rememberDays ? { rememberDeviceDays: st.rememberDays } : {}), ...extra });

  const passed = (amr: string[]): StepResult => ({ status: 'done', amr: [...amr, 'mfa'], acr: ACR_MFA });

  async function verify(flow: FlowRecord, input: Record<string, unknown>, request: RequestInfo): Promise<StepResult> {
    const st = state(flow);
    const factorType = str(input.factorType) as VerifyFactor;
    if (!st.applicable.includes(factorType)) throw new AppError('mfa.factor_not_enabled', { params: { factorType: factorType || '-' } });
    const user = await userOf(flow);
    const base = { poolId: flow.poolId, user, extraKeys: flow.keys, request, appId: flow.appId, factor: factorType, captcha: captchaOf(input.captcha) };
    if (factorType === 'WEBAUTHN') {
      const wa = deps.webauthn();
      if (!wa || input.assertion === undefined) throw new AppError('mfa.answer_required', { params: { factorType, field: 'assertion' } });
      await beforeCheck(flow, factorType, request);
      const r = await guardedCheck(deps, base, () => wa.verify(flow.poolId, user.id, flow.id, input.assertion));
      return done(flow, factorType, r.amr, request);
    }
    const answer = factorType === 'RECOVERY_CODE' ? str(input.recoveryCode) || str(input.passCode) : str(input.passCode);
    if (!answer) throw new AppError('mfa.answer_required', { params: { factorType, field: factorType === 'RECOVERY_CODE' ? 'recoveryCode' : 'passCode' } });
    await beforeCheck(flow, factorType, request);
    const r = await guardedCheck(deps, base, () => deps.factors.verify(flow.poolId, user.id, factorType, answer));
    return done(flow, factorType, r.amr, request);
  }

  async function done(flow: FlowRecord, factor: string, amr: string[], request: RequestInfo): Promise<StepResult> {
    await deps.events.emit('mfa:verified', { poolId: flow.poolId, actor: flow.userId, subject: flow.userId, ip: request.ip, userAgent: request.userAgent, requestId: request.requestId, data: { userId: flow.userId, appId: flow.appId, factor } });
    await afterCheck(flow, factor, request);
    return passed(amr);
  }

  return {
    id: MFA_STEP,

    async run(flow) {
      // A passkey with user verification is already two factors in one (login-methods/webauthn).
      if (flow.amr.includes('mfa')) return { status: 'done', acr: ACR_MFA };
      // Forced by the request (acr_values) or by a user script (`context.requireMfa()`,
      // docs/pipeline.md): required, and a remembered device does not skip it (as Auth0's
      // api.multifactor.enable() defaults to allowRememberBrowser: false).
      const forced = flow.options.mfa?.force === true || flow.mfaRequested === true;
      const policy = forced ? forcedPolicy(await deps.policies.effective(flow.poolId, flow.appId, flow.userId)) : await deps.policies.effective(flow.poolId, flow.appId, flow.userId);
      if (policy.mode === 'off') return { status: 'done' };
      const applicable = await applicableFor(flow, policy);
      if (applicable.length) {
        // A remembered device skips the step, unless this sign-in asked for MFA itself.
        if (!forced && deps.rememberedDevice && (await deps.rememberedDevice(flow, policy))) return { status: 'done' };
        // Only a browser finishing an interaction can keep the cookie (docs/mfa.md "Remember this device").
        const rememberDays = !forced && flow.target.kind === 'interaction' && policy.rememberDeviceDays > 0 ? policy.rememberDeviceDays : 0;
        flow.data.mfa = { applicable, ...(rememberDays ? { rememberDays } : {}) } satisfies MfaState;
        return challenge(flow, 'mfa.required', verifyData(flow.data.mfa as MfaState));
      }
      if (policy.mode !== 'required') return { status: 'done' };
      const enrollable = policy.factors.filter((f: PolicyFactor) => isEnrollableFactor(f) || f === 'WEBAUTHN');
      flow.data.mfa = { applicable: [], enrollable } satisfies MfaState;
      return challenge(flow, 'mfa.enrollment_required', { applicableFactors: enrollable });
    },

    async answer(flow, raw, request) {
      const input = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
      const st = state(flow);
      const action = str(input.action);

      if (st.passed) {
        if (input.acknowledge !== true) throw new AppError('mfa.acknowledge_required');
        return passed(st.passed);
      }

      if (action === 'send') {
        const kind = str(input.factorType);
        if ((kind !== 'SMS' && kind !== 'EMAIL') || !st.applicable.includes(kind)) throw new AppError('mfa.factor_not_enabled', { params: { factorType: kind || '-' } });
        await deps.factors.sendVerifyCode(flow.poolId, flow.userId, kind, { appId: flow.appId, ip: request.ip });
        return challenge(flow, 'mfa.required', verifyData(st, { sent: kind }));
      }

      if (action === 'webauthn-options') {
        // The assertion options are bound to this flow (its id exists once the flow waits).
        const wa = deps.webauthn();
        if (!wa || !st.applicable.includes('WEBAUTHN')) throw new AppError('mfa.factor_not_enabled', { params: { factorType: 'WEBAUTHN' } });
        return challenge(flow, 'mfa.required', verifyData(st, { webauthn: await wa.options(flow.poolId, flow.userId, flow.id) }));
      }

      if ((action === 'enroll' || action === 'enroll-verify') && str(input.factorType) === 'WEBAUTHN') {
        const wa = deps.webauthn();
        if (!wa || !st.enrollable?.includes('WEBAUTHN')) throw new AppError('mfa.factor_not_enabled', { params: { factorType: 'WEBAUTHN' } });
        const user = await userOf(flow);
        if (action === 'enroll') return challenge(flow, 'mfa.enrollment_required', { applicableFactors: st.enrollable, enrollment: { factorType: 'WEBAUTHN', webauthn: await wa.enrollOptions(flow.poolId, user, flow.id) } });
        if (input.attestation === undefined) throw new AppError('mfa.answer_required', { params: { factorType: 'WEBAUTHN', field: 'attestation' } });
        await beforeCheck(flow, 'WEBAUTHN', request);
        await wa.enroll(flow.poolId, user.id, flow.id, input.attestation);
        await deps.events.emit('mfa:verified', { poolId: flow.poolId, actor: user.id, subject: user.id, ip: request.ip, userAgent: request.userAgent, requestId: request.requestId, data: { userId: user.id, appId: flow.appId, factor: 'WEBAUTHN' } });
        await afterCheck(flow, 'WEBAUTHN', request);
        const recoveryCodes = (await deps.factors.enrolledTypes(flow.poolId, user.id)).recoveryCodes === 0 ? await deps.factors.issueRecoveryCodes(flow.poolId, user.id) : null;
        // Registration required user verification: possession and PIN/biometrics.
        const amr = ['hwk', 'user'];
        if (!recoveryCodes) return passed(amr);
        flow.data.mfa = { ...st, passed: amr } satisfies MfaState;
        return challenge(flow, 'mfa.acknowledge_required', { recoveryCodes, factor: { factorType: 'WEBAUTHN' } });
      }

      if (action === 'enroll' || action === 'enroll-verify') {
        const factorType = str(input.factorType);
        if (!st.enrollable?.includes(factorType) || !isEnrollableFactor(factorType)) throw new AppError('mfa.factor_not_enabled', { params: { factorType: factorType || '-' } });
        const user = await userOf(flow);
        if (action === 'enroll') {
          const profile = (input.profile && typeof input.profile === 'object' ? input.profile : {}) as Record<string, unknown>;
          const started = await deps.factors.startEnrollment(flow.poolId, user, { factorType, profile, appId: flow.appId, ip: request.ip });
          return challenge(flow, 'mfa.enrollment_required', { applicableFactors: st.enrollable, enrollment: { factorType, ...started } });
        }
        const passCode = str(input.passCode);
        if (!passCode) throw new AppError('mfa.answer_required', { params: { factorType, field: 'passCode' } });
        await beforeCheck(flow, factorType, request);
        const r = await guardedCheck(deps, { poolId: flow.poolId, user, extraKeys: flow.keys, request, appId: flow.appId, factor: factorType, captcha: captchaOf(input.captcha) }, async () => {
          const c = await deps.factors.completeEnrollment(flow.poolId, user.id, { factorType, enrollmentToken: str(input.enrollmentToken), passCode });
          return 'ok' in c ? c : { ok: true as const, ...c };
        });
        await deps.events.emit('mfa:verified', { poolId: flow.poolId, actor: user.id, subject: user.id, ip: request.ip, userAgent: request.userAgent, requestId: request.requestId, data: { userId: user.id, appId: flow.appId, factor: factorType } });
        await afterCheck(flow, factorType, request);
        const amr = [factorType === 'OTP' ? 'otp' : factorType === 'SMS' ? 'sms' : 'email'];
        if (!r.recoveryCodes) return passed(amr);
        // The codes are shown once, in this answer; the flow keeps only that the factor passed.
        flow.data.mfa = { ...st, passed: amr } satisfies MfaState;
        return challenge(flow, 'mfa.acknowledge_required', { recoveryCodes: r.recoveryCodes, factor: r.factor });
      }

      return verify(flow, input, request);
    },
  };
}
