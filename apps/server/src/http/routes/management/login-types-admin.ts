import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { envelope, success } from '../../envelope.js';
import { managementPool } from '../../plugins/request-signing.js';
import { AnyObject, Envelope, mgmtSecurity } from '../common.js';
import { managementActor } from './event-context.js';

/**
 * Management of JitAi login-method instances (Gatehouse extensions, signed): the same
 * instances the `loginTypesDir` folders declare. `element` is the content of `e.json`, `config`
 * the content of `Config.json`; both are validated like the files (errors name the field).
 * Instances declared by the directory are read-only here: their files are the source.
 */
const tags = ['login-methods'];
const Name = Type.String({ minLength: 1, maxLength: 128 });
const CreateBody = Type.Object({ name: Name, element: AnyObject, config: AnyObject }, { additionalProperties: false });
const UpdateBody = Type.Object({ name: Name, element: Type.Optional(AnyObject), config: Type.Optional(AnyObject) }, { additionalProperties: false });
const NameBody = Type.Object({ name: Name }, { additionalProperties: false });
const NameQuery = Type.Object({ name: Name });
const Problem = Type.Object({ path: Type.String(), message: Type.String() });
const DirStatus = Type.Object({
  configured: Type.Boolean({ description: 'loginTypesDir is set.' }),
  appliesToPool: Type.Boolean({ description: 'The directory loads into the default pool only; false for every other pool (nothing else is then reported).' }),
  dir: Type.Union([Type.String(), Type.Null()]),
  exists: Type.Boolean(),
  folders: Type.Array(
    Type.Object({
      name: Type.String(),
      path: Type.String({ description: 'Relative to dir.' }),
      valid: Type.Boolean(),
      loaded: Type.Boolean({ description: 'An instance of this name is loaded from the directory (the last good load, at start).' }),
      problems: Type.Array(Problem, { description: 'file#field and message of each problem, as the start would report them.' }),
    }),
  ),
});

export async function loginTypesAdminRoutes(app: FastifyInstance): Promise<void> {
  const { accounts, services } = app.gh;
  const emit = (req: Parameters<typeof managementPool>[0], name: 'login-method:created' | 'login-method:updated' | 'login-method:deleted', instance: string) =>
    services.events.emit(name, { ...managementActor(req), data: { name: instance } });

  app.get('/list-login-method-instances', { schema: { tags, security: mgmtSecurity, summary: 'List JitAi login-method instances of the pool' } }, async (req) =>
    envelope(req, await accounts.loginTypes.list(managementPool(req))),
  );

  // The directory re-read now: the start refuses an invalid one, so problems here appeared since the start.
  app.get(
    '/get-login-types-dir-status',
    { schema: { tags, security: mgmtSecurity, summary: 'The loginTypesDir folders as they are on disk now, with each one\'s validation problems (Gatehouse extension)', response: { 200: Envelope(DirStatus) } } },
    async (req) => envelope(req, await accounts.loginTypes.dirStatus(managementPool(req))),
  );

  app.get<{ Querystring: Static<typeof NameQuery> }>('/get-login-method-instance', { schema: { tags, security: mgmtSecurity, summary: 'One login-method instance', querystring: NameQuery } }, async (req) =>
    envelope(req, await accounts.loginTypes.get(managementPool(req), req.query.name)),
  );

  app.post<{ Body: Static<typeof CreateBody> }>('/create-login-method-instance', { schema: { tags, security: mgmtSecurity, summary: 'Create a login-method instance (e.json + Config.json content)', body: CreateBody } }, async (req) => {
    const view = await accounts.loginTypes.create(managementPool(req), req.body);
    await emit(req, 'login-method:created', view.name);
    return envelope(req, view);
  });

  app.post<{ Body: Static<typeof UpdateBody> }>('/update-login-method-instance', { schema: { tags, security: mgmtSecurity, summary: 'Replace the element and/or configuration of an instance', body: UpdateBody } }, async (req) => {
    const view = await accounts.loginTypes.update(managementPool(req), req.body);
    await emit(req, 'login-method:updated', view.name);
    return envelope(req, view);
  });

  app.post<{ Body: Static<typeof NameBody> }>('/delete-login-method-instance', { schema: { tags, security: mgmtSecurity, summary: 'Delete a login-method instance', body: NameBody } }, async (req) => {
    await accounts.loginTypes.delete(managementPool(req), req.body.name);
    await emit(req, 'login-method:deleted', req.body.name);
    return success(req);
  });
}
