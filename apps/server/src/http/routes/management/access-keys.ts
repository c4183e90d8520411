import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { envelope, success } from '../../envelope.js';
import { managementPool } from '../../plugins/request-signing.js';
import { Envelope, IsSuccess, mgmtSecurity } from '../common.js';
import { unsupportedField } from '../../../errors/app-error.js';
import type { AccessKeyView } from '../../../services/access-keys.js';

/*
 * Management access keys, as authing-node-sdk `ManagementClient` calls them: createAccessKey,
 * getAccessKeyList, getAccessKey, updateAccessKey, deleteAccessKey (vendor `CreateAccessKeyDto`,
 * `UpdateAccessKeyDto`, `DeleteAccessKeyDto`, `ListAccessKeyRespDto`). The vendor's models give
 * `data` as an array for create, get and list; so does Gatehouse.
 *
 * Gatehouse keys belong to a user pool and carry its full management rights. The vendor's
 * collaborator-administrator owner (`userId`) and tenants (`tenantId`) do not exist here yet:
 * a non-empty value is refused with request.unsupported_field rather than ignored. The secret
 * is shown once, by create; get and list never return it.
 */

const tags = ['access keys'];
const strict = <T extends Record<string, TSchema>>(props: T, options: object = {}) => Type.Object(props, { additionalProperties: false, ...options });
const KeyId = Type.String({ minLength: 1, maxLength: 128, description: 'The accessKeyId.' });
const NotYet = (what: string) => Type.Optional(Type.String({ maxLength: 128, description: `${what}; not supported yet: a non-empty value is refused with request.unsupported_field.` }));
const STATUSES = ['activated', 'staging', 'revoked'] as const;
const Status = Type.Union(STATUSES.map((s) => Type.Literal(s)));

const CreateBody = strict({
  type: Type.String({ minLength: 1, maxLength: 64, description: '`userpool`: a key with the management rights of this user pool (the only kind Gatehouse has).' }),
  userId: NotYet('Owner (collaborator administrator)'),
  tenantId: NotYet('Tenant'),
});
const UpdateBody = strict({ accessKeyId: KeyId, enable: Type.Boolean({ description: 'false disables the key at once on every node; true enables it again.' }) });
const DeleteBody = strict({ accessKeyId: KeyId });
const ListQuery = Type.Object(
  {
    userId: NotYet('Owner filter'),
    tenantId: NotYet('Tenant filter'),
    type: Type.Optional(Type.String({ maxLength: 64, description: '`userpool` or empty.' })),
    status: Type.Optional(Type.Union([Status, Type.Array(Status)], { description: 'Keep keys with these statuses. Gatehouse keys are `activated` until deleted.' })),
    'status[]': Type.Optional(Type.Union([Status, Type.Array(Status)], { description: 'The same, as axios encodes an array.' })),
  },
  { additionalProperties: false },
);
const GetQuery = strict({ accessKeyId: KeyId, userId: NotYet('Owner') });

const KeyOut = Type.Object(
  {
    accessKeyId: Type.String(),
    accessKeySecret: Type.Optional(Type.String({ description: 'Only in the answer to create-access-key.' })),
    userId: Type.String({ description: 'Always empty: keys have no owner yet.' }),
    userPoolId: Type.String(),
    name: Type.Union([Type.String(), Type.Null()]),
    status: Type.String({ description: '`activated`.' }),
    enable: Type.Boolean(),
    createdAt: Type.String(),
    lastDate: Type.String({ description: 'When the key last signed a request (accurate to about a minute); empty if never.' }),
  },
  { description: 'Vendor ListAccessKeyRespDto / GetAccessKeyRespDto / CreateAccessKeyRespDto.' },
);

const vendorView = (k: AccessKeyView, secret?: string) => ({
  accessKeyId: k.accessKeyId,
  ...(secret ? { accessKeySecret: secret } : {}),
  userId: '',
  userPoolId: k.userPoolId,
  name: k.name,
  status: 'activated',
  enable: k.enabled,
  createdAt: k.createdAt,
  lastDate: k.lastUsedAt ?? '',
});

function refuseOwner(fields: Record<string, unknown>): void {
  for (const k of ['userId', 'tenantId'] as const) if (typeof fields[k] === 'string' && fields[k] !== '') throw unsupportedField(k);
}

export async function accessKeyRoutes(app: FastifyInstance): Promise<void> {
  const { services } = app.gh;
  const by = (req: FastifyRequest) => ({ actor: req.management?.accessKeyId ?? null, ip: req.ip, userAgent: req.headers['user-agent'] ?? null, requestId: req.id });

  app.post<{ Body: Static<typeof CreateBody> }>(
    '/create-access-key',
    { schema: { tags, summary: 'Create a management access key (the secret is returned only here)', security: mgmtSecurity, body: CreateBody, response: { 200: Envelope(Type.Union([Type.Array(KeyOut), Type.Null()])) } } },
    async (req) => {
      refuseOwner(req.body);
      if (req.body.type !== 'userpool') throw unsupportedField(`type=${req.body.type}`);
      const poolId = managementPool(req);
      const created = await services.accessKeys.create(poolId, {}, by(req));
      const view = await services.accessKeys.get(poolId, created.accessKeyId);
      return envelope(req, [vendorView(view, created.accessKeySecret)]);
    },
  );

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/list-access-key',
    { schema: { tags, summary: 'List the access keys of the user pool (never their secrets)', security: mgmtSecurity, querystring: ListQuery, response: { 200: Envelope(Type.Union([Type.Array(KeyOut), Type.Null()])) } } },
    async (req) => {
      refuseOwner(req.query);
      const { type } = req.query;
      if (type && type !== 'userpool') throw unsupportedField(`type=${type}`);
      const wanted = [req.query.status, req.query['status[]']].flat().filter((s): s is (typeof STATUSES)[number] => typeof s === 'string');
      const keys = wanted.length === 0 || wanted.includes('activated') ? await services.accessKeys.list(managementPool(req)) : [];
      return envelope(req, keys.map((k) => vendorView(k)));
    },
  );

  app.get<{ Querystring: Static<typeof GetQuery> }>(
    '/get-access-key',
    { schema: { tags, summary: 'Get one access key (never its secret)', security: mgmtSecurity, querystring: GetQuery, response: { 200: Envelope(Type.Union([Type.Array(KeyOut), Type.Null()])) } } },
    async (req) => {
      refuseOwner(req.query);
      return envelope(req, [vendorView(await services.accessKeys.get(managementPool(req), req.query.accessKeyId))]);
    },
  );

  app.post<{ Body: Static<typeof UpdateBody> }>(
    '/update-access-key',
    { schema: { tags, summary: 'Enable or disable an access key', security: mgmtSecurity, body: UpdateBody, response: { 200: Envelope(Type.Union([IsSuccess, Type.Null()])) } } },
    async (req) => {
      await services.accessKeys.setEnabled(managementPool(req), req.body.accessKeyId, req.body.enable, by(req));
      return success(req);
    },
  );

  app.post<{ Body: Static<typeof DeleteBody> }>(
    '/delete-access-key',
    { schema: { tags, summary: 'Delete an access key', security: mgmtSecurity, body: DeleteBody, response: { 200: Envelope(Type.Union([IsSuccess, Type.Null()])) } } },
    async (req) => {
      await services.accessKeys.delete(managementPool(req), req.body.accessKeyId, by(req));
      return success(req);
    },
  );
}
