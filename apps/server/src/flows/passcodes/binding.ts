import { AppError } from '../../errors/app-error.js';
import { isUniqueViolation } from '../../errors/to-app-error.js';
import type { KvStore } from '../../storage/kv/types.js';
import { scopedKv } from '../../storage/kv/scoped.js';
import type { UserPatch, UserRow } from '../../storage/repositories/users.js';
import { urlSafeSecret } from '../../utils/ids.js';
import { nowIso } from '../../utils/time.js';
import { normalizeEmail, normalizePhone, samePhone } from '../../services/passcodes/recipients.js';
import { userCounterKeys } from '../../login-methods/counter-keys.js';
import { createCodeCheck } from './check.js';
import type { PasscodeFlowDeps, Requester } from './types.js';

/**
 * Binding, unbinding and changing the signed-in user's phone and email with codes (vendor
 * bindPhone / unbindPhone / verifyUpdatePhoneRequest + updatePhone and the email equivalents).
 *
 * Channels: a new phone proves itself with CHANNEL_BIND_PHONE, the current one with
 * CHANNEL_UNBIND_PHONE; a new email with CHANNEL_BIND_EMAIL (bind) or CHANNEL_UPDATE_EMAIL
 * (change), the current one with CHANNEL_UNBIND_EMAIL. Changing an identifier the user already
 * has needs a code to the current one too (ASVS 7.5.1: re-authenticate before changing
 * authentication data). The update token is 256 random bits, single use (KV take), bound to
 * pool, user and the new value, valid UPDATE_TOKEN_TTL_MS.
 */
export const UPDATE_TOKEN_TTL_MS = 10 * 60 * 1000;
const tokenKey = (box: { digest(v: string): string }, t: string) => `upd:${box.digest(`update-token|${t}`)}`;

type Kind = 'phone' | 'email';
const label = (k: Kind) => (k === 'phone' ? 'phone number' : 'email');

