import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { AppError } from '../../../errors/app-error.js';
import { envelope } from '../../envelope.js';
import { type AppContext, tokenService } from './auth-context.js';

/**
 * connection PASSCODE of POST /api/v3/signin and /signup (issue #5), called from
 * authentication.ts once the app is known. `passCodePayload` is the reference
 * SignInByPassCodePayloadDto / SignUpByPassCodeDto: passCode + phone (+ phoneCountryCode) or email.
 */
const PassCodePayload = Type.Object(
  {
    passCode: Type.String({ minLength: 1, maxLength: 16 }),
    phone: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    phoneCountryCode: Type.Optional(Type.String({ maxLength: 8 })),
    email: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
  },
  { additionalProperties: false },
);
const check = TypeCompiler.Compile(PassCodePayload);

function parsePayload(raw: unknown): Static<typeof PassCodePayload> {
  if (raw === undefined || raw === null) throw new AppError('passcode.payload_required');
  // The vendor client sends `phoneCountryCode: undefined`, which JSON drops; an explicit null is treated the same.
  const o = Object.fromEntries(Object.entries(raw as Record<string, unknown>).filter(([, v]) => v !== null));
  const first = [...check.Errors(o)][0];
  if (first) throw new AppError('request.invalid_input', { details: [{ path: `body/passCodePayload${first.path}`, message: first.message }] });
  if (!o.phone && !o.email) throw new AppError('passcode.payload_required');
  return o as Static<typeof PassCodePayload>;
}

export async function passcodeSignIn(
  app: FastifyInstance,
  req: FastifyRequest,
  ctx: AppContext,
  body: { passCodePayload?: unknown; options?: { scope?: string; autoRegister?: boolean; customData?: Record<string, unknown>; tenantId?: string } },
  ip: string,
) {
  const p = parsePayload(body.passCodePayload);
  const o = body.options ?? {};
  if (o.tenantId) throw new AppError('request.unsupported_field', { params: { field: 'options.tenantId' } });
  const result = await app.gh.passcodes.signIn(
    ctx.poolId,
    { passCode: p.passCode, ...(p.phone ? { phone: p.phone } : {}), ...(p.phoneCountryCode ? { phoneCountryCode: p.phoneCountryCode } : {}), ...(p.email ? { email: p.email } : {}), ...(o.autoRegister ? { autoRegister: true } : {}), ...(o.customData ? { customData: o.customData } : {}) },
    { ip, appId: ctx.appId, requestId: req.id, ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'] } : {}) },
  );
  const tokens = await tokenService(app).issue({ poolId: ctx.poolId, appId: ctx.appId, userId: result.userId, ...(o.scope ? { scope: o.scope } : {}), facts: { amr: result.amr, authTime: result.authTime } });
  return envelope(req, tokens);
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
    { ip: req.ip, appId: ctx.appId, requestId: req.id },
  );
  await app.gh.services.audit.record({ poolId: ctx.poolId, type: 'user.register', result: 'success', actor: user.userId, subject: user.userId, ip: req.ip, requestId: req.id, data: { appId: ctx.appId, connection: 'PASSCODE' } });
  return envelope(req, user);
}
