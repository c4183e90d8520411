import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { envelope, success } from '../../envelope.js';
import { managementPool } from '../../plugins/request-signing.js';
import { Envelope, IsSuccess, mgmtSecurity, PageQuery } from '../common.js';
import { managementActor } from './event-context.js';
import { UserPaging } from './org-schemas.js';
import { ROLE_CODE_PATTERN, VENDOR_USER_ID_TYPES } from '../../../services/roles.js';

/*
 * Roles, as authing-node-sdk `ManagementClient` calls them: create-role, list-roles,
 * assign-role and get-user-roles (vendor `CreateRoleDto`, `AssignRoleDto`, `RoleDto`,
 * `RolePagingDto`).
 */

const tags = ['roles'];
const strict = <T extends Record<string, TSchema>>(props: T, options: object = {}) => Type.Object(props, { additionalProperties: false, ...options });
const OrNull = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Code = (description: string) => Type.String({ pattern: ROLE_CODE_PATTERN, description });
const vendorOnly = (description: string) => Type.Optional(Type.Unknown({ description: `${description} Not supported yet: refused with request.unsupported_field when set.` }));

const CreateRoleBody = strict({
  code: Code('Unique in the namespace.'),
  name: Type.Optional(Type.String({ maxLength: 255 })),
  namespace: Type.Optional(Code('Permission space code; default when absent.')),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  disableTime: vendorOnly('Time the role disables itself, in ms.'),
});

const Target = strict({
  targetType: Type.Union(['USER', 'ROLE', 'GROUP', 'DEPARTMENT'].map((v) => Type.Literal(v)), { description: 'Only USER is supported yet.' }),
  targetIdentifier: Type.String({ minLength: 1, maxLength: 64, description: 'The user id.' }),
});

const AssignRoleBody = strict({
  targets: Type.Array(Target, { minItems: 1, maxItems: 100 }),
  code: Code('The role code.'),
  namespace: Type.Optional(Code('Permission space code; default when absent.')),
  endTime: vendorOnly('Time the assignment ends, in ms.'),
  enableTime: vendorOnly('Time the assignment starts, in ms.'),
});

const ListRolesQuery = Type.Object({
  ...PageQuery,
  keywords: Type.Optional(Type.String({ maxLength: 255, description: 'Substring of the code or name, case-insensitive.' })),
  namespace: Type.Optional(Type.String({ maxLength: 64 })),
});

const UserRolesQuery = Type.Object({
  userId: Type.String({ minLength: 1, maxLength: 320 }),
  userIdType: Type.Optional(Type.Union(VENDOR_USER_ID_TYPES.map((v) => Type.Literal(v)), { default: 'user_id', description: 'user_id, username, email, phone or external_id.' })),
  namespace: Type.Optional(Type.String({ maxLength: 64 })),
});

const RoleOut = Type.Object(
  { id: Type.String(), code: Type.String(), name: Type.String(), description: Type.String(), namespace: Type.String(), namespaceName: Type.String(), status: Type.String() },
  { additionalProperties: true, description: 'Vendor RoleDto.' },
);
const RolePaging = Type.Object({ totalCount: Type.Integer(), list: Type.Array(RoleOut) });

const RevokeRoleBody = strict({ targets: Type.Array(Target, { minItems: 1, maxItems: 100 }), code: Code('The role code.'), namespace: Type.Optional(Code('Permission space code; default when absent.')) });
const DeleteRolesBody = strict({ codeList: Type.Array(Code('A role code.'), { minItems: 1, maxItems: 50 }), namespace: Type.Optional(Code('Permission space code; default when absent.')) });
const UpdateRoleBody = strict({
  code: Code('The role code.'),
  newCode: Type.Optional(Type.Union([Code('The new code.'), Type.Literal('')])),
  name: Type.Optional(Type.String({ maxLength: 255 })),
  namespace: Type.Optional(Code('Permission space code; default when absent.')),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  status: vendorOnly('Role status (only ENABLE).'),
  disableTime: vendorOnly('Time the role disables itself, in ms.'),
  enablePermissionApply: vendorOnly('Permission requests.'),
});
const RoleQuery = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }), namespace: Type.Optional(Type.String({ maxLength: 64 })) });
const RoleMembersQuery = Type.Object({ ...PageQuery, code: Type.String({ minLength: 1, maxLength: 64 }), namespace: Type.Optional(Type.String({ maxLength: 64 })), withCustomData: Type.Optional(Type.Boolean()), withIdentities: Type.Optional(Type.Boolean()), withDepartmentIds: Type.Optional(Type.Boolean()) });

