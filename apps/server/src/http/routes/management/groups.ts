import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { envelope, success } from '../../envelope.js';
import { managementPool } from '../../plugins/request-signing.js';
import { Envelope, IsSuccess, mgmtSecurity, PageQuery } from '../common.js';
import { managementActor } from './event-context.js';
import { BoolQ, Code, GroupOut, GroupPaging, Name, opt, OrNull, strict, Text, UserIds, UserIdType, UserPaging } from './org-schemas.js';

/*
 * User groups, as authing-node-sdk `ManagementClient` calls them (create-group …
 * get-user-groups; vendor `CreateGroupReqDto`, `UpdateGroupReqDto`, `GroupDto`). `type` is
 * STATIC (default) or DYNAMIC; a DYNAMIC group has a `rule` (Gatehouse, docs/organizations.md).
 */

const tags = ['groups'];
const Rule = Type.Object(
  {
    match: opt(Type.Union([Type.Literal('all'), Type.Literal('any')])),
    conditions: Type.Array(Type.Object({ field: Type.String({ maxLength: 32 }), operator: Type.String({ maxLength: 16 }), value: Type.Union([Type.String({ maxLength: 255 }), Type.Array(Type.String({ maxLength: 255 }), { maxItems: 100 })]) }, { additionalProperties: false }), { maxItems: 20 }),
  },
  { additionalProperties: false, description: 'Gatehouse: the membership rule of a DYNAMIC group, evaluated at sign-in.' },
);
const GroupFields = {
  type: opt(Type.String({ maxLength: 16, description: 'STATIC (default) or DYNAMIC.' })),
  description: opt(Text),
  name: Name,
  code: Code(),
  customData: opt(Type.Object({}, { additionalProperties: true })),
  rule: opt(Rule),
};
const CreateBody = strict(GroupFields);
const BatchBody = strict({ list: Type.Array(strict(GroupFields), { minItems: 1, maxItems: 50 }) });
const UpdateBody = strict({ code: Code(), newCode: opt(Code()), name: opt(Name), description: opt(Text), type: opt(Type.String({ maxLength: 16 })), customData: opt(Type.Object({}, { additionalProperties: true })), rule: opt(Rule) });
const DeleteBody = strict({ codeList: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 50 }) });
const MembersBody = strict({ code: Code(), userIds: UserIds });

const GetQuery = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }), withCustomData: BoolQ });
const ListQuery = Type.Object({ ...PageQuery, keywords: opt(Type.String({ maxLength: 255 })), withMetadata: BoolQ, withCustomData: BoolQ, flatCustomData: BoolQ });
const AllQuery = Type.Object({ fetchMembers: BoolQ, withCustomData: BoolQ });
const MembersQuery = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }), ...PageQuery, withCustomData: BoolQ, withIdentities: BoolQ, withDepartmentIds: BoolQ, flatCustomData: BoolQ });
const UserGroupsQuery = Type.Object({ userId: Type.String({ minLength: 1, maxLength: 320 }), userIdType: opt(UserIdType) });

