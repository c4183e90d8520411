/**
 * "Sign In with LinkedIn using OpenID Connect" fake
 * (https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2):
 * www.linkedin.com/oauth/v2/{authorization,accessToken}, /oauth/openid/jwks and
 * api.linkedin.com/v2/userinfo. LinkedIn's quirk: an expired, used or mismatched code is
 * HTTP 400 `invalid_request` with a fixed description, not `invalid_grant`; the client secret
 * goes in the form body.
 */
import { json } from './http.js';
import type { FakeClient } from './oauth-core.js';
import { startOidcLikeFake } from './oidc-like.js';

export interface LinkedinUser {
  sub: string;
  email: string;
  email_verified: boolean;
  given_name: string;
  family_name: string;
  picture?: string;
}

export const LINKEDIN_ORIGINS = ['https://www.linkedin.com', 'https://api.linkedin.com'];
export const LINKEDIN_CODE_ERROR = 'Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. Or authorization code expired. Or external member binding exists';

export async function startLinkedinFake(opts: { clients: FakeClient[]; users: LinkedinUser[]; issuer?: string }) {
  const fake = await startOidcLikeFake<LinkedinUser>({
    clients: opts.clients,
    users: opts.users,
    isAuthorize: (p) => p === '/oauth/v2/authorization',
    isToken: (p) => p === '/oauth/v2/accessToken',
    isJwks: (p) => p === '/oauth/openid/jwks',
    isUserinfo: (p) => p === '/v2/userinfo',
    denyParams: { error: 'user_cancelled_authorize', error_description: 'The user cancelled the authorization' },
    authenticateClient: (_req, client, creds) => !!client && creds.method === 'post' && creds.clientSecret === client.clientSecret,
    idTokenClaims: (g, now) => {
      const iat = Math.floor(now / 1000);
      const u = g.user;
      return {
        iss: opts.issuer ?? 'https://www.linkedin.com/oauth',
        aud: g.clientId,
        iat,
        exp: iat + 3600,
        sub: u.sub,
        name: `${u.given_name} ${u.family_name}`,
        given_name: u.given_name,
        family_name: u.family_name,
        picture: u.picture,
        email: u.email,
        email_verified: u.email_verified,
        locale: 'en_US',
        ...(g.nonce ? { nonce: g.nonce } : {}),
      };
    },
    userinfo: (u) => ({ sub: u.sub, email_verified: u.email_verified, name: `${u.given_name} ${u.family_name}`, locale: { country: 'US', language: 'en' }, given_name: u.given_name, family_name: u.family_name, email: u.email, picture: u.picture }),
    tokenError: (kind) => (kind === 'client_auth' ? json(401, { error: 'invalid_client', error_description: 'Client authentication failed' }) : json(400, { error: 'invalid_request', error_description: LINKEDIN_CODE_ERROR })),
  });
  return { ...fake, overrides: Object.fromEntries(LINKEDIN_ORIGINS.map((o) => [o, fake.origin])) as Record<string, string> };
}
export type LinkedinFake = Awaited<ReturnType<typeof startLinkedinFake>>;
