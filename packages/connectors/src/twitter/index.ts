/**
 * X (Twitter) — OAuth 2.0 Authorization Code with PKCE
 * (https://docs.x.com/resources/fundamentals/authentication/oauth-2-0/authorization-code).
 * PKCE is mandatory at X; codes live 30 seconds. A confidential client authenticates with HTTP
 * Basic, a public client (no secret) with client_id only. X answers a bad, used or expired code
 * with `invalid_request` "Value passed for the authorization code was invalid." — mapped to
 * invalid_grant here. Subject: the numeric user id (handles can be renamed). With the
 * `users.email` scope X returns `confirmed_email`; X is not trusted for linking.
 */
import {
  ConnectorError,
  bearer,
  buildUrl,
  compactProfile,
  exchangeCode,
  getJson,
  matches,
  readAuthorizationCode,
  scopeList,
  validateConfig,
  type SocialConnectorFactory,
} from '@gatehouse/connector-kit';
import { Type } from '@sinclair/typebox';
import { TwitterConfigSchema, XMeSchema, type TwitterConfig, type TwitterConfigInput } from './schema.js';

const VENDOR = 'twitter';
export const X_AUTHORIZE_URL = 'https://x.com/i/oauth2/authorize';
export const X_TOKEN_URL = 'https://api.x.com/2/oauth2/token';
export const X_ME_URL = 'https://api.x.com/2/users/me';
const InvalidRequest = Type.Object({ error: Type.Literal('invalid_request'), error_description: Type.Optional(Type.String()) });

export const twitter: SocialConnectorFactory<TwitterConfigInput> = {
  manifest: {
    id: VENDOR,
    kind: 'social',
    name: 'X (Twitter)',
    types: ['twitter'],
    docs: ['https://docs.x.com/resources/fundamentals/authentication/oauth-2-0/authorization-code', 'https://docs.x.com/resources/fundamentals/authentication/oauth-2-0/user-access-token', 'https://docs.x.com/x-api/users/user-lookup-me'],
    trustsVerifiedEmail: false,
    configSchema: TwitterConfigSchema,
    secretFields: ['clientSecret'],
  },
  create(raw, deps) {
    const config = validateConfig<TwitterConfig>(twitter.manifest, raw);
    const scopes = scopeList(config.scopes, ['tweet.read', 'users.read']);
    const fields = ['profile_image_url', ...(scopes.includes('users.email') ? ['confirmed_email'] : [])].join(',');
    return {
      manifest: twitter.manifest,
      async authorizationUrl(req) {
        return buildUrl(X_AUTHORIZE_URL, {
          response_type: 'code',
          client_id: config.clientId,
          redirect_uri: req.redirectUri,
          scope: scopes.join(' '),
          state: req.state,
          code_challenge: req.codeChallenge,
          code_challenge_method: 'S256',
        });
      },
      async handleCallback(input) {
        const code = readAuthorizationCode(VENDOR, input.params);
        const token = await exchangeCode(deps.http, {
          vendor: VENDOR,
          tokenEndpoint: X_TOKEN_URL,
          clientId: config.clientId,
          ...(config.clientSecret ? { clientSecret: config.clientSecret } : {}),
          clientAuth: config.clientSecret ? 'client_secret_basic' : 'none',
          code,
          redirectUri: input.redirectUri,
          codeVerifier: input.codeVerifier,
          timeoutMs: config.timeoutMs,
          onError: (res) => (res.status === 400 && matches(InvalidRequest, res.body) && /authorization code|code verifier/i.test(res.body.error_description ?? '') ? new ConnectorError('connector.invalid_grant', `${VENDOR}: token error invalid_request (${res.body.error_description}) HTTP 400`) : undefined),
        });
        const me = await getJson(deps.http, VENDOR, 'users/me', buildUrl(X_ME_URL, { 'user.fields': fields }), XMeSchema, { headers: bearer(token.access_token), timeoutMs: config.timeoutMs });
        const u = me.data;
        return compactProfile({
          id: u.id,
          username: u.username,
          nickname: u.username,
          name: u.name,
          picture: u.profile_image_url,
          ...(u.confirmed_email ? { email: u.confirmed_email, emailVerified: true } : {}),
          raw: u,
        });
      },
    };
  },
};
