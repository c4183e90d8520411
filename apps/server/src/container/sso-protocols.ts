import type { Kysely } from 'kysely';
import type { Database } from '../storage/db/schema.js';
import type { KvStore } from '../storage/kv/types.js';
import { createSamlKeysRepo } from '../storage/repositories/saml-keys.js';
import type { ApplicationsService } from '../services/applications.js';
import type { EventService } from '../services/events/service.js';
import { createSamlKeysService } from '../services/saml-idp/keys.js';
import { createSamlService } from '../services/saml-idp/service.js';
import { createCasService } from '../services/cas/service.js';
import { createSsoStore } from '../services/sso-protocols/store.js';
import type { SsoSessionBridge } from '../services/sso-protocols/types.js';
import type { SecretBox } from '../utils/crypto.js';

/**
 * SAML identity provider and CAS server (docs/saml.md, docs/cas.md): both ride on the one SSO
 * session through the OIDC layer's bridge, keep their pending requests, tickets and session
 * participants in the shared KV, and sign with per-pool SAML keys.
 */
export function createSsoProtocols(d: { db: Kysely<Database>; kv: KvStore; box: SecretBox; publicUrl: string; applications: Pick<ApplicationsService, 'findClient' | 'list'>; events: Pick<EventService, 'emit'>; bridge: SsoSessionBridge }) {
  const samlKeys = createSamlKeysService(createSamlKeysRepo(d.db), d.box);
  const store = createSsoStore(d.kv);
  const saml = createSamlService({ applications: d.applications, keys: samlKeys, store, bridge: d.bridge, events: d.events, publicUrl: d.publicUrl, pairwiseKey: (poolId) => d.box.digest(`saml-pairwise:${poolId}`) });
  const cas = createCasService({ applications: d.applications, kv: d.kv, store, bridge: d.bridge, events: d.events, publicUrl: d.publicUrl });
  return { saml, cas, samlKeys };
}
export type SsoProtocols = ReturnType<typeof createSsoProtocols>;