export async function groupRoutes(app: FastifyInstance): Promise<void> {
  const { services } = app.gh;
  const groups = services.groups;

  app.post<{ Body: Static<typeof CreateBody> }>(
    '/create-group',
    { schema: { tags, summary: 'Create a group', security: mgmtSecurity, body: CreateBody, response: { 200: Envelope(OrNull(GroupOut)) } } },
    async (req) => {
      const g = await groups.create(managementPool(req), req.body);
      await services.events.emit('group:created', { ...managementActor(req), subject: g.id, data: { groupId: g.id, code: g.code, type: g.type } });
      return envelope(req, g);
    },
  );

  app.post<{ Body: Static<typeof BatchBody> }>(
    '/create-groups-batch',
    { schema: { tags, summary: 'Create groups (all or none)', security: mgmtSecurity, body: BatchBody, response: { 200: Envelope(OrNull(Type.Array(GroupOut))) } } },
    async (req) => {
      const list = await groups.createBatch(managementPool(req), req.body.list);
      for (const g of list) await services.events.emit('group:created', { ...managementActor(req), subject: g.id, data: { groupId: g.id, code: g.code, type: g.type } });
      return envelope(req, list);
    },
  );

  app.post<{ Body: Static<typeof UpdateBody> }>(
    '/update-group',
    { schema: { tags, summary: 'Update a group', security: mgmtSecurity, body: UpdateBody, response: { 200: Envelope(OrNull(GroupOut)) } } },
    async (req) => {
      const g = await groups.update(managementPool(req), req.body);
      await services.events.emit('group:updated', { ...managementActor(req), subject: g.id, data: { groupId: g.id, code: g.code, fields: Object.keys(req.body) } });
      return envelope(req, g);
    },
  );

  app.post<{ Body: Static<typeof DeleteBody> }>(
    '/delete-groups-batch',
    { schema: { tags, summary: 'Delete groups with their memberships and permission grants (all or none)', security: mgmtSecurity, body: DeleteBody, response: { 200: Envelope(OrNull(IsSuccess)) } } },
    async (req) => {
      const deleted = await groups.deleteBatch(managementPool(req), req.body.codeList);
      for (const g of deleted) await services.events.emit('group:deleted', { ...managementActor(req), subject: g.id, data: { groupId: g.id, code: g.code } });
      return success(req);
    },
  );

  app.get<{ Querystring: Static<typeof GetQuery> }>(
    '/get-group',
    { schema: { tags, summary: 'A group', security: mgmtSecurity, querystring: GetQuery, response: { 200: Envelope(OrNull(GroupOut)) } } },
    async (req) => envelope(req, await groups.get(managementPool(req), req.query.code, req.query.withCustomData === true)),
  );

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/list-groups',
    { schema: { tags, summary: 'List groups', security: mgmtSecurity, querystring: ListQuery, response: { 200: Envelope(OrNull(GroupPaging)) } } },
    async (req) => envelope(req, await groups.list(managementPool(req), req.query)),
  );

  app.get<{ Querystring: Static<typeof AllQuery> }>(
    '/get-all-groups',
    { schema: { tags, summary: 'Every group (at most 1000; members at most 100 each with fetchMembers)', security: mgmtSecurity, querystring: AllQuery, response: { 200: Envelope(OrNull(Type.Array(GroupOut))) } } },
    async (req) => envelope(req, await groups.all(managementPool(req), req.query)),
  );

  app.post<{ Body: Static<typeof MembersBody> }>(
    '/add-group-members',
    { schema: { tags, summary: 'Add users to a STATIC group (idempotent)', security: mgmtSecurity, body: MembersBody, response: { 200: Envelope(OrNull(IsSuccess)) } } },
    async (req) => {
      const r = await groups.addMembers(managementPool(req), req.body);
      await services.events.emit('group:member-added', { ...managementActor(req), subject: r.group.id, data: { groupId: r.group.id, code: r.group.code, userIds: r.userIds } });
      return success(req);
    },
  );

  app.post<{ Body: Static<typeof MembersBody> }>(
    '/remove-group-members',
    { schema: { tags, summary: 'Remove users from a STATIC group', security: mgmtSecurity, body: MembersBody, response: { 200: Envelope(OrNull(IsSuccess)) } } },
    async (req) => {
      const r = await groups.removeMembers(managementPool(req), req.body);
      await services.events.emit('group:member-removed', { ...managementActor(req), subject: r.group.id, data: { groupId: r.group.id, code: r.group.code, userIds: r.userIds } });
      return success(req);
    },
  );

  app.get<{ Querystring: Static<typeof MembersQuery> }>(
    '/list-group-members',
    { schema: { tags, summary: 'Members of a group', security: mgmtSecurity, querystring: MembersQuery, response: { 200: Envelope(OrNull(UserPaging)) } } },
    async (req) => envelope(req, await groups.listMembers(managementPool(req), req.query)),
  );

  app.get<{ Querystring: Static<typeof UserGroupsQuery> }>(
    '/get-user-groups',
    { schema: { tags, summary: "A user's groups", security: mgmtSecurity, querystring: UserGroupsQuery, response: { 200: Envelope(OrNull(GroupPaging)) } } },
    async (req) => envelope(req, await groups.ofUser(managementPool(req), req.query)),
  );
}
