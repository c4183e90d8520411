import type { ConnectorCache, HttpClient, SocialConnector } from '@gatehouse/connector-kit';
import { renderSamlSpMetadata } from '@gatehouse/connectors';
import { AppError } from '../../errors/app-error.js';
import type { KvStore } from '../../storage/kv/types.js';
import type { Logger } from '../../utils/logger.js';
import type { ConnectionWithSecrets } from './types.js';
import type { ConnectorCatalog } from './catalog.js';

/**
 * Social connectors built from stored connections: the factory of the connection's type gets
 * the stored fields (it validates them and applies defaults), the outbound guard's HTTP client
 * (internal addresses refused, GATEHOUSE_UPSTREAM_OVERRIDES applied) and a cache in the shared
 * KV namespaced per connection (discovery documents, JWKS, vendor access tokens, SAML
 * assertion ids). One instance per connection version, rebuilt when the connection changes.
 */
export function createSocialRuntime(deps: { catalog: ConnectorCatalog; http: HttpClient; kv: KvStore; log: Logger; publicUrl: string }) {
  const built = new Map<string, { version: string; connector: SocialConnector }>();

  function cacheFor(connId: string): ConnectorCache {
    const k = (key: string) => `idp-cache:${connId}:${key}`;
    return {
      get: (key) => deps.kv.get(k(key)),
      set: (key, value, ttlMs) => deps.kv.set(k(key), value, Math.max(1, ttlMs)),
      take: (key) => deps.kv.take(k(key)),
      add: (key, value, ttlMs) => deps.kv.setIfAbsent(k(key), value, Math.max(1, ttlMs)),
    };
  }

  const callbackUrl = (identifier: string) => `${deps.publicUrl.replace(/\/$/, '')}/connections/social/${encodeURIComponent(identifier)}/callback`;

  return {
    /** The connector of a social connection; throws ConnectorError `connector.invalid_config` when its fields no longer validate. */
    connector(conn: ConnectionWithSecrets): SocialConnector {
      const version = `${conn.updatedAt}`;
      const hit = built.get(conn.id);
      if (hit?.version === version) return hit.connector;
      const entry = deps.catalog.forType(conn.type);
      if (!entry || entry.kind !== 'social') throw new Error(`connection type ${conn.type} has no social connector`);
      const connector = entry.factory.create(conn.fields, { http: deps.http, cache: cacheFor(conn.id), logger: deps.log.child({ connector: entry.manifest.id, connection: conn.id }) });
      built.set(conn.id, { version, connector });
      return connector;
    },
    /** The callback URL to register at the provider (docs/identity-providers.md). */
    callbackUrl,
    /**
     * The SP metadata of a `saml` connection, what the IdP administrator imports (SAML 2.0
     * Metadata §2.4.4: entity ID, the ACS URL with the HTTP-POST binding, WantAssertionsSigned,
     * the SP certificate when one is configured). Public by design: it holds no secret (the
     * private key is never part of it), like every SAML metadata document.
     */
    spMetadata(conn: ConnectionWithSecrets): string {
      if (conn.type !== 'saml') throw new AppError('federation.connection_not_found');
      try {
        return renderSamlSpMetadata(conn.fields as Parameters<typeof renderSamlSpMetadata>[0], { acsUrl: callbackUrl(conn.identifier) });
      } catch (err) {
        // Stored fields are validated on write; a connection that no longer validates says so.
        throw new AppError('federation.invalid_field', { params: { field: 'fields', reason: 'the stored SAML settings no longer validate' }, cause: err });
      }
    },
  };
}
export type SocialRuntime = ReturnType<typeof createSocialRuntime>;
