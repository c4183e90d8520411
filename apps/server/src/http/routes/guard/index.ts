import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../../../errors/app-error.js';
import { challengeError } from '../../../flows/engine/challenge-error.js';
import { requestInfo } from '../../request-info.js';
import { AnyObject } from '../common.js';
import { appContext, type AppContext } from '../auth/auth-context.js';
import { messageLang } from '../auth/passcodes.js';
import { answerPreflight, checkOrigin } from './cors.js';
import { guardPublicConfig } from './public-config.js';
import { toGuardUser } from './user-v2.js';
import { guardGraphqlRoutes } from './graphql.js';
import { bearerToken } from '../../plugins/credentials.js';
import { renderMessage } from '@gatehouse/contracts';
import type { SignInResult } from '../../../flows/engine/types.js';
import { PROFILE_STEP } from '../../../flows/profile/step.js';
import { countryList } from './countries.js';
import { GUARD_ACTIONS, guardChallenge, guardFlowEnd, valuesOf } from './complete-info.js';

/**
 * The Authing Guard surface (`@authing/guard` 5, which bundles authing-js-sdk v4): the public
 * configuration it loads first and the sign-in paths it takes first — password, SMS code and
 * email code — so a Guard front end can point its `host` at Gatehouse and keep working.
 * Everything goes through the same engine as `/api/v3/signin` (lockout, captcha, MFA, user
 * scripts, events, tokens). A sign-in that waits for profile completion answers in Guard's shape
 * and is continued by Guard's `POST /interaction/authFlow` (complete-info.ts). What Guard reaches beyond these paths (its GraphQL operations,
 * tenants, face MFA) answers "not found"; docs/login-ui.md lists what works.
 *
 * Answers use the v2 envelope Guard reads: `{ code: 200, message, data }`; errors keep HTTP 200
 * with `code` = the catalogued apiCode (see plugins/errors.ts).
 *
 * Guard is a browser client and has no client secret, so these paths serve only applications
 * whose token endpoint authentication is `none` (public clients, RFC 6749 §2.1); others get
 * `auth.invalid_client`, as on `/api/v3/signin` without a secret.
 */
const v2 = { envelope: 'v2' as const };
const GUARD_SPRITE = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"></svg>';
const ok = <T>(data: T) => ({ code: 200, statusCode: 200, message: '', data });

const LoginAccountBody = Type.Object(
  {
    account: Type.String({ minLength: 1, maxLength: 320 }),
    password: Type.String({ minLength: 1, maxLength: 4096 }),
    captchaCode: Type.Optional(Type.String({ maxLength: 32 })),
    customData: Type.Optional(Type.Union([AnyObject, Type.Null()])),
    autoRegister: Type.Optional(Type.Boolean()),
    withCustomData: Type.Optional(Type.Boolean()),
    agreementIds: Type.Optional(Type.Array(Type.Union([Type.Integer(), Type.String({ maxLength: 64 })]), { maxItems: 20 })),
  },
  { additionalProperties: true },
);
const LoginCodeBody = Type.Object(
  {
    phone: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    email: Type.Optional(Type.String({ minLength: 3, maxLength: 320 })),
    code: Type.String({ minLength: 1, maxLength: 16 }),
    phoneCountryCode: Type.Optional(Type.String({ maxLength: 8 })),
    customData: Type.Optional(Type.Union([AnyObject, Type.Null()])),
    autoRegister: Type.Optional(Type.Boolean()),
    withCustomData: Type.Optional(Type.Boolean()),
    agreementIds: Type.Optional(Type.Array(Type.Union([Type.Integer(), Type.String({ maxLength: 64 })]), { maxItems: 20 })),
  },
  { additionalProperties: true },
);
const SendSmsBody = Type.Object(
  { phone: Type.String({ minLength: 1, maxLength: 32 }), phoneCountryCode: Type.Optional(Type.String({ maxLength: 8 })), scene: Type.Optional(Type.String({ maxLength: 64 })), captchaCode: Type.Optional(Type.String({ maxLength: 32 })) },
  { additionalProperties: true },
);
/** Guard's `authFlow` call (its HTTP client: `{ action, data, flowHandle }`). */
const AuthFlowBody = Type.Object(
  {
    action: Type.String({ minLength: 1, maxLength: 64 }),
    data: Type.Optional(Type.Union([AnyObject, Type.Null()])),
    flowHandle: Type.Optional(Type.Union([Type.String({ maxLength: 128 }), Type.Null()])),
  },
  { additionalProperties: true },
);
const SendEmailBody = Type.Object({ email: Type.String({ minLength: 3, maxLength: 320 }), scene: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: true });

