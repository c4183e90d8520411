import { AppError, isAppError } from '../../errors/app-error.js';
import type { EventService } from '../../services/events/service.js';
import type { MfaFactors } from '../../services/mfa/factors.js';
import type { UsersRepo } from '../../storage/repositories/users.js';
import type { AttemptGuard } from '../engine/attempt-guard.js';
import type { SignInEngine } from '../engine/engine.js';
import type { RequestInfo, SignInResult } from '../engine/types.js';
import { guardedCheck } from './guarded.js';
import { MFA_STEP } from './step.js';

/**
 * What a signed-in user does with their factors (the vendor's enrolment API and `mfaOtpVerify`),
 * and the direct API's answer to an MFA challenge (`/api/v3/mfa/verify`). Every code checked
 * here draws on the shared attempt counters.
 */
export function createMfaSelfService(deps: { factors: MfaFactors; users: Pick<UsersRepo, 'findById'>; guard: AttemptGuard; events: Pick<EventService, 'emit'>; engine: () => SignInEngine }) {
  async function userOf(poolId: string, userId: string) {
    const u = await deps.users.findById(poolId, userId);
    if (!u) throw new AppError('auth.not_logged_in');
    return u;
  }

  return {
    async startEnrollment(poolId: string, userId: string, e: { factorType: string; profile: Record<string, unknown>; appId: string; request: RequestInfo }) {
      return deps.factors.startEnrollment(poolId, await userOf(poolId, userId), { factorType: e.factorType, profile: e.profile, appId: e.appId, ip: e.request.ip });
    },

    async enroll(poolId: string, userId: string, e: { factorType: string; enrollmentToken: string; passCode: string; appId: string; request: RequestInfo }) {
      const user = await userOf(poolId, userId);
      return guardedCheck(deps, { poolId, user, request: e.request, appId: e.appId, factor: e.factorType }, async () => {
        const c = await deps.factors.completeEnrollment(poolId, userId, e);
        return 'ok' in c ? c : { ok: true as const, ...c };
      });
    },

    /** Step-up for a signed-in user (`mfaOtpVerify`): true when the code is right; a wrong one counts. */
    async totpVerify(poolId: string, userId: string, e: { totp: string; appId: string; request: RequestInfo }): Promise<boolean> {
      const user = await userOf(poolId, userId);
      try {
        await guardedCheck(deps, { poolId, user, request: e.request, appId: e.appId, factor: 'OTP' }, () => deps.factors.verify(poolId, userId, 'OTP', e.totp));
      } catch (err) {
        if (isAppError(err) && err.code === 'mfa.otp_invalid') return false;
        throw err;
      }
      await deps.events.emit('mfa:verified', { poolId, actor: userId, subject: userId, ip: e.request.ip, userAgent: e.request.userAgent, requestId: e.request.requestId, data: { userId, appId: e.appId, factor: 'OTP' } });
      return true;
    },

    /**
     * The answer to a sign-in's MFA challenge with its mfaToken (the waiting flow's token), for the
     * app that started it. A wrong code keeps the token; when the account locks, the flow dies.
     */
    async answer(poolId: string, appId: string, mfaToken: string, input: Record<string, unknown>, request: RequestInfo): Promise<SignInResult> {
      const engine = deps.engine();
      try {
        return await engine.continue(poolId, mfaToken, { step: MFA_STEP, input, appId, request, finishes: ['tokens'] });
      } catch (err) {
        if (isAppError(err) && err.code === 'flow.invalid') throw new AppError('mfa.token_invalid');
        if (isAppError(err) && (err.code === 'user.locked' || err.code === 'auth.too_many_attempts')) await engine.abandon(poolId, mfaToken).catch(() => false);
        throw err;
      }
    },

    /** The vendor's `verifyMfaToken` (RFC 7662-like): whether a token is a live MFA flow, and whose. */
    async introspect(poolId: string, mfaToken: string): Promise<{ active: boolean; userPoolId?: string; userId?: string; exp?: number; iat?: number }> {
      const flow = await deps.engine().peek(poolId, mfaToken).catch(() => null);
      if (!flow || flow.pending !== MFA_STEP) return { active: false };
      return { active: true, userPoolId: flow.poolId, userId: flow.userId, exp: Math.floor(flow.expiresAt / 1000), iat: Math.floor(flow.createdAt / 1000) };
    },
  };
}
export type MfaSelfService = ReturnType<typeof createMfaSelfService>;
