import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { envelope, success } from '../../envelope.js';
import { managementPool } from '../../plugins/request-signing.js';
import { foldBracketArrays } from '../../query-arrays.js';
import { Envelope, IsSuccess, mgmtSecurity, PageQuery } from '../common.js';
import { managementActor } from './event-context.js';
import { BoolQ, opt, OrNull, strict, Text, UserIdType } from './org-schemas.js';
import { ACTION_PATTERN, RESOURCE_CODE_PATTERN, RESOURCE_TYPES } from '../../../services/organizations/permissions.js';
import { ROLE_CODE_PATTERN } from '../../../services/roles.js';

/*
 * Resources and permissions, as authing-node-sdk `ManagementClient` calls them (create-resource …
 * is-action-allowed, get-role-authorized-resources, get-group-authorized-resources; vendor
 * `CreateResourceDto`, `AuthorizeResourcesDto`, `AuthorizedResourceDto`). docs/permissions.md.
 */

const tags = ['permissions'];
const ResourceType = Type.Union(RESOURCE_TYPES.map((v) => Type.Literal(v)));
const ResourceCode = Type.String({ pattern: RESOURCE_CODE_PATTERN, description: 'Unique in the namespace; no spaces, at most 128.' });
const ActionName = Type.String({ pattern: ACTION_PATTERN });
const Namespace = opt(Type.String({ pattern: ROLE_CODE_PATTERN, description: 'Permission space; default when absent.' }));
const Actions = Type.Array(strict({ name: ActionName, description: opt(Text) }), { maxItems: 100 });
const TargetType = Type.Union([Type.Literal('USER'), Type.Literal('ROLE'), Type.Literal('GROUP'), Type.Literal('DEPARTMENT')]);

const CreateBody = strict({ code: ResourceCode, type: ResourceType, name: opt(Type.String({ maxLength: 255 })), description: opt(Text), actions: opt(Actions), apiIdentifier: opt(Type.String({ maxLength: 512 })), namespace: Namespace });
const UpdateBody = strict({ code: ResourceCode, type: opt(ResourceType), name: opt(Type.String({ maxLength: 255 })), description: opt(Text), actions: opt(Actions), apiIdentifier: opt(Type.String({ maxLength: 512 })), namespace: Namespace });
const DeleteBody = strict({ code: ResourceCode, namespace: Namespace });
const CreateBatchBody = strict({
  namespace: Namespace,
  list: Type.Array(strict({ code: ResourceCode, type: ResourceType, name: opt(Type.String({ maxLength: 255 })), description: opt(Text), actions: opt(Actions), apiIdentifier: opt(Type.String({ maxLength: 512 })) }), { minItems: 1, maxItems: 50 }),
});
const DeleteBatchBody = strict({ namespace: Namespace, codeList: opt(Type.Array(ResourceCode, { maxItems: 50 })), ids: opt(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 50 })) });
/** axios sends `codeList[]=a&codeList[]=b`; the vendor also documents a comma-separated list. */
const BatchQuery = Type.Object({ codeList: Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), { minItems: 1, maxItems: 50 }), namespace: Namespace });
const CommonListQuery = Type.Object({
  page: PageQuery.page,
  limit: Type.Integer({ minimum: 1, maximum: 50, default: 10 }),
  keyword: opt(Type.String({ maxLength: 255 })),
  namespaceCodeList: opt(Type.String({ maxLength: 2000, description: 'Comma-separated namespaces; every namespace of the pool when absent.' })),
});
const AuthorizeBody = strict({
  namespace: Namespace,
  list: Type.Array(
    strict({
      targetType: TargetType,
      targetIdentifiers: Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { minItems: 1, maxItems: 100 }),
      resources: Type.Array(strict({ code: ResourceCode, actions: Type.Array(ActionName, { maxItems: 100 }), resourceType: opt(ResourceType) }), { minItems: 1, maxItems: 100 }),
      includeChildrenDepartments: opt(Type.Boolean({ description: 'Gatehouse, DEPARTMENT targets: members of every sub-department inherit the grant.' })),
    }),
    { minItems: 1, maxItems: 50 },
  ),
});
const IsAllowedBody = strict({ userId: Type.String({ minLength: 1, maxLength: 64 }), action: ActionName, resource: ResourceCode, namespace: Namespace });

const GetQuery = Type.Object({ code: ResourceCode, namespace: Namespace });
const ListQuery = Type.Object({ ...PageQuery, namespace: Namespace, type: opt(ResourceType) });
const AuthorizedQuery = Type.Object({ targetType: TargetType, targetIdentifier: Type.String({ minLength: 1, maxLength: 128 }), namespace: Namespace, resourceType: opt(ResourceType), resourceList: opt(Type.Array(ResourceCode, { maxItems: 100 })), withDenied: BoolQ });
const UserAuthorizedQuery = Type.Object({ userId: Type.String({ minLength: 1, maxLength: 320 }), userIdType: opt(UserIdType), namespace: Namespace, resourceType: opt(ResourceType) });
const CodeQuery = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }), namespace: Namespace, resourceType: opt(ResourceType) });

