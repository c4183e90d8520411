import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../../../errors/app-error.js';
import { envelope, success } from '../../envelope.js';
import { currentUser } from './auth-context.js';

/**
 * The signed-in user's phone and email, changed with codes (issue #5): bind-phone,
 * unbind-phone, verify-update-phone-request + update-phone, and the email equivalents, as the
 * vendor AuthenticationClient calls them (BindPhoneDto, UnbindPhoneDto, VerifyUpdatePhoneRequestDto,
 * UpdatePhoneDto, BindEmailDto, UnbindEmailDto, VerifyUpdateEmailRequestDto, UpdateEmailDto).
 */
const Code = Type.String({ minLength: 1, maxLength: 16 });
const Phone = Type.String({ minLength: 1, maxLength: 32 });
const Cc = Type.Optional(Type.String({ maxLength: 8 }));
const Email = Type.String({ minLength: 3, maxLength: 320 });
const strict = <T extends Parameters<typeof Type.Object>[0]>(p: T) => Type.Object(p, { additionalProperties: false });

const BindPhone = strict({ phoneNumber: Phone, phoneCountryCode: Cc, passCode: Code });
const Unbind = strict({ passCode: Code });
const BindEmail = strict({ email: Email, passCode: Code });
const VerifyUpdatePhone = strict({
  verifyMethod: Type.Literal('PHONE_PASSCODE'),
  phonePassCodePayload: strict({ newPhoneNumber: Phone, newPhonePassCode: Code, newPhoneCountryCode: Cc, oldPhoneNumber: Type.Optional(Phone), oldPhonePassCode: Type.Optional(Code), oldPhoneCountryCode: Cc }),
});
const VerifyUpdateEmail = strict({
  verifyMethod: Type.Literal('EMAIL_PASSCODE'),
  emailPassCodePayload: strict({ newEmail: Email, newEmailPassCode: Code, oldEmail: Type.Optional(Email), oldEmailPassCode: Type.Optional(Code) }),
});
const UpdatePhone = strict({ updatePhoneToken: Type.String({ minLength: 1, maxLength: 512 }) });
const UpdateEmail = strict({ updateEmailToken: Type.String({ minLength: 1, maxLength: 512 }) });

const tags = ['passcodes'];
/** Drops keys whose value is undefined (the vendor client sends optional fields as undefined). */
const defined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

export async function contactBindingRoutes(app: FastifyInstance): Promise<void> {
  const { passcodes, services } = app.gh;

  async function me(req: FastifyRequest) {
    const m = await currentUser(app, req);
    const row = await services.users.row(m.poolId, m.userId);
    if (!row) throw new AppError('auth.not_logged_in');
    return { poolId: m.poolId, user: row, who: { ip: req.ip, appId: m.appId, requestId: req.id } };
  }

  app.post<{ Body: Static<typeof BindPhone> }>('/bind-phone', { schema: { tags, summary: 'Bind a phone number (code on CHANNEL_BIND_PHONE)', body: BindPhone } }, async (req) => {
    const m = await me(req);
    await passcodes.binding.bindPhone(m.poolId, m.user, defined(req.body), m.who);
    return success(req);
  });
  app.post<{ Body: Static<typeof Unbind> }>('/unbind-phone', { schema: { tags, summary: 'Unbind the phone number (code on CHANNEL_UNBIND_PHONE)', body: Unbind } }, async (req) => {
    const m = await me(req);
    await passcodes.binding.unbindPhone(m.poolId, m.user, req.body, m.who);
    return success(req);
  });
  app.post<{ Body: Static<typeof BindEmail> }>('/bind-email', { schema: { tags, summary: 'Bind an email (code on CHANNEL_BIND_EMAIL)', body: BindEmail } }, async (req) => {
    const m = await me(req);
    await passcodes.binding.bindEmail(m.poolId, m.user, req.body, m.who);
    return success(req);
  });
  app.post<{ Body: Static<typeof Unbind> }>('/unbind-email', { schema: { tags, summary: 'Unbind the email (code on CHANNEL_UNBIND_EMAIL)', body: Unbind } }, async (req) => {
    const m = await me(req);
    await passcodes.binding.unbindEmail(m.poolId, m.user, req.body, m.who);
    return success(req);
  });
  app.post<{ Body: Static<typeof VerifyUpdatePhone> }>(
    '/verify-update-phone-request',
    { schema: { tags, summary: 'Prove the new phone (CHANNEL_BIND_PHONE) and, if one is bound, the current one (CHANNEL_UNBIND_PHONE); returns updatePhoneToken', body: VerifyUpdatePhone } },
    async (req) => {
      const m = await me(req);
      return envelope(req, await passcodes.binding.verifyUpdatePhone(m.poolId, m.user, defined(req.body.phonePassCodePayload), m.who));
    },
  );
  app.post<{ Body: Static<typeof UpdatePhone> }>('/update-phone', { schema: { tags, summary: 'Change the phone number with an updatePhoneToken (single use)', body: UpdatePhone } }, async (req) => {
    const m = await me(req);
    await passcodes.binding.applyUpdate(m.poolId, m.user, 'phone', req.body.updatePhoneToken);
    return success(req);
  });
  app.post<{ Body: Static<typeof VerifyUpdateEmail> }>(
    '/verify-update-email-request',
    { schema: { tags, summary: 'Prove the new email (CHANNEL_UPDATE_EMAIL) and, if one is bound, the current one (CHANNEL_UNBIND_EMAIL); returns updateEmailToken', body: VerifyUpdateEmail } },
    async (req) => {
      const m = await me(req);
      return envelope(req, await passcodes.binding.verifyUpdateEmail(m.poolId, m.user, defined(req.body.emailPassCodePayload), m.who));
    },
  );
  app.post<{ Body: Static<typeof UpdateEmail> }>('/update-email', { schema: { tags, summary: 'Change the email with an updateEmailToken (single use)', body: UpdateEmail } }, async (req) => {
    const m = await me(req);
    await passcodes.binding.applyUpdate(m.poolId, m.user, 'email', req.body.updateEmailToken);
    return success(req);
  });
}
