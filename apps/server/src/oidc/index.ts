import type { Logger } from '../utils/logger.js';
import type { ApplicationsService } from '../services/applications.js';
import type { AuditService } from '../services/audit.js';
import type { PoolsService } from '../services/pools.js';
import type { RolesService } from '../services/roles.js';
import type { OrganizationClaimsService } from '../services/organizations/claims.js';
import type { SigningKeysRepo } from '../storage/repositories/signing-keys.js';
import type { KvStore } from '../storage/kv/types.js';
import { TOPICS, type InvalidationBus } from '../storage/kv/invalidation-bus.js';
import type { UsersRepo } from '../storage/repositories/users.js';
import type { SecretBox } from '../utils/crypto.js';
import { createClientRegistry } from './clients.js';
import { createProviderRegistry } from './provider.js';
import { createSigningKeysService } from './signing-keys.js';
import { createTokenService } from './token-service.js';
import type { ScriptClaims } from '../services/tokens/types.js';
import { createFastEndpoints } from './fast-endpoints.js';
import { createSsoBridge } from './sso-bridge.js';
import { createAccountCache } from './account-cache.js';
import { ssoRedirectUris } from '../services/sso-protocols/continuation.js';

export interface OidcDeps {
  publicUrl: string;
  box: SecretBox;
  signingKeys: SigningKeysRepo;
  kv: KvStore;
  /** Cache invalidation across nodes (clients on app changes, providers on key rotation); without it, this node only. */
  bus?: InvalidationBus;
  log?: Logger;
  usersRepo: Pick<UsersRepo, 'findById'>;
  /** The outbound guard's fetch, for back-channel logout. */
  fetch?: (url: string | URL, init?: RequestInit) => Promise<Response>;
  /** Browser-session lifetimes (seconds). */
  sessions?: { maxAgeSeconds: number; idleTimeoutSeconds: number };
  /** Claims user scripts add to the provider's tokens (docs/pipeline.md). */
  scriptClaims?: () => ScriptClaims | undefined;
  /** A sign-in's access and ID tokens built by fast-signin-tokens.ts (config oidcFastEndpoints on), else by oidc-provider's models. */
  leanSignInTokens?: boolean;
  services: {
    applications: Pick<ApplicationsService, 'findClient' | 'getSecret'>;
    pools: Pick<PoolsService, 'findDefault' | 'get'>;
    roles: Pick<RolesService, 'roleCodesOfUser'>;
    /** The groups, departments and permissions claims (services/organizations/claims.ts). */
    organizationClaims?: Pick<OrganizationClaimsService, 'claimsFor'>;
    audit: Pick<AuditService, 'record'>;
  };
}

/** Everything OIDC, built once by the container: providers per pool, clients, keys, the token service. */
export function createOidc(deps: OidcDeps) {
  const keys = createSigningKeysService(deps.signingKeys, deps.box);
  // SAML and CAS requests run as authorization requests of the app's own client (sso-bridge.ts).
  const clients = createClientRegistry(deps.services.applications, { extraRedirectUris: (app) => ssoRedirectUris(deps.publicUrl, app) });
  let defaultPool: string | undefined;
  const defaultPoolId = async () => {
    defaultPool ??= (await deps.services.pools.findDefault())?.id;
    return defaultPool;
  };
  const known = new Map<string, number>();
  const poolExists = async (poolId: string) => {
    const at = known.get(poolId);
    if (at && Date.now() - at < 60_000) return true;
    const ok = await deps.services.pools.get(poolId).then(
      () => true,
      () => false,
    );
    if (ok) known.set(poolId, Date.now());
    return ok;
  };
  // The user and roles behind every token's claims, dropped on change on every node (account-cache.ts).
  const accounts = createAccountCache({ user: (poolId, userId) => deps.usersRepo.findById(poolId, userId), roles: (poolId, userId) => deps.services.roles.roleCodesOfUser(poolId, userId) });
  deps.bus?.subscribe(TOPICS.account, (key) => accounts.invalidate(key));
  const registry = createProviderRegistry({
    publicUrl: deps.publicUrl,
    box: deps.box,
    kv: deps.kv,
    keys,
    clients,
    usersRepo: { findById: accounts.user },
    usersStore: deps.usersRepo,
    userRoles: async (poolId, userId) => accounts.roles(poolId, userId).catch(() => []),
    ...(deps.services.organizationClaims ? { organizationClaims: deps.services.organizationClaims.claimsFor } : {}),
    audit: deps.services.audit,
    isDefaultPool: async (poolId) => (await defaultPoolId()) === poolId,
    log: deps.log as never,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(deps.sessions ? { sessions: deps.sessions } : {}),
    ...(deps.scriptClaims ? { scriptClaims: deps.scriptClaims } : {}),
  });
  const tokens = createTokenService(registry, deps.services.audit, { lean: deps.leanSignInTokens ?? false });
  deps.bus?.subscribe(TOPICS.application, (appId) => clients.invalidate(appId));
  deps.bus?.subscribe(TOPICS.signingKeys, (poolId) => registry.invalidate(poolId));
  const appChanged = async (appId: string) => {
    if (deps.bus) await deps.bus.publish(TOPICS.application, appId);
    else clients.invalidate(appId);
  };

  return {
    registry,
    /** Lean userinfo/introspection for Gatehouse JWTs (mounted unless config oidcFastEndpoints is off). */
    fast: createFastEndpoints(registry),
    clients,
    accounts,
    keys,
    tokens,
    /** The one SSO session for SAML and CAS (sso-bridge.ts). */
    ssoBridge: createSsoBridge(registry),
    defaultPoolId,
    poolExists,
    defaultClientCredentialsScope: async (poolId: string, clientId: string) =>
      ((await clients.find(poolId, clientId))?.gatehouse as { scope?: string } | undefined)?.scope,
    /**
     * Rotates a pool's signing keys and makes this node use them at once; with Redis every node
     * (the CLI's `gatehouse keys rotate` publishes too), otherwise others notice within 10 s.
     */
    async rotateKeys(poolId: string) {
      const result = await keys.rotate(poolId);
      registry.invalidate(poolId);
      await deps.bus?.publish(TOPICS.signingKeys, poolId);
      return result;
    },
    /**
     * Wraps the applications service so a changed or deleted app is dropped from the client cache
     * at once — on every node with Redis — before the write's response is sent.
     */
    invalidatingApplications<T extends Pick<ApplicationsService, 'update' | 'delete'>>(svc: T): T {
      return {
        ...svc,
        update: async (...a: Parameters<ApplicationsService['update']>) => {
          try {
            return await svc.update(...a);
          } finally {
            await appChanged(a[1]);
          }
        },
        delete: async (...a: Parameters<ApplicationsService['delete']>) => {
          try {
            return await svc.delete(...a);
          } finally {
            await appChanged(a[1]);
          }
        },
      };
    },
  };
}
export type Oidc = ReturnType<typeof createOidc>;
