import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { envelope } from '../../envelope.js';
import { currentUser } from './auth-context.js';
import { ACTION_PATTERN, RESOURCE_CODE_PATTERN, RESOURCE_TYPES } from '../../../services/organizations/permissions.js';

/*
 * The signed-in user's own permissions, as authing-node-sdk `AuthenticationClient` asks for them
 * (get-my-authorized-resources, check-permission-string-resource). The user is the access
 * token's; the namespace is the pool's default one (docs/permissions.md).
 */

const tags = ['authentication'];
const MyResourcesQuery = Type.Object({ namespace: Type.Optional(Type.String({ maxLength: 64 })), resourceType: Type.Optional(Type.Union(RESOURCE_TYPES.map((v) => Type.Literal(v)))) });
const CheckBody = Type.Object({ resources: Type.Array(Type.String({ pattern: RESOURCE_CODE_PATTERN }), { minItems: 1, maxItems: 100 }), action: Type.String({ pattern: ACTION_PATTERN }) }, { additionalProperties: false });

export async function permissionCheckRoutes(app: FastifyInstance): Promise<void> {
  const perms = app.gh.services.permissions;

  app.get<{ Querystring: Static<typeof MyResourcesQuery> }>(
    '/get-my-authorized-resources',
    { schema: { tags, summary: "The signed-in user's resources and actions (own, roles', groups', departments')", querystring: MyResourcesQuery } },
    async (req) => {
      const me = await currentUser(app, req);
      return envelope(req, await perms.authorizedToUser(me.poolId, { userId: me.userId, namespace: req.query.namespace || undefined, resourceType: req.query.resourceType }));
    },
  );

  app.post<{ Body: Static<typeof CheckBody> }>(
    '/check-permission-string-resource',
    { schema: { tags, summary: 'Whether the signed-in user may do an action on each resource', body: CheckBody } },
    async (req) => {
      const me = await currentUser(app, req);
      return envelope(req, await perms.checkResources(me.poolId, me.userId, req.body));
    },
  );
}
