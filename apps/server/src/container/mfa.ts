import type { Kysely } from 'kysely';
import type { AttemptGuard } from '../flows/engine/attempt-guard.js';
import type { EngineHooks } from '../flows/engine/types.js';
import type { SignInEngine } from '../flows/engine/engine.js';
import { createMfaSelfService } from '../flows/mfa/self-service.js';
import { createMfaStep, type WebauthnSecondFactor } from '../flows/mfa/step.js';
import type { EventService } from '../services/events/service.js';
import { createMfaFactors, type FactorCodes } from '../services/mfa/factors.js';
import { createMfaPolicies } from '../services/mfa/policy.js';
import { createRememberedDevices } from '../services/mfa/remembered-devices.js';
import { createMfaUserStatus } from '../services/mfa/user-status.js';
import { createWebauthn } from '../services/mfa/webauthn.js';
import type { SqliteConnection } from '../storage/db/connect.js';
import type { Database } from '../storage/db/schema.js';
import type { KvStore } from '../storage/kv/types.js';
import { createMfaRepo, type MfaPolicyRow } from '../storage/repositories/mfa.js';
import { createMfaConfigCache } from '../services/mfa/config-cache.js';
import { TOPICS, type InvalidationBus } from '../storage/kv/invalidation-bus.js';
import type { UsersRepo } from '../storage/repositories/users.js';
import type { SecretBox } from '../utils/crypto.js';

/**
 * The MFA area (docs/mfa.md): policies, factors, recovery codes and the engine's MFA step.
 * Built before the engine (the step is one of its policy steps); SMS/email codes and passkeys
 * are plugged in once their services exist (`useCodes`, `useWebauthn`).
 */
export function createMfaGraph(deps: {
  db: Kysely<Database>;
  /** SQLite: the connection under `db`, for the MFA repository's hot statements. */
  sqlite?: SqliteConnection | undefined;
  kv: KvStore;
  box: SecretBox;
  events: EventService;
  /** Policy and trigger-data writes drop the per-node MFA config cache on every node. */
  bus: InvalidationBus;
  users: UsersRepo;
  guard: AttemptGuard;
  issuer: (poolId: string, appId: string | null) => Promise<string>;
  engine: () => SignInEngine;
  /** The public URL: its host is the WebAuthn relying party, its origin the expected origin. */
  publicUrl: string;
  poolName: (poolId: string) => Promise<string>;
  /** When the user's sessions were last revoked (ms): remembered devices issued before do not count. */
  accountRevokedAt: (poolId: string, userId: string) => Promise<number | undefined>;
  /** The engine's hooks around a second-factor check (user scripts). */
  hooks?: () => readonly Pick<EngineHooks, 'beforeMfaVerify' | 'afterMfaVerify'>[];
}) {
  const stored = createMfaRepo(deps.db, deps.sqlite);
  // Policies and "does any user of the pool have trigger data" are read by every sign-in: cached
  // per node, dropped on every node by the writes below (services/mfa/config-cache.ts).
  const config = createMfaConfigCache(stored, { ttlMs: 10_000 });
  deps.bus.subscribe(TOPICS.mfa, config.drop);
  const published = async <T>(poolId: string, write: () => Promise<T>): Promise<T> => {
    try {
      return await write();
    } finally {
      await deps.bus.publish(TOPICS.mfa, poolId);
    }
  };
  const repo: typeof stored = {
    ...stored,
    findPolicy: config.findPolicy,
    upsertPolicy: (row: MfaPolicyRow) => published(row.pool_id, () => stored.upsertPolicy(row)),
    setTriggerData: (poolId, userId, triggerData, at) => published(poolId, () => stored.setTriggerData(poolId, userId, triggerData, at)),
  };
  const policies = createMfaPolicies(repo);
  let codes: FactorCodes | undefined;
  const pub = new URL(deps.publicUrl);
  const webauthn = createWebauthn({ repo, kv: deps.kv, events: deps.events, config: { rpId: pub.hostname, origin: pub.origin, rpName: deps.poolName } });
  const secondFactor: WebauthnSecondFactor = {
    hasCredentials: webauthn.hasCredentials,
    options: webauthn.mfaOptions,
    verify: webauthn.mfaVerify,
    enrollOptions: async (poolId, user, flowId) => (await webauthn.registrationOptions(poolId, user, flowId)).options as unknown as Record<string, unknown>,
    enroll: (poolId, userId, flowId, credential) => webauthn.register(poolId, userId, { bindTo: flowId, credential }),
  };
  const factors = createMfaFactors({ repo, kv: deps.kv, box: deps.box, events: deps.events, issuer: deps.issuer, codes: () => codes });
  const userStatus = createMfaUserStatus({ repo, policies, factors, poolHasTriggerData: config.poolHasTriggerData });
  const devices = createRememberedDevices({ box: deps.box, repo, accountRevokedAt: deps.accountRevokedAt });
  const step = createMfaStep({
    policies: userStatus,
    factors,
    users: deps.users,
    guard: deps.guard,
    events: deps.events,
    webauthn: () => secondFactor,
    ...(deps.hooks ? { hooks: deps.hooks } : {}),
    rememberedDevice: (flow, policy) => devices.remembers(flow.poolId, flow.userId, flow.options.mfa?.deviceTokens ?? [], policy.rememberDeviceDays),
  });
  const selfService = createMfaSelfService({ factors, users: deps.users, guard: deps.guard, events: deps.events, engine: deps.engine });
  return {
    repo,
    selfService,
    webauthn,
    policies,
    userStatus,
    factors,
    devices,
    /** The "remember this device" cookie after a passed second factor, when the policy of this sign-in allows it (null otherwise). */
    async deviceCookie(poolId: string, appId: string | null, userId: string) {
      const days = (await userStatus.effective(poolId, appId, userId)).rememberDeviceDays;
      return days > 0 ? devices.issue(poolId, userId, days) : null;
    },
    step,
    useCodes(c: FactorCodes) {
      codes = c;
    },
  };
}
export type MfaGraph = ReturnType<typeof createMfaGraph>;
