import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { envelope, success } from '../../envelope.js';
import { managementPool } from '../../plugins/request-signing.js';
import { toExtIdpConnDto, toExtIdpDetail, toExtIdpDto } from '../../../services/identity-sources/index.js';
import { USER_ID_TYPES } from '../../../services/users.js';
import { AppError } from '../../../errors/app-error.js';
import { mgmtSecurity } from '../common.js';
import { managementActor } from './event-context.js';

/**
 * Identity sources, connections and users' external identities, as the vendor's
 * `ManagementClient` calls them (authing-node-sdk: createExtIdp … changeExtIdpConnState,
 * getUserIdentities, linkIdentity, unlinkIdentity). Connection fields are validated by the
 * connector's schema, sealed at rest and returned with secret fields masked
 * (docs/identity-providers.md "Managing sources").
 */
const tags = ['ext-idps'];
const opt = <T extends TSchema>(s: T) => Type.Optional(s);
const strict = <T extends Parameters<typeof Type.Object>[0]>(p: T) => Type.Object(p, { additionalProperties: false });
const Id = Type.String({ minLength: 1, maxLength: 64 });
const Name = Type.String({ minLength: 1, maxLength: 255 });
const TenantId = opt(Type.String({ maxLength: 64, description: 'Tenants are not supported yet: refused when non-empty.' }));
const SourceType = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9:_-]*$', description: 'CreateExtIdpDto.type, e.g. oidc, oauth2, saml, github, google, azure-ad, apple, ldap, ad, wechat' });
const ConnType = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9:_-]*$', description: 'CreateExtIdpConnDto.type, e.g. oidc, oauth, saml, github, google, azure-ad, apple, ldap, ad, wechat:pc' });
const Identifier = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$', description: 'Unique in the pool; part of the callback URL /connections/social/<identifier>/callback' });
const Logo = opt(Type.String({ maxLength: 2048 }));
const Fields = Type.Object({}, { additionalProperties: true, description: "The connector's fields (docs/identity-providers.md); secret fields are masked on read and kept when sent back masked or left out on update" });
const UserIdType = Type.Union(USER_ID_TYPES.map((s) => Type.Literal(s)));

const CreateIdp = strict({ name: Name, type: SourceType, tenantId: TenantId });
const UpdateIdp = strict({ id: Id, name: Name, tenantId: TenantId });
const ById = strict({ id: Id, tenantId: TenantId });
const ListQuery = strict({ tenantId: TenantId, appId: opt(Id) });
const GetQuery = strict({ id: Id, tenantId: TenantId, appId: opt(Id), type: opt(Type.String({ maxLength: 64 })) });
const CreateConn = strict({ extIdpId: Id, type: ConnType, identifier: Identifier, displayName: Name, fields: Fields, loginOnly: opt(Type.Boolean()), logo: Logo, tenantId: TenantId });
const UpdateConn = strict({ id: Id, displayName: Name, fields: Fields, loginOnly: opt(Type.Boolean()), logo: Logo, tenantId: TenantId });
const ChangeState = strict({ id: Id, enabled: Type.Boolean(), appId: opt(Id), appIds: opt(Type.Array(Id, { maxItems: 100 })), tenantId: TenantId });
const UserQuery = strict({ userId: Type.String({ minLength: 1, maxLength: 320 }), userIdType: opt(UserIdType) });
const LinkBody = strict({
  userIdInIdp: Type.String({ minLength: 1, maxLength: 512 }),
  userId: Type.String({ minLength: 1, maxLength: 64 }),
  extIdpId: Id,
  type: opt(Type.String({ maxLength: 128, description: 'unionid: the source-wide id; otherwise the identifier (or type) of the connection when the source has several' })),
  isSocial: opt(Type.Boolean()),
});
const UnlinkBody = strict({ userId: Type.String({ minLength: 1, maxLength: 64 }), extIdpId: Id, type: opt(Type.String({ maxLength: 128 })), isSocial: opt(Type.Boolean()) });

/** Tenants are a later issue: a non-empty tenantId is refused rather than ignored. */
function noTenant(b: { tenantId?: string | undefined }): void {
  if (b.tenantId) throw new AppError('request.unsupported_field', { params: { field: 'tenantId' } });
}

