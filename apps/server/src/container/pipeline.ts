import type { Kysely } from 'kysely';
import { createPipelineHooks } from '../flows/pipeline/hooks.js';
import type { EventService } from '../services/events/service.js';
import type { OutboundGuard } from '../services/outbound/index.js';
import { createCustomDatabase, type LegacyProfile } from '../services/pipeline/custom-database.js';
import { createCustomDbScripts, type ScriptProfile } from '../services/pipeline/custom-database-script.js';
import { createOwnDatabase, routeOwnPasswords, type PasswordWriters } from '../services/pipeline/own-database.js';
import type { UserRow } from '../storage/repositories/users.js';
import { createPipelineEnv } from '../services/pipeline/env.js';
import { createPipelineFunctions } from '../services/pipeline/functions.js';
import { createPipelineRunner } from '../services/pipeline/runner.js';
import { createSandboxPool } from '../services/pipeline/sandbox/pool.js';
import type { UserFields } from '../services/users.js';
import type { Database } from '../storage/db/schema.js';
import { createLegacyDatabases } from '../storage/repositories/legacy-databases.js';
import { createPipelineRepo } from '../storage/repositories/pipeline.js';
import type { UsersRepo } from '../storage/repositories/users.js';
import { TOPICS, type InvalidationBus } from '../storage/kv/invalidation-bus.js';
import type { SecretBox } from '../utils/crypto.js';
import type { Logger } from '../utils/logger.js';
import { createKeyedCache, deepFreeze } from '../utils/keyed-cache.js';

/** Sandbox processes per server: a pool's scripts always run in the same one (its isolate stays warm). */
const SANDBOX_PROCESSES = 2;
/**
 * How long a node caches a pool's function list. With Redis every change reaches every node at
 * once over the invalidation bus, and the TTL only bounds a lost message; without Redis (one
 * node, or nodes on one database that cannot hear each other) it is the bound itself.
 */
const FUNCTIONS_TTL_MS = { redis: 30_000, local: 3_000 } as const;

/**
 * User scripts (docs/pipeline.md): the sandbox processes, the functions and their environment,
 * the runner, and the engine hooks and policy step that run them on every way in. The sandbox
 * processes start on the first run, not with the server.
 */
export function createPipelineGraph(d: {
  db: Kysely<Database>;
  box: SecretBox;
  outbound: Pick<OutboundGuard, 'fetch' | 'assertHostAllowed'>;
  events: EventService;
  /** Function changes are broadcast to every node (docs/pipeline.md, "Several nodes"). */
  bus: InvalidationBus;
  usersRepo: Pick<UsersRepo, 'findById'>;
  /** "Own database" mode: the account of a store user (no password), and its removal when the store refuses a registration. */
  createAccount: (poolId: string, p: ScriptProfile) => Promise<string>;
  removeUser: (poolId: string, userId: string) => Promise<unknown>;
  /** The passwords service: new passwords of the store's accounts are routed to its script. */
  passwords: PasswordWriters & { assertAcceptable(poolId: string, password: string, who: { username: string | null; email: string | null; phone: string | null }): Promise<void> };
  updateUser: (poolId: string, input: UserFields & { userId: string }) => Promise<unknown>;
  appExists: (poolId: string, appId: string) => Promise<boolean>;
  /** Lazy migration: creates the account with the verified password, hashed by Gatehouse. */
  importUser: (poolId: string, profile: LegacyProfile, password: string) => Promise<void>;
  log: Logger;
}) {
  const repo = createPipelineRepo(d.db);
  const sandbox = createSandboxPool({ size: SANDBOX_PROCESSES, onCrash: (err) => d.log.warn({ err }, 'a sandbox process stopped; it is replaced on the next run') });
  const env = createPipelineEnv(repo, d.box);
  const runner = createPipelineRunner({ repo, env, sandbox, outbound: d.outbound, events: d.events, log: d.log, cacheMs: FUNCTIONS_TTL_MS[d.bus.mode] });
  d.bus.subscribe(TOPICS.pipeline, (poolId) => runner.invalidate(poolId));
  const functions = createPipelineFunctions({ repo, sandbox, appExists: d.appExists, changed: (poolId) => d.bus.publish(TOPICS.pipeline, poolId), trial: runner.trial });
  const legacy = createLegacyDatabases();
  const scripts = createCustomDbScripts({ repo, env, sandbox, legacy, outbound: d.outbound, log: d.log });
  // Every password sign-in asks whether the pool's users live in its own database: that setting
  // is kept per node like the function list, and a change publishes the pipeline topic.
  const customDatabases = createKeyedCache(async (poolId: string) => {
    const row = await repo.findCustomDatabase(poolId);
    return row ? deepFreeze(row) : undefined;
  }, { ttlMs: FUNCTIONS_TTL_MS[d.bus.mode] });
  d.bus.subscribe(TOPICS.pipeline, (poolId) => customDatabases.drop(poolId));
  const publishing = {
    ...repo,
    putCustomDatabase: async (row: Parameters<typeof repo.putCustomDatabase>[0]) => {
      try {
        await repo.putCustomDatabase(row);
      } finally {
        await d.bus.publish(TOPICS.pipeline, row.pool_id);
      }
    },
  };
  const customDatabase = createCustomDatabase({ repo: publishing, sandbox, scripts, importUser: d.importUser });
  const ownDatabase = createOwnDatabase({
    repo: { ...repo, findCustomDatabase: (poolId: string) => customDatabases.get(poolId) },
    scripts,
    users: {
      findById: async (poolId, userId) => (await d.usersRepo.findById(poolId, userId)) as UserRow | undefined,
      create: d.createAccount,
      update: (poolId, userId, fields) => d.updateUser(poolId, { userId, ...fields }),
      remove: d.removeUser,
    },
    log: d.log,
  });
  routeOwnPasswords(d.passwords, ownDatabase);
  // A verified email and a deleted account are passed on to the store after the fact; failures are logged.
  d.events.subscribe(async (e) => {
    const userId = (e.data as { userId?: unknown } | undefined)?.userId;
    if (typeof userId !== 'string' || !e.poolId) return;
    if (e.name === 'user:deleted') await ownDatabase.deleted(e.poolId, userId);
    const fields = (e.data as { fields?: unknown }).fields;
    if (e.name === 'user:email-verified' || (e.name === 'user:updated' && Array.isArray(fields) && fields.includes('emailVerified'))) await ownDatabase.emailVerified(e.poolId, userId);
  });
  const { hooks, step, scriptClaims, completeUserInfo } = createPipelineHooks({
    runner,
    customDatabase,
    ownDatabase,
    assertPassword: (poolId, password, who) => d.passwords.assertAcceptable(poolId, password, who),
    users: d.usersRepo,
    updateUser: d.updateUser,
    log: d.log,
  });
  return {
    functions,
    env,
    runner,
    customDatabase,
    ownDatabase,
    hooks,
    step,
    scriptClaims,
    completeUserInfo,
    async close() {
      await sandbox.close();
      await legacy.close();
    },
  };
}
export type PipelineGraph = ReturnType<typeof createPipelineGraph>;
