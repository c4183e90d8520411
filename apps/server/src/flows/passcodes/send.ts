import { AppError } from '../../errors/app-error.js';
import type { Channel, EmailChannel, SmsChannel } from '../../services/passcodes/channels.js';
import { normalizeEmail, normalizePhone } from '../../services/passcodes/recipients.js';
import { assertPhoneAllowed } from '../../services/passcodes/allow-list.js';
import { findHolder } from '../../services/passcodes/resolve.js';
import type { PasscodeFlowDeps, Requester } from './types.js';

export type SendRequest =
  | { kind: 'sms'; channel: SmsChannel; phoneNumber: string; phoneCountryCode?: string }
  | { kind: 'email'; channel: EmailChannel; email: string };

/**
 * POST /api/v3/send-sms and /send-email. The answer is the same whether or not an account
 * holds the recipient (security.md §0 item 11): nothing here looks accounts up, a code is
 * issued and sent for any well-formed recipient within the quotas, and whether it is useful
 * is decided where it is entered. Order: captcha (when the pool requires one) → allow-list →
 * quotas → new code (replacing the previous one) → outbox.
 *
 * Exception: a password-reset code goes only to a *verified* phone or email of an account
 * (security.md §0 item 17; GitLab CVE-2023-7028 class). An address typed in at registration but
 * never proven could belong to someone else; a reset through it would hand them the account.
 * For any other recipient the answer is the same success and nothing is sent. (The skipped send
 * is quicker than a real one: the response time can hint whether a verified holder exists.)
 */
export function createSendPasscode(d: PasscodeFlowDeps) {
  return async function sendPasscode(poolId: string, r: SendRequest, who: Requester & { captchaToken?: string; captchaCode?: string; captchaBinding?: string }): Promise<void> {
    const s = await d.settings.get(poolId);
    const phone = r.kind === 'sms' ? normalizePhone(r.phoneNumber, r.phoneCountryCode) : null;
    const recipient = phone ? phone.e164 : normalizeEmail((r as { email: string }).email);

    if (s.captchaBeforeSend) {
      if (!who.captchaToken || !who.captchaCode) throw new AppError('passcode.captcha_required');
      if (!(await d.captcha.check(poolId, who.captchaToken, who.captchaCode, who.captchaBinding ? { bindTo: who.captchaBinding } : {}))) throw new AppError('auth.captcha_invalid');
    }
    if (phone && (r.channel === 'CHANNEL_LOGIN' || r.channel === 'CHANNEL_REGISTER')) assertPhoneAllowed((await d.authSettings.get(poolId)).registration, phone);

    await d.quotas.take(poolId, { kind: r.kind, channel: r.channel, recipient, ip: who.ip }, s.quotas);
    if (r.channel === 'CHANNEL_RESET_PASSWORD') {
      const holder = await findHolder(d.users, poolId, phone ? { kind: 'sms', phone, recipient } : { kind: 'email', email: recipient, recipient });
      if (!holder || !(phone ? holder.phone_verified : holder.email_verified)) return;
    }
    const binding = { kind: r.kind, channel: r.channel as Channel, recipient };
    const { code, expiresAt } = await d.codes.issue(poolId, binding, { length: s.codeLength, ttlSeconds: s.codeTtlSeconds });
    await d.messaging.send(poolId, {
      kind: r.kind,
      channel: r.channel,
      to: recipient,
      ...(phone ? { phoneCountryCode: phone.countryCode } : {}),
      lang: who.lang ?? s.defaultLang,
      variables: { code, appName: await d.appName(poolId, who.appId), ttlMinutes: String(Math.round(s.codeTtlSeconds / 60)) },
      expiresAt,
    });
    await d.events.emit('passcode:sent', { poolId, ip: who.ip, requestId: who.requestId ?? null, data: { kind: r.kind, channel: r.channel } });
  };
}
export type SendPasscode = ReturnType<typeof createSendPasscode>;
