import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { envelope, success } from '../../envelope.js';
import { managementPool } from '../../plugins/request-signing.js';
import { foldBracketArrays } from '../../query-arrays.js';
import { Envelope, IsSuccess, mgmtSecurity, PageQuery } from '../common.js';
import { managementActor } from './event-context.js';
import { AnyJson, BoolQ, Code, Name, NotYet, opt, OrganizationOut, OrNull, strict, Text } from './org-schemas.js';
import { MAX_TREE_PAGE } from '../../../services/organizations/organizations.js';

/*
 * Organisations, as authing-node-sdk `ManagementClient` calls them (create-organization …
 * search-organizations; vendor `CreateOrganizationReqDto`, `UpdateOrganizationReqDto`,
 * `OrganizationDto`). Departments are in departments.ts.
 */

const tags = ['organizations'];

const CreateBody = strict({
  organizationCode: Code(),
  organizationName: Name,
  description: opt(Text),
  openDepartmentId: opt(Type.String({ maxLength: 128, description: 'External id of the root department.' })),
  i18n: opt(AnyJson),
  metadata: opt(Type.Unknown({ description: 'Vendor metadata; accepted and not stored.' })),
  tenantId: NotYet('Tenant'),
  postIdList: NotYet('Posts'),
});

const UpdateBody = strict({
  organizationCode: Code(),
  organizationNewCode: opt(Code()),
  organizationName: opt(Name),
  description: opt(Text),
  openDepartmentId: opt(Type.String({ maxLength: 128 })),
  leaderUserIds: opt(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 100 })),
  i18n: opt(AnyJson),
  tenantId: NotYet('Tenant'),
  postIdList: NotYet('Posts'),
});

const DeleteBody = strict({ organizationCode: Code(), tenantId: NotYet('Tenant') });

const GetQuery = Type.Object({ organizationCode: Type.String({ minLength: 1, maxLength: 64 }), withCustomData: BoolQ, withPost: BoolQ, tenantId: opt(Type.String({ maxLength: 0, description: 'Tenants are not supported: must be absent or empty.' })) });
/** `getOrganizationsBatch`: axios sends the list as `organizationCodeList[]=a&organizationCodeList[]=b`. */
const BatchQuery = Type.Object({
  organizationCodeList: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 100 }),
  withCustomData: BoolQ,
  withPost: BoolQ,
  tenantId: opt(Type.String({ maxLength: 0 })),
});
const ListQuery = Type.Object({ ...PageQuery, fetchAll: BoolQ, withCustomData: BoolQ, withPost: BoolQ, status: BoolQ, tenantId: opt(Type.String({ maxLength: 0 })) });
const SearchQuery = Type.Object({ ...PageQuery, keywords: Type.String({ maxLength: 255 }), withCustomData: BoolQ, tenantId: opt(Type.String({ maxLength: 0 })) });
const OrgPaging = Type.Object({ totalCount: Type.Integer(), list: Type.Array(OrganizationOut) });

export async function organizationRoutes(app: FastifyInstance): Promise<void> {
  const { services } = app.gh;

  app.post<{ Body: Static<typeof CreateBody> }>(
    '/create-organization',
    { schema: { tags, summary: 'Create an organisation (and its root department)', security: mgmtSecurity, body: CreateBody, response: { 200: Envelope(OrNull(OrganizationOut)) } } },
    async (req) => {
      const org = await services.organizations.createOrganization(managementPool(req), req.body as never);
      await services.events.emit('organization:created', { ...managementActor(req), subject: org.departmentId as string, data: { organizationCode: org.organizationCode, departmentId: org.departmentId } });
      return envelope(req, org);
    },
  );

  app.post<{ Body: Static<typeof UpdateBody> }>(
    '/update-organization',
    { schema: { tags, summary: 'Update an organisation', security: mgmtSecurity, body: UpdateBody, response: { 200: Envelope(OrNull(OrganizationOut)) } } },
    async (req) => {
      const org = await services.organizations.updateOrganization(managementPool(req), req.body as never);
      await services.events.emit('organization:node-updated', { ...managementActor(req), subject: org.departmentId as string, data: { organizationCode: org.organizationCode, departmentId: org.departmentId, fields: Object.keys(req.body) } });
      return envelope(req, org);
    },
  );

  app.post<{ Body: Static<typeof DeleteBody> }>(
    '/delete-organization',
    { schema: { tags, summary: 'Delete an organisation with its departments and memberships', security: mgmtSecurity, body: DeleteBody, response: { 200: Envelope(OrNull(IsSuccess)) } } },
    async (req) => {
      const org = await services.organizations.deleteOrganization(managementPool(req), req.body.organizationCode);
      await services.events.emit('organization:deleted', { ...managementActor(req), subject: org.root_department_id, data: { organizationCode: org.code } });
      return success(req);
    },
  );

  app.get<{ Querystring: Static<typeof GetQuery> }>(
    '/get-organization',
    { schema: { tags, summary: 'An organisation', security: mgmtSecurity, querystring: GetQuery, response: { 200: Envelope(OrNull(OrganizationOut)) } } },
    async (req) => envelope(req, await services.organizations.getOrganization(managementPool(req), req.query.organizationCode)),
  );

  app.get<{ Querystring: Static<typeof BatchQuery> }>(
    '/get-organization-batch',
    {
      schema: { tags, summary: 'Organisations by code, in the order asked; unknown codes are left out', security: mgmtSecurity, querystring: BatchQuery, response: { 200: Envelope(OrNull(Type.Array(OrganizationOut))) } },
      preValidation: foldBracketArrays,
    },
    async (req) => envelope(req, await services.organizations.getOrganizations(managementPool(req), req.query.organizationCodeList)),
  );

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/list-organizations',
    { schema: { tags, summary: 'List organisations', security: mgmtSecurity, querystring: ListQuery, response: { 200: Envelope(OrNull(OrgPaging)) } } },
    async (req) => {
      const { page, limit, fetchAll } = req.query;
      // fetchAll: the first MAX_TREE_PAGE organisations in one answer (totalCount tells if there are more).
      const result = await services.organizations.listOrganizations(managementPool(req), fetchAll ? { page: 1, limit: MAX_TREE_PAGE } : { page, limit });
      // Organisations cannot be disabled here: all are active, so status=false lists none.
      return envelope(req, req.query.status === false ? { totalCount: 0, list: [] } : result);
    },
  );

  app.get<{ Querystring: Static<typeof SearchQuery> }>(
    '/search-organizations',
    { schema: { tags, summary: 'Search organisations by code or name', security: mgmtSecurity, querystring: SearchQuery, response: { 200: Envelope(OrNull(OrgPaging)) } } },
    async (req) => {
      const { page, limit, keywords } = req.query;
      return envelope(req, await services.organizations.listOrganizations(managementPool(req), { page, limit, ...(keywords ? { keywords } : {}) }));
    },
  );
}

