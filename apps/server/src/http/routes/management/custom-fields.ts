import type { FastifyInstance } from 'fastify';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { envelope, success } from '../../envelope.js';
import { managementPool } from '../../plugins/request-signing.js';
import { AnyObject, Envelope, IsSuccess, mgmtSecurity } from '../common.js';
import { DATA_TYPES, LANGS, TARGET_TYPES } from '../../../services/custom-fields/types.js';

/*
 * Custom fields and custom data, as authing-node-sdk `ManagementClient` calls them
 * (docs/custom-fields.md): set-custom-fields, get-custom-fields, list-custom-fields,
 * delete-custom-fields, set-custom-data, get-custom-data.
 */

const tags = ['custom-fields'];
const strict = <T extends Record<string, TSchema>>(props: T) => Type.Object(props, { additionalProperties: false });
const TargetType = Type.Union(TARGET_TYPES.map((t) => Type.Literal(t)));
const DataType = Type.Union([...DATA_TYPES, 'SELECT'].map((t) => Type.Literal(t)));
const LangLabel = strict({ enabled: Type.Optional(Type.Boolean()), value: Type.String({ maxLength: 255 }) });
const Tenant = Type.Optional(Type.String({ maxLength: 64, description: 'Tenants are not supported: must be absent or empty.' }));

const FieldIn = strict({
  targetType: TargetType,
  key: Type.String({ minLength: 1, maxLength: 64 }),
  dataType: Type.Optional(Type.Union(DATA_TYPES.map((t) => Type.Literal(t)))),
  label: Type.Optional(Type.String({ maxLength: 255 })),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  encrypted: Type.Optional(Type.Boolean({ description: 'Not supported yet: refused when true.' })),
  isUnique: Type.Optional(Type.Boolean()),
  userEditable: Type.Optional(Type.Boolean()),
  visibleInAdminConsole: Type.Optional(Type.Boolean()),
  visibleInUserCenter: Type.Optional(Type.Boolean()),
  validateRules: Type.Optional(strict({ minLength: Type.Optional(Type.Integer({ minimum: 0 })), maxLength: Type.Optional(Type.Integer({ minimum: 1, maximum: 2048 })), min: Type.Optional(Type.Number()), max: Type.Optional(Type.Number()), required: Type.Optional(Type.Boolean()) })),
  appIds: Type.Optional(Type.Array(Type.String(), { maxItems: 0, description: 'Per-app fields are not supported yet.' })),
  desensitization: Type.Optional(Type.Boolean()),
  options: Type.Optional(Type.Array(strict({ value: Type.String({ minLength: 1, maxLength: 255 }), label: Type.String({ maxLength: 255 }) }), { maxItems: 200 })),
  i18n: Type.Optional(strict({ label: Type.Optional(Type.Object(Object.fromEntries(LANGS.map((l) => [l, Type.Optional(LangLabel)])), { additionalProperties: false })) })),
});
/** A stored field (CustomFieldDto): the fields the console reads are named; the rest passes through. */
const FieldOut = Type.Object(
  {
    targetType: TargetType,
    key: Type.String(),
    dataType: Type.Union(DATA_TYPES.map((t) => Type.Literal(t))),
    label: Type.String(),
    description: Type.Optional(Type.String()),
    isUnique: Type.Boolean(),
    userEditable: Type.Boolean(),
    visibleInAdminConsole: Type.Boolean(),
    visibleInUserCenter: Type.Boolean(),
    options: Type.Optional(Type.Array(Type.Object({ value: Type.String(), label: Type.String() }))),
  },
  { additionalProperties: true },
);
const SetFieldsBody = strict({ list: Type.Array(FieldIn, { minItems: 1, maxItems: 50 }), tenantId: Tenant });
const GetFieldsQuery = Type.Object({ targetType: TargetType, tenantId: Tenant });
const ListFieldsQuery = Type.Object({
  targetType: TargetType,
  dataType: Type.Optional(DataType),
  tenantId: Tenant,
  page: Type.Integer({ minimum: 1, default: 1 }),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
  userVisible: Type.Optional(Type.Boolean()),
  adminVisible: Type.Optional(Type.Boolean()),
  accessControl: Type.Optional(Type.Boolean()),
  keyword: Type.Optional(Type.String({ maxLength: 255 })),
  lang: Type.Optional(Type.String({ maxLength: 16 })),
});
const DeleteBody = strict({ list: Type.Array(strict({ targetType: TargetType, key: Type.String({ minLength: 1, maxLength: 64 }) }), { minItems: 1, maxItems: 50 }), tenantId: Tenant });
const SetDataBody = strict({
  list: Type.Array(strict({ key: Type.String({ minLength: 1, maxLength: 64 }), value: Type.Unknown(), tenantId: Tenant }), { minItems: 1, maxItems: 100 }),
  targetIdentifier: Type.String({ minLength: 1, maxLength: 320 }),
  targetType: TargetType,
  tenantId: Tenant,
  namespace: Type.Optional(Type.String({ maxLength: 64 })),
});
const GetDataQuery = Type.Object({ targetType: TargetType, targetIdentifier: Type.String({ minLength: 1, maxLength: 320 }), tenantId: Tenant, namespace: Type.Optional(Type.String({ maxLength: 64 })) });

