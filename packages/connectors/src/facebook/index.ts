/**
 * Facebook Login, manual flow (https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow),
 * Graph API version pinned below (unversioned calls get the oldest version still available).
 *
 * - Code exchange at /oauth/access_token; Graph errors are `{error:{code,error_subcode}}`.
 * - Every Graph call carries `appsecret_proof` = HMAC-SHA256(app secret, access token), so the
 *   app can turn on "Require App Secret" (https://developers.facebook.com/docs/graph-api/securing-requests).
 * - Subject: the app-scoped user id. Facebook does not say whether the returned email was
 *   verified, so it comes out unverified and is not trusted for linking.
 * - `facebook:mobile` with an SDK access token: the token is first inspected with /debug_token
 *   using the app token; it must be valid and issued to *this* app — otherwise any token from
 *   any other app would log its user in here (token substitution).
 */
import { createHmac } from 'node:crypto';
import {
  ConnectorError,
  buildUrl,
  compactProfile,
  exchangeCode,
  getJson,
  matches,
  readAuthorizationCode,
  scopeList,
  validateConfig,
  type IdentityProfile,
  type ProviderResponse,
  type SocialConnectorFactory,
} from '@gatehouse/connector-kit';
import { DebugTokenSchema, FacebookConfigSchema, FacebookMeSchema, FacebookMobilePayloadSchema, GraphErrorSchema, type FacebookConfig, type FacebookConfigInput } from './schema.js';
import { facebookAuthorizeErrors, graphError } from './errors.js';

const VENDOR = 'facebook';
export const FACEBOOK_GRAPH_VERSION = 'v23.0';
export const FACEBOOK_DIALOG_URL = `https://www.facebook.com/${FACEBOOK_GRAPH_VERSION}/dialog/oauth`;
export const FACEBOOK_GRAPH = `https://graph.facebook.com/${FACEBOOK_GRAPH_VERSION}`;
const ME_FIELDS = 'id,name,first_name,last_name,email,picture';

export const facebook: SocialConnectorFactory<FacebookConfigInput> = {
  manifest: {
    id: VENDOR,
    kind: 'social',
    name: 'Facebook',
    types: ['facebook', 'facebook:mobile'],
    docs: [
      'https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow',
      'https://developers.facebook.com/docs/graph-api/securing-requests',
      'https://developers.facebook.com/docs/graph-api/reference/debug_token',
      'https://developers.facebook.com/docs/graph-api/guides/error-handling',
    ],
    trustsVerifiedEmail: false,
    configSchema: FacebookConfigSchema,
    secretFields: ['clientSecret'],
  },
  create(raw, deps) {
    const config = validateConfig<FacebookConfig>(facebook.manifest, raw);
    const scope = scopeList(config.scopes, ['public_profile']).join(',');
    const onGraphError = (what: string) => (res: ProviderResponse) => (matches(GraphErrorSchema, res.body) ? graphError(VENDOR, what, res.body.error, res.status) : undefined);

    async function profile(accessToken: string): Promise<IdentityProfile> {
      const proof = createHmac('sha256', config.clientSecret).update(accessToken).digest('hex');
      const url = buildUrl(`${FACEBOOK_GRAPH}/me`, { fields: ME_FIELDS, access_token: accessToken, appsecret_proof: proof });
      const me = await getJson(deps.http, VENDOR, 'me', url, FacebookMeSchema, { timeoutMs: config.timeoutMs, onError: onGraphError('me') });
      const picture = me.picture?.data?.is_silhouette ? undefined : me.picture?.data?.url;
      return compactProfile({
        id: me.id,
        name: me.name,
        givenName: me.first_name,
        familyName: me.last_name,
        picture,
        ...(me.email ? { email: me.email, emailVerified: false } : {}),
        raw: me,
      });
    }

    async function redeem(code: string, redirectUri: string): Promise<IdentityProfile> {
      const token = await exchangeCode(deps.http, {
        vendor: VENDOR,
        tokenEndpoint: `${FACEBOOK_GRAPH}/oauth/access_token`,
        clientId: config.clientId,
        clientSecret: config.clientSecret,
        clientAuth: 'client_secret_post',
        code,
        redirectUri,
        method: 'GET',
        onError: onGraphError('token'),
        timeoutMs: config.timeoutMs,
      });
      return profile(token.access_token);
    }

    return {
      manifest: facebook.manifest,
      async authorizationUrl(req) {
        return buildUrl(FACEBOOK_DIALOG_URL, { client_id: config.clientId, redirect_uri: req.redirectUri, state: req.state, response_type: 'code', scope });
      },
      async handleCallback(input) {
        return redeem(readAuthorizationCode(VENDOR, input.params, { errors: facebookAuthorizeErrors }), input.redirectUri);
      },
      /** `facebook:mobile`: `{accessToken}` from the Facebook SDK, or `{code, redirectUri?}`. */
      async handleMobile(payload) {
        if (!matches(FacebookMobilePayloadSchema, payload)) throw new ConnectorError('connector.invalid_grant', `${VENDOR}: mobile payload needs accessToken or code`);
        if ('code' in payload) return redeem(payload.code, payload.redirectUri ?? '');
        const url = buildUrl(`${FACEBOOK_GRAPH}/debug_token`, { input_token: payload.accessToken, access_token: `${config.clientId}|${config.clientSecret}` });
        const info = await getJson(deps.http, VENDOR, 'debug_token', url, DebugTokenSchema, { timeoutMs: config.timeoutMs, onError: onGraphError('debug_token') });
        if (!info.data.is_valid) throw new ConnectorError('connector.invalid_grant', `${VENDOR}: access token is not valid`);
        if (info.data.app_id !== config.clientId) throw new ConnectorError('connector.invalid_token', `${VENDOR}: access token was issued to another app`);
        const p = await profile(payload.accessToken);
        if (info.data.user_id !== undefined && info.data.user_id !== p.id) throw new ConnectorError('connector.invalid_token', `${VENDOR}: token user differs from /me`);
        return p;
      },
    };
  },
};
