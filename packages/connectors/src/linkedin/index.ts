/**
 * LinkedIn — "Sign In with LinkedIn using OpenID Connect"
 * (https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2).
 * The ID token from the token endpoint is validated against LinkedIn's JWKS. Quirks: the
 * discovery document says the issuer is https://www.linkedin.com/oauth, yet tokens have been
 * seen with https://www.linkedin.com (both are accepted, same keys); LinkedIn does not promise
 * to echo `nonce`, so it is checked when present. LinkedIn states that this sign-in "does not
 * verify user identities", so its emails are not trusted for linking (manifest).
 */
import {
  ConnectorError,
  buildUrl,
  createJwksSource,
  exchangeCode,
  matches,
  profileFromClaims,
  readAuthorizationCode,
  readMobileCode,
  scopeList,
  validateConfig,
  verifyIdToken,
  type IdentityProfile,
  type SocialConnectorFactory,
} from '@gatehouse/connector-kit';
import { Type } from '@sinclair/typebox';
import { LinkedinConfigSchema, type LinkedinConfig, type LinkedinConfigInput } from './schema.js';
import { isLinkedinCodeError, linkedinAuthorizeErrors } from './errors.js';

const VENDOR = 'linkedin';
export const LINKEDIN_AUTHORIZE_URL = 'https://www.linkedin.com/oauth/v2/authorization';
export const LINKEDIN_TOKEN_URL = 'https://www.linkedin.com/oauth/v2/accessToken';
export const LINKEDIN_JWKS_URL = 'https://www.linkedin.com/oauth/openid/jwks';
export const LINKEDIN_ISSUERS = ['https://www.linkedin.com/oauth', 'https://www.linkedin.com'];
const InvalidRequest = Type.Object({ error: Type.Literal('invalid_request'), error_description: Type.Optional(Type.String()) });

export const linkedin: SocialConnectorFactory<LinkedinConfigInput> = {
  manifest: {
    id: VENDOR,
    kind: 'social',
    name: 'LinkedIn',
    types: ['linkedin', 'linkedin:mobile'],
    docs: ['https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2', 'https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow'],
    trustsVerifiedEmail: false,
    configSchema: LinkedinConfigSchema,
    secretFields: ['clientSecret'],
  },
  create(raw, deps) {
    const config = validateConfig<LinkedinConfig>(linkedin.manifest, raw);
    const jwks = createJwksSource({ vendor: VENDOR, jwksUri: LINKEDIN_JWKS_URL, http: deps.http, cache: deps.cache, timeoutMs: config.timeoutMs });
    const scope = scopeList(config.scopes, ['openid']).join(' ');

    async function redeem(code: string, redirectUri: string | undefined, nonce: string | undefined): Promise<IdentityProfile> {
      const token = await exchangeCode(deps.http, {
        vendor: VENDOR,
        tokenEndpoint: LINKEDIN_TOKEN_URL,
        clientId: config.clientId,
        clientSecret: config.clientSecret,
        clientAuth: 'client_secret_post',
        code,
        ...(redirectUri ? { redirectUri } : {}),
        timeoutMs: config.timeoutMs,
        onError: (res) => (matches(InvalidRequest, res.body) && isLinkedinCodeError(res.body.error_description) ? new ConnectorError('connector.invalid_grant', `${VENDOR}: token error invalid_request (code expired, used or not for this redirect URI) HTTP ${res.status}`) : undefined),
      });
      if (!token.id_token) throw new ConnectorError('connector.invalid_response', `${VENDOR}: token response without id_token (is the OpenID Connect product added?)`);
      const claims = await verifyIdToken(token.id_token, { vendor: VENDOR, jwks, issuer: LINKEDIN_ISSUERS, audience: config.clientId, ...(deps.now ? { now: deps.now } : {}) });
      if (nonce !== undefined && claims.nonce !== undefined && claims.nonce !== nonce) throw new ConnectorError('connector.invalid_token', `${VENDOR}: ID token nonce mismatch`);
      return profileFromClaims(claims, { id: claims.sub, trustEmailVerified: true });
    }

    return {
      manifest: linkedin.manifest,
      async authorizationUrl(req) {
        return buildUrl(LINKEDIN_AUTHORIZE_URL, {
          response_type: 'code',
          client_id: config.clientId,
          redirect_uri: req.redirectUri,
          state: req.state,
          scope,
          nonce: req.nonce,
        });
      },
      async handleCallback(input) {
        const code = readAuthorizationCode(VENDOR, input.params, { errors: linkedinAuthorizeErrors });
        return redeem(code, input.redirectUri, input.nonce);
      },
      async handleMobile(payload) {
        const p = readMobileCode(VENDOR, payload);
        return redeem(p.code, p.redirectUri, undefined);
      },
    };
  },
};
