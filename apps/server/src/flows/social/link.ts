import type { IdentityProfile, SocialConnector } from '@gatehouse/connector-kit';
import { AppError } from '../../errors/app-error.js';
import { socialErrorOf } from '../../login-methods/social/errors.js';
import type { IdentityDto } from '../../services/identity-sources/identities.js';
import type { ConnectionWithSecrets } from '../../services/identity-sources/types.js';
import type { Logger } from '../../utils/logger.js';
import type { RequestInfo } from '../engine/types.js';

/**
 * The end of a link round trip (docs/identity-providers.md "Linking"): the user is already
 * signed in (the ticket named them), so this is not a sign-in and does not run the engine. The
 * provider's answer is validated by the connector exactly as for a sign-in (code exchange, ID
 * token, assertion), then the identity is linked to the ticket's user — refused with
 * `federation.identity_taken` when it belongs to another account.
 */
export interface SocialLinkingDeps {
  connectionWithSecrets(poolId: string, id: string): Promise<ConnectionWithSecrets | undefined>;
  connector(conn: ConnectionWithSecrets): SocialConnector;
  link(conn: ConnectionWithSecrets, userId: string, profile: IdentityProfile, request: { ip: string | null; userAgent: string | null; requestId: string | null }): Promise<void>;
  identitiesOf(poolId: string, userId: string): Promise<IdentityDto[]>;
  log: Logger;
}

export function createSocialLinking(deps: SocialLinkingDeps) {
  return async function completeLink(e: { poolId: string; connectionId: string; userId: string; callback: { params: Record<string, string>; redirectUri: string; codeVerifier: string; nonce: string }; request: RequestInfo }): Promise<IdentityDto[]> {
    const conn = await deps.connectionWithSecrets(e.poolId, e.connectionId);
    if (!conn || conn.kind !== 'social') throw new AppError('federation.connection_not_found');
    let profile: IdentityProfile;
    try {
      profile = await deps.connector(conn).handleCallback(e.callback);
    } catch (err) {
      const mapped = socialErrorOf(err);
      if (!mapped) throw err;
      deps.log.warn({ connection: conn.id, type: conn.type, err: err instanceof Error ? err.message : String(err) }, 'identity provider refused the link');
      throw new AppError(mapped.code, { ...(mapped.reason ? { params: { reason: mapped.reason } } : {}), cause: err });
    }
    await deps.link(conn, e.userId, profile, e.request);
    return deps.identitiesOf(e.poolId, e.userId);
  };
}
export type CompleteLink = ReturnType<typeof createSocialLinking>;
