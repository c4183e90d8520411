import type { Kysely } from 'kysely';
import { createPipelineHooks } from '../flows/pipeline/hooks.js';
import type { EventService } from '../services/events/service.js';
import type { OutboundGuard } from '../services/outbound/index.js';
import { createCustomDatabase, type LegacyProfile } from '../services/pipeline/custom-database.js';
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
  const functions = createPipelineFunctions({ repo, sandbox, appExists: d.appExists, changed: (poolId) => d.bus.publish(TOPICS.pipeline, poolId) });
  const legacy = createLegacyDatabases();
  const customDatabase = createCustomDatabase({ repo, env, sandbox, legacy, outbound: d.outbound, importUser: d.importUser, log: d.log });
  const { hooks, step, scriptClaims, completeUserInfo } = createPipelineHooks({ runner, customDatabase, users: d.usersRepo, updateUser: d.updateUser, log: d.log });
  return {
    functions,
    env,
    runner,
    customDatabase,
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
