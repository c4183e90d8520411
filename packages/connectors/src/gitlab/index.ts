/**
 * GitLab — OpenID Connect, gitlab.com or a self-managed instance (`baseUrl`)
 * (https://docs.gitlab.com/integration/openid_connect_provider/, https://docs.gitlab.com/api/oauth2/).
 * Code + PKCE + nonce; the ID token is validated against `{baseUrl}/oauth/discovery/keys` with
 * `iss` = baseUrl; the userinfo endpoint adds `groups`, and its `sub` must be the ID token's
 * (OIDC Core §5.3.2). Subject: the numeric user id (`sub`), never the renameable username.
 *
 * Emails: GitLab marks addresses confirmed, but a self-managed administrator can create users
 * with any address, so GitLab is not trusted for automatic linking (manifest).
 */
import {
  ConnectorError,
  bearer,
  buildUrl,
  createJwksSource,
  exchangeCode,
  getJson,
  profileFromClaims,
  rawProfile,
  readAuthorizationCode,
  readMobileCode,
  scopeList,
  trimSlash,
  validateConfig,
  verifyIdToken,
  type IdentityProfile,
  type SocialConnectorFactory,
} from '@gatehouse/connector-kit';
import { GitlabConfigSchema, GitlabUserinfoSchema, type GitlabConfig, type GitlabConfigInput } from './schema.js';

const VENDOR = 'gitlab';

export const gitlab: SocialConnectorFactory<GitlabConfigInput> = {
  manifest: {
    id: VENDOR,
    kind: 'social',
    name: 'GitLab',
    types: ['gitlab', 'gitlab:mobile'],
    docs: ['https://docs.gitlab.com/integration/openid_connect_provider/', 'https://docs.gitlab.com/api/oauth2/', 'https://docs.gitlab.com/integration/oauth_provider/'],
    trustsVerifiedEmail: false,
    configSchema: GitlabConfigSchema,
    secretFields: ['clientSecret'],
  },
  create(raw, deps) {
    const config = validateConfig<GitlabConfig>(gitlab.manifest, raw);
    const base = trimSlash(config.baseUrl);
    const jwks = createJwksSource({ vendor: VENDOR, jwksUri: `${base}/oauth/discovery/keys`, http: deps.http, cache: deps.cache, timeoutMs: config.timeoutMs });
    const scope = scopeList(config.scopes, ['openid']).join(' ');

    async function redeem(code: string, redirectUri: string | undefined, codeVerifier: string | undefined, nonce: string | undefined): Promise<IdentityProfile> {
      const token = await exchangeCode(deps.http, {
        vendor: VENDOR,
        tokenEndpoint: `${base}/oauth/token`,
        clientId: config.clientId,
        clientSecret: config.clientSecret,
        clientAuth: 'client_secret_post',
        code,
        ...(redirectUri ? { redirectUri } : {}),
        ...(codeVerifier ? { codeVerifier } : {}),
        timeoutMs: config.timeoutMs,
      });
      if (!token.id_token) throw new ConnectorError('connector.invalid_response', `${VENDOR}: token response without id_token (is the openid scope enabled on the application?)`);
      const claims = await verifyIdToken(token.id_token, { vendor: VENDOR, jwks, issuer: base, audience: config.clientId, ...(nonce !== undefined ? { nonce } : {}), ...(deps.now ? { now: deps.now } : {}) });
      const info = await getJson(deps.http, VENDOR, 'userinfo', `${base}/oauth/userinfo`, GitlabUserinfoSchema, { headers: bearer(token.access_token), timeoutMs: config.timeoutMs });
      if (info.sub !== claims.sub) throw new ConnectorError('connector.invalid_token', `${VENDOR}: userinfo sub differs from the ID token`);
      const merged = { ...info, ...claims };
      const profile = profileFromClaims(merged, { id: claims.sub, trustEmailVerified: true, raw: rawProfile(merged) });
      return info.groups ? { ...profile, groups: info.groups } : profile;
    }

    return {
      manifest: gitlab.manifest,
      async authorizationUrl(req) {
        return buildUrl(`${base}/oauth/authorize`, {
          client_id: config.clientId,
          redirect_uri: req.redirectUri,
          response_type: 'code',
          scope,
          state: req.state,
          nonce: req.nonce,
          code_challenge: req.codeChallenge,
          code_challenge_method: 'S256',
        });
      },
      async handleCallback(input) {
        const code = readAuthorizationCode(VENDOR, input.params);
        return redeem(code, input.redirectUri, input.codeVerifier, input.nonce);
      },
      async handleMobile(payload) {
        const p = readMobileCode(VENDOR, payload);
        return redeem(p.code, p.redirectUri, p.codeVerifier, undefined);
      },
    };
  },
};
