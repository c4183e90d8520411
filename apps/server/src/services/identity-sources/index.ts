/**
 * Identity sources (issue 12): sources and connections (`sources.ts`), users' external
 * identities (`identities.ts`), the connector catalog (`catalog.ts`) and the field rules
 * (`fields.ts`). docs/architecture.md "Federation" describes the lookups other areas use.
 */
export { createSourcesService, type SourcesService } from './sources.js';
export { createIdentitiesService, toIdentityDto, type IdentitiesService, type IdentityDto, type IdentityConnection } from './identities.js';
export { createConnectorCatalog, sourceTypeOf, type ConnectorCatalog, type ConnectorEntry } from './catalog.js';
export { SECRET_MASK } from './fields.js';
export type { ConnectionView, ConnectionWithSecrets, IdpView } from './types.js';
export { toExtIdpConnDto, toExtIdpDetail, toExtIdpDto } from './dto.js';
export { createSocialRuntime, type SocialRuntime } from './runtime.js';
export { createFederatedAccounts, type FederatedAccounts, type FederatedRegistration } from './accounts.js';