export async function extIdpRoutes(app: FastifyInstance): Promise<void> {
  const { federation, services } = app.gh;
  const { sources, identities } = federation;
  const emit = (req: FastifyRequest, name: 'ext-idp:created' | 'ext-idp:updated' | 'ext-idp:deleted', data: { extIdpId: string; connectionId?: string; type?: string; what?: string; appIds?: string[] }) =>
    services.events.emit(name, { ...managementActor(req), subject: data.connectionId ?? data.extIdpId, data: data as never });
  const userIdOf = async (poolId: string, userId: string, userIdType?: (typeof USER_ID_TYPES)[number]) => (await services.users.get(poolId, { userId, ...(userIdType ? { userIdType } : {}) })).userId;

  app.post<{ Body: Static<typeof CreateIdp> }>('/create-ext-idp', { schema: { tags, security: mgmtSecurity, summary: 'Create an identity source', body: CreateIdp } }, async (req) => {
    noTenant(req.body);
    const idp = await sources.createIdp(managementPool(req), req.body);
    await emit(req, 'ext-idp:created', { extIdpId: idp.id, type: idp.type });
    return envelope(req, toExtIdpDto(idp));
  });

  app.get<{ Querystring: Static<typeof ListQuery> }>('/list-ext-idp', { schema: { tags, security: mgmtSecurity, summary: 'List the identity sources of the pool', querystring: ListQuery } }, async (req) => {
    noTenant(req.query);
    const list = await sources.listIdps(managementPool(req));
    return envelope(req, { totalCount: list.length, list: list.map(toExtIdpDto) });
  });

  app.get<{ Querystring: Static<typeof GetQuery> }>('/get-ext-idp', { schema: { tags, security: mgmtSecurity, summary: 'An identity source with its connections (secret fields masked)', querystring: GetQuery } }, async (req) => {
    noTenant(req.query);
    const idp = await sources.getIdp(managementPool(req), req.query.id);
    return envelope(req, toExtIdpDetail(idp, req.query.appId));
  });

  app.post<{ Body: Static<typeof UpdateIdp> }>('/update-ext-idp', { schema: { tags, security: mgmtSecurity, summary: 'Rename an identity source', body: UpdateIdp } }, async (req) => {
    noTenant(req.body);
    const idp = await sources.updateIdp(managementPool(req), req.body.id, req.body.name);
    await emit(req, 'ext-idp:updated', { extIdpId: idp.id, what: 'name' });
    return envelope(req, toExtIdpDto(idp));
  });

  app.post<{ Body: Static<typeof ById> }>('/delete-ext-idp', { schema: { tags, security: mgmtSecurity, summary: 'Delete an identity source, its connections and the identities they produced', body: ById } }, async (req) => {
    noTenant(req.body);
    await sources.deleteIdp(managementPool(req), req.body.id);
    await emit(req, 'ext-idp:deleted', { extIdpId: req.body.id });
    return success(req);
  });

  app.post<{ Body: Static<typeof CreateConn> }>('/create-ext-idp-conn', { schema: { tags, security: mgmtSecurity, summary: "Create a connection of an identity source (fields checked by the connector's schema)", body: CreateConn } }, async (req) => {
    noTenant(req.body);
    const conn = await sources.createConnection(managementPool(req), req.body);
    await emit(req, 'ext-idp:created', { extIdpId: conn.extIdpId, connectionId: conn.id, type: conn.type });
    return envelope(req, toExtIdpConnDto({ ...conn, appIds: [] }));
  });

  app.post<{ Body: Static<typeof UpdateConn> }>('/update-ext-idp-conn', { schema: { tags, security: mgmtSecurity, summary: 'Change a connection (secret fields left out or masked keep their values)', body: UpdateConn } }, async (req) => {
    noTenant(req.body);
    const conn = await sources.updateConnection(managementPool(req), req.body);
    await emit(req, 'ext-idp:updated', { extIdpId: conn.extIdpId, connectionId: conn.id, what: 'connection' });
    return envelope(req, toExtIdpConnDto(conn));
  });

  app.post<{ Body: Static<typeof ById> }>('/delete-ext-idp-conn', { schema: { tags, security: mgmtSecurity, summary: 'Delete a connection and the identities it produced', body: ById } }, async (req) => {
    noTenant(req.body);
    const conn = await sources.deleteConnection(managementPool(req), req.body.id);
    await emit(req, 'ext-idp:deleted', { extIdpId: conn.extIdpId, connectionId: conn.id });
    return success(req);
  });

  app.post<{ Body: Static<typeof ChangeState> }>('/change-ext-idp-conn-state', { schema: { tags, security: mgmtSecurity, summary: 'Enable or disable a connection for applications (appId and/or appIds)', body: ChangeState } }, async (req) => {
    noTenant(req.body);
    const appIds = [...(req.body.appId ? [req.body.appId] : []), ...(req.body.appIds ?? [])];
    if (!appIds.length) throw new AppError('request.invalid_input', { details: [{ path: '/appId', message: 'appId or appIds is required' }] });
    const conn = await sources.changeConnectionState(managementPool(req), { id: req.body.id, enabled: req.body.enabled, appIds });
    await emit(req, 'ext-idp:updated', { extIdpId: conn.extIdpId, connectionId: conn.id, what: req.body.enabled ? 'enabled' : 'disabled', appIds });
    return success(req);
  });

  app.get<{ Querystring: Static<typeof UserQuery> }>('/get-user-identities', { schema: { tags, security: mgmtSecurity, summary: "A user's external identities", querystring: UserQuery } }, async (req) => {
    const poolId = managementPool(req);
    const userId = await userIdOf(poolId, req.query.userId, req.query.userIdType);
    return envelope(req, await identities.listOfUser(poolId, userId));
  });

  app.post<{ Body: Static<typeof LinkBody> }>('/link-identity', { schema: { tags, security: mgmtSecurity, summary: 'Link an external account (its id at the source) to a user', body: LinkBody } }, async (req) => {
    const poolId = managementPool(req);
    const userId = await userIdOf(poolId, req.body.userId);
    const idp = await sources.getIdp(poolId, req.body.extIdpId);
    await identities.link(poolId, { userId, extIdpId: idp.id, userIdInIdp: req.body.userIdInIdp, type: req.body.type }, idp.connections);
    await services.events.emit('user:link-account', { ...managementActor(req), subject: userId, data: { userId, connection: req.body.type ?? idp.type, provider: idp.type } });
    return envelope(req, { success: true });
  });

  app.post<{ Body: Static<typeof UnlinkBody> }>('/unlink-identity', { schema: { tags, security: mgmtSecurity, summary: "Remove a user's identities from a source", body: UnlinkBody } }, async (req) => {
    const poolId = managementPool(req);
    const userId = await userIdOf(poolId, req.body.userId);
    const idp = await sources.getIdp(poolId, req.body.extIdpId);
    await identities.unlink(poolId, { userId, extIdpId: idp.id, type: req.body.type });
    await services.events.emit('user:unlink-account', { ...managementActor(req), subject: userId, data: { userId, connection: req.body.type ?? idp.type, provider: idp.type } });
    return envelope(req, { success: true });
  });
}
