import type { Logger } from '../utils/logger.js';
import type { KvStore } from '../storage/kv/types.js';
import type { UsersRepo } from '../storage/repositories/users.js';
import type { TokenService } from '../services/tokens/types.js';
import type { UsersService } from '../services/users.js';
import { withPasswords } from '../services/credentials/user-passwords.js';
import { createLoginCodes } from '../services/credentials/login-codes.js';
import { createPasswordReset } from '../services/credentials/password-reset.js';
import { createPasswordCredential } from '../services/credentials/password-credential.js';
import { createLoginTypesService } from '../login-methods/jitai/instances.js';
import type { ElementSignIn } from '../login-methods/jitai/password-type.js';
import { userCounterKeys } from '../login-methods/counter-keys.js';
import type { LoginTokenResponseData } from '../services/tokens/types.js';
import type { Authentication } from './authentication.js';
import { createCurrentPasswordCheck } from '../flows/account-password.js';

/**
 * The account lifecycle: passwords in the management API (and revocation on block), login
 * codes, JitAi login-method instances, password reset, bind/unbind. Sign-in and token issue are
 * the engine's: the element and the reset reach it through the functions passed in.
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
  elementSignIn: (input: ElementSignIn) => Promise<{ loginCode: string; userId: string }>;
  redeemLoginCode: (poolId: string, input: { loginCode: string; appId: string; scope?: string }) => Promise<LoginTokenResponseData>;
}) {
  const { authn } = deps;
  const users = withPasswords(deps.users, { passwords: authn.passwords, encryption: authn.encryption, hasher: authn.hasher, tokens: deps.tokens });
  const loginCodes = createLoginCodes({ kv: deps.kv });
  /** Clears every counter of an account (its identifiers): after a password reset, and the admin unlock. */
  const unlockUser = async (poolId: string, userId: string) => {
    const user = await deps.usersRepo.findById(poolId, userId);
    if (user) await authn.guard.unlock(poolId, userCounterKeys(user));
  };
  const passwordReset = createPasswordReset({ kv: deps.kv, users: deps.usersRepo, passwords: authn.passwords, tokens: deps.tokens, unlock: unlockUser });
  const checkCurrent = createCurrentPasswordCheck({ guard: authn.guard, passwords: authn.passwords });
  const passwordCredential = createPasswordCredential({ users: deps.usersRepo, passwords: authn.passwords, checkCurrent });
  const loginTypes = createLoginTypesService({
    credentials: authn.credentials,
    defaultPoolId: deps.defaultPoolId,
    configDir: deps.loginTypesDir,
    log: deps.log,
    element: {
      signIn: deps.elementSignIn,
      captcha: authn.captcha,
      settings: authn.settings,
      passwords: authn.passwords,
      hasher: authn.hasher,
      // The plain users service: the element passes finished hashes (passwordHash), never plain text.
      users: deps.users,
      usersRepo: deps.usersRepo,
      sessions: deps.tokens,
      redeemLoginCode: deps.redeemLoginCode,
      checkCurrent,
    },
  });
  return { users, loginCodes, passwordReset, passwordCredential, loginTypes, unlockUser, checkCurrent };
}
export type Accounts = ReturnType<typeof createAccounts>;
