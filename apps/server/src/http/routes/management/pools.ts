import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { envelope } from '../../envelope.js';
import { managementPool } from '../../plugins/request-signing.js';
import { mgmtSecurity, Envelope } from '../common.js';
import { AppError } from '../../../errors/app-error.js';
import { POOL_ID_PATTERN, toPoolDto } from '../../../services/pools.js';
import { provisionPool } from '../../../services/bootstrap.js';

const CreatePoolBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 255 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    userPoolId: Type.Optional(Type.String({ pattern: POOL_ID_PATTERN, description: 'Chosen id; generated when absent.' })),
  },
  { additionalProperties: false },
);

/**
 * User pools (Gatehouse extension; the vendor API has no pool creation). Only keys of the
 * default pool — root keys — may create or list pools; a key of any other pool is confined to
 * its own pool.
 */
export async function poolRoutes(app: FastifyInstance): Promise<void> {
  const { services } = app.gh;
  const requireRoot = async (poolId: string) => {
    const def = await services.pools.findDefault();
    if (!def || def.id !== poolId) throw new AppError('request.forbidden');
  };

  app.post<{ Body: Static<typeof CreatePoolBody> }>(
    '/create-userpool',
    { schema: { tags: ['user pools'], summary: 'Create a user pool with its default app and first access key', security: mgmtSecurity, body: CreatePoolBody } },
    async (req) => {
      await requireRoot(managementPool(req));
      const result = await provisionPool(app.gh, { name: req.body.name, description: req.body.description, id: req.body.userPoolId });
      req.log.info({ poolId: result.pool.id }, 'user pool created');
      return envelope(req, {
        ...toPoolDto(result.pool),
        accessKeyId: result.key.accessKeyId,
        accessKeySecret: result.key.accessKeySecret,
        defaultAppId: result.app.appId,
      });
    },
  );

  app.get(
    '/list-userpools',
    { schema: { tags: ['user pools'], summary: 'List user pools (root keys only)', security: mgmtSecurity } },
    async (req) => {
      await requireRoot(managementPool(req));
      const pools = await services.pools.list();
      return envelope(req, { list: pools.map(toPoolDto), totalCount: pools.length });
    },
  );

  app.get(
    '/get-userpool',
    { schema: { tags: ['user pools'], summary: 'The user pool of the calling key', security: mgmtSecurity, response: { 200: Envelope(Type.Any()) } } },
    async (req) => envelope(req, toPoolDto(await services.pools.get(managementPool(req)))),
  );
}
