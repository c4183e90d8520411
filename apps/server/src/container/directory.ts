import { ConnectorError } from '@gatehouse/connector-kit';
import type { Socket } from 'node:net';
import { isAppError } from '../errors/app-error.js';
import type { ConnectorRegistry } from '../services/connectors/index.js';
import { createDirectoryConnectors } from '../services/directory/connectors.js';
import { createDirectoryProvisioning } from '../services/directory/provisioning.js';
import { createDirectoryRoles } from '../services/directory/roles.js';
import { createDirectoryService } from '../services/directory/service.js';
import { DIRECTORY_TYPES, type DirectoryConnectionRecord, type DirectoryType } from '../services/directory/types.js';
import type { UsersService } from '../services/users.js';
import type { OutboundGuard } from '../services/outbound/index.js';
import type { RolesRepo } from '../storage/repositories/roles.js';
import type { UsersRepo } from '../storage/repositories/users.js';
import type { Logger } from '../utils/logger.js';

/** A saved connection with its fields unsealed. */
type ConnectionRow = { id: string; poolId: string; extIdpId: string; type: string; displayName: string; updatedAt: string; fields: Record<string, unknown> };

/** What the directory area uses of the federation storage (identity sources, connections, identities). */
export interface DirectoryFederation {
  sources: {
    enabledConnectionsWithSecretsForApp(poolId: string, appId: string, type: string): Promise<Array<ConnectionRow>>;
    getConnectionWithSecrets(id: string, poolId?: string): Promise<ConnectionRow | undefined>;
  };
  identities: {
    findUserId(conn: { id: string; poolId: string; extIdpId: string; type: string }, profile: { id: string }): Promise<string | undefined>;
    record(conn: { id: string; poolId: string; extIdpId: string; type: string }, userId: string, profile: { id: string; raw: Record<string, unknown> }): Promise<void>;
  };
}

const isDirectoryType = (t: string): t is DirectoryType => (DIRECTORY_TYPES as readonly string[]).includes(t);

/**
 * LDAP / Active Directory sign-in (issue 14, docs/ldap.md): the connector cache, provisioning,
 * roles and the service the `ldap` / `ad` login methods and test-ext-idp-conn use. Directory
 * connections go through the outbound guard like every destination a pool configures: the
 * operator allows the directory's (usually internal) address with GATEHOUSE_OUTBOUND_ALLOW.
 */
export function createDirectory(d: {
  federation: DirectoryFederation;
  registry: Pick<ConnectorRegistry, 'directory'>;
  outbound: Pick<OutboundGuard, 'connect'>;
  users: Pick<UsersService, 'create' | 'update'>;
  usersRepo: Pick<UsersRepo, 'findById'>;
  rolesRepo: Pick<RolesRepo, 'findByCode' | 'assign' | 'unassign'>;
  log: Logger;
}) {
  const record = (c: ConnectionRow): DirectoryConnectionRecord | null =>
    isDirectoryType(c.type) ? { id: c.id, poolId: c.poolId, extIdpId: c.extIdpId, type: c.type, displayName: c.displayName, updatedAt: c.updatedAt, fields: c.fields } : null;

  /** The guard's TCP connect; an address the operator has not allowed is a configuration error, not an outage. */
  const connect = async (host: string, port: number, opts?: { timeoutMs?: number }): Promise<Socket> => {
    try {
      return await d.outbound.connect(host, port, opts);
    } catch (err) {
      if (isAppError(err) && err.code === 'outbound.address_not_allowed') {
        throw new ConnectorError('connector.invalid_config', `${host}: address not allowed by the outbound policy (add it to GATEHOUSE_OUTBOUND_ALLOW)`);
      }
      throw err;
    }
  };

  const connectors = createDirectoryConnectors({ registry: d.registry, connect, logger: d.log.child({ area: 'directory' }) });
  const provisioning = createDirectoryProvisioning({
    identities: {
      userOf: async (_poolId, conn, subject) => (await d.federation.identities.findUserId(conn, { id: subject })) ?? null,
      save: (_poolId, conn, e) => d.federation.identities.record(conn, e.userId, { id: e.subject, raw: e.userinfo }),
    },
    users: d.users,
    findUser: (poolId, userId) => d.usersRepo.findById(poolId, userId),
    roles: createDirectoryRoles(d.rolesRepo),
    log: d.log,
  });
  const service = createDirectoryService({
    sources: {
      async enabledForApp(poolId, appId, type) {
        return (await d.federation.sources.enabledConnectionsWithSecretsForApp(poolId, appId, type)).map(record).filter((r) => r !== null);
      },
      async byId(poolId, id) {
        const c = await d.federation.sources.getConnectionWithSecrets(id, poolId);
        return (c && record(c)) ?? null;
      },
    },
    connectors,
    provisioning,
    log: d.log,
  });
  return service;
}
export type Directory = ReturnType<typeof createDirectory>;
