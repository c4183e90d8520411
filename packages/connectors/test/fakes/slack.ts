/**
 * "Sign in with Slack" (OpenID Connect) fake (https://api.slack.com/authentication/sign-in-with-slack):
 * slack.com/openid/connect/{authorize,keys} and /api/openid.connect.{token,userInfo}. Slack's
 * Web API answers HTTP 200 with `ok: false` and an `error` string (`invalid_code`,
 * `bad_client_secret`, `invalid_client_id`, `bad_redirect_uri`); codes are single use and expire.
 */
import { json } from './http.js';
import type { FakeClient } from './oauth-core.js';
import { startOidcLikeFake, type TokenFailure } from './oidc-like.js';

export interface SlackUser {
  /** Fake-internal name used to pick who signs in. */
  login: string;
  /** Slack user id, U… */
  sub: string;
  teamId: string;
  teamName: string;
  email: string;
  email_verified: boolean;
  name: string;
  picture?: string;
}

const ERRORS: Record<TokenFailure, string> = {
  client_auth: 'bad_client_secret',
  invalid: 'invalid_code',
  used: 'invalid_code',
  expired: 'invalid_code',
  client: 'invalid_code',
  redirect_uri: 'bad_redirect_uri',
  pkce: 'invalid_code',
};

export async function startSlackFake(opts: { clients: FakeClient[]; users: SlackUser[] }) {
  const fake = await startOidcLikeFake<SlackUser>({
    clients: opts.clients,
    users: opts.users,
    isAuthorize: (p) => p === '/openid/connect/authorize',
    isToken: (p) => p === '/api/openid.connect.token',
    isJwks: (p) => p === '/openid/connect/keys',
    pickUser: (_req, login) => opts.users.find((u) => u.login === login) ?? opts.users[0],
    denyParams: { error: 'access_denied' },
    authenticateClient: (_req, client, creds) => !!client && creds.clientSecret === client.clientSecret,
    idTokenClaims: (g, now) => {
      const iat = Math.floor(now / 1000);
      const u = g.user;
      return {
        iss: 'https://slack.com',
        sub: u.sub,
        aud: g.clientId,
        exp: iat + 3600,
        iat,
        auth_time: iat,
        ...(g.nonce ? { nonce: g.nonce } : {}),
        at_hash: 'YWNjZXNzIHRva2VuIGhhc2g',
        'https://slack.com/user_id': u.sub,
        'https://slack.com/team_id': u.teamId,
        'https://slack.com/team_name': u.teamName,
        email: u.email,
        email_verified: u.email_verified,
        name: u.name,
        picture: u.picture,
        locale: 'en-US',
      };
    },
    tokenError: (kind) => json(200, { ok: false, error: ERRORS[kind] }),
    tokenSuccess: (body) => json(200, { ok: true, ...body }),
  });
  return { ...fake, overrides: { 'https://slack.com': fake.origin } as Record<string, string> };
}
export type SlackFake = Awaited<ReturnType<typeof startSlackFake>>;