export async function roleRoutes(app: FastifyInstance): Promise<void> {
  const { services } = app.gh;


  app.post<{ Body: Static<typeof CreateRoleBody> }>(
    '/create-role',
    { schema: { tags, summary: 'Create a role', security: mgmtSecurity, body: CreateRoleBody, response: { 200: Envelope(OrNull(RoleOut)) } } },
    async (req) => {
      const role = await services.roles.create(managementPool(req), req.body);
      await services.events.emit('role:created', { ...managementActor(req), subject: role.id, data: { roleId: role.id, code: role.code, namespace: role.namespace } });
      return envelope(req, role);
    },
  );

  app.get<{ Querystring: Static<typeof ListRolesQuery> }>(
    '/list-roles',
    { schema: { tags, summary: 'List the roles of a namespace', security: mgmtSecurity, querystring: ListRolesQuery, response: { 200: Envelope(OrNull(RolePaging)) } } },
    async (req) => {
      const { page, limit, keywords, namespace } = req.query;
      return envelope(req, await services.roles.list(managementPool(req), { page, limit, keywords: keywords || undefined, namespace: namespace || undefined }));
    },
  );

  app.post<{ Body: Static<typeof AssignRoleBody> }>(
    '/assign-role',
    { schema: { tags, summary: 'Assign a role to users (idempotent)', security: mgmtSecurity, body: AssignRoleBody, response: { 200: Envelope(OrNull(IsSuccess)) } } },
    async (req) => {
      const role = await services.roles.assign(managementPool(req), req.body);
      await services.events.emit('role:assigned', { ...managementActor(req), subject: role.id, data: { code: role.code, namespace: role.namespace, userIds: req.body.targets.map((t) => t.targetIdentifier) } });
      return success(req);
    },
  );

  app.get<{ Querystring: Static<typeof UserRolesQuery> }>(
    '/get-user-roles',
    { schema: { tags, summary: "A user's roles in a namespace", security: mgmtSecurity, querystring: UserRolesQuery, response: { 200: Envelope(OrNull(RolePaging)) } } },
    async (req) => {
      const { userId, userIdType, namespace } = req.query;
      return envelope(req, await services.roles.getUserRoles(managementPool(req), { userId, userIdType, namespace: namespace || undefined }));
    },
  );

  app.get<{ Querystring: Static<typeof RoleQuery> }>(
    '/get-role',
    { schema: { tags, summary: 'A role', security: mgmtSecurity, querystring: RoleQuery, response: { 200: Envelope(OrNull(RoleOut)) } } },
    async (req) => envelope(req, await services.roles.get(managementPool(req), req.query.code, req.query.namespace || undefined)),
  );

  app.post<{ Body: Static<typeof RevokeRoleBody> }>(
    '/revoke-role',
    { schema: { tags, summary: 'Revoke a role from users', security: mgmtSecurity, body: RevokeRoleBody, response: { 200: Envelope(OrNull(IsSuccess)) } } },
    async (req) => {
      const role = await services.roles.revoke(managementPool(req), req.body);
      await services.events.emit('role:unassigned', { ...managementActor(req), subject: role.id, data: { code: role.code, namespace: role.namespace, userIds: req.body.targets.map((t) => t.targetIdentifier) } });
      return success(req);
    },
  );

  app.post<{ Body: Static<typeof DeleteRolesBody> }>(
    '/delete-roles-batch',
    { schema: { tags, summary: 'Delete roles with their assignments and permission grants (all or none)', security: mgmtSecurity, body: DeleteRolesBody, response: { 200: Envelope(OrNull(IsSuccess)) } } },
    async (req) => {
      const pool = managementPool(req);
      const roles = await services.roles.deleteBatch(pool, req.body);
      for (const r of roles) await services.events.emit('role:deleted', { ...managementActor(req), subject: r.id, data: { code: r.code, namespace: r.namespace } });
      return success(req);
    },
  );

  app.post<{ Body: Static<typeof UpdateRoleBody> }>(
    '/update-role',
    { schema: { tags, summary: 'Update a role (code, name, description)', security: mgmtSecurity, body: UpdateRoleBody, response: { 200: Envelope(OrNull(IsSuccess)) } } },
    async (req) => {
      const role = await services.roles.update(managementPool(req), req.body);
      await services.events.emit('role:updated', { ...managementActor(req), subject: role.id, data: { code: role.code, namespace: role.namespace, fields: Object.keys(req.body) } });
      return success(req);
    },
  );

  app.get<{ Querystring: Static<typeof RoleMembersQuery> }>(
    '/list-role-members',
    { schema: { tags, summary: 'Users holding a role', security: mgmtSecurity, querystring: RoleMembersQuery, response: { 200: Envelope(OrNull(UserPaging)) } } },
    async (req) => {
      const q = req.query;
      const { rows, totalCount } = await services.roles.members(managementPool(req), { code: q.code, namespace: q.namespace || undefined, page: q.page, limit: q.limit });
      return envelope(req, { totalCount, list: await services.userDtos(rows, { withCustomData: q.withCustomData ?? false, withIdentities: q.withIdentities ?? false, withDepartmentIds: q.withDepartmentIds ?? false }) });
    },
  );
}
