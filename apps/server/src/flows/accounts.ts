import type { Logger } from '../utils/logger.js';
import type { KvStore } from '../storage/kv/types.js';
import type { UsersRepo } from '../storage/repositories/users.js';
import type { TokenService } from '../oidc/token-service.types.js';
import type { UsersService } from '../services/users.js';
import { withPasswords } from '../services/credentials/user-passwords.js';
import { createLoginCodes } from '../services/credentials/login-codes.js';
import { createPasswordReset } from '../services/credentials/password-reset.js';
import { createPasswordCredential } from '../services/credentials/password-credential.js';
import { createLoginTypesService } from '../services/login-types.js';
import type { Authentication } from './authentication.js';
import { accountKey, isUserDisabled } from './password-sign-in.js';

/**
 * The account-lifecycle part of issue #4 that needs both the authentication graph and the
 * token service: passwords in the management API (and revocation on block), login codes, JitAi
 * login-method instances, password reset, bind/unbind. Called once by the container, after
 * the OIDC graph exists.
 */
export function createAccounts(deps: {
  authn: Authentication;
  users: UsersService;
  usersRepo: UsersRepo;
  kv: KvStore;
  log: Logger;
  tokens: () => TokenService | undefined;
  defaultPoolId: () => Promise<string | undefined>;
  loginTypesDir: string;
}) {
  const { authn } = deps;
  const users = withPasswords(deps.users, { passwords: authn.passwords, encryption: authn.encryption, hasher: authn.hasher, tokens: deps.tokens });
  const loginCodes = createLoginCodes({ kv: deps.kv, users: deps.usersRepo, tokens: deps.tokens, isDisabled: isUserDisabled });
  const passwordReset = createPasswordReset({
    kv: deps.kv,
    users: deps.usersRepo,
    passwords: authn.passwords,
    tokens: deps.tokens,
    unlock: (poolId, userId) => authn.lockout.unlock(poolId, accountKey({ user: { id: userId } as never, identifier: '' })),
  });
  const passwordCredential = createPasswordCredential({ users: deps.usersRepo, passwords: authn.passwords });
  const loginTypes = createLoginTypesService({
    credentials: authn.credentials,
    defaultPoolId: deps.defaultPoolId,
    configDir: deps.loginTypesDir,
    log: deps.log,
    element: {
      signIn: authn.passwordSignIn,
      captcha: authn.captcha,
      settings: authn.settings,
      passwords: authn.passwords,
      hasher: authn.hasher,
      // The plain users service: the element passes finished hashes (passwordHash), never plain text.
      users: deps.users,
      usersRepo: deps.usersRepo,
      loginCodes,
      tokens: deps.tokens,
    },
  });
  return { users, loginCodes, passwordReset, passwordCredential, loginTypes };
}
export type Accounts = ReturnType<typeof createAccounts>;