export async function customFieldRoutes(app: FastifyInstance): Promise<void> {
  const fields = app.gh.services.customFields;

  app.post<{ Body: Static<typeof SetFieldsBody> }>(
    '/set-custom-fields',
    { schema: { tags, summary: 'Create or change custom fields (key and data type are fixed once set)', security: mgmtSecurity, body: SetFieldsBody, response: { 200: Envelope(Type.Union([Type.Array(AnyObject), Type.Null()])) } } },
    async (req) => envelope(req, await fields.setFields(managementPool(req), req.body.list.map(({ appIds: _a, desensitization: _d, ...f }) => f))),
  );

  app.get<{ Querystring: Static<typeof GetFieldsQuery> }>(
    '/get-custom-fields',
    { schema: { tags, summary: 'The custom fields of a target type', security: mgmtSecurity, querystring: GetFieldsQuery, response: { 200: Envelope(Type.Union([Type.Array(FieldOut), Type.Null()])) } } },
    async (req) => envelope(req, await fields.list(managementPool(req), req.query.targetType)),
  );

  app.get<{ Querystring: Static<typeof ListFieldsQuery> }>(
    '/list-custom-fields',
    { schema: { tags, summary: 'Custom fields, filtered and paged', security: mgmtSecurity, querystring: ListFieldsQuery, response: { 200: Envelope(Type.Union([AnyObject, Type.Null()])) } } },
    async (req) => {
      const q = req.query;
      const kw = q.keyword?.toLowerCase();
      const dataType = q.dataType === 'SELECT' ? 'ENUM' : q.dataType;
      const all = (await fields.list(managementPool(req), q.targetType)).filter(
        (f) =>
          (!dataType || f.dataType === dataType) &&
          (q.userVisible === undefined || f.visibleInUserCenter === q.userVisible) &&
          (q.adminVisible === undefined || f.visibleInAdminConsole === q.adminVisible) &&
          (!kw || f.key.toLowerCase().includes(kw) || f.label.toLowerCase().includes(kw)),
      );
      return envelope(req, { totalCount: all.length, list: all.slice((q.page - 1) * q.limit, q.page * q.limit) });
    },
  );

  app.post<{ Body: Static<typeof DeleteBody> }>(
    '/delete-custom-fields',
    { schema: { tags, summary: 'Delete custom fields (stored values stay until overwritten)', security: mgmtSecurity, body: DeleteBody, response: { 200: Envelope(Type.Union([IsSuccess, Type.Null()])) } } },
    async (req) => {
      await fields.delete(managementPool(req), req.body.list);
      return success(req);
    },
  );

  app.post<{ Body: Static<typeof SetDataBody> }>(
    '/set-custom-data',
    { schema: { tags, summary: "Set a user's, role's … custom data (checked against the fields)", security: mgmtSecurity, body: SetDataBody, response: { 200: Envelope(Type.Union([IsSuccess, Type.Null()])) } } },
    async (req) => {
      const { targetType, targetIdentifier, namespace, list } = req.body;
      await fields.setData(managementPool(req), { targetType, targetIdentifier, ...(namespace ? { namespace } : {}), list });
      return success(req);
    },
  );

  app.get<{ Querystring: Static<typeof GetDataQuery> }>(
    '/get-custom-data',
    { schema: { tags, summary: "A user's, role's … custom data", security: mgmtSecurity, querystring: GetDataQuery, response: { 200: Envelope(Type.Union([AnyObject, Type.Null()])) } } },
    async (req) => {
      const { targetType, targetIdentifier, namespace } = req.query;
      return envelope(req, await fields.getData(managementPool(req), { targetType, targetIdentifier, ...(namespace ? { namespace } : {}) }));
    },
  );
}