export function createContactBinding(d: PasscodeFlowDeps & { kv: KvStore }) {
  const checkCode = createCodeCheck(d);

  async function write(poolId: string, user: UserRow, patch: UserPatch, field: Kind): Promise<void> {
    const value = field === 'phone' ? patch.phone : patch.email;
    if (value) {
      const holder = await d.users.findBy(poolId, field, value);
      if (holder && holder.id !== user.id) throw new AppError('user.already_exists', { params: { field } });
    }
    try {
      await d.users.update(poolId, user.id, { ...patch, updated_at: nowIso() });
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('user.already_exists', { params: { field }, cause: err });
      throw err;
    }
    await d.events.emit('user:updated', { poolId, actor: user.id, subject: user.id, data: { userId: user.id, email: patch.email ?? user.email, phone: patch.phone ?? user.phone, username: user.username, fields: [field, `${field}Verified`] } });
  }

  const hasOtherIdentifier = (u: UserRow, without: Kind) => Boolean(u.username || (without === 'phone' ? u.email : u.phone));

  return {
    async bindPhone(poolId: string, user: UserRow, input: { phoneNumber: string; phoneCountryCode?: string; passCode: string }, who: Requester) {
      if (user.phone) throw new AppError('passcode.already_bound', { params: { kind: label('phone') } });
      const p = normalizePhone(input.phoneNumber, input.phoneCountryCode);
      await checkCode(poolId, { kind: 'sms', channel: 'CHANNEL_BIND_PHONE', recipient: p.e164 }, input.passCode, userCounterKeys(user), who);
      await write(poolId, user, { phone: p.number, phone_country_code: p.countryCode, phone_verified: 1 }, 'phone');
    },

    async unbindPhone(poolId: string, user: UserRow, input: { passCode: string }, who: Requester) {
      if (!user.phone) throw new AppError('passcode.not_bound', { params: { kind: label('phone') } });
      if (!hasOtherIdentifier(user, 'phone')) throw new AppError('passcode.last_identifier', { params: { kind: label('phone') } });
      const p = normalizePhone(user.phone, user.phone_country_code);
      await checkCode(poolId, { kind: 'sms', channel: 'CHANNEL_UNBIND_PHONE', recipient: p.e164 }, input.passCode, userCounterKeys(user), who);
      await write(poolId, user, { phone: null, phone_country_code: null, phone_verified: 0 }, 'phone');
    },

    async bindEmail(poolId: string, user: UserRow, input: { email: string; passCode: string }, who: Requester) {
      if (user.email) throw new AppError('passcode.already_bound', { params: { kind: label('email') } });
      const e = normalizeEmail(input.email);
      await checkCode(poolId, { kind: 'email', channel: 'CHANNEL_BIND_EMAIL', recipient: e }, input.passCode, userCounterKeys(user), who);
      await write(poolId, user, { email: e, email_verified: 1 }, 'email');
    },

    async unbindEmail(poolId: string, user: UserRow, input: { passCode: string }, who: Requester) {
      if (!user.email) throw new AppError('passcode.not_bound', { params: { kind: label('email') } });
      if (!hasOtherIdentifier(user, 'email')) throw new AppError('passcode.last_identifier', { params: { kind: label('email') } });
      await checkCode(poolId, { kind: 'email', channel: 'CHANNEL_UNBIND_EMAIL', recipient: user.email }, input.passCode, userCounterKeys(user), who);
      await write(poolId, user, { email: null, email_verified: 0 }, 'email');
    },

    async verifyUpdatePhone(
      poolId: string,
      user: UserRow,
      input: { newPhoneNumber: string; newPhonePassCode: string; newPhoneCountryCode?: string; oldPhoneNumber?: string; oldPhonePassCode?: string; oldPhoneCountryCode?: string },
      who: Requester,
    ): Promise<{ updatePhoneToken: string; tokenExpiresIn: number }> {
      const np = normalizePhone(input.newPhoneNumber, input.newPhoneCountryCode);
      if (user.phone) {
        if (!input.oldPhonePassCode) throw new AppError('passcode.old_code_required', { params: { kind: label('phone') } });
        const op = normalizePhone(input.oldPhoneNumber ?? user.phone, input.oldPhoneNumber ? input.oldPhoneCountryCode : user.phone_country_code);
        if (!samePhone(user, op)) throw new AppError('passcode.invalid');
        await checkCode(poolId, { kind: 'sms', channel: 'CHANNEL_UNBIND_PHONE', recipient: op.e164 }, input.oldPhonePassCode, userCounterKeys(user), who);
      }
      await checkCode(poolId, { kind: 'sms', channel: 'CHANNEL_BIND_PHONE', recipient: np.e164 }, input.newPhonePassCode, userCounterKeys(user), who);
      const holder = await d.users.findBy(poolId, 'phone', np.number);
      if (holder && holder.id !== user.id && samePhone(holder, np)) throw new AppError('user.already_exists', { params: { field: 'phone' } });
      const token = urlSafeSecret(32);
      await scopedKv(d.kv, poolId).set(tokenKey(d.box, token), JSON.stringify({ userId: user.id, field: 'phone', number: np.number, cc: np.countryCode }), UPDATE_TOKEN_TTL_MS);
      return { updatePhoneToken: token, tokenExpiresIn: UPDATE_TOKEN_TTL_MS / 1000 };
    },

    async verifyUpdateEmail(
      poolId: string,
      user: UserRow,
      input: { newEmail: string; newEmailPassCode: string; oldEmail?: string; oldEmailPassCode?: string },
      who: Requester,
    ): Promise<{ updateEmailToken: string; tokenExpiresIn: number }> {
      const ne = normalizeEmail(input.newEmail);
      if (user.email) {
        if (!input.oldEmailPassCode) throw new AppError('passcode.old_code_required', { params: { kind: label('email') } });
        if (input.oldEmail && normalizeEmail(input.oldEmail) !== user.email) throw new AppError('passcode.invalid');
        await checkCode(poolId, { kind: 'email', channel: 'CHANNEL_UNBIND_EMAIL', recipient: user.email }, input.oldEmailPassCode, userCounterKeys(user), who);
      }
      await checkCode(poolId, { kind: 'email', channel: 'CHANNEL_UPDATE_EMAIL', recipient: ne }, input.newEmailPassCode, userCounterKeys(user), who);
      const holder = await d.users.findBy(poolId, 'email', ne);
      if (holder && holder.id !== user.id) throw new AppError('user.already_exists', { params: { field: 'email' } });
      const token = urlSafeSecret(32);
      await scopedKv(d.kv, poolId).set(tokenKey(d.box, token), JSON.stringify({ userId: user.id, field: 'email', email: ne }), UPDATE_TOKEN_TTL_MS);
      return { updateEmailToken: token, tokenExpiresIn: UPDATE_TOKEN_TTL_MS / 1000 };
    },

    /** update-phone / update-email: spends the token (single use) and writes the new value. */
    async applyUpdate(poolId: string, user: UserRow, field: Kind, token: string): Promise<void> {
      if (typeof token !== 'string' || token.length < 16 || token.length > 128) throw new AppError('passcode.token_invalid');
      const raw = await scopedKv(d.kv, poolId).take(tokenKey(d.box, token));
      const v = raw ? (JSON.parse(raw) as { userId: string; field: Kind; number?: string; cc?: string; email?: string }) : null;
      if (!v || v.userId !== user.id || v.field !== field) throw new AppError('passcode.token_invalid');
      if (field === 'phone') await write(poolId, user, { phone: v.number!, phone_country_code: v.cc!, phone_verified: 1 }, 'phone');
      else await write(poolId, user, { email: v.email!, email_verified: 1 }, 'email');
    },
  };
}
export type ContactBinding = ReturnType<typeof createContactBinding>;
