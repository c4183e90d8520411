import { AppError } from '../../errors/app-error.js';
import type { UserDto } from '../../services/users.js';
import type { RegistrationInput } from '../registration.js';
import { recipientCounterKey } from '../../login-methods/counter-keys.js';
import { createCodeCheck } from './check.js';
import { findHolder, recipientOf } from '../../services/passcodes/resolve.js';
import type { PasscodeFlowDeps, Requester } from './types.js';

/**
 * POST /api/v3/signup, connection PASSCODE (vendor signUpByPhoneCode / signUpByEmailCode):
 * the code (channel CHANNEL_REGISTER) proves the phone or email, then the shared registration
 * flow applies the pool's switches and allow-list. An optional `options.passwordForPhonePassCode`
 * also sets a password (policy-checked before anything is written). "Already registered" is
 * only said to a caller who proved the identifier.
 */
export function createPasscodeSignUp(d: PasscodeFlowDeps) {
  const checkCode = createCodeCheck(d);
  return async function passcodeSignUp(
    poolId: string,
    input: { passCode: string; phone?: string; phoneCountryCode?: string; email?: string; password?: string; profile?: RegistrationInput['profile'] },
    who: Requester,
  ): Promise<UserDto> {
    if (typeof input.passCode !== 'string' || !input.passCode) throw new AppError('passcode.payload_required');
    const r = recipientOf(input);
    const reg = (await d.authSettings.get(poolId)).registration;
    // Refuse a closed registration before a code is spent on it.
    if (!reg.enabled) throw new AppError('auth.registration_disabled');
    // Likewise a refused password: checked before the code is spent (the registration checks it again).
    if (input.password !== undefined) await d.passwords.assertAcceptable(poolId, input.password, r.kind === 'sms' ? { phone: r.phone.number } : { email: r.email });
    const holder = await findHolder(d.users, poolId, r);
    await checkCode(poolId, { kind: r.kind, channel: 'CHANNEL_REGISTER', recipient: r.recipient }, input.passCode, [recipientCounterKey(r)], who);
    if (holder) throw new AppError('user.already_exists', { params: { field: r.kind === 'sms' ? 'phone' : 'email' } });
    return d.register({
      poolId,
      appId: who.appId ?? null,
      input: {
        ...(r.kind === 'sms' ? { phone: r.phone.number, phoneCountryCode: r.phone.countryCode, verified: { phone: true } } : { email: r.email, verified: { email: true } }),
        ...(input.password !== undefined ? { password: input.password } : {}),
        ...(input.profile ? { profile: input.profile } : {}),
      },
      registerMethod: r.kind === 'sms' ? 'PHONE_CODE' : 'EMAIL_CODE',
      via: 'signup',
      request: { ip: who.ip, userAgent: who.userAgent ?? null, requestId: who.requestId ?? null },
    });
  };
}
export type PasscodeSignUp = ReturnType<typeof createPasscodeSignUp>;
