import type { ErrorCode } from '@gatehouse/contracts';
import { ConnectorError } from '@gatehouse/connector-kit';
import { isAppError } from '../../errors/app-error.js';

/** Catalogued errors of the social method. */
export const socialMethodErrors = [
  'federation.connection_not_found',
  'federation.connection_disabled',
  'federation.access_denied',
  'federation.upstream_unavailable',
  'federation.upstream_refused',
  'federation.invalid_token',
  'federation.not_allowed',
  'federation.login_only',
  'federation.link_required',
  'federation.mobile_not_supported',
  'china.qrcode_not_supported',
] as const satisfies readonly ErrorCode[];

/**
 * A connector failure as the client sees it: what the provider said, in the closed set of the
 * connector kit, never the vendor's text (that goes to the log). A refusal of the outbound
 * guard (an internal address) keeps its own code.
 */
export function socialErrorOf(err: unknown): { code: ErrorCode; reason?: string } | undefined {
  if (isAppError(err)) return { code: err.code };
  if (!(err instanceof ConnectorError)) return undefined;
  if (isAppError(err.cause)) return { code: err.cause.code };
  switch (err.code) {
    case 'connector.access_denied':
      return { code: 'federation.access_denied' };
    case 'connector.invalid_token':
      return { code: 'federation.invalid_token' };
    case 'connector.not_allowed':
      return { code: 'federation.not_allowed' };
    case 'connector.unavailable':
    case 'connector.rate_limited':
      return { code: 'federation.upstream_unavailable' };
    default:
      return { code: 'federation.upstream_refused', reason: err.code.replace('connector.', '') };
  }
}
