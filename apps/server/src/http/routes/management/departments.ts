import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { envelope, success } from '../../envelope.js';
import { managementPool } from '../../plugins/request-signing.js';
import { Envelope, IsSuccess, mgmtSecurity, PageQuery } from '../common.js';
import { managementActor } from './event-context.js';
import { AnyJson, BoolQ, Code, DepartmentIdType, DepartmentOut, DepartmentPaging, Name, NotYet, opt, OrNull, strict, Text, TreePage, UserIds, UserIdType, UserPaging } from './org-schemas.js';

/*
 * Departments and their members, as authing-node-sdk `ManagementClient` calls them
 * (create-department … set-user-departments; vendor `CreateDepartmentReqDto`,
 * `UpdateDepartmentReqDto`, `DepartmentDto`, `UserDepartmentRespDto`). A department is named by
 * `organizationCode` + `departmentId` of `departmentIdType`; `root` is the organisation's root.
 */

const tags = ['departments'];
const DeptId = Type.String({ minLength: 1, maxLength: 128 });
const OrgCode = Type.String({ minLength: 1, maxLength: 64 });
const Tenant = opt(Type.String({ maxLength: 0, description: 'Tenants are not supported: must be absent or empty.' }));
const Ref = { organizationCode: OrgCode, departmentId: DeptId, departmentIdType: opt(DepartmentIdType) };

const Fields = {
  description: opt(Text),
  code: opt(Type.Union([Code(), Type.Literal('')])),
  openDepartmentId: opt(Type.String({ maxLength: 128 })),
  i18n: opt(AnyJson),
  customData: opt(Type.Object({}, { additionalProperties: true })),
  metadata: opt(Type.Unknown({ description: 'Vendor metadata; accepted and not stored.' })),
  tenantId: NotYet('Tenant'),
  postIdList: NotYet('Posts'),
};

const CreateBody = strict({ organizationCode: OrgCode, name: Name, parentDepartmentId: DeptId, departmentIdType: opt(DepartmentIdType), isVirtualNode: opt(Type.Boolean()), ...Fields });
const UpdateBody = strict({ ...Ref, name: opt(Name), parentDepartmentId: opt(DeptId), leaderUserIds: opt(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 100 })), status: opt(Type.Boolean()), ...Fields });
const DeleteBody = strict({ ...Ref, force: opt(Type.Boolean({ description: 'Gatehouse: delete the department with its sub-departments and memberships. Without it a department that has any is refused (department.not_empty).' })), tenantId: NotYet('Tenant') });
const SearchBody = strict({ organizationCode: OrgCode, keywords: Type.String({ minLength: 1, maxLength: 255 }), withCustomData: opt(Type.Boolean()), tenantId: NotYet('Tenant') });
const MembersBody = strict({ ...Ref, userIds: UserIds, tenantId: NotYet('Tenant') });
const SetUserDepartmentsBody = strict({
  userId: Type.String({ minLength: 1, maxLength: 320 }),
  userIdType: opt(UserIdType),
  departments: Type.Array(strict({ departmentId: DeptId, isLeader: opt(Type.Boolean()), isMainDepartment: opt(Type.Boolean()) }), { maxItems: 100 }),
  options: opt(Type.Object({ userIdType: opt(UserIdType) }, { additionalProperties: false })),
});

const GetQuery = Type.Object({ organizationCode: OrgCode, departmentId: opt(DeptId), departmentCode: opt(Type.String({ maxLength: 64 })), departmentIdType: opt(DepartmentIdType), withCustomData: BoolQ, flatCustomData: BoolQ, tenantId: Tenant });
const ChildrenQuery = Type.Object({ ...Ref, ...TreePage, status: BoolQ, excludeVirtualNode: BoolQ, onlyVirtualNode: BoolQ, withCustomData: BoolQ, tenantId: Tenant });
const AllQuery = Type.Object({ organizationCode: OrgCode, departmentId: Type.String({ minLength: 1, maxLength: 128, default: 'root' }), departmentIdType: opt(DepartmentIdType), ...TreePage, withCustomData: BoolQ });
const RefQuery = Type.Object({ ...Ref, withCustomData: BoolQ, tenantId: Tenant });
const MembersQuery = Type.Object({
  ...Ref,
  ...PageQuery,
  sortBy: opt(Type.Union(['Default', 'JoinDepartmentAt', 'userId', 'createAt', 'updatedAt'].map((v) => Type.Literal(v)))),
  orderBy: opt(Type.Union([Type.Literal('Asc'), Type.Literal('Desc')])),
  includeChildrenDepartments: BoolQ,
  withCustomData: BoolQ,
  withIdentities: BoolQ,
  withDepartmentIds: BoolQ,
  tenantId: Tenant,
});
const IsInQuery = Type.Object({ ...Ref, userId: Type.String({ minLength: 1, maxLength: 64 }), includeChildrenDepartments: BoolQ, tenantId: Tenant });
const UserDepartmentsQuery = Type.Object({
  userId: Type.String({ minLength: 1, maxLength: 320 }),
  userIdType: opt(UserIdType),
  ...PageQuery,
  withCustomData: BoolQ,
  withDepartmentPaths: BoolQ,
  sortBy: opt(Type.Union(['DepartmentCreatedAt', 'JoinDepartmentAt', 'DepartmentName', 'DepartmemtCode'].map((v) => Type.Literal(v)))),
  orderBy: opt(Type.Union([Type.Literal('Asc'), Type.Literal('Desc')])),
});
/** A user's department (vendor UserDepartmentRespDto): the fields the console reads are named, the rest passes through. */
const UserDepartmentOut = Type.Object(
  { organizationCode: Type.String(), departmentId: Type.String(), name: Type.String(), isRoot: Type.Boolean(), departmentNamePath: opt(Type.Array(Type.String(), { description: 'With withDepartmentPaths: the names from the root down.' })) },
  { additionalProperties: true },
);
const UserDepartmentPaging = Type.Object({ totalCount: Type.Integer(), list: Type.Array(UserDepartmentOut) });