/** Guard's message scenes → Gatehouse channels; a scene Gatehouse does not serve is refused, not guessed. */
const SMS_SCENES: Record<string, 'CHANNEL_LOGIN' | 'CHANNEL_REGISTER' | 'CHANNEL_RESET_PASSWORD'> = {
  login: 'CHANNEL_LOGIN',
  LOGIN_VERIFY_CODE: 'CHANNEL_LOGIN',
  register: 'CHANNEL_REGISTER',
  REGISTER_VERIFY_CODE: 'CHANNEL_REGISTER',
  reset: 'CHANNEL_RESET_PASSWORD',
  RESET_PASSWORD_VERIFY_CODE: 'CHANNEL_RESET_PASSWORD',
};

export async function guardCompatRoutes(app: FastifyInstance): Promise<void> {
  const self = new URL(app.gh.config.publicUrl).origin;
  const { services } = app.gh;

  /** The app of the call (`x-authing-app-id`), checked for the caller's origin and for being a public client. */
  async function guardApp(req: FastifyRequest, reply: FastifyReply, appId?: string): Promise<AppContext> {
    const ctx = appId ? await located(appId) : await appContext(app, req);
    const a = await services.applications.get(ctx.poolId, ctx.appId);
    checkOrigin(req, reply, a, self);
    return ctx;
  }
  async function located(appId: string): Promise<AppContext> {
    const found = await services.applications.locate(appId);
    if (!found) throw new AppError('application.not_found');
    return { poolId: found.poolId, appId: found.appId, authMethod: found.tokenEndpointAuthMethod };
  }
  const publicClient = (ctx: AppContext) => {
    if (ctx.authMethod !== 'none') throw new AppError('auth.invalid_client', { params: { method: ctx.authMethod } });
  };

  for (const path of ['/api/v2/logout', '/api/v2/applications/:appId/public-config', '/api/v2/applications/:appId/components-public-config/guard', '/api/v2/login/account', '/api/v2/login/phone-code', '/api/v2/login/email-code', '/api/v2/sms/send', '/api/v2/email/send', '/graphql/v2', '/interaction/authFlow', '/api/v2/country-list']) {
    app.options(path, { config: v2, schema: { hide: true } }, answerPreflight);
  }

  // Guard loads an SVG icon sprite from `<cdnBase>/svg-string/guard` before it renders (and
  // waits for it). Gatehouse serves a sprite of its own (public, any origin may read it): Guard's
  // icons are the vendor's artwork, not shipped here, so the few it draws are left blank.
  app.get('/guard-assets/svg-string/guard', { schema: { hide: true } }, async (_req, reply) => {
    reply.header('access-control-allow-origin', '*');
    reply.header('cache-control', 'public, max-age=86400');
    reply.type('image/svg+xml; charset=utf-8');
    return GUARD_SPRITE;
  });

  await app.register(guardGraphqlRoutes, { onOrigin: async (req, reply) => void (await guardApp(req, reply)) });

  app.get<{ Params: { appId: string } }>('/api/v2/applications/:appId/public-config', { config: v2, schema: { tags: ['guard'], summary: 'Authing Guard: the application public configuration' } }, async (req, reply) => {
    const ctx = await guardApp(req, reply, req.params.appId);
    const [a, ui, keys, messaging] = await Promise.all([
      services.applications.get(ctx.poolId, ctx.appId),
      app.gh.loginUi.config(ctx.poolId, ctx.appId),
      app.gh.authn.encryption.publicKeys(ctx.poolId),
      app.gh.passcodes.settings.get(ctx.poolId),
    ]);
    return ok(guardPublicConfig({ app: a, ui, rsaPublicKey: keys.rsa, codeLength: messaging.codeLength, publicUrl: app.gh.config.publicUrl, cdnBase: `${app.gh.config.publicUrl.replace(/\/$/, '')}/guard-assets` }));
  });

  // Guard's component settings (its console-side layout options): only the default language
  // comes from Gatehouse (the app's branding); everything else keeps Guard's defaults.
  app.get<{ Params: { appId: string } }>('/api/v2/applications/:appId/components-public-config/guard', { config: v2, schema: { tags: ['guard'], summary: 'Authing Guard: component settings (Guard defaults)' } }, async (req, reply) => {
    const ctx = await guardApp(req, reply, req.params.appId);
    const b = await app.gh.branding.resolve(ctx.poolId, ctx.appId);
    return ok({ global: { defaultLanguage: b.defaultLanguage ?? 'browser' } });
  });

  /** One engine sign-in for Guard, mapped to the v2 user. */
  async function signIn(req: FastifyRequest, ctx: AppContext, method: 'password' | 'passcode', input: Record<string, unknown>, o: { autoRegister?: boolean | undefined; customData?: Record<string, unknown> | null | undefined; captchaCode?: string | undefined }) {
    publicClient(ctx);
    const r = await app.gh.engine.signIn({
      poolId: ctx.poolId,
      appId: ctx.appId,
      method,
      input,
      inputPath: 'body',
      request: requestInfo(req),
      protocol: 'api',
      options: {
        autoRegister: o.autoRegister,
        ...(o.customData ? { customData: o.customData } : {}),
        ...(o.captchaCode ? { captcha: { code: o.captchaCode } } : {}),
      },
      target: { kind: 'tokens' },
    });
    return answer(req, ctx, r, 'login');
  }

  /**
   * The engine's result for Guard: tokens as the v2 user (`ok` after a sign-in, Guard's flow end
   * after an `authFlow` answer); profile completion in Guard's shape; any other step as its error.
   */
  async function answer(req: FastifyRequest, ctx: AppContext, r: SignInResult, after: 'login' | 'authFlow') {
    if (r.status === 'challenge') {
      const lang = req.headers['x-authing-lang'];
      const g = guardChallenge(r, typeof lang === 'string' ? lang : req.headers['accept-language'], renderMessage('profile.completion_required', req.lang));
      if (g) return g;
      throw challengeError(r);
    }
    if (r.kind !== 'tokens') throw new Error('API sign-in must finish with tokens');
    const user = toGuardUser(await services.users.get(ctx.poolId, { userId: r.userId, withCustomData: true }), r.tokens, ctx.poolId);
    return after === 'login' ? ok(user) : guardFlowEnd(user);
  }

  // The countries Guard's completion form offers for a field named `country` (ISO codes, en and zh names).
  app.get('/api/v2/country-list', { config: v2, schema: { tags: ['guard'], summary: 'Authing Guard: country names for its completion form' } }, async (req, reply) => {
    await guardApp(req, reply);
    return ok(countryList());
  });

  // Guard's answer to a step of a waiting sign-in (the flow handle is the engine's flow token,
  // bound to this app and to a token finish). Only profile completion is served: `skip-completion`
  // is an answer without values, so it passes only when no asked field is required.
  app.post<{ Body: Static<typeof AuthFlowBody> }>('/interaction/authFlow', { config: v2, schema: { tags: ['guard'], summary: 'Authing Guard: answer the profile completion of a waiting sign-in', body: AuthFlowBody } }, async (req, reply) => {
    const ctx = await guardApp(req, reply);
    publicClient(ctx);
    const b = req.body;
    let values: Record<string, unknown>;
    if (b.action === GUARD_ACTIONS.complete) values = valuesOf(b.data);
    else if (b.action === GUARD_ACTIONS.skip) values = {};
    else throw new AppError('login.guard_action_unsupported', { params: { action: b.action } });
    const r = await app.gh.engine.continue(ctx.poolId, b.flowHandle ?? '', { step: PROFILE_STEP, input: { values }, appId: ctx.appId, request: requestInfo(req), finishes: ['tokens'] });
    return answer(req, ctx, r, 'authFlow');
  });

  // authing-js-sdk v4 `logout()` (Guard's too): the user's access token ends every session and token of the user.
  for (const method of ['GET', 'POST'] as const) {
    app.route<{ Querystring: { app_id?: string } }>({
      method,
      url: '/api/v2/logout',
      config: v2,
      schema: { tags: ['guard'], summary: 'authing-js-sdk logout: ends every session and token of the signed-in user', querystring: Type.Object({ app_id: Type.Optional(Type.String({ maxLength: 128 })) }, { additionalProperties: true }) },
      handler: async (req, reply) => {
        const ctx = await guardApp(req, reply, req.query.app_id || undefined);
        await app.gh.apiLogout(ctx.poolId, ctx.appId, bearerToken(req), requestInfo(req));
        return ok(null);
      },
    });
  }

  app.post<{ Body: Static<typeof LoginAccountBody> }>('/api/v2/login/account', { config: v2, schema: { tags: ['guard'], summary: 'Authing Guard: sign in by account and (RSA-encrypted) password', body: LoginAccountBody } }, async (req, reply) => {
    const ctx = await guardApp(req, reply);
    const b = req.body;
    // Guard always encrypts the password with the public-config key (jsencrypt, PKCS#1 v1.5).
    const password = await app.gh.authn.encryption.decrypt(ctx.poolId, 'rsa', b.password);
    return signIn(req, ctx, 'password', { account: b.account, password }, b);
  });

  for (const [path, field] of [['/api/v2/login/phone-code', 'phone'], ['/api/v2/login/email-code', 'email']] as const) {
    app.post<{ Body: Static<typeof LoginCodeBody> }>(path, { config: v2, schema: { tags: ['guard'], summary: `Authing Guard: sign in by ${field} code`, body: LoginCodeBody } }, async (req, reply) => {
      const ctx = await guardApp(req, reply);
      const b = req.body;
      const to = b[field];
      if (!to) throw new AppError('request.invalid_input', { details: [{ path: `body/${field}`, message: 'is required' }] });
      const input = field === 'phone' ? { phone: to, passCode: b.code, ...(b.phoneCountryCode ? { phoneCountryCode: b.phoneCountryCode } : {}) } : { email: to, passCode: b.code };
      return signIn(req, ctx, 'passcode', input, b);
    });
  }

  const scene = (s: string | undefined) => {
    const channel = SMS_SCENES[s ?? 'login'];
    if (!channel) throw new AppError('request.invalid_input', { details: [{ path: 'body/scene', message: `is not one Gatehouse sends codes for (${Object.keys(SMS_SCENES).join(', ')})` }] });
    return channel;
  };
  const who = (req: FastifyRequest, ctx: AppContext, captchaCode?: string) => {
    const lang = messageLang(req);
    return { ip: req.ip, appId: ctx.appId, requestId: req.id, ...(lang ? { lang } : {}), ...(captchaCode ? { captchaCode } : {}) };
  };

  app.post<{ Body: Static<typeof SendSmsBody> }>('/api/v2/sms/send', { config: v2, schema: { tags: ['guard'], summary: 'Authing Guard: send an SMS code', body: SendSmsBody } }, async (req, reply) => {
    const ctx = await guardApp(req, reply);
    const b = req.body;
    await app.gh.passcodes.send(ctx.poolId, { kind: 'sms', channel: scene(b.scene), phoneNumber: b.phone, ...(b.phoneCountryCode ? { phoneCountryCode: b.phoneCountryCode } : {}) }, who(req, ctx, b.captchaCode));
    return ok(null);
  });

  app.post<{ Body: Static<typeof SendEmailBody> }>('/api/v2/email/send', { config: v2, schema: { tags: ['guard'], summary: 'Authing Guard: send an email code', body: SendEmailBody } }, async (req, reply) => {
    const ctx = await guardApp(req, reply);
    const b = req.body;
    await app.gh.passcodes.send(ctx.poolId, { kind: 'email', channel: scene(b.scene), email: b.email }, who(req, ctx));
    return ok(null);
  });
}
