import { ConnectorError, type ConnectorDeps, type DirectoryConnector } from '@gatehouse/connector-kit';
import type { ConnectorRegistry } from '../connectors/index.js';
import type { DirectoryConnectionRecord, DirectoryType } from './types.js';

/**
 * One live connector per saved connection and node. A connector holds the bounded pool of
 * service-account connections (`poolSize`), the failover order of its URLs and the
 * concurrency limit, so it must outlive a request; it is rebuilt when the connection is edited
 * (`updatedAt` changes) and the old one is closed. Nothing here is state another node needs:
 * counters and locks live in the shared KV (the engine's attempt guard).
 */
export function createDirectoryConnectors(deps: Pick<ConnectorDeps, 'connect' | 'logger'> & { registry: Pick<ConnectorRegistry, 'directory'> }) {
  const live = new Map<string, { version: string; connector: DirectoryConnector }>();
  const noHttp: ConnectorDeps['http'] = async () => {
    throw new ConnectorError('connector.invalid_config', 'a directory connector makes no HTTP requests');
  };

  /** A connector for unsaved fields (test connection): the caller closes it. */
  function create(type: DirectoryType, fields: Record<string, unknown>): DirectoryConnector {
    const factory = deps.registry.directory(type);
    if (!factory) throw new ConnectorError('connector.invalid_config', `no directory connector for type ${type}`);
    return factory.create(fields, { http: noHttp, logger: deps.logger, ...(deps.connect ? { connect: deps.connect } : {}) });
  }

  return {
    create,

    /** The live connector of a saved connection (validates its fields on first use). */
    of(conn: DirectoryConnectionRecord): DirectoryConnector {
      const version = `${conn.updatedAt}`;
      const current = live.get(conn.id);
      if (current && current.version === version) return current.connector;
      const connector = create(conn.type, conn.fields);
      live.set(conn.id, { version, connector });
      if (current) void current.connector.close();
      return connector;
    },

    /** Drops the connector of a deleted or edited connection. */
    async forget(connId: string): Promise<void> {
      const current = live.get(connId);
      live.delete(connId);
      await current?.connector.close();
    },

    async close(): Promise<void> {
      const all = [...live.values()];
      live.clear();
      await Promise.all(all.map((c) => c.connector.close()));
    },
  };
}
export type DirectoryConnectors = ReturnType<typeof createDirectoryConnectors>;
