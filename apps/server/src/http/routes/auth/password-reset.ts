import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { envelope, success } from '../../envelope.js';
import { appContext } from './auth-context.js';
import { PasswordEncryptType } from '../common.js';

/**
 * Forgot password (vendor `AuthenticationClient.verifyResetPasswordRequest` and `resetPassword`;
 * shapes from `VerifyResetPasswordRequestDto`, `ResetPasswordDto`, `PasswordResetVerifyResp`).
 * The code check is the passcode service's (issue #5); see services/credentials/password-reset.ts.
 */
const VerifyBody = Type.Object(
  {
    verifyMethod: Type.Union([Type.Literal('EMAIL_PASSCODE'), Type.Literal('PHONE_PASSCODE')]),
    emailPassCodePayload: Type.Optional(Type.Object({ email: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })), passCode: Type.String({ minLength: 1, maxLength: 32 }) }, { additionalProperties: false })),
    phonePassCodePayload: Type.Optional(
      Type.Object(
        { phoneNumber: Type.String({ minLength: 1, maxLength: 64 }), passCode: Type.String({ minLength: 1, maxLength: 32 }), phoneCountryCode: Type.Optional(Type.String({ maxLength: 16 })) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
const ResetBody = Type.Object(
  { password: Type.String({ minLength: 1, maxLength: 4096 }), passwordResetToken: Type.String({ minLength: 1, maxLength: 512 }), passwordEncryptType: Type.Optional(PasswordEncryptType) },
  { additionalProperties: false },
);
const tags = ['authentication'];

export async function passwordResetRoutes(app: FastifyInstance): Promise<void> {
  const { authn, accounts, services } = app.gh;

  app.post<{ Body: Static<typeof VerifyBody> }>(
    '/verify-reset-password-request',
    { schema: { tags, summary: 'Prove control of the email or phone with a passcode; returns a password reset token', body: VerifyBody } },
    async (req) => {
      const ctx = await appContext(app, req);
      return envelope(req, await accounts.passwordReset.verifyRequest(ctx.poolId, req.body));
    },
  );

  app.post<{ Body: Static<typeof ResetBody> }>(
    '/reset-password',
    { schema: { tags, summary: 'Set a new password with a reset token (single use); ends every session of the user', body: ResetBody } },
    async (req) => {
      const ctx = await appContext(app, req);
      const password = await authn.encryption.decrypt(ctx.poolId, req.body.passwordEncryptType, req.body.password);
      const userId = await accounts.passwordReset.reset(ctx.poolId, { passwordResetToken: req.body.passwordResetToken, password });
      await services.events.emit('user:password-reset', { poolId: ctx.poolId, actor: userId, subject: userId, ip: req.ip, requestId: req.id, data: { userId, appId: ctx.appId } });
      return success(req);
    },
  );
}
