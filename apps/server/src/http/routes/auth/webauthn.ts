import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../../../errors/app-error.js';
import { challengeError } from '../../../flows/engine/challenge-error.js';
import { envelope, success } from '../../envelope.js';
import { requestInfo } from '../../request-info.js';
import { AnyObject, Envelope } from '../common.js';
import { appContext, currentUser } from './auth-context.js';

/**
 * Passkeys (docs/mfa.md "Passkeys"), the vendor AuthenticationClient's WebAuthn family:
 * registration (signed-in user), passwordless login (through the engine's `webauthn` method),
 * options for the MFA step, and the user's credentials. Vendor quirks tolerated:
 * `webAuthnRegisterFinalize` sends no body (refused with a catalogued error, not a 500), and the
 * `{credentialId}` placeholder may arrive literally (the id is then read from the body or query).
 */
const tags = ['webauthn'];
const Ticket = Type.String({ minLength: 16, maxLength: 128 });
const FinalizeRegistration = Type.Object({ ticket: Ticket, credential: AnyObject, name: Type.Optional(Type.String({ maxLength: 255 })), authenticatorCode: Type.Optional(Type.String({ maxLength: 255 })) }, { additionalProperties: false });
const FinalizeLogin = Type.Object(
  { ticket: Ticket, credential: AnyObject, options: Type.Optional(Type.Object({ scope: Type.Optional(Type.String({ maxLength: 1024 })) }, { additionalProperties: true })) },
  { additionalProperties: false },
);
const MfaVerifyInit = Type.Object({ mfaToken: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });
const Rename = Type.Object({ name: Type.String({ minLength: 1, maxLength: 255 }), credentialId: Type.Optional(Type.String({ maxLength: 1024 })) }, { additionalProperties: false });

export async function webauthnRoutes(app: FastifyInstance): Promise<void> {
  const wa = () => app.gh.mfa.webauthn;
  const credentialIdOf = (param: string, body: unknown, query: unknown) => {
    if (param !== '{credentialId}') return param;
    const v = (body as { credentialId?: unknown } | null)?.credentialId ?? (query as { credentialId?: unknown } | null)?.credentialId;
    if (typeof v !== 'string' || !v) throw new AppError('webauthn.credential_not_found');
    return v;
  };

  const registrationInit = async (req: FastifyRequest) => {
    const me = await currentUser(app, req);
    const user = await app.gh.services.users.row(me.poolId, me.userId);
    if (!user) throw new AppError('auth.not_logged_in');
    return envelope(req, await wa().registrationOptions(me.poolId, user));
  };
  app.post('/webauthn/registration/initialize', { schema: { tags, summary: 'Options to register a passkey (signed-in user): { ticket, options }' } }, registrationInit);
  app.post('/webauthn/mfa-bind/initialize', { schema: { tags, summary: 'Options to register a passkey as a second factor (same credential store)' } }, registrationInit);

  app.post<{ Body: Static<typeof FinalizeRegistration> | undefined }>('/webauthn/registration/finalize', { schema: { tags, summary: 'Register the passkey: { ticket, credential } from navigator.credentials.create', response: { 200: Envelope(Type.Any()) } } }, async (req) => {
    const me = await currentUser(app, req);
    const b = req.body as Partial<Static<typeof FinalizeRegistration>> | undefined;
    // The vendor client sends no body here: a specific refusal, never a 500.
    if (!b || typeof b.ticket !== 'string' || !b.credential || typeof b.credential !== 'object') throw new AppError('request.invalid_input', { details: [{ path: 'body', message: 'ticket and credential are required' }] });
    const cred = await wa().register(me.poolId, me.userId, { ticket: b.ticket, credential: b.credential, ...(b.name ?? b.authenticatorCode ? { name: b.name ?? b.authenticatorCode } : {}) });
    return envelope(req, cred);
  });

  app.post('/webauthn/login/initialize', { schema: { tags, summary: 'Options for a passwordless passkey sign-in: { ticket, options }' } }, async (req) => {
    const ctx = await appContext(app, req);
    return envelope(req, await wa().loginOptions(ctx.poolId));
  });

  app.post<{ Body: Static<typeof FinalizeLogin> }>('/webauthn/login/finalize', { schema: { tags, summary: 'Sign in with the passkey assertion (through the sign-in engine); the LoginTokenRespDto', body: FinalizeLogin, response: { 200: Envelope(Type.Any()) } } }, async (req) => {
    const ctx = await appContext(app, req);
    const r = await app.gh.engine.signIn({
      poolId: ctx.poolId,
      appId: ctx.appId,
      method: 'webauthn',
      input: { ticket: req.body.ticket, credential: req.body.credential },
      inputPath: 'body',
      request: requestInfo(req),
      protocol: 'api',
      target: { kind: 'tokens', scope: req.body.options?.scope as string | undefined },
    });
    if (r.status === 'challenge') throw challengeError(r);
    if (r.kind !== 'tokens') throw new Error('API sign-in must finish with tokens');
    return envelope(req, r.tokens);
  });

  app.post<{ Body: Static<typeof MfaVerifyInit> }>('/webauthn/mfa-verify/initialize', { schema: { tags, summary: 'Options for a passkey as the second factor of a waiting sign-in (its mfaToken)', body: MfaVerifyInit } }, async (req) => {
    const ctx = await appContext(app, req);
    const r = await app.gh.mfa.selfService.answer(ctx.poolId, ctx.appId, req.body.mfaToken, { action: 'webauthn-options', factorType: 'WEBAUTHN' }, requestInfo(req));
    if (r.status !== 'challenge') throw new AppError('flow.step_mismatch');
    return envelope(req, { options: r.data.webauthn, mfaToken: req.body.mfaToken });
  });

  app.get('/webauthn/credentials', { schema: { tags, summary: 'The signed-in user\'s passkeys' } }, async (req) => {
    const me = await currentUser(app, req);
    return envelope(req, await wa().list(me.poolId, me.userId));
  });

  app.put<{ Params: { credentialId: string }; Body: Static<typeof Rename> }>('/webauthn/credentials/:credentialId', { schema: { tags, summary: 'Rename a passkey', body: Rename } }, async (req) => {
    const me = await currentUser(app, req);
    await wa().rename(me.poolId, me.userId, credentialIdOf(req.params.credentialId, req.body, req.query), req.body.name);
    return success(req);
  });

  app.delete<{ Params: { credentialId: string } }>('/webauthn/credentials/:credentialId', { schema: { tags, summary: 'Remove a passkey' } }, async (req) => {
    const me = await currentUser(app, req);
    await wa().remove(me.poolId, me.userId, credentialIdOf(req.params.credentialId, req.body, req.query));
    return success(req);
  });
}
