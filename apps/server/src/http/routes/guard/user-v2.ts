import type { UserDto } from '../../../services/users/types.js';
import type { LoginTokenResponseData } from '../../../services/tokens/types.js';

/**
 * A signed-in user in the shape of the vendor's v2 `User` (authing-js-sdk v4 `User`, what
 * Guard's `onLogin` hands the application): the v3 user with `id`, `photo`, `blocked`, and the
 * token. `token` is the access token (Gatehouse's bearer for the user APIs, and what Guard
 * stores); `idToken` and `refreshToken` come along when they were issued.
 */
export function toGuardUser(user: UserDto, tokens: LoginTokenResponseData, poolId: string) {
  return {
    ...user,
    id: user.userId,
    userPoolId: poolId,
    photo: (user as { photo?: string }).photo ?? '',
    blocked: user.status === 'Suspended',
    isDeleted: false,
    token: tokens.access_token,
    tokenExpiredAt: new Date(Date.now() + tokens.expire_in * 1000).toISOString(),
    ...(tokens.id_token ? { idToken: tokens.id_token } : {}),
    ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}),
  };
}
