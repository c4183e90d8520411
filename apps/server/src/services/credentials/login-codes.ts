import { createHash } from 'node:crypto';
import { AppError } from '../../errors/app-error.js';
import type { KvStore } from '../../storage/kv/types.js';
import { scopedKv } from '../../storage/kv/scoped.js';
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

export function createLoginCodes(deps: { kv: KvStore }) {
  return {
    async issue(poolId: string, grant: LoginCodeGrant): Promise<string> {
      const code = urlSafeSecret(32);
      await scopedKv(deps.kv, poolId).set(key(code), JSON.stringify(grant), LOGIN_CODE_TTL_MS);
      return code;
    },

    /** Consumes the code for `appId`; any mismatch is the same `auth.login_code_invalid`. The engine then issues the tokens. */
    async take(poolId: string, loginCode: string, appId: string): Promise<LoginCodeGrant> {
      if (typeof loginCode !== 'string' || loginCode.length < 16 || loginCode.length > 128) throw new AppError('auth.login_code_invalid');
      const raw = await scopedKv(deps.kv, poolId).take(key(loginCode));
      if (!raw) throw new AppError('auth.login_code_invalid');
      const grant = JSON.parse(raw) as LoginCodeGrant;
      if (grant.appId && grant.appId !== appId) throw new AppError('auth.login_code_invalid');
      return grant;
    },
  };
}
export type LoginCodes = ReturnType<typeof createLoginCodes>;
