import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { envelope, success } from '../../envelope.js';
import { managementPool } from '../../plugins/request-signing.js';
import { AppError } from '../../../errors/app-error.js';
import { normaliseBase32Secret } from '../../../services/mfa/totp.js';
import { USER_ID_TYPES } from '../../../services/users.js';
import { mgmtSecurity } from '../common.js';
import { managementActor } from './event-context.js';

/**
 * MFA settings of applications and of the pool (signed management API, vendor ManagementClient
 * paths): updateApplicationMfaSettings, getGlobalMfaSettings, updateGlobalMfaSettings,
 * closeGlobalMfaSettings. Gatehouse adds `mode` (off | optional | required) and
 * `rememberDeviceDays`, and on the pool `allowOtpExport` (docs/mfa.md).
 */
const tags = ['mfa-admin'];
const Factor = Type.String({ minLength: 1, maxLength: 16 });
const Mode = Type.Union([Type.Literal('off'), Type.Literal('optional'), Type.Literal('required')]);
const AppBody = Type.Object(
  {
    appId: Type.String({ minLength: 1, maxLength: 64 }),
    enabledFactors: Type.Optional(Type.Array(Factor, { maxItems: 8 })),
    disabledFactors: Type.Optional(Type.Array(Factor, { maxItems: 8 })),
    mode: Type.Optional(Mode),
    rememberDeviceDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 365 })),
  },
  { additionalProperties: false },
);
const GlobalBody = Type.Object(
  { enabledFactors: Type.Array(Factor, { maxItems: 8 }), mode: Type.Optional(Mode), rememberDeviceDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 365 })), allowOtpExport: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
