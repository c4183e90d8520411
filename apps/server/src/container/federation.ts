import type { Kysely } from 'kysely';
import type { Database } from '../storage/db/schema.js';
import { createExtIdpsRepo } from '../storage/repositories/ext-idps.js';
import type { ApplicationsRepo } from '../storage/repositories/applications.js';
import { createConnectorRegistry, type ConnectorRegistry } from '../services/connectors/index.js';
import { createConnectorCatalog, createIdentitiesService, createSourcesService } from '../services/identity-sources/index.js';
import type { SecretBox } from '../utils/crypto.js';

/**
 * Federation (issue 12, docs/identity-providers.md): identity sources and connections, users'
 * external identities, the connector catalog. Other areas (directories, the China providers,
 * the console) reach connections through `identitySources.sources`.
 */
export function createFederation(d: { db: Kysely<Database>; box: SecretBox; applicationsRepo: Pick<ApplicationsRepo, 'findById'>; checkUrl?: (url: string) => Promise<void>; registry?: ConnectorRegistry }) {
  const repo = createExtIdpsRepo(d.db);
  const catalog = createConnectorCatalog(d.registry ?? createConnectorRegistry());
  const sources = createSourcesService({
    repo,
    box: d.box,
    catalog,
    appExists: async (poolId, appId) => Boolean(await d.applicationsRepo.findById(poolId, appId)),
    ...(d.checkUrl ? { checkUrl: d.checkUrl } : {}),
  });
  const identities = createIdentitiesService({ repo, idpType: async (poolId, id) => (await repo.findIdp(poolId, id))?.type });
  return { sources, identities, catalog };
}
export type Federation = ReturnType<typeof createFederation>;
