import type { Kysely } from 'kysely';
import type { Logger } from '../utils/logger.js';
import type { Database } from '../storage/db/schema.js';
import type { KvStore } from '../storage/kv/types.js';
import type { UsersRepo } from '../storage/repositories/users.js';
import type { PoolsRepo } from '../storage/repositories/pools.js';
import { createCredentialsRepo } from '../storage/repositories/credentials.js';
import type { AuditService } from '../services/audit.js';
import { createPasswordHasher } from '../services/passwords/hasher.js';
import { createAuthSettingsService } from '../services/credentials/settings.js';
import { createLoginHistoryService } from '../services/credentials/login-history.js';
import { createPasswordsService } from '../services/credentials/passwords.js';
import { createEncryptionService } from '../services/credentials/encryption.js';
import { createCaptchaService } from '../services/captcha.js';
import { createLoginMethodRegistry } from '../login-methods/registry.js';
import type { SecretBox } from '../utils/crypto.js';
import { createLockout } from './lockout.js';
import { createPasswordSignIn } from './password-sign-in.js';
import { createRegistration } from './registration.js';
import type { UsersService } from '../services/users.js';

/**
 * Builds the authentication part of the graph (issue #4): hashing, policy, settings,
 * captcha, lockout, login methods and the password sign-in flow. Called once by the container.
 */
export function createAuthentication(deps: {
  db: Kysely<Database>;
  kv: KvStore;
  box: SecretBox;
  log: Logger;
  audit: AuditService;
  users: UsersRepo;
  usersService: UsersService;
  pools: PoolsRepo;
  appInfo: (poolId: string, appIds: string[]) => Promise<Map<string, { name: string; logo: string | null }>>;
}) {
  const credentials = createCredentialsRepo(deps.db);
  const hasher = createPasswordHasher();
  const settings = createAuthSettingsService(credentials);
  const captcha = createCaptchaService(deps.kv);
  const lockout = createLockout(deps.kv);
  const history = createLoginHistoryService(credentials, deps.audit, deps.appInfo);
  const methods = createLoginMethodRegistry({ hasher, findUser: (poolId, column, value) => deps.users.findBy(poolId, column, value) });
  const passwords = createPasswordsService({
    users: deps.users,
    credentials,
    hasher,
    settings,
    poolName: async (poolId) => (await deps.pools.findById(poolId))?.name ?? null,
  });
  const encryption = createEncryptionService(credentials, deps.box);
  const passwordSignIn = createPasswordSignIn({ methods, settings, lockout, captcha, hasher, credentials, history, log: deps.log });
  const register = createRegistration({ users: deps.usersService, usersRepo: deps.users, passwords, settings, credentials });
  return { credentials, hasher, settings, captcha, lockout, history, methods, passwords, encryption, passwordSignIn, register };
}
export type Authentication = ReturnType<typeof createAuthentication>;
