import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../../../errors/app-error.js';
import { envelope } from '../../envelope.js';
import { SIGNUP_PROFILE_FIELDS } from '../../../flows/registration.js';
import { AnyObject, Envelope, PasswordEncryptType } from '../common.js';
import { appContext, authenticateClient, clientIp, currentUser, tokenService } from './auth-context.js';
import { passcodeSignUp } from './passcode-signup.js';
import { challengeError } from '../../../flows/engine/challenge-error.js';
import { requestInfo } from '../../request-info.js';

/**
 * The authentication API (issue #4) under /api/v3 — not signed: callers are end users and
 * apps identified by `x-authing-app-id`. Paths and shapes follow the vendor AuthenticationClient.
 */
const SignInOptions = Type.Object(
  {
    scope: Type.Optional(Type.String({ maxLength: 1024 })),
    clientIp: Type.Optional(Type.String({ maxLength: 64 })),
    context: Type.Optional(AnyObject),
    tenantId: Type.Optional(Type.String({ maxLength: 128 })),
    customData: Type.Optional(AnyObject),
    autoRegister: Type.Optional(Type.Boolean()),
    captchaCode: Type.Optional(Type.String({ maxLength: 32 })),
    captchaToken: Type.Optional(Type.String({ maxLength: 128 })),
    passwordEncryptType: Type.Optional(PasswordEncryptType),
  },
  { additionalProperties: false },
);

/** The vendor's payload fields (SignInByCredentialsDto), plus those of any other registered method. */
const VENDOR_PAYLOADS = ['passwordPayload', 'passCodePayload', 'adPayload', 'ldapPayload'];
const signInBody = (payloadFields: string[]) =>
  Type.Object(
    {
      connection: Type.String({ minLength: 1, maxLength: 32 }),
      // Each payload is validated by the login method the connection names (login-methods/*/schema.ts).
      ...Object.fromEntries([...new Set([...VENDOR_PAYLOADS, ...payloadFields])].map((f) => [f, Type.Optional(AnyObject)])),
      options: Type.Optional(SignInOptions),
      client_id: Type.Optional(Type.String({ maxLength: 128 })),
      client_secret: Type.Optional(Type.String({ maxLength: 512 })),
    },
    { additionalProperties: false },
  );
type SignInBodyShape = { connection: string; options?: Static<typeof SignInOptions>; client_id?: string; client_secret?: string } & Record<string, unknown>;

