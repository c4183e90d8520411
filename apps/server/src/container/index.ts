import type { Config } from '../config/schema.js';
import { connectDb, type DbHandle } from '../storage/db/connect.js';
import { migrateToLatest } from '../storage/db/migrate.js';
import { createKv } from '../storage/kv/create-kv.js';
import { createInvalidationBus, TOPICS, type InvalidationBus } from '../storage/kv/invalidation-bus.js';
import type { KvBackend, KvStore } from '../storage/kv/types.js';
import { createPoolsRepo } from '../storage/repositories/pools.js';
import { createAccessKeysRepo } from '../storage/repositories/access-keys.js';
import { createAuditRepo } from '../storage/repositories/audit.js';
import { createUsersRepo } from '../storage/repositories/users.js';
import { withIdentifierLookups } from '../services/users/lookups.js';
import { createApplicationsRepo } from '../storage/repositories/applications.js';
import { createRolesRepo } from '../storage/repositories/roles.js';
import { createSigningKeysRepo } from '../storage/repositories/signing-keys.js';
import { createPoolsService } from '../services/pools.js';
import { createAccessKeysService } from '../services/access-keys.js';
import { createAuditService } from '../services/audit.js';
import { createEventService } from '../services/events/service.js';
import { auditSubscriber } from '../services/events/audit-subscriber.js';
import { createUsersService } from '../services/users.js';
import { createApplicationsService } from '../services/applications.js';
import { createRolesService } from '../services/roles.js';
import { SecretBox } from '../utils/crypto.js';
import { createOidc } from '../oidc/index.js';
import { createQrCodeService } from '../services/qrcode/service.js';
import { createAuthentication } from './authentication.js';
import { createAccounts } from './accounts.js';
import { createPasscodeFlows } from './passcodes.js';
import { createEngineGraph, type EngineExtensions } from './engine.js';
import { createDirectory } from './directory.js';
import { createConnectorRegistry } from '../services/connectors/index.js';
import type { SignInEngine } from '../flows/engine/engine.js';
import { createPasswordChange } from '../flows/account-password.js';
import { createLoginUiGraph } from './login-ui.js';
import { loadMasterSecret } from './master-secret.js';
import { createLogger, type Logger } from './logger.js';
import { outboundGuardFor, type OutboundGuardOptions } from '../services/outbound/index.js';
import { createSsoProtocols } from './sso-protocols.js';
import { fetchSpMetadata } from '../services/sso-protocols/metadata-fetch.js';
import { createPipelineGraph } from './pipeline.js';
import { createOrganizationServices } from './organizations.js';
import { createChina } from './china.js';
import { createFederation, createSocialSignIn } from './federation.js';
import { createMfaGraph } from './mfa.js';
import { createFactorCodes } from '../flows/mfa/factor-codes.js';
import { createWebhooks } from './webhooks.js';
import { createCustomFields } from './custom-fields.js';
import { withCustomFieldChecks } from '../services/custom-fields/user-data.js';
import { withDepartmentIds } from '../services/organizations/user-departments.js';
import { createConsole } from './console.js';
import { publishAccountChanges, publishUserDataChange } from './account-changes.js';
import { createProfileStep } from '../flows/profile/step.js';
import { createApiLogout } from '../flows/api-logout.js';
import { completeProfileOf } from '../flows/profile/config.js';
import { checkProfileFieldKeys } from '../services/custom-fields/profile-fields.js';

/**
 * The only place that constructs things (design.md §3). Everything else receives what it
 * needs from here, so tests build the same graph on a temporary database.
 */
