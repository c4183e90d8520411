import type { Kysely } from 'kysely';
import type { ChinaSocialConnectorManifest, EmbeddedLoginManifest, HttpClient } from '@gatehouse/connector-kit';
import type { SqliteConnection } from '../storage/db/connect.js';
import type { Database } from '../storage/db/schema.js';
import type { KvStore } from '../storage/kv/types.js';
import { createExtIdpsRepo } from '../storage/repositories/ext-idps.js';
import type { ApplicationsRepo } from '../storage/repositories/applications.js';
import type { UsersRepo } from '../storage/repositories/users.js';
import { createConnectorRegistry, type ConnectorRegistry } from '../services/connectors/index.js';
import { createConnectorCatalog, createFederatedAccounts, createIdentitiesService, createSocialRuntime, createSourcesService, type FederatedRegistration } from '../services/identity-sources/index.js';
import type { EventService } from '../services/events/service.js';
import type { SocialMethodDeps } from '../login-methods/social/index.js';
import type { SecretBox } from '../utils/crypto.js';
import type { SignInEngine } from '../flows/engine/engine.js';
import type { LoginUi } from '../flows/login-ui/service.js';
import { createSocialRoundTrip } from '../flows/social/round-trip.js';
import { createSocialStateStore } from '../flows/social/state.js';
import { createScanSignIn } from '../flows/social/scan.js';
import { createLinkTickets } from '../flows/social/link-tickets.js';
import { createSocialLinking } from '../flows/social/link.js';
import { createSamlSpMetadata } from '../flows/social/sp-metadata.js';
import type { ApplicationsService } from '../services/applications.js';
import type { UsersService } from '../services/users.js';
import type { Logger } from '../utils/logger.js';

/**
 * Federation (docs/identity-providers.md): identity sources and connections, users' external
 * identities, the connector catalog, social connectors built from connections, and the account
 * rules of a federated sign-in. Other areas (directories, the China providers, the console)
 * reach connections through `federation.sources`.
 */
export function createFederation(d: {
  db: Kysely<Database>;
  /** The SQLite connection under `db` (undefined on PostgreSQL), for the compiled hot reads. */
  direct?: SqliteConnection | undefined;
  box: SecretBox;
  kv: KvStore;
  log: Logger;
  publicUrl: string;
  /** The outbound guard's client: every call to a provider goes through it. */
  http: HttpClient;
  applicationsRepo: Pick<ApplicationsRepo, 'findById'>;
  usersRepo: Pick<UsersRepo, 'findById' | 'findBy'>;
  events: Pick<EventService, 'emit'>;
  /** The engine's registration (switches, allow-list, hooks, events); the engine is built after this. */
  register: (r: FederatedRegistration) => Promise<{ userId: string }>;
  checkUrl?: (url: string) => Promise<void>;
  registry?: ConnectorRegistry;
}) {
  const repo = createExtIdpsRepo(d.db, d.direct);
  const registry = d.registry ?? createConnectorRegistry();
  const catalog = createConnectorCatalog(registry);
  const sources = createSourcesService({
    repo,
    box: d.box,
    catalog,
    appExists: async (poolId, appId) => Boolean(await d.applicationsRepo.findById(poolId, appId)),
    ...(d.checkUrl ? { checkUrl: d.checkUrl } : {}),
  });
  const identities = createIdentitiesService({ repo, idpType: async (poolId, id) => (await repo.findIdp(poolId, id))?.type });
  const runtime = createSocialRuntime({ catalog, http: d.http, kv: d.kv, log: d.log, publicUrl: d.publicUrl });
  const accounts = createFederatedAccounts({
    identities,
    users: d.usersRepo,
    trustsVerifiedEmail: (type) => {
      const e = catalog.forType(type);
      return e?.kind === 'social' && e.manifest.trustsVerifiedEmail === true;
    },
    signsInByVerifiedPhone: (type) => {
      const e = catalog.forType(type);
      return e?.kind === 'social' && e.manifest.signsInByVerifiedPhone === true;
    },
    register: d.register,
    events: d.events,
  });
  /** The `social` login method's dependencies (login-methods/social). */
  const socialMethod: SocialMethodDeps = {
    connection: (poolId, id) => sources.getConnectionWithSecrets(id, poolId),
    isEnabledForApp: (poolId, connId, appId) => sources.isEnabledForApp(poolId, connId, appId),
    connector: (conn) => runtime.connector(conn),
    resolve: (conn, profile, ctx) => accounts.resolve(conn, profile, ctx),
    log: d.log,
  };
  return { sources, identities, registry, catalog, runtime, accounts, socialMethod };
}
export type Federation = ReturnType<typeof createFederation>;

/**
 * The browser round trip and `signin-by-mobile` (flows/social), built once the engine and the
 * login UI exist; the login UI's connection buttons come from the connections enabled for the app.
 */
