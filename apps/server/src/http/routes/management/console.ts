import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { envelope } from '../../envelope.js';
import { managementPool } from '../../plugins/request-signing.js';
import { mgmtSecurity } from '../common.js';
import { AppError } from '../../../errors/app-error.js';
import { toPoolDto } from '../../../services/pools.js';
import { sourceTypeOf } from '../../../services/identity-sources/index.js';
import { canSeePool } from '../../../services/console/roles.js';

const Iso = Type.String({ format: 'date-time', maxLength: 40 });
const AuditFilter = {
  actor: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  type: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  from: Type.Optional(Iso),
  to: Type.Optional(Iso),
};
const AuditQuery = Type.Object({ ...AuditFilter, page: Type.Integer({ minimum: 1, maximum: 10_000, default: 1 }), limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }) }, { additionalProperties: false });
const ExportQuery = Type.Object(AuditFilter, { additionalProperties: false });
const KindQuery = Type.Object({ kind: Type.Union([Type.Literal('sms'), Type.Literal('email'), Type.Literal('social'), Type.Literal('directory')]) }, { additionalProperties: false });
/** What the console needs of a connector manifest (connector-kit ConnectorManifest). */
interface ConnectorManifest {
  id: string;
  name: string;
  kind: string;
  configSchema: unknown;
  secretFields: string[];
  operatorOnlyFields?: Record<string, unknown>;
}
const DaysQuery = Type.Object({ days: Type.Integer({ minimum: 1, maximum: 90, default: 14 }) }, { additionalProperties: false });

/**
 * What the admin console reads beyond the vendor API (docs/console.md): who is signed in and
 * which pools they see, the audit log filtered by actor, event and time (and as CSV), and
 * sign-ins per day for the dashboard. Reads only; a signed access key may use them for its pool.
 */
export async function consoleRoutes(app: FastifyInstance): Promise<void> {
  const { console: consoleGraph, services } = app.gh;
  const tags = ['console'];

  app.get('/console/me', { schema: { tags, summary: 'The signed-in administrator and the user pools they may see', security: mgmtSecurity } }, async (req) => {
    const admin = req.management?.administrator;
    if (!admin) throw new AppError('console.not_administrator');
    const users = await consoleGraph.administrators.list();
    const me = users.find((u) => u.userId === admin.userId);
    const pools = (await services.pools.list()).filter((p) => canSeePool(admin, p.id)).map(toPoolDto);
    return envelope(req, { userId: admin.userId, email: me?.email ?? null, role: admin.role, poolIds: admin.poolIds, currentPoolId: managementPool(req), pools });
  });

  app.get<{ Querystring: Static<typeof AuditQuery> }>('/console/audit-logs', { schema: { tags, summary: 'The audit log of the pool, filtered by actor, event and time (newest first)', security: mgmtSecurity, querystring: AuditQuery } }, async (req) => {
    const { page, limit, ...filter } = req.query;
    return envelope(req, await consoleGraph.audit.search(managementPool(req), { ...filter, page, limit }));
  });

  app.get<{ Querystring: Static<typeof ExportQuery> }>('/console/audit-logs/export', { schema: { tags, summary: 'The filtered audit log as CSV (RFC 4180; at most 10,000 rows)', security: mgmtSecurity, querystring: ExportQuery } }, async (req, reply) => {
    const csv = await consoleGraph.audit.csv(managementPool(req), req.query);
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="audit-log.csv"').header('cache-control', 'no-store').send(csv);
  });

  // The connector manifests the console builds its forms from: the same TypeBox (JSON Schema)
  // `configSchema` that config-sms-provider and create-ext-idp-conn validate with. Fields only the
  // operator may set are named so the form leaves them out; identity providers and directories
  // list the connection `type`s they serve (CreateExtIdpConnDto.type).
  app.get<{ Querystring: Static<typeof KindQuery> }>('/console/connectors', { schema: { tags, summary: 'Connectors of a kind with their config schemas (for generated forms)', security: mgmtSecurity, querystring: KindQuery } }, async (req) => {
    const kind = req.query.kind;
    const view = (m: ConnectorManifest & { types?: string[] }) => ({ id: m.id, name: m.name, kind: m.kind, configSchema: m.configSchema, secretFields: m.secretFields, operatorOnlyFields: Object.keys(m.operatorOnlyFields ?? {}), ...(m.types ? { types: m.types.map((type) => ({ type, sourceType: sourceTypeOf(type) })) } : {}) });
    if (kind === 'sms' || kind === 'email') {
      const { registry } = app.gh.passcodes.messaging;
      return envelope(req, { list: registry.ids(kind).flatMap((id) => { const m = (kind === 'sms' ? registry.sms(id) : registry.email(id))?.manifest; return m ? [view(m)] : []; }) });
    }
    // Social and directory registries are keyed by connection type: one entry per manifest.
    const { registry } = app.gh.federation;
    const manifests = new Map<string, ConnectorManifest & { types?: string[] }>();
    for (const type of registry.ids(kind)) {
      const m = (kind === 'social' ? registry.social(type) : registry.directory(type))?.manifest;
      if (m && !manifests.has(m.id)) manifests.set(m.id, m);
    }
    return envelope(req, { list: [...manifests.values()].map(view) });
  });

  app.get<{ Querystring: Static<typeof DaysQuery> }>('/console/sign-ins-per-day', { schema: { tags, summary: 'Successful and failed sign-ins per UTC day (from the audit log)', security: mgmtSecurity, querystring: DaysQuery } }, async (req) =>
    envelope(req, { days: await consoleGraph.audit.signInsPerDay(managementPool(req), req.query.days) }),
  );
}
