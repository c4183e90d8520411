import { AppError } from '../errors/app-error.js';
import type { EventService } from '../services/events/service.js';
import type { AccessTokenVerifier, SessionRevoker } from '../services/tokens/types.js';
import type { RequestInfo } from './engine/types.js';

/**
 * Logout through the JSON API (authing-js-sdk v4 `AuthenticationClient.logout()`, which Guard
 * bundles: `GET /api/v2/logout?app_id=…` with the user's access token). The vendor's logout
 * ends the user's login state, so every grant, refresh token, access token and browser session
 * of the user ends (the same revocation as a password change or `kick-users`), and the
 * `session:ended` event is emitted. The caller must hold a valid access token of an app of the
 * pool: a logout cannot be forced on someone else.
 */
export function createApiLogout(deps: { tokens: () => AccessTokenVerifier & SessionRevoker; events: Pick<EventService, 'emit'> }) {
  return async function logout(poolId: string, appId: string, token: string | null, request: RequestInfo): Promise<{ userId: string }> {
    if (!token) throw new AppError('auth.not_logged_in');
    const claims = await deps.tokens().verifyAccessToken(poolId, token);
    if (!claims) throw new AppError('auth.not_logged_in');
    await deps.tokens().revokeUserSessions(poolId, claims.userId);
    await deps.events.emit('session:ended', {
      poolId,
      actor: claims.userId,
      subject: claims.userId,
      ip: request.ip,
      userAgent: request.userAgent,
      requestId: request.requestId,
      data: { userId: claims.userId, appId, via: 'api-logout' },
    });
    return { userId: claims.userId };
  };
}
export type ApiLogout = ReturnType<typeof createApiLogout>;
