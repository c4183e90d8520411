import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { envelope } from '../../envelope.js';
import { managementPool } from '../../plugins/request-signing.js';
import { mgmtSecurity } from '../common.js';

/**
 * DingTalk / WeCom organisation sync (services/org-sync, docs/identity-providers-china.md).
 * `POST /api/v3/connections/enterprise/{dingtalk|wechatwork}/start-sync` is authing-js-sdk's
 * `OrgManagementClient.startSync({ providerType })` path (which posts `{}`), under the signed
 * management API's prefix; it starts one sync in the background and answers at once (`status:
 * running`); the report of the last run (`running`, `succeeded` with the counts, or `failed` with
 * the catalogued error) is `GET …/sync-report`.
 */
const tags = ['organizations'];
const Provider = Type.Object({ provider: Type.Union([Type.Literal('dingtalk'), Type.Literal('wechatwork')]) });
const Body = Type.Object(
  {
    organizationCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$', description: 'Gatehouse: the organisation to sync into (default `dingtalk` / `wecom`); created on the first run' })),
    connectionId: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Gatehouse: the connection (id or identifier) when the pool has several of this provider' })),
  },
  { additionalProperties: false },
);

export async function chinaRoutes(app: FastifyInstance): Promise<void> {
  const { orgSync } = app.gh.china;

  app.post<{ Params: Static<typeof Provider>; Body: Static<typeof Body> | undefined }>(
    '/connections/enterprise/:provider/start-sync',
    { schema: { tags, summary: 'Synchronise the organisational structure from DingTalk or WeCom (startSync)', params: Provider, body: Type.Optional(Body), security: mgmtSecurity } },
    async (req) => envelope(req, await orgSync.start(managementPool(req), req.params.provider, { organizationCode: req.body?.organizationCode, connectionId: req.body?.connectionId })),
  );

  app.get<{ Params: Static<typeof Provider> }>(
    '/connections/enterprise/:provider/sync-report',
    { schema: { tags, summary: 'The report of the last organisation sync (Gatehouse)', params: Provider, security: mgmtSecurity } },
    async (req) => envelope(req, await orgSync.lastReport(managementPool(req), req.params.provider)),
  );
}