const DisableBody = Type.Object({ disableFactors: Type.Array(Factor, { maxItems: 8 }) }, { additionalProperties: false });
const UserQuery = Type.Object({ userId: Type.String({ minLength: 1, maxLength: 320 }), userIdType: Type.Optional(Type.Union(USER_ID_TYPES.map((t) => Type.Literal(t)))) }, { additionalProperties: false });
const ImportOtpBody = Type.Object(
  {
    list: Type.Array(
      Type.Object({ userId: Type.String({ minLength: 1, maxLength: 64 }), otp: Type.Object({ secret: Type.String({ minLength: 1, maxLength: 256 }), recoveryCode: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: false }) }, { additionalProperties: false }),
      { minItems: 1, maxItems: 100 },
    ),
  },
  { additionalProperties: false },
);
const ResetUserBody = Type.Object({ userId: Type.String({ minLength: 1, maxLength: 320 }), userIdType: Type.Optional(Type.Union(USER_ID_TYPES.map((t) => Type.Literal(t)))) }, { additionalProperties: false });
const Entry = Type.Object({ mfaPolicy: Type.String({ minLength: 1, maxLength: 16 }), status: Type.Union([Type.Literal(0), Type.Literal(1)]), sort: Type.Integer({ minimum: 0, maximum: 100 }) }, { additionalProperties: false });
const Opt = (t: ReturnType<typeof Type.String>) => Type.Optional(t);
const TriggerData = Type.Object(
  {
    applicationMfa: Type.Array(Entry, { maxItems: 8 }),
    mode: Type.Optional(Mode),
    // Read back from getUserMfaStatus; informational (services/mfa/user-status.ts says which are checked).
    mfaToken: Opt(Type.String({ maxLength: 512 })),
    mfaPhone: Opt(Type.String({ maxLength: 32 })),
    mfaPhoneCountryCode: Opt(Type.String({ maxLength: 8 })),
    mfaEmail: Opt(Type.String({ maxLength: 320 })),
    nickname: Opt(Type.String({ maxLength: 255 })),
    username: Opt(Type.String({ maxLength: 255 })),
    phone: Opt(Type.String({ maxLength: 32 })),
    phoneCountryCode: Opt(Type.String({ maxLength: 8 })),
    faceMfaEnabled: Type.Optional(Type.Boolean()),
    totpMfaEnabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const SetStatusBody = Type.Object({ userId: Type.String({ minLength: 1, maxLength: 320 }), userIdType: Type.Optional(Type.Union(USER_ID_TYPES.map((t) => Type.Literal(t)))), mfaTriggerData: TriggerData }, { additionalProperties: false });
const TriggerQuery = Type.Object({ appId: Type.String({ minLength: 1, maxLength: 64 }), userId: Type.String({ minLength: 1, maxLength: 320 }), userIdType: Type.Optional(Type.Union(USER_ID_TYPES.map((t) => Type.Literal(t)))) }, { additionalProperties: false });
const view = (p: { mode: string; factors: string[]; rememberDeviceDays: number; allowOtpExport?: boolean }) => ({ enabledFactors: p.factors, mode: p.mode, rememberDeviceDays: p.rememberDeviceDays, ...(p.allowOtpExport !== undefined ? { allowOtpExport: p.allowOtpExport } : {}) });

export async function mfaAdminRoutes(app: FastifyInstance): Promise<void> {
  const { mfa, services } = app.gh;

  app.post<{ Body: Static<typeof AppBody> }>('/update-application-mfa-settings', { schema: { tags, security: mgmtSecurity, summary: 'Enable or disable MFA factors of an application (enabling makes it optional; mode required on top)', body: AppBody } }, async (req) => {
    const poolId = managementPool(req);
    await services.applications.get(poolId, req.body.appId); // application.not_found
    const before = await mfa.policies.get(poolId, req.body.appId);
    const p = await mfa.policies.update(poolId, req.body.appId, { enabledFactors: req.body.enabledFactors, disabledFactors: req.body.disabledFactors, mode: req.body.mode, rememberDeviceDays: req.body.rememberDeviceDays });
    if ((before.mode === 'off') !== (p.mode === 'off')) await services.events.emit(p.mode === 'off' ? 'application:mfa:disabled' : 'application:mfa:enabled', { ...managementActor(req), subject: req.body.appId, data: { appId: req.body.appId, factors: p.factors, mode: p.mode } });
    await services.events.emit('application:updated', { ...managementActor(req), subject: req.body.appId, data: { appId: req.body.appId, fields: ['mfa'] } });
    return envelope(req, view(p));
  });

  app.get<{ Querystring: { appId: string } }>('/get-application-mfa-settings', { schema: { tags, security: mgmtSecurity, summary: 'Gatehouse: the MFA settings of an application', querystring: Type.Object({ appId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }) } }, async (req) => {
    const poolId = managementPool(req);
    await services.applications.get(poolId, req.query.appId);
    return envelope(req, view(await mfa.policies.get(poolId, req.query.appId)));
  });

  app.get('/get-global-mfa-settings', { schema: { tags, security: mgmtSecurity, summary: 'The pool\'s MFA settings (apply to every application)' } }, async (req) => envelope(req, view(await mfa.policies.get(managementPool(req), null))));

  app.post<{ Body: Static<typeof GlobalBody> }>('/update-global-mfa-settings', { schema: { tags, security: mgmtSecurity, summary: 'Enable MFA factors for the whole pool', body: GlobalBody } }, async (req) => {
    const p = await mfa.policies.update(managementPool(req), null, req.body);
    await services.events.emit('user-pool:updated', { ...managementActor(req), data: { settings: 'mfa' } });
    return envelope(req, view(p));
  });

  app.post<{ Body: Static<typeof DisableBody> }>('/disable-global-mfa-settings', { schema: { tags, security: mgmtSecurity, summary: 'Disable MFA factors for the whole pool', body: DisableBody } }, async (req) => {
    const p = await mfa.policies.update(managementPool(req), null, { disabledFactors: req.body.disableFactors });
    await services.events.emit('user-pool:updated', { ...managementActor(req), data: { settings: 'mfa' } });
    return envelope(req, view(p));
  });

  // --- a user's factors (administrators)

  app.get<{ Querystring: Static<typeof UserQuery> }>('/get-user-mfa-info', { schema: { tags, security: mgmtSecurity, summary: 'Which factors a user has enrolled (enabled / disabled per type)', querystring: UserQuery } }, async (req) => {
    const poolId = managementPool(req);
    const user = await services.users.resolve(poolId, req.query.userId, req.query.userIdType);
    const { types, recoveryCodes } = await mfa.factors.enrolledTypes(poolId, user.id);
    const st = (on: boolean) => (on ? 'enabled' : 'disabled');
    return envelope(req, {
      totpStatus: st(types.includes('OTP')),
      smsMfaStatus: st(types.includes('SMS')),
      emailMfaStatus: st(types.includes('EMAIL')),
      faceMfaStatus: 'disabled',
      // Gatehouse additions.
      webauthnStatus: st(await mfa.webauthn.hasCredentials(poolId, user.id)),
      recoveryCodesLeft: recoveryCodes,
    });
  });

  // --- a user's MFA trigger data (vendor setUsersMfaStatus / getUserMfaStatus / getMfaTriggerData)

  app.post<{ Body: Static<typeof SetStatusBody> }>('/set-mfa-status', { schema: { tags, security: mgmtSecurity, summary: 'Set a user\'s MFA trigger data: factors demanded of this user on top of the pool\'s and the app\'s policy', body: SetStatusBody } }, async (req) => {
    const poolId = managementPool(req);
    const user = await services.users.resolve(poolId, req.body.userId, req.body.userIdType);
    const row = await app.gh.repos.users.findById(poolId, user.id);
    if (!row) throw new AppError('user.not_found');
    const t = await mfa.userStatus.set(poolId, row, req.body.mfaTriggerData);
    await services.events.emit('mfa:status-set', { ...managementActor(req), subject: user.id, data: { userId: user.id, factors: t.applicationMfa.filter((e) => e.status === 1).map((e) => e.mfaPolicy), mode: t.mode ?? (t.applicationMfa.some((e) => e.status === 1) ? 'optional' : 'off') } });
    return success(req);
  });

  app.get<{ Querystring: Static<typeof UserQuery> }>('/get-mfa-status', { schema: { tags, security: mgmtSecurity, summary: 'A user\'s MFA trigger data as set (GetMfaInfoDataDto)', querystring: UserQuery } }, async (req) => {
    const poolId = managementPool(req);
    const user = await services.users.resolve(poolId, req.query.userId, req.query.userIdType);
    const row = await app.gh.repos.users.findById(poolId, user.id);
    if (!row) throw new AppError('user.not_found');
    return envelope(req, await mfa.userStatus.get(poolId, row));
  });

  app.get<{ Querystring: Static<typeof TriggerQuery> }>('/get-mfa-trigger-data', { schema: { tags, security: mgmtSecurity, summary: 'What a sign-in of this user into the application demands (GetMfaInfoDataDto)', querystring: TriggerQuery } }, async (req) => {
    const poolId = managementPool(req);
    await services.applications.get(poolId, req.query.appId); // application.not_found
    const user = await services.users.resolve(poolId, req.query.userId, req.query.userIdType);
    const row = await app.gh.repos.users.findById(poolId, user.id);
    if (!row) throw new AppError('user.not_found');
    return envelope(req, await mfa.userStatus.forApp(poolId, req.query.appId, row));
  });

  app.post<{ Body: Static<typeof ImportOtpBody> }>('/import-otp', { schema: { tags, security: mgmtSecurity, summary: 'Import users\' existing TOTP secrets (base32); replaces their OTP factor', body: ImportOtpBody } }, async (req) => {
    const poolId = managementPool(req);
    // Validate every item first: a bad item refuses the whole import, nothing is written.
    const items = [];
    for (const [i, it] of req.body.list.entries()) {
      const secret = normaliseBase32Secret(it.otp.secret);
      if (!secret) throw new AppError('request.invalid_input', { details: [{ path: `body/list/${i}/otp/secret`, message: 'must be base32 (RFC 4648) of at least 80 bits' }] });
      const user = await services.users.resolve(poolId, it.userId);
      items.push({ userId: user.id, secret });
    }
    for (const it of items) await mfa.factors.importOtp(poolId, it.userId, it.secret, req.management?.accessKeyId ?? 'management');
    return success(req);
  });

  app.get<{ Querystring: Static<typeof UserQuery> }>('/get-otp-secret-by-user', { schema: { tags, security: mgmtSecurity, summary: 'A user\'s OTP secret in the clear: refused unless the pool allows it (allowOtpExport), and audited', querystring: UserQuery } }, async (req) => {
    const poolId = managementPool(req);
    if (!(await mfa.policies.get(poolId, null)).allowOtpExport) throw new AppError('mfa.otp_export_disabled');
    const user = await services.users.resolve(poolId, req.query.userId, req.query.userIdType);
    const secret = await mfa.factors.otpSecret(poolId, user.id);
    if (!secret) throw new AppError('mfa.factor_not_enrolled', { params: { factorType: 'OTP' } });
    await services.events.emit('mfa:otp-secret-read', { ...managementActor(req), subject: user.id, data: { userId: user.id } });
    return envelope(req, { secret });
  });

  app.post<{ Body: Static<typeof ResetUserBody> }>('/reset-user-mfa', { schema: { tags, security: mgmtSecurity, summary: 'Gatehouse: remove every factor, passkey and recovery code of a user and revoke the user\'s sessions (audited)', body: ResetUserBody } }, async (req) => {
    const poolId = managementPool(req);
    const user = await services.users.resolve(poolId, req.body.userId, req.body.userIdType);
    await mfa.factors.resetAll(poolId, user.id, req.management?.accessKeyId ?? 'management');
    // Whoever held the account's sessions may have been the reason for the reset (docs/mfa.md "Account recovery").
    await app.gh.oidc.tokens.revokeUserSessions(poolId, user.id);
    return success(req);
  });
}
