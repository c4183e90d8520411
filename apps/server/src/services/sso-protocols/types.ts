import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * How SAML and CAS reach the one SSO session (docs/saml.md, "One session for every protocol").
 * The session is oidc-provider's; oidc/sso-bridge.ts implements this for the container, so
 * these services never import the OIDC layer.
 */
export interface SsoLogin {
  userId: string;
  amr: string[];
  acr?: string;
  /** Epoch seconds of the authentication the session holds. */
  authTime: number;
  /** The provider session the code was issued in (keys the session's SAML/CAS participants). */
  sessionUid: string;
}

export interface SsoSessionBridge {
  /** `<publicUrl>` for the default pool, `<publicUrl>/pools/<poolId>` for others (the issuer's base). */
  poolBase(poolId: string): Promise<string>;
  /** The pool's authorization endpoint, for the application's own client with our continuation as redirect URI. */
  authorizationUrl(poolId: string, appId: string, p: { redirectUri: string; state: string; codeChallenge: string; prompt?: 'login' | 'none' | undefined; acrValues?: string | undefined }): Promise<string>;
  /**
   * Redeems an authorization code in-process (RFC 6749 §4.1.3 checks: client, redirect URI,
   * expiry, single use; RFC 7636 PKCE) and says who signed in and how. Throws when it does not hold.
   */
  redeem(poolId: string, appId: string, p: { code: string; redirectUri: string; codeVerifier: string }): Promise<SsoLogin>;
  /** The browser's SSO session (read only), or null; `authTime` is the epoch seconds of the authentication it holds. */
  session(poolId: string, req: IncomingMessage, res: ServerResponse): Promise<{ uid: string; accountId: string; authTime: number } | null>;
  /** Ends the browser's SSO session as OIDC logout does: grants revoked, session destroyed, cookie expired. */
  endSession(poolId: string, req: IncomingMessage, res: ServerResponse): Promise<{ uid: string; accountId: string } | null>;
  /** The user's claims (OIDC names) when the account is active, else undefined. */
  claims(poolId: string, userId: string): Promise<Record<string, unknown> | undefined>;
}
