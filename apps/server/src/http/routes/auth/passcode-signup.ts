import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PasscodeVerifySchema, type PasscodeVerifyInput } from '../../../login-methods/passcode/schema.js';
import { validateInput } from '../../../flows/engine/validate.js';
import { AppError } from '../../../errors/app-error.js';
import { envelope } from '../../envelope.js';
import type { AppContext } from './auth-context.js';

/**
 * connection PASSCODE of POST /api/v3/signup (sign-in with a code is the `passcode` login method),
 * called from authentication.ts once the app is known. `passCodePayload` is the reference
 * SignInByPassCodePayloadDto / SignUpByPassCodeDto: passCode + phone (+ phoneCountryCode) or email.
 */
/** The same payload as code sign-in, checked by the same schema. */
function parsePayload(raw: unknown): PasscodeVerifyInput {
  const p = validateInput<PasscodeVerifyInput>(PasscodeVerifySchema, raw, 'body/passCodePayload', () => new AppError('passcode.payload_required'));
  if (!p.phone && !p.email) throw new AppError('passcode.payload_required');
  return p;
}

export async function passcodeSignUp(
  app: FastifyInstance,
  req: FastifyRequest,
  ctx: AppContext,
  body: { passCodePayload?: unknown; profile?: Record<string, unknown>; options?: { passwordForPhonePassCode?: string; passwordEncryptType?: 'none' | 'rsa' | 'sm2' } },
) {
  const p = parsePayload(body.passCodePayload);
  const o = body.options ?? {};
  const password = o.passwordForPhonePassCode ? await app.gh.authn.encryption.decrypt(ctx.poolId, o.passwordEncryptType, o.passwordForPhonePassCode) : undefined;
  const user = await app.gh.passcodes.signUp(
    ctx.poolId,
    { passCode: p.passCode, ...(p.phone ? { phone: p.phone } : {}), ...(p.phoneCountryCode ? { phoneCountryCode: p.phoneCountryCode } : {}), ...(p.email ? { email: p.email } : {}), ...(password !== undefined ? { password } : {}), ...(body.profile ? { profile: body.profile } : {}) },
    { ip: req.ip, appId: ctx.appId, requestId: req.id, ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'] } : {}) },
  );
  return envelope(req, user);
}
