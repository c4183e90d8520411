/**
 * Gitee (码云) — OAuth 2.0 (https://gitee.com/api/v5/oauth_doc). No ID token: the profile comes
 * from the v5 API, which takes the token as the `access_token` query parameter (documented
 * form). Subject: the numeric `id`. Email: only a `confirmed` address marked `primary` from
 * /api/v5/emails (needs the `emails` scope); Gitee is not trusted for automatic linking.
 */
import {
  ConnectorError,
  buildUrl,
  compactProfile,
  exchangeCode,
  getJson,
  readAuthorizationCode,
  readMobileCode,
  scopeList,
  validateConfig,
  type IdentityProfile,
  type SocialConnectorFactory,
} from '@gatehouse/connector-kit';
import { GiteeConfigSchema, GiteeEmailsSchema, GiteeUserSchema, type GiteeConfig, type GiteeConfigInput } from './schema.js';

const VENDOR = 'gitee';
export const GITEE_AUTHORIZE_URL = 'https://gitee.com/oauth/authorize';
export const GITEE_TOKEN_URL = 'https://gitee.com/oauth/token';
export const GITEE_API = 'https://gitee.com/api/v5';

export const gitee: SocialConnectorFactory<GiteeConfigInput> = {
  manifest: {
    id: VENDOR,
    kind: 'social',
    name: 'Gitee',
    types: ['gitee', 'gitee:mobile'],
    docs: ['https://gitee.com/api/v5/oauth_doc', 'https://gitee.com/api/v5/swagger#/getV5User', 'https://gitee.com/api/v5/swagger#/getV5Emails'],
    trustsVerifiedEmail: false,
    configSchema: GiteeConfigSchema,
    secretFields: ['clientSecret'],
  },
  create(raw, deps) {
    const config = validateConfig<GiteeConfig>(gitee.manifest, raw);
    const scope = scopeList(config.scopes, ['user_info']).join(' ');

    async function redeem(code: string, redirectUri: string | undefined): Promise<IdentityProfile> {
      const token = await exchangeCode(deps.http, {
        vendor: VENDOR,
        tokenEndpoint: GITEE_TOKEN_URL,
        clientId: config.clientId,
        clientSecret: config.clientSecret,
        clientAuth: 'client_secret_post',
        code,
        ...(redirectUri ? { redirectUri } : {}),
        timeoutMs: config.timeoutMs,
      });
      const q = `access_token=${encodeURIComponent(token.access_token)}`;
      const user = await getJson(deps.http, VENDOR, 'user', `${GITEE_API}/user?${q}`, GiteeUserSchema, { timeoutMs: config.timeoutMs });
      let email: string | undefined;
      if (scope.split(' ').includes('emails')) {
        const emails = await getJson(deps.http, VENDOR, 'emails', `${GITEE_API}/emails?${q}`, GiteeEmailsSchema, {
          timeoutMs: config.timeoutMs,
          onError: (res) => (res.status === 403 ? new NoEmailScope() : undefined),
        }).catch((err: unknown) => {
          if (err instanceof NoEmailScope) return [];
          throw err;
        });
        email = emails.find((e) => e.state === 'confirmed' && (e.scope ?? []).includes('primary'))?.email;
      }
      return compactProfile({
        id: String(user.id),
        username: user.login,
        nickname: user.login,
        name: user.name ?? undefined,
        picture: user.avatar_url ?? undefined,
        ...(email ? { email, emailVerified: true } : {}),
        raw: user,
      });
    }

    return {
      manifest: gitee.manifest,
      async authorizationUrl(req) {
        return buildUrl(GITEE_AUTHORIZE_URL, { client_id: config.clientId, redirect_uri: req.redirectUri, response_type: 'code', scope, state: req.state });
      },
      async handleCallback(input) {
        return redeem(readAuthorizationCode(VENDOR, input.params), input.redirectUri);
      },
      async handleMobile(payload) {
        const p = readMobileCode(VENDOR, payload);
        return redeem(p.code, p.redirectUri);
      },
    };
  },
};

class NoEmailScope extends ConnectorError {
  constructor() {
    super('connector.rejected', `${VENDOR}: token may not read emails`);
  }
}
