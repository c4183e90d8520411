import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../../../errors/app-error.js';
import { envelope, success } from '../../envelope.js';
import { requestInfo } from '../../request-info.js';
import { AnyObject, Envelope } from '../common.js';
import { appContext, authenticateClient, currentUser } from './auth-context.js';
import { challengeError } from '../../../flows/engine/challenge-error.js';

/**
 * MFA for end users (docs/mfa.md), paths and shapes of the vendor AuthenticationClient:
 * self-service enrolment (send-enroll-factor-request → enroll-factor), listing, reset,
 * `mfa-totp-verify` (step-up), and `/api/v3/mfa/verify`, the answer to a sign-in's 1635/1636.
 */
const tags = ['mfa'];
const FactorType = Type.String({ minLength: 1, maxLength: 16 });
const Profile = Type.Object(
  { phoneNumber: Type.Optional(Type.String({ maxLength: 32 })), phoneCountryCode: Type.Optional(Type.String({ maxLength: 8 })), email: Type.Optional(Type.String({ maxLength: 320 })) },
  { additionalProperties: false },
);
const SendEnrollBody = Type.Object({ factorType: FactorType, profile: Type.Optional(Profile) }, { additionalProperties: false });
const EnrollBody = Type.Object(
  {
    factorType: FactorType,
    enrollmentToken: Type.String({ minLength: 1, maxLength: 64 }),
    enrollmentData: Type.Object({ passCode: Type.Optional(Type.String({ maxLength: 32 })), photo: Type.Optional(Type.String({ maxLength: 2048 })), isExternalPhoto: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);
const FactorIdBody = Type.Object({ factorId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });
const TotpBody = Type.Object({ totp: Type.String({ minLength: 1, maxLength: 16 }) }, { additionalProperties: false });
const VerifyBody = Type.Object(
  {
    mfaToken: Type.String({ minLength: 1, maxLength: 64 }),
    factorType: Type.Optional(Type.Union(['OTP', 'SMS', 'EMAIL', 'WEBAUTHN', 'RECOVERY_CODE'].map((t) => Type.Literal(t)))),
    passCode: Type.Optional(Type.String({ maxLength: 32 })),
    recoveryCode: Type.Optional(Type.String({ maxLength: 32 })),
    assertion: Type.Optional(AnyObject),
    /** Gatehouse: `send` (SMS/EMAIL code), `webauthn-options`, `enroll`, `enroll-verify`. */
    action: Type.Optional(Type.Union(['send', 'webauthn-options', 'enroll', 'enroll-verify'].map((t) => Type.Literal(t)))),
    profile: Type.Optional(Profile),
    enrollmentToken: Type.Optional(Type.String({ maxLength: 64 })),
    acknowledge: Type.Optional(Type.Boolean()),
    captcha: Type.Optional(Type.Object({ token: Type.String({ maxLength: 128 }), code: Type.String({ maxLength: 32 }) }, { additionalProperties: false })),
    client_id: Type.Optional(Type.String({ maxLength: 128 })),
    client_secret: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);

export async function mfaRoutes(app: FastifyInstance): Promise<void> {
  const mfa = () => app.gh.mfa;

  app.get('/list-factors-to-enroll', { schema: { tags, summary: 'Factor types the user may still enrol (the app\'s enabled ones, else OTP and SMS)' } }, async (req) => {
    const me = await currentUser(app, req);
    const policy = await mfa().policies.effective(me.poolId, me.appId);
    const { types } = await mfa().factors.enrolledTypes(me.poolId, me.userId);
    const offered = policy.factors.length ? policy.factors.filter((f) => f !== 'WEBAUTHN') : ['OTP', 'SMS'];
    return envelope(req, offered.filter((f) => !types.includes(f as never)).map((factorType) => ({ factorType })));
  });

  app.post<{ Body: Static<typeof SendEnrollBody> }>('/send-enroll-factor-request', { schema: { tags, summary: 'Start enrolling a factor: an enrollmentToken valid one minute (and, for OTP, the secret as otpauth URI and QR image)', body: SendEnrollBody, response: { 200: Envelope(Type.Any()) } } }, async (req) => {
    const me = await currentUser(app, req);
    const policy = await mfa().policies.effective(me.poolId, me.appId);
    // Email codes are a weak factor: off unless the pool or the app enabled them (docs/mfa.md).
    if (req.body.factorType === 'EMAIL' && !policy.factors.includes('EMAIL')) throw new AppError('mfa.factor_not_enabled', { params: { factorType: 'EMAIL' } });
    const r = await mfa().selfService.startEnrollment(me.poolId, me.userId, { factorType: req.body.factorType, profile: req.body.profile ?? {}, appId: me.appId, request: requestInfo(req) });
    return envelope(req, r);
  });

  app.post<{ Body: Static<typeof EnrollBody> }>('/enroll-factor', { schema: { tags, summary: 'Finish enrolling with the factor\'s code; the first factor answers with data.recoveryCodes (shown once)', body: EnrollBody, response: { 200: Envelope(Type.Any()) } } }, async (req) => {
    const me = await currentUser(app, req);
    const passCode = req.body.enrollmentData.passCode;
    if (!passCode) throw new AppError('mfa.answer_required', { params: { factorType: req.body.factorType, field: 'enrollmentData.passCode' } });
    const r = await mfa().selfService.enroll(me.poolId, me.userId, { factorType: req.body.factorType, enrollmentToken: req.body.enrollmentToken, passCode, appId: me.appId, request: requestInfo(req) });
    return envelope(req, { factor: r.factor, ...(r.recoveryCodes ? { recoveryCodes: r.recoveryCodes } : {}) });
  });

  app.post<{ Body: Static<typeof FactorIdBody> }>('/reset-factor', { schema: { tags, summary: 'Remove one of the user\'s factors', body: FactorIdBody } }, async (req) => {
    const me = await currentUser(app, req);
    await mfa().factors.reset(me.poolId, me.userId, req.body.factorId, me.userId);
    return success(req);
  });

  app.get('/list-enrolled-factors', { schema: { tags, summary: 'The user\'s enrolled factors' } }, async (req) => {
    const me = await currentUser(app, req);
    return envelope(req, await mfa().factors.listEnrolled(me.poolId, me.userId));
  });

  app.get<{ Querystring: Static<typeof FactorIdBody> }>('/get-factor', { schema: { tags, summary: 'One of the user\'s factors', querystring: FactorIdBody } }, async (req) => {
    const me = await currentUser(app, req);
    return envelope(req, await mfa().factors.get(me.poolId, me.userId, req.query.factorId));
  });

  app.post<{ Body: Static<typeof TotpBody> }>('/mfa-totp-verify', { schema: { tags, summary: 'Step-up: check a TOTP code of the signed-in user (each code once; wrong codes count towards the lock)', body: TotpBody } }, async (req) => {
    const me = await currentUser(app, req);
    return envelope(req, { verified: await mfa().selfService.totpVerify(me.poolId, me.userId, { totp: req.body.totp, appId: me.appId, request: requestInfo(req) }) });
  });

  app.post<{ Body: Static<typeof VerifyBody> }>('/mfa/verify', { schema: { tags, summary: 'Answer a sign-in\'s MFA challenge (1635/1636) with its mfaToken; answers with the sign-in\'s tokens', body: VerifyBody, response: { 200: Envelope(Type.Any()) } } }, async (req) => {
    const { mfaToken, client_id, client_secret, ...input } = req.body;
    const ctx = await appContext(app, req, client_id);
    // The mfaToken is bound to the app that started the sign-in; a confidential client that sends its secret must send the right one.
    if (client_secret) await authenticateClient(app, req, ctx, { ...(client_id ? { client_id } : {}), client_secret });
    const r = await mfa().selfService.answer(ctx.poolId, ctx.appId, mfaToken, input, requestInfo(req));
    if (r.status === 'challenge') throw challengeError(r);
    if (r.kind !== 'tokens') throw new Error('API sign-in must finish with tokens');
    return envelope(req, r.tokens);
  });
}

/**
 * `POST /mfa/token/introspection` (the vendor's `verifyMfaToken`): the SDK sends no body and the
 * token as a raw `authorization` header; a form or JSON `token` works too. RFC 7662-shaped answer.
 */
export async function mfaIntrospectionRoutes(app: FastifyInstance): Promise<void> {
  // axios sends an empty POST as a form; RFC 7662 clients send `token=…` as a form too.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))));
  app.post('/mfa/token/introspection', { schema: { tags, summary: 'Whether an mfaToken is active, and for whom' } }, async (req) => {
    const ctx = await appContext(app, req);
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as { token?: unknown };
    const auth = req.headers.authorization;
    const raw = typeof body.token === 'string' ? body.token : typeof auth === 'string' ? auth.replace(/^bearer\s+/i, '') : '';
    return mfa(app).selfService.introspect(ctx.poolId, raw.trim());
  });
}
const mfa = (app: FastifyInstance) => app.gh.mfa;
