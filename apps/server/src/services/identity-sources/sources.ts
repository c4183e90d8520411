import { AppError } from '../../errors/app-error.js';
import { isUniqueViolation } from '../../errors/to-app-error.js';
import type { ExtIdpConnRow, ExtIdpRow, ExtIdpsRepo } from '../../storage/repositories/ext-idps.js';
import type { SecretBox } from '../../utils/crypto.js';
import { sortableId } from '../../utils/ids.js';
import { nowIso } from '../../utils/time.js';
import { sourceTypeOf, type ConnectorCatalog } from './catalog.js';
import { openConfig, sealConfig } from '../connectors/index.js';
import { asFields, checkFields, checkOperatorOnly, keepSecrets, maskFields } from './fields.js';
import type { ConnectionView, ConnectionWithSecrets, CreateConnectionInput, CreateIdpInput, IdpView, UpdateConnectionInput } from './types.js';

/** Types of which an application may enable one connection only: the vendor's signInByLDAP / signInByAD carry no connection id. */
const ONE_PER_APP = new Set(['ldap', 'ad']);

/**
 * Identity sources and their connections (issue 12): the management operations of the vendor's
 * ManagementClient, and the lookups the sign-in paths of every area use
 * (`enabledConnectionsForApp`, `getConnectionWithSecrets`). A connection's fields are checked
 * against its connector's manifest before anything is stored, sealed at rest as one JSON
 * document (AAD bound to pool and connection), and shown with secret fields masked.
 */