export function createSocialSignIn(d: {
  federation: Federation;
  kv: KvStore;
  engine: SignInEngine;
  loginUi: LoginUi;
  rewrite: (url: string) => string;
  applications: Pick<ApplicationsService, 'get'>;
  users: Pick<UsersService, 'get'>;
  publicUrl: string;
  log: Logger;
}) {
  const { sources, runtime, accounts, identities } = d.federation;
  const roundTrip = createSocialRoundTrip({
    engine: d.engine,
    loginUi: d.loginUi,
    states: createSocialStateStore(d.kv),
    connectionByIdentifier: (poolId, identifier) => sources.getConnection(poolId, { identifier }),
    connectionWithSecrets: (poolId, id) => sources.getConnectionWithSecrets(id, poolId),
    isEnabledForApp: (poolId, connId, appId) => sources.isEnabledForApp(poolId, connId, appId),
    connector: (conn) => runtime.connector(conn),
    callbackUrl: (identifier) => runtime.callbackUrl(identifier),
    rewrite: d.rewrite,
    redirectAllowed: async (poolId, appId, url) => (await d.applications.get(poolId, appId)).redirectUris.includes(url),
    user: (poolId, userId) => d.users.get(poolId, { userId }),
    tickets: createLinkTickets(d.kv),
    completeLink: createSocialLinking({
      connectionWithSecrets: (poolId, id) => sources.getConnectionWithSecrets(id, poolId),
      connector: (conn) => runtime.connector(conn),
      link: (conn, userId, profile, request) => accounts.link(conn, userId, profile, request),
      identitiesOf: (poolId, userId) => identities.listOfUser(poolId, userId),
      log: d.log,
    }),
    linkUrl: (identifier, ticket) => `${d.publicUrl.replace(/\/$/, '')}/connections/social/${encodeURIComponent(identifier)}/link?ticket=${encodeURIComponent(ticket)}`,
    embedOf,
  });
  /** The vendor page the login UI frames for a connection (DingTalk, WeCom with `display: 'embedded'`), if any. */
  function embedOf(c: { type: string; fields: Record<string, unknown> }): EmbeddedLoginManifest | undefined {
    const m = sources.catalog.forType(c.type)?.manifest as Partial<ChinaSocialConnectorManifest> | undefined;
    return m?.embed && m.flows?.includes('embedded') && c.fields['display'] === 'embedded' ? m.embed : undefined;
  }
  d.loginUi.useConnections(async (poolId, appId) =>
    (await sources.enabledConnectionsForApp(poolId, appId))
      .filter((c) => sources.catalog.forType(c.type)?.kind === 'social')
      .map((c) => ({
        id: c.id,
        kind: ENTERPRISE.has(c.type) ? ('enterprise' as const) : ('social' as const),
        name: c.displayName,
        ...(c.logo ? { logo: c.logo } : {}),
        startUrl: `/connections/social/${encodeURIComponent(c.identifier)}/start`,
        ...(QR_IN_PAGE.has(c.type) ? { qrUrl: `/connections/social/${encodeURIComponent(c.identifier)}/qrcode` } : {}),
        ...embedButton(c),
      })),
  );
  /** A connection whose vendor page is framed: where the page asks for the frame, and the frame's origin (the page's CSP `frame-src`). */
  function embedButton(c: { type: string; identifier: string; fields: Record<string, unknown> }) {
    const e = embedOf(c);
    if (!e) return {};
    return { embed: { url: `/connections/social/${encodeURIComponent(c.identifier)}/embed`, origin: new URL(d.rewrite(e.origin)).origin, delivery: e.delivery } };
  }
  // QR-code sign-ins (official account, mini-program code) finish through the same round trip.
  const scan = createScanSignIn({
    kv: d.kv,
    roundTrip,
    loginUi: d.loginUi,
    connector: (conn) => runtime.connector(conn),
    connectionWithSecrets: (poolId, id) => sources.getConnectionWithSecrets(id, poolId),
    connectionsByIdentifier: (identifier) => sources.connectionsWithSecretsByIdentifier(identifier),
    rewrite: d.rewrite,
    log: d.log,
  });
  const samlMetadata = createSamlSpMetadata({
    connectionByIdentifier: (poolId, identifier) => sources.getConnection(poolId, { identifier }),
    connectionWithSecrets: (poolId, id) => sources.getConnectionWithSecrets(id, poolId),
    connectionsByIdentifier: (identifier) => sources.connectionsWithSecretsByIdentifier(identifier),
    render: (conn) => runtime.spMetadata(conn),
  });
  return { ...roundTrip, scan, samlMetadata };
}
export type SocialSignIn = ReturnType<typeof createSocialSignIn>;

/** Connection types whose QR code the login UI draws in the page and polls (no browser redirect exists for them). */
const QR_IN_PAGE = new Set(['wechatmp-qrcode', 'wechat:miniprogram:qrconnect']);

/** Connection types the login UI lists as enterprise sign-in (the rest are social buttons). */
const ENTERPRISE = new Set(['oidc', 'oauth', 'saml', 'azure-ad', 'cas']);
