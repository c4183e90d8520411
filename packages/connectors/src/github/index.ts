/**
 * GitHub — OAuth app sign-in (https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps).
 * GitHub is plain OAuth 2.0 (no ID token): the profile comes from the REST API. The subject is
 * the numeric `id` — `login` can be renamed and then taken by someone else. The email is taken
 * only from /user/emails and only when it is both `primary` and `verified`: the public profile
 * `email` is user-chosen and proves nothing.
 */
import {
  bearer,
  ConnectorError,
  buildUrl,
  compactProfile,
  exchangeCode,
  getJson,
  readAuthorizationCode,
  readMobileCode,
  scopeList,
  validateConfig,
  type HttpClient,
  type IdentityProfile,
  type SocialConnectorFactory,
} from '@gatehouse/connector-kit';
import { GithubConfigSchema, GithubEmailsSchema, GithubUserSchema, type GithubConfig, type GithubConfigInput } from './schema.js';
import { githubAuthorizeErrors, githubTokenErrors } from './errors.js';

const VENDOR = 'github';
export const GITHUB_AUTHORIZE_URL = 'https://github.com/login/oauth/authorize';
export const GITHUB_TOKEN_URL = 'https://github.com/login/oauth/access_token';
export const GITHUB_API = 'https://api.github.com';
/** REST API version header (https://docs.github.com/en/rest/about-the-rest-api/api-versions). */
const API_HEADERS = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };

export const github: SocialConnectorFactory<GithubConfigInput> = {
  manifest: {
    id: VENDOR,
    kind: 'social',
    name: 'GitHub',
    types: ['github', 'github:mobile'],
    docs: [
      'https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps',
      'https://docs.github.com/en/rest/users/users#get-the-authenticated-user',
      'https://docs.github.com/en/rest/users/emails#list-email-addresses-for-the-authenticated-user',
    ],
    trustsVerifiedEmail: true,
    configSchema: GithubConfigSchema,
    secretFields: ['clientSecret'],
  },
  create(raw, deps) {
    const config = validateConfig<GithubConfig>(github.manifest, raw);
    const scope = scopeList(config.scopes).join(' ');

    async function exchange(code: string, redirectUri: string | undefined, codeVerifier: string | undefined): Promise<IdentityProfile> {
      const token = await exchangeCode(deps.http, {
        vendor: VENDOR,
        tokenEndpoint: GITHUB_TOKEN_URL,
        clientId: config.clientId,
        clientSecret: config.clientSecret,
        clientAuth: 'client_secret_post',
        code,
        ...(redirectUri ? { redirectUri } : {}),
        ...(codeVerifier ? { codeVerifier } : {}),
        errors: githubTokenErrors,
        timeoutMs: config.timeoutMs,
      });
      return fetchProfile(deps.http, token.access_token, config.timeoutMs);
    }

    return {
      manifest: github.manifest,
      async authorizationUrl(req) {
        // PKCE is supported by GitHub OAuth apps (RFC 7636, S256); a server that ignored it would still work.
        return buildUrl(GITHUB_AUTHORIZE_URL, {
          client_id: config.clientId,
          redirect_uri: req.redirectUri,
          scope,
          state: req.state,
          code_challenge: req.codeChallenge,
          code_challenge_method: 'S256',
          login: req.hints?.['login_hint'],
        });
      },
      async handleCallback(input) {
        const code = readAuthorizationCode(VENDOR, input.params, { errors: githubAuthorizeErrors });
        return exchange(code, input.redirectUri, input.codeVerifier);
      },
      async handleMobile(payload) {
        const p = readMobileCode(VENDOR, payload);
        return exchange(p.code, p.redirectUri, p.codeVerifier);
      },
    };
  },
};

async function fetchProfile(http: HttpClient, accessToken: string, timeoutMs: number): Promise<IdentityProfile> {
  const headers = { ...API_HEADERS, ...bearer(accessToken) };
  const user = await getJson(http, VENDOR, 'user', `${GITHUB_API}/user`, GithubUserSchema, { headers, timeoutMs });
  // Without the user:email scope (or for some GitHub App tokens) /user/emails answers 404/403:
  // the profile then simply has no email; any other failure is a failure.
  let primary: { email: string } | undefined;
  try {
    const emails = await getJson(http, VENDOR, 'emails', `${GITHUB_API}/user/emails`, GithubEmailsSchema, {
      headers,
      timeoutMs,
      onError: (res) => (res.status === 404 || res.status === 403 ? new NoEmailAccess() : undefined),
    });
    primary = emails.find((e) => e.primary && e.verified);
  } catch (err) {
    if (!(err instanceof NoEmailAccess)) throw err;
  }
  return compactProfile({
    id: String(user.id),
    username: user.login,
    name: user.name ?? undefined,
    nickname: user.login,
    picture: user.avatar_url ?? undefined,
    ...(primary ? { email: primary.email, emailVerified: true } : {}),
    raw: user,
  });
}

/** Internal marker: the token may not read emails. */
class NoEmailAccess extends ConnectorError {
  constructor() {
    super('connector.rejected', `${VENDOR}: no access to /user/emails`);
  }
}
