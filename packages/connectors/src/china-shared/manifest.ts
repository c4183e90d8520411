import type { ChinaSocialConnectorManifest, SocialConnector, SocialConnectorDeps, SocialConnectorFactory } from '@gatehouse/connector-kit';

/**
 * A social connector factory whose manifest says which flows and mobile connections it serves;
 * `S` is the connector it creates (with its extension, e.g. `WithOfficialAccount`).
 */
export interface ChinaSocialConnectorFactory<C = Record<string, unknown>, S extends SocialConnector = SocialConnector> extends SocialConnectorFactory<C> {
  manifest: ChinaSocialConnectorManifest;
  create(config: C, deps: SocialConnectorDeps): S;
}
