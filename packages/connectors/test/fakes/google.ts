/**
 * Google OAuth 2.0 / OpenID Connect fake (https://developers.google.com/identity/openid-connect/openid-connect):
 * accounts.google.com/o/oauth2/v2/auth, oauth2.googleapis.com/token,
 * www.googleapis.com/oauth2/v3/certs, openidconnect.googleapis.com/v1/userinfo. Checks client id
 * and secret (Basic or form), exact redirect URI, PKCE, single-use codes; ID tokens carry
 * `iss: https://accounts.google.com`, `aud`/`azp` = client id, `nonce`, `hd` for Workspace users.
 * Errors use Google's bodies (`invalid_grant` "Bad Request", `invalid_client` "Unauthorized").
 */
import { json } from './http.js';
import type { FakeClient } from './oauth-core.js';
import { startOidcLikeFake } from './oidc-like.js';

export interface GoogleUser {
  sub: string;
  email: string;
  email_verified: boolean;
  name?: string;
  given_name?: string;
  family_name?: string;
  picture?: string;
  /** Google Workspace domain, absent for consumer accounts. */
  hd?: string;
  locale?: string;
}

export const GOOGLE_ORIGINS = ['https://accounts.google.com', 'https://oauth2.googleapis.com', 'https://www.googleapis.com', 'https://openidconnect.googleapis.com'];

export async function startGoogleFake(opts: { clients: FakeClient[]; users: GoogleUser[]; issuer?: string }) {
  const fake = await startOidcLikeFake<GoogleUser>({
    clients: opts.clients,
    users: opts.users,
    isAuthorize: (p) => p === '/o/oauth2/v2/auth',
    isToken: (p) => p === '/token',
    isJwks: (p) => p === '/oauth2/v3/certs',
    isUserinfo: (p) => p === '/v1/userinfo',
    pickUser: (req, login) => opts.users.find((u) => u.sub === login || u.email === login) ?? opts.users[0],
    denyParams: { error: 'access_denied' },
    idTokenClaims: (g, now) => {
      const { sub, email, email_verified, name, given_name, family_name, picture, hd, locale } = g.user;
      const scopes = g.scope.split(/\s+/);
      const iat = Math.floor(now / 1000);
      return {
        // Google issues either form; both must be accepted (https://developers.google.com/identity/openid-connect/openid-connect#validatinganidtoken).
        iss: opts.issuer ?? 'https://accounts.google.com',
        azp: g.clientId,
        aud: g.clientId,
        sub,
        ...(hd ? { hd } : {}),
        ...(scopes.includes('email') ? { email, email_verified } : {}),
        at_hash: 'HK6E_P6Dh8Y93mRNtsDB1Q',
        ...(scopes.includes('profile') ? { name, given_name, family_name, picture, locale } : {}),
        ...(g.nonce ? { nonce: g.nonce } : {}),
        iat,
        exp: iat + 3600,
      };
    },
    userinfo: (u) => ({ ...u }),
    tokenError: (kind) => {
      if (kind === 'client_auth') return json(401, { error: 'invalid_client', error_description: 'Unauthorized' });
      if (kind === 'redirect_uri') return json(400, { error: 'redirect_uri_mismatch', error_description: 'Bad Request' });
      return json(400, { error: 'invalid_grant', error_description: 'Bad Request' });
    },
  });
  return { ...fake, overrides: Object.fromEntries(GOOGLE_ORIGINS.map((o) => [o, fake.origin])) as Record<string, string> };
}
export type GoogleFake = Awaited<ReturnType<typeof startGoogleFake>>;