export function createSourcesService(deps: {
  repo: ExtIdpsRepo;
  box: SecretBox;
  catalog: ConnectorCatalog;
  /** Whether an application exists in the pool. */
  appExists: (poolId: string, appId: string) => Promise<boolean>;
  /** Configuration-time check of an endpoint URL a pool stores (the outbound guard's checkUrl). */
  checkUrl?: (url: string) => Promise<void>;
}) {
  const { repo, box, catalog } = deps;
  const sealContext = (poolId: string, connId: string) => `ext-idp-conn:${poolId}:${connId}`;
  const openFields = (row: ExtIdpConnRow) => openConfig(box, row.fields_enc, sealContext(row.pool_id, row.id));

  const idpView = (r: ExtIdpRow): IdpView => ({ id: r.id, poolId: r.pool_id, name: r.name, type: r.type, tenantId: r.tenant_id, createdAt: r.created_at });
  /** The connection without its fields. */
  const baseView = (r: ExtIdpConnRow): Omit<ConnectionView, 'fields'> => ({
    id: r.id,
    poolId: r.pool_id,
    extIdpId: r.ext_idp_id,
    type: r.type,
    identifier: r.identifier,
    displayName: r.display_name,
    logo: r.logo,
    loginOnly: r.login_only === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  });
  /** The connection as clients see it: secret fields masked. */
  function connView(r: ExtIdpConnRow, fields = openFields(r)): ConnectionView {
    return { ...baseView(r), fields: maskFields(catalog.forType(r.type)?.manifest, fields) };
  }
  /** The connection with its fields unsealed, secrets included (to build its connector; never sent to a client). */
  const withSecrets = (row: ExtIdpConnRow): ConnectionWithSecrets => ({ ...baseView(row), fields: openFields(row), kind: catalog.forType(row.type)?.kind ?? 'social' });

  async function idpOrThrow(poolId: string, id: string): Promise<ExtIdpRow> {
    const row = await repo.findIdp(poolId, id);
    if (!row) throw new AppError('federation.idp_not_found');
    return row;
  }
  async function connOrThrow(poolId: string, id: string): Promise<ExtIdpConnRow> {
    const row = await repo.findConn(poolId, id);
    if (!row) throw new AppError('federation.connection_not_found');
    return row;
  }
  function entryOrThrow(type: string) {
    const entry = catalog.forType(type);
    if (!entry) throw new AppError('federation.unsupported_type', { params: { type } });
    return entry;
  }

  return {
    // ---------------------------------------------------------------- sources
    async createIdp(poolId: string, input: CreateIdpInput): Promise<IdpView> {
      const at = nowIso();
      const row: ExtIdpRow = { id: sortableId(), pool_id: poolId, name: input.name, type: input.type, tenant_id: input.tenantId ?? null, created_at: at, updated_at: at };
      await repo.insertIdp(row);
      return idpView(row);
    },
    async listIdps(poolId: string, q: { tenantId?: string | undefined } = {}): Promise<IdpView[]> {
      return (await repo.listIdps(poolId, q.tenantId)).map(idpView);
    },
    /** A source with its connections (fields masked) and, per connection, the applications it is enabled for. */
    async getIdp(poolId: string, id: string): Promise<IdpView & { connections: Array<ConnectionView & { appIds: string[] }> }> {
      const idp = await idpOrThrow(poolId, id);
      const conns = await repo.listConns(poolId, [idp.id]);
      const apps = await repo.appsOfConns(poolId, conns.map((c) => c.id));
      return { ...idpView(idp), connections: conns.map((c) => ({ ...connView(c), appIds: apps.filter((a) => a.conn_id === c.id).map((a) => a.app_id) })) };
    },
    async updateIdp(poolId: string, id: string, name: string): Promise<IdpView> {
      await idpOrThrow(poolId, id);
      await repo.renameIdp(poolId, id, name, nowIso());
      return idpView((await repo.findIdp(poolId, id))!);
    },
    /** Deletes the source, its connections, their enablement and the identities they produced (foreign keys cascade). */
    async deleteIdp(poolId: string, id: string): Promise<void> {
      if (!(await repo.deleteIdp(poolId, id))) throw new AppError('federation.idp_not_found');
    },

    // ---------------------------------------------------------------- connections
    async createConnection(poolId: string, input: CreateConnectionInput): Promise<ConnectionView> {
      const idp = await idpOrThrow(poolId, input.extIdpId);
      const entry = entryOrThrow(input.type);
      if (sourceTypeOf(input.type) !== idp.type) throw new AppError('federation.type_mismatch', { params: { type: input.type, idpType: idp.type } });
      const fields = checkFields(entry.manifest, input.fields);
      await checkOperatorOnly(entry.manifest, fields, deps.checkUrl);
      if (await repo.findConnByIdentifier(poolId, input.identifier)) throw new AppError('federation.identifier_taken', { params: { identifier: input.identifier } });
      const at = nowIso();
      const id = sortableId();
      const row: ExtIdpConnRow = {
        id,
        pool_id: poolId,
        ext_idp_id: idp.id,
        type: input.type,
        identifier: input.identifier,
        display_name: input.displayName,
        logo: input.logo ?? null,
        login_only: input.loginOnly ? 1 : 0,
        fields_enc: sealConfig(box, fields, sealContext(poolId, id)),
        created_at: at,
        updated_at: at,
      };
      try {
        await repo.insertConn(row);
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('federation.identifier_taken', { params: { identifier: input.identifier }, cause: err });
        throw err;
      }
      return connView(row, fields);
    },

    /** Replaces display name, logo, loginOnly and fields; secret fields left out, empty or masked keep their stored values. */
    async updateConnection(poolId: string, input: UpdateConnectionInput): Promise<ConnectionView> {
      const cur = await connOrThrow(poolId, input.id);
      const entry = entryOrThrow(cur.type);
      const merged = keepSecrets(entry.manifest, asFields(input.fields), openFields(cur));
      const fields = checkFields(entry.manifest, merged);
      await checkOperatorOnly(entry.manifest, fields, deps.checkUrl);
      const set = {
        display_name: input.displayName,
        ...(input.logo !== undefined ? { logo: input.logo } : {}),
        ...(input.loginOnly !== undefined ? { login_only: input.loginOnly ? 1 : 0 } : {}),
        fields_enc: sealConfig(box, fields, sealContext(poolId, cur.id)),
        updated_at: nowIso(),
      };
      await repo.updateConn(poolId, cur.id, set);
      return connView({ ...cur, ...set }, fields);
    },

    async deleteConnection(poolId: string, id: string): Promise<ConnectionView> {
      const cur = await connOrThrow(poolId, id);
      await repo.deleteIdentitiesOfConn(poolId, id);
      await repo.deleteConn(poolId, id);
      return connView(cur);
    },

    /** `change-ext-idp-conn-state`: enables or disables a connection for one or more applications of the pool. */
    async changeConnectionState(poolId: string, input: { id: string; enabled: boolean; appIds: string[] }): Promise<ConnectionView> {
      const cur = await connOrThrow(poolId, input.id);
      const appIds = [...new Set(input.appIds)];
      for (const appId of appIds) if (!(await deps.appExists(poolId, appId))) throw new AppError('application.not_found');
      if (input.enabled) {
        if (ONE_PER_APP.has(cur.type)) {
          for (const appId of appIds) {
            const other = (await repo.enabledConnsForApp(poolId, appId)).find((c) => c.type === cur.type && c.id !== cur.id);
            if (other) throw new AppError('federation.one_per_app', { params: { type: cur.type } });
          }
        }
        await repo.enableForApps(poolId, cur.id, appIds, nowIso());
      } else await repo.disableForApps(poolId, cur.id, appIds);
      return connView(cur);
    },

    // ---------------------------------------------------------------- lookups for the sign-in paths
    /** The connections enabled for an application (login buttons order), optionally of one type; fields masked. */
    async enabledConnectionsForApp(poolId: string, appId: string, type?: string): Promise<ConnectionView[]> {
      const rows = await repo.enabledConnsForApp(poolId, appId);
      return rows.filter((r) => type === undefined || r.type === type).map((r) => connView(r));
    },
    /**
     * The connections of one type enabled for an application, with their fields, secrets
     * included (a directory sign-in builds its connector from them): one read, and only the
     * connections of that type are unsealed.
     */
    async enabledConnectionsWithSecretsForApp(poolId: string, appId: string, type: string): Promise<ConnectionWithSecrets[]> {
      return (await repo.enabledConnsForApp(poolId, appId)).filter((r) => r.type === type).map(withSecrets);
    },
    /** Whether a connection is enabled for an application. */
    async isEnabledForApp(poolId: string, connId: string, appId: string): Promise<boolean> {
      return (await repo.enabledConnsForApp(poolId, appId)).some((r) => r.id === connId);
    },
    /** A connection by id or by identifier, fields masked. */
    async getConnection(poolId: string, idOrIdentifier: { id?: string; identifier?: string }): Promise<ConnectionView | undefined> {
      const row = idOrIdentifier.id ? await repo.findConn(poolId, idOrIdentifier.id) : idOrIdentifier.identifier ? await repo.findConnByIdentifier(poolId, idOrIdentifier.identifier) : undefined;
      return row ? connView(row) : undefined;
    },
    /**
     * The connection with its stored fields, secrets included, to build its connector. `poolId`
     * omitted: any pool (a browser callback names only the connection). Undefined when unknown.
     */
    async getConnectionWithSecrets(id: string, poolId?: string): Promise<ConnectionWithSecrets | undefined> {
      const row = poolId ? await repo.findConn(poolId, id) : await repo.findConnAnyPool(id);
      return row ? withSecrets(row) : undefined;
    },
    /** Every connection with this identifier, in any pool, with its fields (a vendor push carries only the identifier). */
    async connectionsWithSecretsByIdentifier(identifier: string): Promise<ConnectionWithSecrets[]> {
      return (await repo.findConnsByIdentifierAnyPool(identifier)).map(withSecrets);
    },
    /** Every connection of these types, in any pool, with its fields (the scheduled organisation sync's sources). */
    async connectionsWithSecretsByTypes(types: string[]): Promise<ConnectionWithSecrets[]> {
      return (await repo.findConnsByTypesAnyPool(types)).map(withSecrets);
    },
    /** The connector catalog (connection type → manifest and factory). */
    catalog,
  };
}
export type SourcesService = ReturnType<typeof createSourcesService>;
