import { AppError } from '../../errors/app-error.js';
import { isUserDisabled } from '../password-sign-in.js';
import { nowIso } from '../../utils/time.js';
import { assertPhoneAllowed } from './allow-list.js';
import { createCodeCheck } from './check.js';
import { findHolder, recipientOf } from './resolve.js';
import type { PasscodeFlowDeps, Requester } from './types.js';

export interface PasscodeSignInInput {
  passCode: string;
  phone?: string;
  phoneCountryCode?: string;
  email?: string;
  autoRegister?: boolean;
  customData?: Record<string, unknown>;
}

/**
 * POST /api/v3/signin, connection PASSCODE (vendor signInByPhonePassCode / signInByEmailPassCode).
 * The code (channel CHANNEL_LOGIN) is checked before anything about the account is revealed;
 * only a caller who proved the phone or email learns that no account holds it (2004) — or gets
 * one created, when the client asks for autoRegister and the pool allows it. A successful
 * code marks the phone / email as verified.
 */
export function createPasscodeSignIn(d: PasscodeFlowDeps) {
  const checkCode = createCodeCheck(d);
  return async function passcodeSignIn(poolId: string, input: PasscodeSignInInput, who: Requester): Promise<{ userId: string; amr: string[]; authTime: number }> {
    if (typeof input.passCode !== 'string' || !input.passCode) throw new AppError('passcode.payload_required');
    const r = recipientOf(input);
    if (r.kind === 'sms') assertPhoneAllowed((await d.authSettings.get(poolId)).registration, r.phone);
    const record = (success: boolean, userId: string | null, code?: string) =>
      d.history
        .record({ poolId, userId, appId: who.appId ?? null, ip: who.ip, userAgent: who.userAgent ?? null, method: r.kind === 'sms' ? 'sms_code' : 'email_code', success, code: code ?? null, requestId: who.requestId ?? null })
        .catch((err: unknown) => d.log.error({ err }, 'login history write failed'));

    let user = await findHolder(d.users, poolId, r);
    try {
      await checkCode(poolId, { kind: r.kind, channel: 'CHANNEL_LOGIN', recipient: r.recipient }, input.passCode, { user, identifier: r.recipient }, who);
      if (!user) {
        if (!input.autoRegister) throw new AppError('user.not_found');
        const created = await d.register(
          poolId,
          r.kind === 'sms'
            ? { phone: r.phone.number, phoneCountryCode: r.phone.countryCode, verified: { phone: true }, ...(input.customData ? { profile: { customData: input.customData } } : {}) }
            : { email: r.email, verified: { email: true }, ...(input.customData ? { profile: { customData: input.customData } } : {}) },
          { via: 'autoRegister' },
        );
        user = await d.users.findById(poolId, created.userId);
        if (!user) throw new AppError('user.not_found');
      }
      if (isUserDisabled(user)) throw new AppError('user.disabled');
    } catch (err) {
      await record(false, user?.id ?? null, (err as { code?: string }).code);
      throw err;
    }
    const at = nowIso();
    if (r.kind === 'sms' && !user.phone_verified) await d.users.update(poolId, user.id, { phone_verified: 1, updated_at: at });
    if (r.kind === 'email' && !user.email_verified) await d.users.update(poolId, user.id, { email_verified: 1, updated_at: at });
    await d.credentials.recordLogin(poolId, user.id, at, who.ip);
    await record(true, user.id);
    // RFC 8176: `sms` for a code by text message, `otp` for a one-time code by other means.
    return { userId: user.id, amr: [r.kind === 'sms' ? 'sms' : 'otp'], authTime: Math.floor(Date.now() / 1000) };
  };
}
export type PasscodeSignIn = ReturnType<typeof createPasscodeSignIn>;
