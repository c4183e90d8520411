/**
 * `weibo` and `weibo:mobile` — Sina Weibo (新浪微博) OAuth 2.0:
 *
 *  - browser: api.weibo.com/oauth2/authorize → `code` → oauth2/access_token (POST, same
 *    redirect_uri) → 2/users/show.json;
 *  - mobile (`signin-by-mobile`, `connection: 'weibo'`, `weiboPayload {access_token}`): the
 *    Weibo SDK's token, checked at oauth2/get_token_info — its `appkey` must be ours, or a token
 *    from any other Weibo app would sign in here (token substitution).
 *
 * The identity id is the user's numeric id (`idstr`).
 * https://open.weibo.com/wiki/Oauth2/access_token, https://open.weibo.com/wiki/Oauth2/get_token_info
 */
import { ConnectorError, validateConfig, type IdentityProfile, type SocialConnectorDeps } from '@gatehouse/connector-kit';
import { Value } from '@sinclair/typebox/value';
import type { Static, TSchema } from '@sinclair/typebox';
import type { ChinaSocialConnectorFactory } from '../china-shared/manifest.js';
import { badResponse, isRecord, refusedOnCallback, requiredString, vendorError } from '../china-shared/errors.js';
import { getJson, postForm, withQuery, type VendorResponse } from '../china-shared/http.js';
import { weiboErrors } from './errors.js';
import { TokenInfoSchema, TokenSchema, UserSchema, WeiboConfigSchema, type WeiboConfig, type WeiboConfigInput } from './schema.js';

const VENDOR = 'weibo';
export const WEIBO_API = 'https://api.weibo.com';

export const weibo: ChinaSocialConnectorFactory<WeiboConfigInput> = {
  manifest: {
    id: VENDOR,
    kind: 'social',
    name: 'Sina Weibo login (新浪微博)',
    configSchema: WeiboConfigSchema,
    secretFields: ['appSecret'],
    types: ['weibo', 'weibo:mobile'],
    flows: ['redirect', 'mobile'],
    mobileConnections: ['weibo'],
    docs: ['https://open.weibo.com/wiki/Oauth2/authorize', 'https://open.weibo.com/wiki/Oauth2/access_token', 'https://open.weibo.com/wiki/Oauth2/get_token_info'],
    trustsVerifiedEmail: false,
  },
  create(rawConfig, deps) {
    const config = validateConfig<WeiboConfig>(weibo.manifest, rawConfig);
    const call = { timeoutMs: config.timeoutMs };
    return {
      manifest: weibo.manifest,
      async authorizationUrl(req) {
        return withQuery(`${WEIBO_API}/oauth2/authorize`, { client_id: config.appKey, redirect_uri: req.redirectUri, response_type: 'code', state: req.state, scope: config.scope });
      },
      async handleCallback(input) {
        const refused = refusedOnCallback(VENDOR, input.params, ['code']);
        if (refused) throw refused;
        const form = { client_id: config.appKey, client_secret: config.appSecret, grant_type: 'authorization_code', code: requiredString(VENDOR, input.params, 'code'), redirect_uri: input.redirectUri };
        const token = read(await postForm(deps.http, VENDOR, `${WEIBO_API}/oauth2/access_token`, form, call), TokenSchema);
        return profileFor(config, deps, token.access_token, String(token.uid));
      },
      /** `weiboPayload`: `{ access_token }`. */
      async handleMobile(payload) {
        const accessToken = requiredString(VENDOR, payload, 'access_token');
        const info = read(await postForm(deps.http, VENDOR, `${WEIBO_API}/oauth2/get_token_info`, { access_token: accessToken }, call), TokenInfoSchema);
        if (info.appkey !== config.appKey) throw new ConnectorError('connector.invalid_grant', `${VENDOR}: access token issued to another application`);
        return profileFor(config, deps, accessToken, String(info.uid));
      },
    };
  },
};

function read<T extends TSchema>(res: VendorResponse, schema: T): Static<T> {
  const b = res.json;
  if (isRecord(b) && b['error_code'] !== undefined) throw vendorError(VENDOR, weiboErrors, String(b['error_code']), `${String(b['error'] ?? '')} ${String(b['error_description'] ?? '')}`.trim());
  if (res.status < 200 || res.status >= 300 || !Value.Check(schema, b)) throw badResponse(VENDOR, res.status);
  return b as Static<T>;
}

async function profileFor(config: WeiboConfig, deps: SocialConnectorDeps, accessToken: string, uid: string): Promise<IdentityProfile> {
  const user = read(await getJson(deps.http, VENDOR, withQuery(`${WEIBO_API}/2/users/show.json`, { access_token: accessToken, uid }), { timeoutMs: config.timeoutMs }), UserSchema);
  if (user.idstr !== uid) throw new ConnectorError('connector.invalid_response', `${VENDOR}: users/show for another uid`);
  const name = user.screen_name || user.name;
  const picture = user.avatar_large || user.profile_image_url;
  const raw: Record<string, unknown> = { uid };
  for (const k of ['screen_name', 'name', 'gender', 'location'] as const) if (user[k]) raw[k] = user[k];
  return { id: uid, ...(name ? { nickname: name, name } : {}), ...(picture ? { picture } : {}), raw };
}
