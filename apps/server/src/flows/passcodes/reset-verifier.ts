import { AppError } from '../../errors/app-error.js';
import type { ResetVerification } from '../../services/credentials/password-reset.js';
import { nowIso } from '../../utils/time.js';
import { recipientCounterKey } from '../../login-methods/counter-keys.js';
import { createCodeCheck } from './check.js';
import { findHolder, recipientOf } from '../../services/passcodes/resolve.js';
import type { PasscodeFlowDeps } from './types.js';

/**
 * The code half of "forgot password" (vendor verifyResetPasswordRequest), plugged into the
 * password half (services/credentials/password-reset.ts `useCodeVerifier`). The code must be
 * a CHANNEL_RESET_PASSWORD code for that phone / email; an address no account holds answers
 * exactly like a wrong code (no enumeration, security.md §0 item 11). The reset goes only to
 * the address that received the code, so proving it also marks it verified.
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
    if (!user) throw new AppError('passcode.invalid');
    const verified = r.kind === 'sms' ? { phone_verified: 1 } : { email_verified: 1 };
    await d.users.update(poolId, user.id, { ...verified, updated_at: nowIso() });
    return user.id;
  };
}
