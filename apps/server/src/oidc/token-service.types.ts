/**
 * The one token service (issue #3): every sign-in path — /api/v3/signin, QR ticket exchange,
 * the hosted login — ends here, so all tokens are the OIDC provider's own tokens and work the
 * same at /oidc/me, introspection, revocation and refresh.
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

export interface TokenService {
  issue(input: IssueTokensInput): Promise<LoginTokenResponseData>;
  /** Validates an access token issued for this pool; returns the subject and claims or null. */
  verifyAccessToken(poolId: string, token: string): Promise<{ userId: string; appId: string; scope: string; jti?: string } | null>;
  /** Revokes every grant/refresh token of a user (password change, block, force-logout). */
  revokeUserSessions(poolId: string, userId: string): Promise<void>;
}
