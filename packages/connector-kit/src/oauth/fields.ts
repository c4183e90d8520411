/**
 * Config fields every identity-provider connection has, and the mobile payload most of them
 * accept (`signin-by-mobile`: a native app that already holds an authorization code).
 */
import { Type } from '@sinclair/typebox';
import { ConnectorError } from '../types.js';
import { matches } from './request.js';

export const commonSocialFields = {
  /**
   * Read by the server, not the connector: whether a verified email from this connection may
   * link to an existing account automatically (only for connectors whose manifest trusts the
   * provider's verified-email assertion). Default true there.
   */
  autoLinkByVerifiedEmail: Type.Optional(Type.Boolean({ description: 'Link to an existing account with the same verified email automatically (server setting; only where the provider is trusted for it)' })),
  timeoutMs: Type.Integer({ minimum: 100, maximum: 60_000, default: 10_000, description: 'Timeout of each request to the provider, ms' }),
};

export const MobileCodePayloadSchema = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 4096 }),
  /** The redirect URI the app used at authorize, when it used one (it must be sent identically). */
  redirectUri: Type.Optional(Type.String({ maxLength: 2048 })),
  codeVerifier: Type.Optional(Type.String({ minLength: 43, maxLength: 128 })),
});

/** The `{code, redirectUri?, codeVerifier?}` payload, or connector.invalid_grant naming what is wrong. */
export function readMobileCode(vendor: string, payload: Record<string, unknown>): { code: string; redirectUri?: string; codeVerifier?: string } {
  if (!matches(MobileCodePayloadSchema, payload)) throw new ConnectorError('connector.invalid_grant', `${vendor}: mobile payload needs a code (and optional redirectUri, codeVerifier)`);
  return payload;
}
