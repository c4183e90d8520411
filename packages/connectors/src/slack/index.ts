/**
 * Slack — "Sign in with Slack", OpenID Connect (https://api.slack.com/authentication/sign-in-with-slack).
 * The ID token from openid.connect.token is validated against https://slack.com/openid/connect/keys
 * (iss https://slack.com, aud, exp, nonce). Slack user ids are only guaranteed unique within a
 * workspace, so the subject is `team_id:user_id`. With `teamId` set, members of other
 * workspaces are `connector.not_allowed` (the `team` request parameter alone only preselects).
 */
import {
  ConnectorError,
  buildUrl,
  createJwksSource,
  exchangeCode,
  profileFromClaims,
  readAuthorizationCode,
  readMobileCode,
  scopeList,
  validateConfig,
  verifyIdToken,
  type IdentityProfile,
  type SocialConnectorFactory,
} from '@gatehouse/connector-kit';
import { SlackConfigSchema, type SlackConfig, type SlackConfigInput } from './schema.js';
import { slackTokenErrors } from './errors.js';

const VENDOR = 'slack';
export const SLACK_AUTHORIZE_URL = 'https://slack.com/openid/connect/authorize';
export const SLACK_TOKEN_URL = 'https://slack.com/api/openid.connect.token';
export const SLACK_JWKS_URL = 'https://slack.com/openid/connect/keys';
export const SLACK_ISSUER = 'https://slack.com';
const TEAM_CLAIM = 'https://slack.com/team_id';
const ENTERPRISE_CLAIM = 'https://slack.com/enterprise_id';

export const slack: SocialConnectorFactory<SlackConfigInput> = {
  manifest: {
    id: VENDOR,
    kind: 'social',
    name: 'Slack',
    types: ['slack', 'slack:mobile'],
    docs: ['https://api.slack.com/authentication/sign-in-with-slack', 'https://api.slack.com/methods/openid.connect.token'],
    trustsVerifiedEmail: false,
    configSchema: SlackConfigSchema,
    secretFields: ['clientSecret'],
  },
  create(raw, deps) {
    const config = validateConfig<SlackConfig>(slack.manifest, raw);
    const jwks = createJwksSource({ vendor: VENDOR, jwksUri: SLACK_JWKS_URL, http: deps.http, cache: deps.cache, timeoutMs: config.timeoutMs });
    const scope = scopeList(config.scopes, ['openid']).join(' ');

    async function redeem(code: string, redirectUri: string | undefined, nonce: string | undefined): Promise<IdentityProfile> {
      const token = await exchangeCode(deps.http, {
        vendor: VENDOR,
        tokenEndpoint: SLACK_TOKEN_URL,
        clientId: config.clientId,
        clientSecret: config.clientSecret,
        clientAuth: 'client_secret_post',
        code,
        ...(redirectUri ? { redirectUri } : {}),
        errors: slackTokenErrors,
        timeoutMs: config.timeoutMs,
      });
      if (!token.id_token) throw new ConnectorError('connector.invalid_response', `${VENDOR}: token response without id_token`);
      const claims = await verifyIdToken(token.id_token, { vendor: VENDOR, jwks, issuer: SLACK_ISSUER, audience: config.clientId, ...(nonce !== undefined ? { nonce } : {}), ...(deps.now ? { now: deps.now } : {}) });
      const team = claims[TEAM_CLAIM];
      if (typeof team !== 'string' || !team) throw new ConnectorError('connector.invalid_token', `${VENDOR}: ID token without ${TEAM_CLAIM}`);
      if (config.teamId && team !== config.teamId && claims[ENTERPRISE_CLAIM] !== config.teamId) {
        throw new ConnectorError('connector.not_allowed', `${VENDOR}: workspace ${team} is not allowed for this connection`);
      }
      return profileFromClaims(claims, { id: `${team}:${claims.sub}`, trustEmailVerified: true });
    }

    return {
      manifest: slack.manifest,
      async authorizationUrl(req) {
        return buildUrl(SLACK_AUTHORIZE_URL, {
          response_type: 'code',
          scope,
          client_id: config.clientId,
          state: req.state,
          nonce: req.nonce,
          redirect_uri: req.redirectUri,
          team: config.teamId,
        });
      },
      async handleCallback(input) {
        const code = readAuthorizationCode(VENDOR, input.params);
        return redeem(code, input.redirectUri, input.nonce);
      },
      async handleMobile(payload) {
        const p = readMobileCode(VENDOR, payload);
        return redeem(p.code, p.redirectUri, undefined);
      },
    };
  },
};
