import { AppError, isAppError } from '../../errors/app-error.js';
import { assertPhoneAllowed } from '../../services/passcodes/allow-list.js';
import type { Passcodes } from '../../services/passcodes/codes.js';
import { findHolder, recipientOf, type Recipient } from '../../services/passcodes/resolve.js';
import type { RegistrationSettings } from '../../services/credentials/settings.js';
import type { UserRow, UsersRepo } from '../../storage/repositories/users.js';
import { nowIso } from '../../utils/time.js';
import { recipientCounterKey } from '../counter-keys.js';
import type { Identified, LoginMethod, MethodOutcome } from '../types.js';
import { passcodeMethodErrors } from './errors.js';
import { PasscodeVerifySchema, type PasscodeVerifyInput } from './schema.js';

export interface PasscodeMethodDeps {
  users: Pick<UsersRepo, 'findBy' | 'update'>;
  codes: Pick<Passcodes, 'verify'>;
  /** Wrong tries one code survives before it is burned (the pool's messaging settings). */
  maxAttempts(poolId: string): Promise<number>;
  registration(poolId: string): Promise<RegistrationSettings>;
}

/** The recipient of a parsed input, kept with it so identify and verify agree. */
const recipients = new WeakMap<PasscodeVerifyInput, Recipient>();

/**
 * SMS and email codes as a way in (POST /api/v3/signin `connection: PASSCODE`, the vendor's
 * signInByPhonePassCode / signInByEmailPassCode, the hosted login's code tab). A code is bound
 * to the pool, the login channel and the normalised recipient (services/passcodes/codes.ts);
 * checking it proves possession of the phone or mailbox, so only after a right code does the
 * caller learn that no account holds it (`no_account`: the engine registers or answers 2004).
 * A right code marks the phone / email as verified — after the sign-in is certain.
 *
 * RFC 8176: `sms` for a code by text message, `otp` for a one-time code by other means.
 */
export function createPasscodeMethod(deps: PasscodeMethodDeps) {
  const recipient = (p: PasscodeVerifyInput): Recipient => {
    let r = recipients.get(p);
    if (!r) {
      r = recipientOf(p);
      recipients.set(p, r);
    }
    return r;
  };

  const markVerified = (poolId: string, user: UserRow, r: Recipient) => async () => {
    if (r.kind === 'sms' && !user.phone_verified) await deps.users.update(poolId, user.id, { phone_verified: 1, updated_at: nowIso() });
    if (r.kind === 'email' && !user.email_verified) await deps.users.update(poolId, user.id, { email_verified: 1, updated_at: nowIso() });
  };

  return {
    id: 'passcode',
    connection: { name: 'PASSCODE', payloadField: 'passCodePayload' },
    factor: 'possession',
    amr: ['sms', 'otp'],
    inputSchema: PasscodeVerifySchema,
    errors: passcodeMethodErrors,
    guarded: true,
    describe: () => ({
      id: 'passcode',
      factor: 'possession' as const,
      amr: ['sms', 'otp'],
      label: { en: 'Verification code', zh: '验证码登录' },
      fields: [
        { name: 'phone', type: 'tel' as const, label: { en: 'Phone number', zh: '手机号' }, autocomplete: 'tel' },
        { name: 'passCode', type: 'code' as const, label: { en: 'Verification code', zh: '验证码' }, autocomplete: 'one-time-code' },
      ],
    }),
    check(p: PasscodeVerifyInput) {
      if (!p.phone && !p.email) throw new AppError('passcode.payload_required');
      recipient(p);
    },
    async identify(ctx: { poolId: string }, p: PasscodeVerifyInput): Promise<Identified> {
      const r = recipient(p);
      if (r.kind === 'sms') assertPhoneAllowed(await deps.registration(ctx.poolId), r.phone);
      return { user: (await findHolder(deps.users as UsersRepo, ctx.poolId, r)) ?? null, keys: [recipientCounterKey(r)] };
    },
    async verify(ctx: { poolId: string }, p: PasscodeVerifyInput, { user }: Identified): Promise<MethodOutcome> {
      const r = recipient(p);
      try {
        await deps.codes.verify(ctx.poolId, { kind: r.kind, channel: 'CHANNEL_LOGIN', recipient: r.recipient }, p.passCode, { maxAttempts: await deps.maxAttempts(ctx.poolId) });
      } catch (err) {
        if (isAppError(err) && (err.code === 'passcode.invalid' || err.code === 'passcode.burned')) return { status: 'failed', error: err.code, countsAsFailure: true };
        throw err;
      }
      const amr = [r.kind === 'sms' ? 'sms' : 'otp'];
      if (!user) {
        return {
          status: 'no_account',
          proposal:
            r.kind === 'sms'
              ? { phone: r.phone.number, phoneCountryCode: r.phone.countryCode, verified: { phone: true }, registerMethod: 'PHONE_CODE' }
              : { email: r.email, verified: { email: true }, registerMethod: 'EMAIL_CODE' },
        };
      }
      return { status: 'authenticated', user, amr, after: markVerified(ctx.poolId, user, r) };
    },
  } satisfies LoginMethod<PasscodeVerifyInput>;
}
export type PasscodeMethod = ReturnType<typeof createPasscodeMethod>;
