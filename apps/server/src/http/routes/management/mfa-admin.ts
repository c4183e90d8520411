import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { envelope } from '../../envelope.js';
import { managementPool } from '../../plugins/request-signing.js';
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
}
