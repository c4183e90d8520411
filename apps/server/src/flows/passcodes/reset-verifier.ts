import { AppError } from '../../errors/app-error.js';
import type { ResetVerification } from '../../services/credentials/password-reset.js';
import { recipientCounterKey } from '../../login-methods/counter-keys.js';
import { createCodeCheck } from './check.js';
import { findHolder, recipientOf } from '../../services/passcodes/resolve.js';
import type { PasscodeFlowDeps } from './types.js';

/**
 * The code half of "forgot password" (vendor verifyResetPasswordRequest), plugged into the
 * password half (services/credentials/password-reset.ts `useCodeVerifier`). The code must be
 * a CHANNEL_RESET_PASSWORD code for that phone / email; an address no account holds answers
 * exactly like a wrong code (no enumeration, security.md §0 item 11), and so does an address
 * the account holds but never verified: a reset is allowed only through a verified contact
 * (security.md §0 item 17; reset codes are not even sent to others, see send.ts).
 */
export function createResetCodeVerifier(d: PasscodeFlowDeps) {
  const checkCode = createCodeCheck(d);
  return async function verifyResetCode(poolId: string, v: ResetVerification, ip = ''): Promise<string> {
    const p = v.verifyMethod === 'PHONE_PASSCODE' ? v.phonePassCodePayload : v.emailPassCodePayload;
    if (!p || typeof p.passCode !== 'string' || !p.passCode) throw new AppError('passcode.payload_required');
    const r =
      v.verifyMethod === 'PHONE_PASSCODE'
        ? recipientOf({ phone: v.phonePassCodePayload!.phoneNumber, phoneCountryCode: v.phonePassCodePayload!.phoneCountryCode })
        : recipientOf({ email: v.emailPassCodePayload!.email ?? '' });
    const user = await findHolder(d.users, poolId, r);
    await checkCode(poolId, { kind: r.kind, channel: 'CHANNEL_RESET_PASSWORD', recipient: r.recipient }, p.passCode, [recipientCounterKey(r)], { ip });
    if (!user || !(r.kind === 'sms' ? user.phone_verified : user.email_verified)) throw new AppError('passcode.invalid');
    return user.id;
  };
}
