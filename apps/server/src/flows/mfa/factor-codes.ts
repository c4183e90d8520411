import { isAppError } from '../../errors/app-error.js';
import type { FactorCodes } from '../../services/mfa/factors.js';
import type { Passcodes } from '../../services/passcodes/codes.js';
import { normalizeEmail, normalizePhone } from '../../services/passcodes/recipients.js';
import type { SendPasscode } from '../passcodes/send.js';

/**
 * SMS and email codes of second factors through the passcode service: the pool's quotas,
 * provider, templates and outbox, channel `CHANNEL_BIND_MFA` (enrolment, SMS) or
 * `CHANNEL_VERIFY_MFA`, so a sign-in code can never pass as a second factor or the reverse.
 */
export function createFactorCodes(deps: { send: SendPasscode; codes: Passcodes; maxAttempts: (poolId: string) => Promise<number> }): FactorCodes {
  const channelOf = (kind: 'SMS' | 'EMAIL', purpose: 'enroll' | 'verify') => (kind === 'SMS' && purpose === 'enroll' ? 'CHANNEL_BIND_MFA' : 'CHANNEL_VERIFY_MFA');
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    async send(poolId, e) {
      const channel = channelOf(e.kind, e.purpose);
      await deps.send(
        poolId,
        e.kind === 'SMS' ? { kind: 'sms', channel, phoneNumber: str(e.profile.phoneNumber), ...(e.profile.phoneCountryCode ? { phoneCountryCode: str(e.profile.phoneCountryCode) } : {}) } : { kind: 'email', channel: 'CHANNEL_VERIFY_MFA', email: str(e.profile.email) },
        { ip: e.ip ?? '', ...(e.appId ? { appId: e.appId } : {}) },
      );
    },
    async check(poolId, e) {
      let recipient: string;
      try {
        recipient = e.kind === 'SMS' ? normalizePhone(str(e.profile.phoneNumber), e.profile.phoneCountryCode ? str(e.profile.phoneCountryCode) : undefined).e164 : normalizeEmail(str(e.profile.email));
      } catch {
        return false;
      }
      try {
        await deps.codes.verify(poolId, { kind: e.kind === 'SMS' ? 'sms' : 'email', channel: channelOf(e.kind, e.purpose), recipient }, e.code, { maxAttempts: await deps.maxAttempts(poolId) });
        return true;
      } catch (err) {
        if (isAppError(err) && (err.code === 'passcode.invalid' || err.code === 'passcode.burned')) return false;
        throw err;
      }
    },
  };
}
