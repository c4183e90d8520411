import { createHash } from 'node:crypto';
import { AppError } from '../../errors/app-error.js';
import type { KvStore } from '../../storage/kv/types.js';
import { scopedKv } from '../../storage/kv/scoped.js';
import type { UsersRepo } from '../../storage/repositories/users.js';
import type { LoginTokenResponseData, TokenService } from '../../oidc/token-service.types.js';
import { urlSafeSecret } from '../../utils/ids.js';

/**
 * Login codes (JitAi `getLoginCode` → `loginCode`): a one-time credential that a completed
 * sign-in hands to the front end, exchanged for the token service's tokens. Like an OAuth
 * authorization code (RFC 6749 §4.1.2, §10.5): 256 random bits, short-lived, single use — the
 * KV `take` is atomic, so two parallel exchanges cannot both succeed — and bound to its pool
 * (and to an application when the sign-in named one). Only a SHA-256 of the code is stored as
 * the key, so a KV dump yields no usable codes.
 */
export const LOGIN_CODE_TTL_MS = 2 * 60 * 1000;
const key = (code: string) => `logincode:${createHash('sha256').update(code, 'utf8').digest('base64url')}`;

export interface LoginCodeGrant {
  userId: string;
  amr: string[];
  authTime: number;
  /** The application the code may be exchanged by; any application of the pool when absent. */
  appId?: string;
  /** Login-method label (history, audit). */
  method: string;
}

export function createLoginCodes(deps: { kv: KvStore; users: UsersRepo; tokens: () => TokenService | undefined; isDisabled: (u: NonNullable<Awaited<ReturnType<UsersRepo['findById']>>>) => boolean }) {
  return {
    async issue(poolId: string, grant: LoginCodeGrant): Promise<string> {
      const code = urlSafeSecret(32);
      await scopedKv(deps.kv, poolId).set(key(code), JSON.stringify(grant), LOGIN_CODE_TTL_MS);
      return code;
    },

    /** Consumes the code and issues tokens for `appId`; any mismatch is the same `auth.login_code_invalid`. */
    async exchange(poolId: string, input: { loginCode: string; appId: string; scope?: string }): Promise<LoginTokenResponseData> {
      if (typeof input.loginCode !== 'string' || input.loginCode.length < 16 || input.loginCode.length > 128) throw new AppError('auth.login_code_invalid');
      const raw = await scopedKv(deps.kv, poolId).take(key(input.loginCode));
      if (!raw) throw new AppError('auth.login_code_invalid');
      const grant = JSON.parse(raw) as LoginCodeGrant;
      if (grant.appId && grant.appId !== input.appId) throw new AppError('auth.login_code_invalid');
      // The account may have been blocked or deleted since the code was issued.
      const user = await deps.users.findById(poolId, grant.userId);
      if (!user) throw new AppError('auth.login_code_invalid');
      if (deps.isDisabled(user)) throw new AppError('user.disabled');
      const tokens = deps.tokens();
      if (!tokens) throw new AppError('auth.token_service_unavailable');
      return tokens.issue({ poolId, appId: input.appId, userId: grant.userId, ...(input.scope ? { scope: input.scope } : {}), facts: { amr: grant.amr, authTime: grant.authTime } });
    },
  };
}
export type LoginCodes = ReturnType<typeof createLoginCodes>;