const profileProps = Object.fromEntries(
  SIGNUP_PROFILE_FIELDS.map((f) => [f, f === 'customData' ? Type.Optional(AnyObject) : f === 'gender' ? Type.Optional(Type.Union([Type.Literal('M'), Type.Literal('F'), Type.Literal('U')])) : Type.Optional(Type.String({ maxLength: 2048 }))]),
);
const SignUpBody = Type.Object(
  {
    connection: Type.String({ minLength: 1, maxLength: 32 }),
    passwordPayload: Type.Optional(
      Type.Object(
        { password: Type.String({ minLength: 1, maxLength: 4096 }), email: Type.Optional(Type.String({ format: 'email', maxLength: 320 })), username: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) },
        { additionalProperties: false },
      ),
    ),
    passCodePayload: Type.Optional(AnyObject),
    profile: Type.Optional(Type.Object(profileProps, { additionalProperties: false })),
    options: Type.Optional(
      Type.Object(
        {
          clientIp: Type.Optional(Type.String({ maxLength: 64 })),
          context: Type.Optional(AnyObject),
          passwordEncryptType: Type.Optional(PasswordEncryptType),
          phonePassCodeForInformationCompletion: Type.Optional(Type.String({ maxLength: 16 })),
          emailPassCodeForInformationCompletion: Type.Optional(Type.String({ maxLength: 16 })),
          passwordForPhonePassCode: Type.Optional(Type.String({ maxLength: 4096 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

const UpdateProfileBody = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 255 })),
    nickname: Type.Optional(Type.String({ maxLength: 255 })),
    photo: Type.Optional(Type.String({ maxLength: 2048 })),
    externalId: Type.Optional(Type.String({ maxLength: 255 })),
    birthdate: Type.Optional(Type.String({ maxLength: 64 })),
    country: Type.Optional(Type.String({ maxLength: 255 })),
    province: Type.Optional(Type.String({ maxLength: 255 })),
    city: Type.Optional(Type.String({ maxLength: 255 })),
    address: Type.Optional(Type.String({ maxLength: 1024 })),
    streetAddress: Type.Optional(Type.String({ maxLength: 1024 })),
    postalCode: Type.Optional(Type.String({ maxLength: 64 })),
    gender: Type.Optional(Type.Union([Type.Literal('M'), Type.Literal('F'), Type.Literal('U')])),
    username: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    company: Type.Optional(Type.String({ maxLength: 255 })),
    customData: Type.Optional(AnyObject),
    identityNumber: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

const UpdatePasswordBody = Type.Object(
  {
    newPassword: Type.String({ minLength: 1, maxLength: 4096 }),
    oldPassword: Type.Optional(Type.String({ maxLength: 4096 })),
    passwordEncryptType: Type.Optional(PasswordEncryptType),
    passwordResetToken: Type.Optional(Type.String({ maxLength: 512 })),
    /** Gatehouse extension: revoke every session and refresh token of the user (default true). */
    revokeOtherSessions: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const LoginHistoryQuery = Type.Object({
  appId: Type.Optional(Type.String({ maxLength: 128 })),
  clientIp: Type.Optional(Type.String({ maxLength: 64 })),
  success: Type.Optional(Type.Boolean()),
  start: Type.Optional(Type.Integer({ minimum: 0 })),
  end: Type.Optional(Type.Integer({ minimum: 0 })),
  page: Type.Integer({ minimum: 1, default: 1 }),
  limit: Type.Integer({ minimum: 1, maximum: 50, default: 10 }),
});

const ProfileQuery = Type.Object({
  withCustomData: Type.Optional(Type.Boolean()),
  withIdentities: Type.Optional(Type.Boolean()),
  withDepartmentIds: Type.Optional(Type.Boolean()),
});

const tags = ['authentication'];

export async function authenticationRoutes(app: FastifyInstance): Promise<void> {
  const { authn, services } = app.gh;

  const SignInBody = signInBody(app.gh.loginMethods.all().flatMap((m) => (m.connection ? [m.connection.payloadField] : [])));
  app.post<{ Body: SignInBodyShape }>(
    '/signin',
    { schema: { tags, summary: 'Sign in (signInByCredentials); the connection names the login method (PASSWORD, PASSCODE …)', body: SignInBody, response: { 200: Envelope(Type.Any()) } } },
    async (req) => {
      const body = req.body;
      const ctx = await appContext(app, req, body.client_id);
      const trusted = await authenticateClient(app, req, ctx, body);
      const method = app.gh.loginMethods.byConnection(body.connection);
      if (!method?.connection) throw new AppError('auth.unsupported_connection', { params: { connection: body.connection, supported: app.gh.loginMethods.connections().join(', ') } });
      const o = body.options ?? {};
      if (o.tenantId) throw new AppError('request.unsupported_field', { params: { field: 'options.tenantId' } });
      const field = method.connection.payloadField;
      const payload = await withDecryptedPassword(app, ctx.poolId, o.passwordEncryptType, body[field]);
      const r = await app.gh.engine.signIn({
        poolId: ctx.poolId,
        appId: ctx.appId,
        method: method.id,
        input: payload,
        inputPath: `body/${field}`,
        request: requestInfo(req, clientIp(req, trusted, o.clientIp)),
        protocol: 'api',
        options: {
          autoRegister: o.autoRegister,
          customData: o.customData,
          context: o.context,
          ...(o.captchaCode || o.captchaToken ? { captcha: { code: o.captchaCode, token: o.captchaToken } } : {}),
        },
        target: { kind: 'tokens', scope: o.scope },
      });
      if (r.status === 'challenge') throw challengeError(r);
      if (r.kind !== 'tokens') throw new Error('API sign-in must finish with tokens');
      return envelope(req, r.tokens);
    },
  );

  const ContinueBody = Type.Object(
    {
      flowToken: Type.String({ minLength: 32, maxLength: 64 }),
      step: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      input: Type.Optional(AnyObject),
      client_id: Type.Optional(Type.String({ maxLength: 128 })),
      client_secret: Type.Optional(Type.String({ maxLength: 512 })),
    },
    { additionalProperties: false },
  );
  app.post<{ Body: Static<typeof ContinueBody> }>(
    '/continue-signin',
    { schema: { tags, summary: 'Answer the step a sign-in waits for (Gatehouse extension; the flowToken of the step\'s error)', body: ContinueBody, response: { 200: Envelope(Type.Any()) } } },
    async (req) => {
      const ctx = await appContext(app, req, req.body.client_id);
      await authenticateClient(app, req, ctx, req.body);
      const r = await app.gh.engine.continue(ctx.poolId, req.body.flowToken, { step: req.body.step, input: req.body.input ?? {}, appId: ctx.appId, request: requestInfo(req), finishes: ['tokens'] });
      if (r.status === 'challenge') throw challengeError(r);
      if (r.kind !== 'tokens') throw new Error('API sign-in must finish with tokens');
      return envelope(req, r.tokens);
    },
  );

  app.post<{ Body: Static<typeof SignUpBody> }>(
    '/signup',
    { schema: { tags, summary: 'Register (signUp); connection PASSWORD or PASSCODE', body: SignUpBody, response: { 200: Envelope(Type.Any()) } } },
    async (req) => {
      const body = req.body;
      const ctx = await appContext(app, req);
      // Issue #5: sign-up with an SMS / email code.
      if (body.connection === 'PASSCODE') return passcodeSignUp(app, req, ctx, body);
      if (body.connection !== 'PASSWORD') throw new AppError('auth.unsupported_connection', { params: { connection: body.connection, supported: 'PASSWORD, PASSCODE' } });
      const p = body.passwordPayload;
      if (!p || (!p.email && !p.username)) throw new AppError('auth.payload_required');
      const o = body.options ?? {};
      const password = await authn.encryption.decrypt(ctx.poolId, o.passwordEncryptType, p.password);
      const user = await app.gh.engine.register({
        poolId: ctx.poolId,
        appId: ctx.appId,
        input: { password, ...(p.email ? { email: p.email } : {}), ...(p.username ? { username: p.username } : {}), ...(body.profile ? { profile: body.profile } : {}) },
        registerMethod: 'EMAIL_PASSWORD',
        via: 'signup',
        request: requestInfo(req),
      });
      return envelope(req, user);
    },
  );

  app.get('/get-captcha-code', { schema: { tags, summary: 'Graphic captcha and its token (valid 5 minutes, single use)' } }, async (req) => {
    const ctx = await appContext(app, req);
    const c = await authn.captcha.generate(ctx.poolId);
    return envelope(req, { captchaCodeSvg: c.svg, captchaToken: c.token, captchaCodeBase64: `data:image/svg+xml;base64,${c.base64}` });
  });

  app.get('/system', { schema: { tags, summary: 'Public server information: RSA and SM2 public keys for password encryption' } }, async (req) => {
    const ctx = await appContext(app, req);
    const keys = await authn.encryption.publicKeys(ctx.poolId);
    return envelope(req, { rsa: { publicKey: keys.rsa }, sm2: { publicKey: keys.sm2 }, version: { server: '0.1.0' }, publicIps: [] });
  });

  app.get<{ Querystring: Static<typeof ProfileQuery> }>('/get-profile', { schema: { tags, summary: 'The signed-in user', querystring: ProfileQuery } }, async (req) => {
    const me = await currentUser(app, req);
    const row = await services.users.row(me.poolId, me.userId);
    if (!row) throw new AppError('auth.not_logged_in');
    const [dto] = await services.userDtos([row], { withCustomData: req.query.withCustomData ?? false, withIdentities: req.query.withIdentities ?? false, withDepartmentIds: req.query.withDepartmentIds ?? false });
    return envelope(req, dto);
  });

  app.post<{ Body: Static<typeof UpdateProfileBody> }>('/update-profile', { schema: { tags, summary: 'Update the signed-in user', body: UpdateProfileBody } }, async (req) => {
    const me = await currentUser(app, req);
    // Custom data: only the fields marked userEditable, checked and (unique ones) claimed in the database (docs/custom-fields.md).
    const { customData, ...rest } = req.body as Record<string, unknown> & { customData?: Record<string, unknown> };
    if (customData && Object.keys(customData).length > 0) await services.customFields.setOwnData(me.poolId, me.userId, customData);
    const user = await services.users.update(me.poolId, { userId: me.userId, ...rest });
    return envelope(req, user);
  });

  app.post<{ Body: Static<typeof UpdatePasswordBody> }>('/update-password', { schema: { tags, summary: 'Change the signed-in user\'s password', body: UpdatePasswordBody } }, async (req) => {
    const me = await currentUser(app, req);
    const b = req.body;
    if (b.passwordResetToken) throw new AppError('request.unsupported_field', { params: { field: 'passwordResetToken' } });
    const newPassword = await authn.encryption.decrypt(me.poolId, b.passwordEncryptType, b.newPassword);
    const oldPassword = b.oldPassword ? await authn.encryption.decrypt(me.poolId, b.passwordEncryptType, b.oldPassword) : undefined;
    await app.gh.changePassword(me.poolId, me.userId, { oldPassword, newPassword, revokeOtherSessions: b.revokeOtherSessions }, requestInfo(req));
    return envelope(req, { success: true });
  });

  app.get<{ Querystring: Static<typeof LoginHistoryQuery> }>(
    '/get-my-login-history',
    { schema: { tags, summary: 'The signed-in user\'s login history', querystring: LoginHistoryQuery } },
    async (req) => {
      const me = await currentUser(app, req);
      const q = req.query;
      return envelope(req, await authn.history.list(me.poolId, { userId: me.userId, ...q }));
    },
  );
}

/**
 * The vendor's `options.passwordEncryptType`: a payload's `password` encrypted with the pool's RSA
 * or SM2 public key (from /api/v3/system) is decrypted before the login method sees it.
 */
async function withDecryptedPassword(app: FastifyInstance, poolId: string, type: 'none' | 'rsa' | 'sm2' | undefined, payload: unknown): Promise<unknown> {
  if (!type || type === 'none' || !payload || typeof payload !== 'object') return payload;
  const p = payload as Record<string, unknown>;
  if (typeof p.password !== 'string') return payload;
  return { ...p, password: await app.gh.authn.encryption.decrypt(poolId, type, p.password) };
}
