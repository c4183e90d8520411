import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { envelope, success } from '../../envelope.js';
import { AppError } from '../../../errors/app-error.js';
import { ADMIN_ROLES } from '../../../services/console/roles.js';
import { POOL_ID_PATTERN } from '../../../services/pools.js';
import { mgmtSecurity } from '../common.js';

const Role = Type.Union(ADMIN_ROLES.map((r) => Type.Literal(r)));
const PoolIds = Type.Array(Type.String({ pattern: POOL_ID_PATTERN, maxLength: 64 }), { maxItems: 100 });
const UserId = Type.String({ minLength: 1, maxLength: 64 });
const CreateBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 320 }),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'Checked against the system pool\'s password policy; generated and returned once when absent.' })),
    role: Role,
    poolIds: Type.Optional(PoolIds),
  },
  { additionalProperties: false },
);
const UpdateBody = Type.Object({ userId: UserId, role: Role, poolIds: Type.Optional(PoolIds) }, { additionalProperties: false });
const DeleteBody = Type.Object({ userId: UserId }, { additionalProperties: false });

/**
 * Console administrators, managed from the console (docs/console.md "Administrators"): the
 * service behind `gatehouse admin create | list | delete`, for owners only. A pool admin or an
 * auditor — or a signed access key, which is no administrator — is refused with
 * `console.owner_only`; the audit log records `admin:<userId>` as the actor of each change.
 */
export async function administratorRoutes(app: FastifyInstance): Promise<void> {
  const { administrators } = app.gh.console;
  const tags = ['console'];
  const owner = (req: FastifyRequest): string => {
    const admin = req.management?.administrator;
    if (admin?.role !== 'owner') throw new AppError('console.owner_only');
    return `admin:${admin.userId}`;
  };

  app.get('/console/list-administrators', { schema: { tags, summary: 'Console administrators with their roles (owners only)', security: mgmtSecurity } }, async (req) => {
    owner(req);
    const list = await administrators.list();
    return envelope(req, { list, totalCount: list.length });
  });

  app.post<{ Body: Static<typeof CreateBody> }>('/console/create-administrator', { schema: { tags, summary: 'Create a console administrator (owners only); a generated password is returned once', security: mgmtSecurity, body: CreateBody } }, async (req) =>
    envelope(req, await administrators.create(req.body, owner(req))),
  );

  app.post<{ Body: Static<typeof UpdateBody> }>('/console/update-administrator', { schema: { tags, summary: 'Change an administrator\'s role and pools (owners only; the last owner stays an owner)', security: mgmtSecurity, body: UpdateBody } }, async (req) => {
    const actor = owner(req);
    return envelope(req, await administrators.update(req.body.userId, { role: req.body.role, poolIds: req.body.poolIds ?? [] }, actor));
  });

  app.post<{ Body: Static<typeof DeleteBody> }>('/console/delete-administrator', { schema: { tags, summary: 'Remove an administrator\'s role (owners only; not the last owner); their console sessions stop at once', security: mgmtSecurity, body: DeleteBody } }, async (req) => {
    await administrators.remove(req.body.userId, owner(req));
    return success(req);
  });
}