export async function createContainer(config: Config, opts: { logger?: Logger; migrate?: boolean; extensions?: EngineExtensions; outboundResolve?: OutboundGuardOptions['resolve'] } = {}) {
  const log = opts.logger ?? createLogger(config.logLevel);
  // Every outbound connection a pool's configuration can steer goes through this one guard (docs/security.md).
  const outbound = outboundGuardFor(config, { log, ...(opts.outboundResolve ? { resolve: opts.outboundResolve } : {}) });
  const master = loadMasterSecret(config.secret, config.dataDir);
  const box = new SecretBox(master.secret);
  const db: DbHandle = await connectDb(config.databaseUrl);
  let kv: KvStore | undefined;
  let bus: InvalidationBus | undefined;
  try {
    if (opts.migrate !== false) await migrateToLatest(db);
    const created = await createKv({
      redisUrl: config.redisUrl,
      db,
      redis: { commandTimeoutMs: config.redisCommandTimeoutMs, onError: (err) => log.debug({ err }, 'redis connection error') },
      breaker: { onStateChange: (state, cause) => (state === 'closed' ? log.info('Redis answers again: circuit breaker closed') : log.warn({ err: cause, state }, `Redis unavailable: circuit breaker ${state}`)) },
    });
    kv = created.kv;
    const kvBackend: KvBackend = created.backend;
    /** Whether the shared KV store is refusing (Redis down): requests then get a fast 503 (http/plugins/availability.ts). */
    const availability = { kvOpen: () => created.breaker?.isOpen() ?? false, kvState: () => created.breaker?.state() ?? 'closed' };
    // Cache invalidation across nodes: Redis pub/sub when configured, else this process only (docs/deployment.md).
    bus = await createInvalidationBus({ redisUrl: config.redisUrl, commandTimeoutMs: config.redisCommandTimeoutMs, onError: (err, what) => log.warn({ err }, `${what} failed; caches rely on their TTL`) });
    const invalidation = bus;

    const repos = {
      pools: createPoolsRepo(db.db),
      accessKeys: createAccessKeysRepo(db.db),
      audit: createAuditRepo(db.db, db.sqlite),
      // Usernames and emails are looked up in their stored form on every path (services/users/lookups.ts).
      users: withIdentifierLookups(createUsersRepo(db.db, db.sqlite)),
      applications: createApplicationsRepo(db.db),
      roles: createRolesRepo(db.db, db.sqlite),
      signingKeys: createSigningKeysRepo(db.db),
    };
    // Written in batches off the request path; close() below flushes before the database closes.
    const audit = createAuditService(repos.audit, { onError: (err, events) => log.error({ err, events }, 'audit write failed; events kept for the next flush') });
    // Services and the sign-in engine emit catalogued events; the audit log (and metrics, webhooks) subscribe.
    const events = createEventService({ log });
    events.subscribe(auditSubscriber(audit));
    // Webhooks: the outbox listener (in the emitter's transaction) and this node's delivery worker.
    const webhooks = createWebhooks({ config, db: db.db, sqlite: db.sqlite, box, log, events, outbound, bus: invalidation });
    // Writes that can change a user's claims drop the user from every node's claims cache (oidc/account-cache.ts).
    publishAccountChanges(invalidation, { users: repos.users, roles: repos.roles });
    const customFields = createCustomFields({ db: db.db, box, users: repos.users, roles: repos.roles, userDataChanged: publishUserDataChange(invalidation) });
    // Organisations, departments, groups, permissions (container/organizations.ts).
    const organizationServices = createOrganizationServices({ db: db.db, usersRepo: repos.users, rolesRepo: repos.roles, bus: invalidation, events });
    const services = {
      events,
      pools: createPoolsService(repos.pools),
      accessKeys: createAccessKeysService(repos.accessKeys, box, invalidation, events),
      audit,
      // customData is checked against the pool's custom fields on every path that writes it.
      // withDepartmentIds: user reads fill departmentIds from the memberships.
      users: withDepartmentIds(withCustomFieldChecks(createUsersService(repos.users, events), customFields), organizationServices.departmentIdsOf),
      applications: createApplicationsService(repos.applications, box, {
        destinations: outbound,
        fetchSpMetadata: (url) => fetchSpMetadata(outbound, url),
        checkProfileFields: async (poolId, fields) => checkProfileFieldKeys(fields, await customFields.list(poolId, 'USER')),
      }),
      roles: createRolesService(repos.roles, repos.users),
      ...organizationServices,
      webhooks: webhooks.service,
      customFields,
    };
    // Hashing, policy, settings, captcha, the attempt guard, history, account creation.
    // The token paths read users without flushing queued login counts (not claims; login-writes.ts).
    const usersForClaims = { findById: repos.users.findById.bind(repos.users) };
    const authn = createAuthentication({
      hashThreadPriority: config.hashThreadPriority,
      db: db.db,
      kv,
      box,
      log,
      users: repos.users,
      usersService: services.users,
      pools: repos.pools,
      bus: invalidation,
      appInfo: async (poolId, appIds) => {
        const out = new Map<string, { name: string; logo: string | null }>();
        for (const id of appIds) {
          const a = await repos.applications.findById(poolId, id);
          if (a) out.set(id, { name: a.name, logo: a.logo });
        }
        return out;
      },
    });
    publishAccountChanges(invalidation, { credentials: authn.credentials });
    // User scripts in the login flow (docs/pipeline.md): run by the engine's hooks and a policy step, and by the provider's token claims.
    const pipeline = createPipelineGraph({
      db: db.db,
      box,
      outbound,
      events,
      bus: invalidation,
      usersRepo: repos.users,
      updateUser: (poolId, input) => services.users.update(poolId, input),
      appExists: async (poolId, appId) => Boolean(await repos.applications.findById(poolId, appId)),
      passwords: authn.passwords,
      createAccount: async (poolId, p) =>
        (await services.users.create(poolId, { ...(p.email ? { email: p.email } : {}), ...(p.username ? { username: p.username } : {}), ...(p.phone ? { phone: p.phone } : {}), ...(p.nickname ? { nickname: p.nickname } : {}), ...(p.name ? { name: p.name } : {}), ...(p.id ? { externalId: p.id } : {}) })).userId,
      removeUser: (poolId, userId) => services.users.deleteBatch(poolId, { userIds: [userId] } as never),
      importUser: async (poolId, p, password) => {
        const created = await services.users.create(poolId, { ...(p.email ? { email: p.email } : {}), ...(p.username ? { username: p.username } : {}), ...(p.phone ? { phone: p.phone } : {}), ...(p.nickname ? { nickname: p.nickname } : {}), ...(p.name ? { name: p.name } : {}), ...(p.id ? { externalId: p.id } : {}) });
        const row = await repos.users.findById(poolId, created.userId);
        if (row) await authn.passwords.set(poolId, row, password, { skipPolicy: true });
      },
      log,
    });
    // OIDC providers per pool, clients = applications, signing keys, the token service.
    const oidc = createOidc({
      publicUrl: config.publicUrl,
      box,
      signingKeys: repos.signingKeys,
      kv,
      bus: invalidation,
      log,
      usersRepo: usersForClaims,
      services,
      // Back-channel logout goes through the outbound guard; browser sessions have an idle timeout and an absolute lifetime.
      fetch: outbound.fetch,
      sessions: { maxAgeSeconds: config.sessionMaxAgeSeconds, idleTimeoutSeconds: config.sessionIdleTimeoutSeconds },
      scriptClaims: () => pipeline.scriptClaims,
      leanSignInTokens: config.oidcFastEndpoints === 'on',
    });
    services.applications = oidc.invalidatingApplications(services.applications);
    // The applications kept per node for sign-ins and token requests: dropped on every node's changes.
    invalidation.subscribe(TOPICS.application, (appId) => services.applications.invalidate(appId));
    // SAML identity provider and CAS server, on the one SSO session (container/sso-protocols.ts).
    const ssoProtocols = createSsoProtocols({ db: db.db, kv, box, publicUrl: config.publicUrl, applications: services.applications, events, bridge: oidc.ssoBridge });
    // Identity sources, connections and external identities (container/federation.ts).
    const federation = createFederation({
      db: db.db,
      direct: db.sqlite,
      box,
      kv,
      log,
      publicUrl: config.publicUrl,
      http: outbound.http,
      applicationsRepo: repos.applications,
      usersRepo: repos.users,
      events,
      checkUrl: (url) => outbound.checkUrl(url),
      register: (r) =>
        theEngine().register({
          poolId: r.poolId,
          appId: r.appId,
          input: { ...(r.email ? { email: r.email } : {}), ...(r.phone ? { phone: r.phone, ...(r.phoneCountryCode ? { phoneCountryCode: r.phoneCountryCode } : {}) } : {}), verified: { ...(r.email ? { email: r.verifiedEmail } : {}), ...(r.phone ? { phone: true } : {}) }, ...(r.username ? { username: r.username } : {}), profile: r.profile },
          registerMethod: 'FEDERATED',
          via: 'autoRegister',
          request: r.request,
        }),
    });
    // The sign-in engine is built below from the services; these closures reach it once it exists.
    let engine: SignInEngine | undefined;
    const theEngine = () => {
      if (!engine) throw new Error('the sign-in engine is not built yet');
      return engine;
    };
    let elementSignIn: ReturnType<typeof createEngineGraph>['elementSignIn'] | undefined;
    // QR-code scan login: state in the shared KV; the web side signs in through the engine.
    const qrcode = createQrCodeService({ kv, settings: async (poolId) => (await authn.settings.get(poolId)).qrcode, users: repos.users });
    // Account lifecycle: management passwords + revoke on block, login codes, JitAi instances, password reset.
    const accounts = createAccounts({
      authn,
      users: services.users,
      usersRepo: repos.users,
      kv,
      log,
      tokens: () => oidc.tokens,
      defaultPoolId: async () => (await services.pools.findDefault())?.id,
      loginTypesDir: config.loginTypesDir,
      elementSignIn: (i) => elementSignIn!(i),
      redeemLoginCode: (poolId, input) => theEngine().redeemLoginCode(poolId, input),
    });
    services.users = accounts.users;
    // SMS / email codes: messaging (connectors, outbox), quotas, sending, sign-up, binding, reset codes.
    const passcodes = await createPasscodeFlows({
      config,
      db: db.db,
      kv,
      box,
      log,
      events,
      register: (r) => theEngine().register(r),
      authn,
      users: repos.users,
      usersService: services.users,
      appName: async (poolId, appId) => (appId ? (await repos.applications.findById(poolId, appId))?.name : undefined) ?? (await repos.pools.findById(poolId))?.name ?? 'Gatehouse',
    });
    accounts.passwordReset.useCodeVerifier((poolId, v) => passcodes.verifyResetCode(poolId, v));
    // LDAP / Active Directory sign-in (container/directory.ts, docs/ldap.md).
    const directory = createDirectory({ federation, registry: createConnectorRegistry(), outbound, users: services.users, usersRepo: repos.users, rolesRepo: repos.roles, log });
    // The engine's hooks: the extensions', then user scripts' (also around the MFA step's checks).
    const engineHooks = [...(opts.extensions?.hooks ?? []), pipeline.hooks];
    // MFA (docs/mfa.md): policies, factors and the engine's MFA step, after the user scripts' step.
    const mfa = createMfaGraph({
      db: db.db,
      sqlite: db.sqlite,
      kv,
      box,
      events,
      bus: invalidation,
      users: repos.users,
      guard: authn.guard,
      engine: theEngine,
      publicUrl: config.publicUrl,
      poolName: async (poolId) => (await repos.pools.findById(poolId))?.name ?? 'Gatehouse',
      accountRevokedAt: (poolId, userId) => oidc.registry.revocation(poolId).accountRevokedAt(userId),
      hooks: () => engineHooks,
      issuer: async (poolId, appId) => (appId ? (await repos.applications.findById(poolId, appId))?.name : undefined) ?? (await repos.pools.findById(poolId))?.name ?? 'Gatehouse',
    });
    // Registration information completion (docs/custom-fields.md): a policy step after MFA.
    const profileStep = createProfileStep({
      config: async (poolId, appId) => completeProfileOf((await services.applications.signInConfig(poolId, appId))?.registerConfig),
      user: (poolId, userId) => repos.users.findById(poolId, userId),
      fields: (poolId) => customFields.list(poolId, 'USER'),
      setCustomData: (poolId, userId, values) => customFields.setData(poolId, { targetType: 'USER', targetIdentifier: userId, list: Object.entries(values).map(([key, value]) => ({ key, value })) }),
      updateUser: (poolId, input) => services.users.update(poolId, input),
      beforeComplete: (e) => pipeline.completeUserInfo(e),
    });
    // The login methods and the sign-in engine: every way in runs through it (docs/architecture.md).
    const signIn = createEngineGraph({
      authn,
      kv,
      usersRepo: repos.users,
      accountUsers: { findById: oidc.accounts.user },
      passcodes,
      qrcode,
      loginCodes: accounts.loginCodes,
      applications: services.applications,
      events,
      jitaiDefinition: (poolId, name) => accounts.loginTypes.definition(poolId, name),
      social: federation.socialMethod,
      tokens: () => oidc.tokens,
      directory,
      webauthn: () => mfa.webauthn,
      setSignInData: async (poolId, userId, customData) => void (await services.users.update(poolId, { userId, customData })),
      log,
      // User scripts (POST_AUTHENTICATION) first: a script may ask for MFA for this sign-in; then
      // MFA, the extensions' steps and profile completion (docs/pipeline.md "Asking for MFA").
      extensions: { ...opts.extensions, steps: [pipeline.step, mfa.step, ...(opts.extensions?.steps ?? []), profileStep], hooks: engineHooks },
    });
    engine = signIn.engine;
    mfa.useCodes(createFactorCodes({ send: passcodes.send, codes: passcodes.codes, maxAttempts: async (poolId) => (await passcodes.settings.get(poolId)).maxAttempts }));
    elementSignIn = signIn.elementSignIn;
    // The login UI (hosted page and embeddable element) and branding.
    const { branding, loginUi } = createLoginUiGraph({ db: db.db, kv, engine: signIn.engine, methods: signIn.methods, applicationsRepo: repos.applications, applications: services.applications, authn, passcodes, accounts, qrcode, events, publicUrl: config.publicUrl });
    // Identity-provider sign-in: the browser round trip, signin-by-mobile, the login UI's connection buttons.
    const socialSignIn = createSocialSignIn({ federation, kv, engine: signIn.engine, loginUi, rewrite: (url) => outbound.rewrite(url), applications: services.applications, users: services.users, publicUrl: config.publicUrl, log });
    // DingTalk / WeCom organisation sync (container/china.ts, docs/identity-providers-china.md).
    const china = createChina({ kv, log, http: outbound.http, federation, organizations: services.organizations, departmentMembers: services.departmentMembers, users: services.users, orgSyncTickMs: config.orgSyncTickMs });
    // Logout through the JSON API (authing-js-sdk v4 `logout()`): every session and token of the user ends.
    const apiLogout = createApiLogout({ tokens: () => oidc.tokens, events });
    const changePassword = createPasswordChange({ users: repos.users, passwords: authn.passwords, checkCurrent: accounts.checkCurrent, sessions: () => oidc.tokens, events });
    // Authentication settings are cached per node and dropped on this topic (container/authentication.ts);
    // messaging settings and providers are read from the database on each use, their writes still
    // publish so a cache added later only has to subscribe.
    // Role assignments change permissions (services/organizations/permissions.ts).
    for (const m of ['assign', 'revoke', 'deleteBatch'] as const) publishAfter(services.roles, m, (poolId) => invalidation.publish(TOPICS.permissions, poolId));
    publishAfter(authn.settings, 'update', (poolId) => invalidation.publish(TOPICS.authSettings, poolId));
    publishAfter(passcodes.settings, 'update', (poolId) => invalidation.publish(TOPICS.messaging, poolId));
    publishAfter(passcodes.messaging.providers, 'put', (poolId) => invalidation.publish(TOPICS.messaging, poolId));
    // The admin console: administrators of the system pool and its audit-log reads (container/console.ts).
    const consoleGraph = createConsole({ db: db.db, usersRepo: repos.users, pools: services.pools, applications: services.applications, users: services.users, tokens: () => oidc.tokens, events, publicUrl: config.publicUrl, flushAudit: () => audit.flush() });
    const storeKv = kv;
    return {
      console: consoleGraph,
      accounts,
      passcodes,
      oidc,
      authn,
      qrcode,
      engine: signIn.engine,
      loginMethods: signIn.methods,
      qrcodeSignIn: signIn.qrcodeSignIn,
      branding,
      loginUi,
      changePassword,
      apiLogout,
      ssoProtocols,
      directory,
      pipeline,
      federation,
      socialSignIn,
      china,
      mfa,
      config,
      log,
      outbound,
      box,
      db,
      kv: storeKv,
      kvBackend,
      availability,
      bus: invalidation,
      masterSecretSource: master.source,
      repos,
      services,
      webhooks,
      async close() {
        await china.close();
        await directory.close();
        await pipeline.close();
        await webhooks.close();
        await passcodes.close();
        await authn.loginWrites.close();
        await audit.close();
        await invalidation.close();
        await storeKv.close();
        await db.close();
      },
    };
  } catch (err) {
    await bus?.close().catch(() => undefined);
    await kv?.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw err;
  }
}

/** Replaces `obj[method]` (whose first argument is the pool id) by one that publishes after it succeeded. */
function publishAfter<K extends string, T extends Record<K, (poolId: string, ...rest: never[]) => Promise<unknown>>>(obj: T, method: K, publish: (poolId: string) => Promise<void>): void {
  const original = obj[method].bind(obj) as (...a: unknown[]) => Promise<unknown>;
  (obj as Record<K, unknown>)[method] = async (...a: unknown[]) => {
    const result = await original(...a);
    await publish(a[0] as string);
    return result;
  };
}

export type Container = Awaited<ReturnType<typeof createContainer>>;
