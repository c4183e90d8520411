/**
 * GitLab (gitlab.com or a self-managed instance) OpenID Connect fake
 * (https://docs.gitlab.com/integration/openid_connect_provider/, https://docs.gitlab.com/api/oauth2/):
 * {base}/oauth/{authorize,token,userinfo,discovery/keys}. Doorkeeper's checks and bodies:
 * client secret (Basic or form), exact redirect URI, PKCE, single-use codes (10 minutes),
 * `invalid_grant` 400 and `invalid_client` 401. ID tokens: `iss` = the instance URL.
 */
import { json } from './http.js';
import type { FakeClient } from './oauth-core.js';
import { startOidcLikeFake } from './oidc-like.js';

export interface GitlabUser {
  /** Numeric user id as a string (GitLab's `sub`). */
  sub: string;
  username: string;
  name: string;
  email: string;
  email_verified: boolean;
  avatar?: string;
  groups?: string[];
}

export async function startGitlabFake(opts: { baseUrl: string; clients: FakeClient[]; users: GitlabUser[] }) {
  const issuer = opts.baseUrl.replace(/\/$/, '');
  // A self-managed instance may live under a path (https://host/gitlab); the overrides map origins only.
  const prefix = new URL(issuer).pathname.replace(/\/$/, '');
  const claimsOf = (u: GitlabUser, scope: string) => {
    const s = scope.split(/\s+/);
    return {
      sub: u.sub,
      sub_legacy: `legacy-${u.sub}`,
      ...(s.includes('profile') ? { name: u.name, nickname: u.username, preferred_username: u.username, profile: `${issuer}/${u.username}`, picture: u.avatar, website: '' } : {}),
      ...(s.includes('email') ? { email: u.email, email_verified: u.email_verified } : {}),
    };
  };
  const fake = await startOidcLikeFake<GitlabUser>({
    clients: opts.clients,
    users: opts.users,
    isAuthorize: (p) => p === `${prefix}/oauth/authorize`,
    isToken: (p) => p === `${prefix}/oauth/token`,
    isJwks: (p) => p === `${prefix}/oauth/discovery/keys`,
    isUserinfo: (p) => p === `${prefix}/oauth/userinfo`,
    pickUser: (_req, login) => opts.users.find((u) => u.username === login || u.sub === login) ?? opts.users[0],
    denyParams: { error: 'access_denied', error_description: 'The resource owner or authorization server denied the request.' },
    idTokenClaims: (g, now) => {
      const iat = Math.floor(now / 1000);
      return { iss: issuer, aud: g.clientId, exp: iat + 120, iat, auth_time: iat, ...claimsOf(g.user, g.scope), ...(g.nonce ? { nonce: g.nonce } : {}) };
    },
    userinfo: (u, g) => ({ ...claimsOf(u, g.scope), groups: u.groups ?? [] }),
    tokenError: (kind) =>
      kind === 'client_auth'
        ? json(401, { error: 'invalid_client', error_description: 'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.' })
        : json(400, { error: 'invalid_grant', error_description: 'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.' }),
  });
  return { ...fake, overrides: { [new URL(issuer).origin]: fake.origin } as Record<string, string> };
}
export type GitlabFake = Awaited<ReturnType<typeof startGitlabFake>>;