// Every field of toResourceDto is named, so the console's generated client types the rows it lists.
const ResourceOut = Type.Object(
  {
    code: Type.String(),
    name: Type.String(),
    description: Type.String(),
    type: ResourceType,
    actions: Type.Array(Type.Object({ name: Type.String(), description: Type.String() })),
    apiIdentifier: Type.String(),
    namespace: Type.String(),
  },
  { additionalProperties: true, description: 'Vendor ResourceDto.' },
);
const AuthorizedOut = Type.Object({ resourceCode: Type.String(), resourceType: Type.String(), actions: Type.Array(Type.String()), apiIdentifier: Type.String(), effect: Type.String() }, { additionalProperties: true, description: 'Vendor AuthorizedResourceDto.' });
const AuthorizedPaging = Type.Object({ totalCount: Type.Integer(), list: Type.Array(AuthorizedOut) });

export async function permissionRoutes(app: FastifyInstance): Promise<void> {
  const { services } = app.gh;
  const perms = services.permissions;

  app.post<{ Body: Static<typeof CreateBody> }>(
    '/create-resource',
    { schema: { tags, summary: 'Create a resource with its actions', security: mgmtSecurity, body: CreateBody, response: { 200: Envelope(OrNull(ResourceOut)) } } },
    async (req) => {
      const r = await perms.createResource(managementPool(req), req.body);
      await services.events.emit('resource:created', { ...managementActor(req), data: { code: r.code, namespace: r.namespace, type: r.type } });
      return envelope(req, r);
    },
  );

  app.get<{ Querystring: Static<typeof GetQuery> }>(
    '/get-resource',
    { schema: { tags, summary: 'A resource', security: mgmtSecurity, querystring: GetQuery, response: { 200: Envelope(OrNull(ResourceOut)) } } },
    async (req) => envelope(req, await perms.getResource(managementPool(req), req.query.code, req.query.namespace || undefined)),
  );

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/list-resources',
    { schema: { tags, summary: 'List the resources of a namespace', security: mgmtSecurity, querystring: ListQuery, response: { 200: Envelope(OrNull(Type.Object({ totalCount: Type.Integer(), list: Type.Array(ResourceOut) }))) } } },
    async (req) => envelope(req, await perms.listResources(managementPool(req), req.query)),
  );

  app.post<{ Body: Static<typeof CreateBatchBody> }>(
    '/create-resources-batch',
    { schema: { tags, summary: 'Create up to 50 resources in one namespace, all or none', security: mgmtSecurity, body: CreateBatchBody, response: { 200: Envelope(OrNull(IsSuccess)) } } },
    async (req) => {
      const created = await perms.createResources(managementPool(req), req.body);
      for (const r of created) await services.events.emit('resource:created', { ...managementActor(req), data: { code: r.code, namespace: r.namespace, type: r.type } });
      return success(req);
    },
  );

  app.get<{ Querystring: Static<typeof BatchQuery> }>(
    '/get-resources-batch',
    { schema: { tags, summary: 'Resources by code, in the order asked; unknown codes are left out', security: mgmtSecurity, querystring: BatchQuery, response: { 200: Envelope(OrNull(Type.Array(ResourceOut))) } }, preValidation: foldBracketArrays },
    async (req) => {
      const codes = req.query.codeList.flatMap((c) => c.split(',')).filter(Boolean);
      return envelope(req, await perms.getResources(managementPool(req), codes, req.query.namespace || undefined));
    },
  );

  app.get<{ Querystring: Static<typeof CommonListQuery> }>(
    '/list-common-resource',
    { schema: { tags, summary: 'List resources across namespaces, by keyword', security: mgmtSecurity, querystring: CommonListQuery, response: { 200: Envelope(OrNull(Type.Object({ totalCount: Type.Integer(), list: Type.Array(ResourceOut) }))) } } },
    async (req) => {
      const { page, limit, keyword, namespaceCodeList } = req.query;
      const namespaces = namespaceCodeList?.split(',').map((n) => n.trim()).filter(Boolean);
      return envelope(req, await perms.listCommonResources(managementPool(req), { page, limit, keyword: keyword || undefined, namespaces }));
    },
  );

  app.post<{ Body: Static<typeof DeleteBatchBody> }>(
    '/delete-resources-batch',
    { schema: { tags, summary: 'Delete resources by code or id with every grant on them, all or none', security: mgmtSecurity, body: DeleteBatchBody, response: { 200: Envelope(OrNull(IsSuccess)) } } },
    async (req) => {
      const r = await perms.deleteResources(managementPool(req), req.body);
      for (const res of r.resources) await services.events.emit('resource:delete', { ...managementActor(req), data: { code: res.code, namespace: res.namespace } });
      if (r.grants > 0) await services.events.emit('permission:revoke', { ...managementActor(req), data: { reason: 'resource-deleted', resources: r.resources.map((x) => x.code), grants: r.grants } });
      return success(req);
    },
  );

  app.post<{ Body: Static<typeof UpdateBody> }>(
    '/update-resource',
    { schema: { tags, summary: 'Update a resource', security: mgmtSecurity, body: UpdateBody, response: { 200: Envelope(OrNull(ResourceOut)) } } },
    async (req) => {
      const r = await perms.updateResource(managementPool(req), req.body);
      await services.events.emit('resource:updated', { ...managementActor(req), data: { code: r.code, namespace: r.namespace, fields: Object.keys(req.body) } });
      return envelope(req, r);
    },
  );

  app.post<{ Body: Static<typeof DeleteBody> }>(
    '/delete-resource',
    { schema: { tags, summary: 'Delete a resource and every grant on it', security: mgmtSecurity, body: DeleteBody, response: { 200: Envelope(OrNull(IsSuccess)) } } },
    async (req) => {
      const r = await perms.deleteResource(managementPool(req), req.body.code, req.body.namespace || undefined);
      await services.events.emit('resource:delete', { ...managementActor(req), data: { code: r.resource.code, namespace: r.resource.namespace } });
      if (r.grants > 0) await services.events.emit('permission:revoke', { ...managementActor(req), data: { reason: 'resource-deleted', resource: r.resource.code, namespace: r.resource.namespace, grants: r.grants } });
      return success(req);
    },
  );

  app.post<{ Body: Static<typeof AuthorizeBody> }>(
    '/authorize-resources',
    { schema: { tags, summary: "Set the actions targets have on resources (replaces the target's actions on each listed resource)", security: mgmtSecurity, body: AuthorizeBody, response: { 200: Envelope(OrNull(IsSuccess)) } } },
    async (req) => {
      const r = await perms.authorize(managementPool(req), req.body);
      if (r.added.length > 0) await services.events.emit('permission:add', { ...managementActor(req), data: { namespace: r.namespace, grants: r.added } });
      if (r.removed.length > 0) await services.events.emit('permission:revoke', { ...managementActor(req), data: { namespace: r.namespace, grants: r.removed } });
      return success(req);
    },
  );

  app.get<{ Querystring: Static<typeof AuthorizedQuery> }>(
    '/get-authorized-resources',
    { schema: { tags, summary: 'What was granted directly to a user, role, group or department', security: mgmtSecurity, querystring: AuthorizedQuery, response: { 200: Envelope(OrNull(AuthorizedPaging)) } }, preValidation: foldBracketArrays },
    async (req) => envelope(req, await perms.authorizedTo(managementPool(req), req.query)),
  );

  app.get<{ Querystring: Static<typeof UserAuthorizedQuery> }>(
    '/get-user-authorized-resources',
    { schema: { tags, summary: "Everything a user may do: own, roles', groups' and departments' grants", security: mgmtSecurity, querystring: UserAuthorizedQuery, response: { 200: Envelope(OrNull(AuthorizedPaging)) } } },
    async (req) => envelope(req, await perms.authorizedToUser(managementPool(req), req.query)),
  );

  app.post<{ Body: Static<typeof IsAllowedBody> }>(
    '/is-action-allowed',
    { schema: { tags, summary: 'Whether a user may do an action on a resource', security: mgmtSecurity, body: IsAllowedBody, response: { 200: Envelope(OrNull(Type.Object({ allowed: Type.Boolean() }))) } } },
    async (req) => envelope(req, { allowed: await perms.isActionAllowed(managementPool(req), req.body) }),
  );

  app.get<{ Querystring: Static<typeof CodeQuery> }>(
    '/get-role-authorized-resources',
    { schema: { tags, summary: 'What was granted to a role', security: mgmtSecurity, querystring: CodeQuery, response: { 200: Envelope(OrNull(AuthorizedPaging)) } } },
    async (req) => envelope(req, await perms.authorizedTo(managementPool(req), { targetType: 'ROLE', targetIdentifier: req.query.code, namespace: req.query.namespace, resourceType: req.query.resourceType })),
  );

  app.get<{ Querystring: Static<typeof CodeQuery> }>(
    '/get-group-authorized-resources',
    { schema: { tags, summary: 'What was granted to a group', security: mgmtSecurity, querystring: CodeQuery, response: { 200: Envelope(OrNull(Type.Array(AuthorizedOut))) } } },
    async (req) => envelope(req, (await perms.authorizedTo(managementPool(req), { targetType: 'GROUP', targetIdentifier: req.query.code, namespace: req.query.namespace, resourceType: req.query.resourceType })).list),
  );
}
