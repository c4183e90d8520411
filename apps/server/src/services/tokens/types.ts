/**
 * The token service's interface, in the services layer so lower layers can depend on it while
 * the implementation lives in `oidc/token-service.ts` (the container connects the two).
 *
 * Issuing tokens for a sign-in happens in exactly one place: the sign-in engine's finish
 * (`flows/engine/complete.ts`). Everything else only verifies access tokens or revokes sessions.
 * All tokens are the OIDC provider's own and work the same at /oidc/me, introspection,
 * revocation and refresh.
 */
export interface AuthenticationFacts {
  /** RFC 8176 authentication method references, e.g. ['pwd'], ['otp', 'sms'], ['qr']. */
  amr: string[];
  acr?: string;
  /** Epoch seconds of the authentication. */
  authTime: number;
}

export interface IssueTokensInput {
  poolId: string;
  /** The application (OIDC client) the tokens are for; must belong to poolId. */
  appId: string;
  userId: string;
  /** Space-separated scopes as in the reference SignInOptionsDto.scope; default 'openid profile'. */
  scope?: string;
  facts: AuthenticationFacts;
  /** Optional nonce to put in the ID token. */
  nonce?: string;
  /** Extra claims for the ID token (user scripts, custom fields); never overrides registered claims. */
  idTokenClaims?: Record<string, unknown>;
}

/** The reference `LoginTokenResponseDataDto`. */
export interface LoginTokenResponseData {
  scope: string;
  access_token: string;
  id_token?: string;
  refresh_token?: string;
  token_type: 'Bearer';
  expire_in: number;
}

export interface TokenIssuer {
  issue(input: IssueTokensInput): Promise<LoginTokenResponseData>;
}

export interface AccessTokenVerifier {
  /** Validates an access token issued for this pool; returns the subject and claims or null. */
  verifyAccessToken(poolId: string, token: string): Promise<{ userId: string; appId: string; scope: string; jti?: string } | null>;
  /** Validates an ID token this pool issued to `appId` (signature, issuer, audience, not expired); its subject or null. */
  verifyIdToken(poolId: string, appId: string, token: string): Promise<{ userId: string } | null>;
}

export interface SessionRevoker {
  /** Revokes every grant/refresh token of a user (password change, block, force-logout). */
  revokeUserSessions(poolId: string, userId: string): Promise<void>;
}

export type TokenService = TokenIssuer & AccessTokenVerifier & SessionRevoker;

/**
 * Claims user scripts add to tokens the OIDC provider issues itself (hosted login, refresh;
 * docs/pipeline.md): ID tokens of its endpoints, and every access token. Registered claims are
 * never overridden. A refusal throws.
 */
export interface ScriptClaims {
  idToken(e: { poolId: string; appId: string; userId: string }): Promise<Record<string, unknown> | undefined>;
  accessToken(e: { poolId: string; appId: string; userId: string }): Promise<Record<string, unknown> | undefined>;
}