export async function departmentRoutes(app: FastifyInstance): Promise<void> {
  const { services } = app.gh;
  const orgs = services.organizations;
  const members = services.departmentMembers;

  app.post<{ Body: Static<typeof CreateBody> }>(
    '/create-department',
    { schema: { tags, summary: 'Create a department under a parent (root for a top-level one)', security: mgmtSecurity, body: CreateBody, response: { 200: Envelope(OrNull(DepartmentOut)) } } },
    async (req) => {
      const dept = await orgs.createDepartment(managementPool(req), req.body as never);
      await services.events.emit('organization:node-added', { ...managementActor(req), subject: dept.departmentId, data: { organizationCode: dept.organizationCode, departmentId: dept.departmentId, parentDepartmentId: dept.parentDepartmentId } });
      return envelope(req, dept);
    },
  );

  app.post<{ Body: Static<typeof UpdateBody> }>(
    '/update-department',
    { schema: { tags, summary: 'Update a department; parentDepartmentId moves it (never under itself)', security: mgmtSecurity, body: UpdateBody, response: { 200: Envelope(OrNull(DepartmentOut)) } } },
    async (req) => {
      const r = await orgs.updateDepartment(managementPool(req), req.body as never);
      const ids = { organizationCode: r.department.organizationCode, departmentId: r.department.departmentId };
      await services.events.emit('organization:node-updated', { ...managementActor(req), subject: ids.departmentId, data: { ...ids, fields: Object.keys(req.body) } });
      if (r.moved) await services.events.emit('organization:node-moved', { ...managementActor(req), subject: ids.departmentId, data: { ...ids, from: r.from, to: r.department.parentDepartmentId } });
      return envelope(req, r.department);
    },
  );

  app.post<{ Body: Static<typeof DeleteBody> }>(
    '/delete-department',
    { schema: { tags, summary: 'Delete a department (refused while it has sub-departments or members, unless force)', security: mgmtSecurity, body: DeleteBody, response: { 200: Envelope(OrNull(IsSuccess)) } } },
    async (req) => {
      const dept = await orgs.deleteDepartment(managementPool(req), req.body);
      await services.events.emit('organization:node-deleted', { ...managementActor(req), subject: dept.id, data: { organizationCode: dept.organization_code, departmentId: dept.id, force: req.body.force === true } });
      return success(req);
    },
  );

  app.get<{ Querystring: Static<typeof GetQuery> }>(
    '/get-department',
    { schema: { tags, summary: 'A department', security: mgmtSecurity, querystring: GetQuery, response: { 200: Envelope(OrNull(DepartmentOut)) } } },
    async (req) => {
      const q = req.query;
      // The vendor names a department by departmentId (of departmentIdType) or by departmentCode.
      const ref = q.departmentId !== undefined ? { organizationCode: q.organizationCode, departmentId: q.departmentId, departmentIdType: q.departmentIdType } : { organizationCode: q.organizationCode, departmentId: q.departmentCode ?? 'root', departmentIdType: q.departmentCode !== undefined ? 'code' : 'department_id' };
      return envelope(req, await orgs.getDepartment(managementPool(req), ref, q.withCustomData === true));
    },
  );

  app.get<{ Querystring: { departmentId: string; withCustomData?: boolean } }>(
    '/get-department-by-id',
    { schema: { tags, summary: 'A department by its id alone', security: mgmtSecurity, querystring: Type.Object({ departmentId: DeptId, withCustomData: BoolQ, tenantId: Tenant }), response: { 200: Envelope(OrNull(DepartmentOut)) } } },
    async (req) => envelope(req, await orgs.getDepartmentById(managementPool(req), req.query.departmentId, req.query.withCustomData === true)),
  );

  app.post<{ Body: Static<typeof SearchBody> }>(
    '/search-departments',
    { schema: { tags, summary: 'Search departments of an organisation by name or code', security: mgmtSecurity, body: SearchBody, response: { 200: Envelope(OrNull(Type.Array(DepartmentOut))) } } },
    async (req) => envelope(req, await orgs.search(managementPool(req), req.body)),
  );

  app.get<{ Querystring: Static<typeof ChildrenQuery> }>(
    '/list-children-departments',
    { schema: { tags, summary: 'Direct sub-departments', security: mgmtSecurity, querystring: ChildrenQuery, response: { 200: Envelope(OrNull(DepartmentPaging)) } } },
    async (req) => envelope(req, await orgs.listChildren(managementPool(req), req.query, req.query)),
  );

  app.get<{ Querystring: Static<typeof AllQuery> }>(
    '/get-all-departments',
    { schema: { tags, summary: 'Every department below one (the whole organisation below root), shallowest first', security: mgmtSecurity, querystring: AllQuery, response: { 200: Envelope(OrNull(DepartmentPaging)) } } },
    async (req) => envelope(req, await orgs.listAll(managementPool(req), req.query, req.query)),
  );

  app.get<{ Querystring: Static<typeof RefQuery> }>(
    '/get-parent-department',
    { schema: { tags, summary: 'The parent department', security: mgmtSecurity, querystring: RefQuery, response: { 200: Envelope(OrNull(DepartmentOut)) } } },
    async (req) => envelope(req, await orgs.getParent(managementPool(req), req.query, req.query.withCustomData === true)),
  );

  app.get<{ Querystring: Static<typeof MembersQuery> }>(
    '/list-department-members',
    { schema: { tags, summary: 'Members of a department (or its subtree)', security: mgmtSecurity, querystring: MembersQuery, response: { 200: Envelope(OrNull(UserPaging)) } } },
    async (req) => envelope(req, await members.list(managementPool(req), req.query, req.query)),
  );

  app.get<{ Querystring: Static<typeof RefQuery> }>(
    '/list-department-member-ids',
    { schema: { tags, summary: 'Ids of the direct members of a department', security: mgmtSecurity, querystring: RefQuery, response: { 200: Envelope(OrNull(Type.Array(Type.String()))) } } },
    async (req) => envelope(req, await members.ids(managementPool(req), req.query)),
  );

  app.post<{ Body: Static<typeof MembersBody> }>(
    '/add-department-members',
    { schema: { tags, summary: 'Add users to a department (idempotent)', security: mgmtSecurity, body: MembersBody, response: { 200: Envelope(OrNull(IsSuccess)) } } },
    async (req) => {
      const r = await members.add(managementPool(req), req.body);
      await services.events.emit('organization:member-added', { ...managementActor(req), subject: r.departmentId, data: { organizationCode: req.body.organizationCode, departmentId: r.departmentId, userIds: r.userIds } });
      return success(req);
    },
  );

  app.post<{ Body: Static<typeof MembersBody> }>(
    '/remove-department-members',
    { schema: { tags, summary: 'Remove users from a department', security: mgmtSecurity, body: MembersBody, response: { 200: Envelope(OrNull(IsSuccess)) } } },
    async (req) => {
      const r = await members.remove(managementPool(req), req.body);
      await services.events.emit('organization:member-removed', { ...managementActor(req), subject: r.departmentId, data: { organizationCode: req.body.organizationCode, departmentId: r.departmentId, userIds: r.userIds } });
      return success(req);
    },
  );

  app.get<{ Querystring: Static<typeof IsInQuery> }>(
    '/is-user-in-department',
    { schema: { tags, summary: 'Whether a user is in a department (or its subtree)', security: mgmtSecurity, querystring: IsInQuery, response: { 200: Envelope(OrNull(Type.Object({ inDepartment: Type.Boolean() }))) } } },
    async (req) => envelope(req, await members.isIn(managementPool(req), req.query)),
  );

  app.get<{ Querystring: Static<typeof UserDepartmentsQuery> }>(
    '/get-user-departments',
    { schema: { tags, summary: "A user's departments", security: mgmtSecurity, querystring: UserDepartmentsQuery, response: { 200: Envelope(OrNull(UserDepartmentPaging)) } } },
    async (req) => envelope(req, await members.ofUser(managementPool(req), req.query)),
  );

  app.post<{ Body: Static<typeof SetUserDepartmentsBody> }>(
    '/set-user-departments',
    { schema: { tags, summary: "Replace a user's departments (leader and main department flags included)", security: mgmtSecurity, body: SetUserDepartmentsBody, response: { 200: Envelope(OrNull(IsSuccess)) } } },
    async (req) => {
      const b = req.body;
      const r = await members.setForUser(managementPool(req), { userId: b.userId, userIdType: b.userIdType ?? b.options?.userIdType, departments: b.departments });
      const removed = r.before.filter((d) => !r.after.includes(d));
      const added = r.after.filter((d) => !r.before.includes(d));
      for (const d of added) await services.events.emit('organization:member-added', { ...managementActor(req), subject: d, data: { departmentId: d, userIds: [r.userId] } });
      for (const d of removed) await services.events.emit('organization:member-removed', { ...managementActor(req), subject: d, data: { departmentId: d, userIds: [r.userId] } });
      return success(req);
    },
  );
}
