import type { Kysely } from 'kysely';
import type { Logger } from '../utils/logger.js';
import type { Database } from '../storage/db/schema.js';
import type { KvStore } from '../storage/kv/types.js';
import type { UsersRepo } from '../storage/repositories/users.js';
import type { PoolsRepo } from '../storage/repositories/pools.js';
import { createCredentialsRepo, type CredentialsRepo } from '../storage/repositories/credentials.js';
import { createLoginWrites, readingOwnLogins } from '../services/credentials/login-writes.js';
import { createPasswordHasher } from '../services/passwords/hasher.js';
import type { HashThreadPriority } from '../services/passwords/argon2-pool.js';
import { createAuthSettingsService, withSettingsCache } from '../services/credentials/settings.js';
import { TOPICS, type InvalidationBus } from '../storage/kv/invalidation-bus.js';
import { createLoginHistoryService } from '../services/credentials/login-history.js';
import { createPasswordsService } from '../services/credentials/passwords.js';
import { createEncryptionService } from '../services/credentials/encryption.js';
import { createCaptchaService } from '../services/captcha.js';
import type { SecretBox } from '../utils/crypto.js';
import { createAttemptGuard } from '../flows/engine/attempt-guard.js';
import { createRegistration } from '../flows/registration.js';
import type { UsersService } from '../services/users.js';

/**
 * The authentication part of the graph: hashing, policy, settings, captcha, the attempt guard,
 * history, passwords and account creation. The sign-in engine is built from these in
 * `container/engine.ts` once the token issuer and the login methods' services exist.
 */
export function createAuthentication(deps: {
  hashThreadPriority: HashThreadPriority;
  db: Kysely<Database>;
  kv: KvStore;
  box: SecretBox;
  log: Logger;
  users: UsersRepo;
  usersService: UsersService;
  pools: PoolsRepo;
  bus: InvalidationBus;
  appInfo: (poolId: string, appIds: string[]) => Promise<Map<string, { name: string; logo: string | null }>>;
}) {
  const repo = createCredentialsRepo(deps.db);
  // Login counts and history rows are written in batches off the sign-in; reads of a user with
  // a queued login flush first (services/credentials/login-writes.ts). close() flushes.
  const loginWrites = createLoginWrites(repo, { onError: (err, rows) => deps.log.error({ err, rows }, 'login writes failed; kept for the next flush') });
  const credentials: CredentialsRepo = { ...repo, recordLogin: loginWrites.recordLogin, insertLoginEvent: loginWrites.insertLoginEvent };
  readingOwnLogins(deps.users, loginWrites);
  const hasher = createPasswordHasher({ priority: deps.hashThreadPriority });
  // Read by every sign-in: kept per node, dropped on the `auth-settings` topic (update publishes it, container/index.ts).
  const settings = withSettingsCache(createAuthSettingsService(credentials), { ttlMs: 10_000 });
  deps.bus.subscribe(TOPICS.authSettings, settings.drop);
  const captcha = createCaptchaService(deps.kv);
  const guard = createAttemptGuard({ kv: deps.kv, captcha, settings: async (poolId) => (await settings.get(poolId)).bruteForce });
  const history = createLoginHistoryService(credentials, deps.appInfo, loginWrites.flush);
  const passwords = createPasswordsService({
    users: deps.users,
    credentials,
    hasher,
    settings,
    poolName: async (poolId) => (await deps.pools.findById(poolId))?.name ?? null,
  });
  const encryption = createEncryptionService(credentials, deps.box);
  const createAccount = createRegistration({ users: deps.usersService, usersRepo: deps.users, passwords, settings, credentials });
  return { credentials, loginWrites, hasher, settings, captcha, guard, history, passwords, encryption, createAccount };
}
export type Authentication = ReturnType<typeof createAuthentication>;
