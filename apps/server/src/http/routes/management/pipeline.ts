import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { envelope, success } from '../../envelope.js';
import { managementPool } from '../../plugins/request-signing.js';
import { mgmtSecurity, PageQuery } from '../common.js';
import { managementActor } from './event-context.js';

/**
 * Pipeline functions (vendor ManagementClient `createPipelineFunction` … `getPipelineLogs`) and
 * the pool's script environment (Gatehouse extension: values are write-only). docs/pipeline.md.
 */
const tags = ['pipeline'];
const FuncId = Type.String({ minLength: 1, maxLength: 64 });
const Fields = {
  funcName: Type.String({ minLength: 1, maxLength: 128 }),
  funcDescription: Type.Optional(Type.String({ maxLength: 1024 })),
  sourceCode: Type.String({ minLength: 1, maxLength: 65536 }),
  scene: Type.String({ minLength: 1, maxLength: 64 }),
  isAsynchronous: Type.Optional(Type.Boolean()),
  timeout: Type.Optional(Type.Number()),
  terminateOnTimeout: Type.Optional(Type.Boolean()),
  enabled: Type.Optional(Type.Boolean()),
  fetchAllowList: Type.Optional(Type.Array(Type.String({ maxLength: 253 }), { maxItems: 100 })),
  appIds: Type.Optional(Type.Union([Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100 }), Type.Null()])),
};
const CreateBody = Type.Object(Fields, { additionalProperties: false });
const UpdateBody = Type.Composite([Type.Object({ funcId: FuncId }), Type.Partial(Type.Omit(CreateBody, ['scene']))], { additionalProperties: false });
const FuncIdBody = Type.Object({ funcId: FuncId }, { additionalProperties: false });
const FuncIdQuery = Type.Object({ funcId: FuncId });
const OrderBody = Type.Object({ order: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100 }), scene: Type.String({ maxLength: 64 }) }, { additionalProperties: false });
const ListQuery = Type.Object({ scene: Type.Optional(Type.String({ maxLength: 64 })) });
const LogsQuery = Type.Object({ funcId: Type.Optional(FuncId), ...PageQuery });
const EnvBody = Type.Object({ key: Type.String({ minLength: 1, maxLength: 64 }), value: Type.String({ maxLength: 4096 }) }, { additionalProperties: false });
const CustomDbBody = Type.Object({ enabled: Type.Boolean(), mode: Type.Optional(Type.String({ maxLength: 16 })), loginScript: Type.String({ minLength: 1, maxLength: 65536 }), dbUrlEnv: Type.String({ minLength: 1, maxLength: 64 }), timeout: Type.Optional(Type.Number()) }, { additionalProperties: false });
const TestBody = Type.Object(
  {
    funcId: Type.Optional(FuncId),
    sourceCode: Type.Optional(Type.String({ maxLength: 65536 })),
    scene: Type.Optional(Type.String({ maxLength: 64 })),
    timeout: Type.Optional(Type.Number()),
    fetchAllowList: Fields.fetchAllowList,
    // Checked by the service (a catalogued 7000014 names what is wrong with the sample).
    user: Type.Optional(Type.Unknown()),
    context: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);
const EnvKeyBody = Type.Object({ key: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });

export async function pipelineRoutes(app: FastifyInstance): Promise<void> {
  const { pipeline, services } = app.gh;
  const actor = (req: FastifyRequest) => managementActor(req);

  app.post<{ Body: Static<typeof CreateBody> }>('/create-pipeline-function', { schema: { tags, security: mgmtSecurity, summary: 'Create a pipeline function (compiled in the sandbox first)', body: CreateBody } }, async (req) => {
    const view = await pipeline.functions.create(managementPool(req), req.body);
    await services.events.emit('pipeline:created', { ...actor(req), data: { funcId: view.funcId, funcName: view.funcName, scene: view.scene } });
    return envelope(req, view);
  });

  app.get<{ Querystring: Static<typeof FuncIdQuery> }>('/get-pipeline-function', { schema: { tags, security: mgmtSecurity, summary: 'One pipeline function', querystring: FuncIdQuery } }, async (req) =>
    envelope(req, await pipeline.functions.get(managementPool(req), req.query.funcId)),
  );

  app.post<{ Body: Static<typeof FuncIdBody> }>('/reupload-pipeline-function', { schema: { tags, security: mgmtSecurity, summary: 'Compile a function again (vendor: re-upload a failed cloud function)', body: FuncIdBody } }, async (req) =>
    envelope(req, await pipeline.functions.reupload(managementPool(req), req.body.funcId)),
  );

  app.post<{ Body: Static<typeof UpdateBody> }>('/update-pipeline-function', { schema: { tags, security: mgmtSecurity, summary: 'Change a pipeline function', body: UpdateBody } }, async (req) => {
    const { funcId, ...fields } = req.body;
    const { view, fields: changed } = await pipeline.functions.update(managementPool(req), funcId, fields);
    await services.events.emit('pipeline:updated', { ...actor(req), data: { funcId: view.funcId, fields: changed } });
    return envelope(req, view);
  });

  app.post<{ Body: Static<typeof OrderBody> }>('/update-pipeline-order', { schema: { tags, security: mgmtSecurity, summary: 'Order of the functions of a scene', body: OrderBody } }, async (req) => {
    await pipeline.functions.reorder(managementPool(req), req.body.scene, req.body.order);
    await services.events.emit('pipeline:updated', { ...actor(req), data: { funcId: '', fields: ['order'] } });
    return success(req);
  });

  app.post<{ Body: Static<typeof FuncIdBody> }>('/delete-pipeline-function', { schema: { tags, security: mgmtSecurity, summary: 'Delete a pipeline function and its logs', body: FuncIdBody } }, async (req) => {
    await pipeline.functions.remove(managementPool(req), req.body.funcId);
    await services.events.emit('pipeline:deleted', { ...actor(req), data: { funcId: req.body.funcId } });
    return success(req);
  });

  app.get<{ Querystring: Static<typeof ListQuery> }>('/list-pipeline-functions', { schema: { tags, security: mgmtSecurity, summary: 'Pipeline functions, in scene order', querystring: ListQuery } }, async (req) =>
    envelope(req, await pipeline.functions.list(managementPool(req), req.query.scene)),
  );

  app.get<{ Querystring: Static<typeof LogsQuery> }>('/get-pipeline-logs', { schema: { tags, security: mgmtSecurity, summary: 'Runs of pipeline functions, newest first', querystring: LogsQuery } }, async (req) =>
    envelope(req, await pipeline.functions.logs(managementPool(req), { funcId: req.query.funcId, page: req.query.page, limit: req.query.limit })),
  );

  app.post<{ Body: Static<typeof TestBody> }>('/test-pipeline-function', { schema: { tags, security: mgmtSecurity, summary: 'Run a function (stored or draft) once with a sample user and context; nothing is written', body: TestBody } }, async (req) =>
    envelope(req, await pipeline.functions.test(managementPool(req), req.body)),
  );

  app.post<{ Body: Static<typeof EnvBody> }>('/set-pipeline-env', { schema: { tags, security: mgmtSecurity, summary: 'Set a script environment variable (sealed at rest, never returned)', body: EnvBody } }, async (req) => {
    const { created } = await pipeline.env.set(managementPool(req), req.body.key, req.body.value);
    await services.events.emit(created ? 'user-pool:env-added' : 'user-pool:env-updated', { ...actor(req), data: { key: req.body.key } });
    return success(req);
  });

  app.get('/list-pipeline-env', { schema: { tags, security: mgmtSecurity, summary: 'Names of the script environment variables' } }, async (req) => envelope(req, await pipeline.env.list(managementPool(req))));

  app.post<{ Body: Static<typeof EnvKeyBody> }>('/delete-pipeline-env', { schema: { tags, security: mgmtSecurity, summary: 'Delete a script environment variable', body: EnvKeyBody } }, async (req) => {
    if (await pipeline.env.remove(managementPool(req), req.body.key)) await services.events.emit('user-pool:env-deleted', { ...actor(req), data: { key: req.body.key } });
    return success(req);
  });

  app.get('/get-custom-database', { schema: { tags, security: mgmtSecurity, summary: 'The pool custom database (lazy migration) settings' } }, async (req) => envelope(req, await pipeline.customDatabase.get(managementPool(req))));

  app.post<{ Body: Static<typeof CustomDbBody> }>('/set-custom-database', { schema: { tags, security: mgmtSecurity, summary: 'Set the pool custom database: a login(account, password) script and the env variable with the database URL', body: CustomDbBody } }, async (req) => {
    const view = await pipeline.customDatabase.set(managementPool(req), req.body);
    await services.events.emit('pipeline:updated', { ...actor(req), data: { funcId: 'custom-database:login', fields: Object.keys(req.body) } });
    return envelope(req, view);
  });
}
