/**
 * `qq` and `qq:mobile` — QQ Connect (QQ 互联):
 *
 *  - browser: graph.qq.com/oauth2.0/authorize → `code` → oauth2.0/token (with the same
 *    redirect_uri) → oauth2.0/me (openid, unionid) → user/get_user_info;
 *  - mobile (`signin-by-mobile`, `connection: 'qq'`, `qqPayload {access_token}`): the QQ SDK gives
 *    the app an access token directly. A token issued to any other QQ application would be just
 *    as valid at oauth2.0/me, so its `client_id` must be our APP ID — otherwise anyone could sign
 *    in here with a token from their own app (token substitution).
 *
 * The identity id is the unionid (the same person across one developer's QQ applications) when
 * granted, else the app-scoped openid.
 * https://wiki.connect.qq.com/使用authorization_code获取access_token
 * https://wiki.connect.qq.com/unionid介绍
 */
import { ConnectorError, validateConfig, type IdentityProfile, type SocialConnectorDeps } from '@gatehouse/connector-kit';
import { Value } from '@sinclair/typebox/value';
import type { Static, TSchema } from '@sinclair/typebox';
import type { ChinaSocialConnectorFactory } from '../china-shared/manifest.js';
import { badResponse, isRecord, refusedOnCallback, requiredString, vendorError } from '../china-shared/errors.js';
import { getJson, withQuery, type VendorResponse } from '../china-shared/http.js';
import { qqErrors } from './errors.js';
import { MeSchema, QqConfigSchema, TokenSchema, UserInfoSchema, type QqConfig, type QqConfigInput } from './schema.js';

const VENDOR = 'qq';
export const QQ_GRAPH = 'https://graph.qq.com';

export const qq: ChinaSocialConnectorFactory<QqConfigInput> = {
  manifest: {
    id: VENDOR,
    kind: 'social',
    name: 'QQ login (QQ 互联)',
    configSchema: QqConfigSchema,
    secretFields: ['appKey'],
    types: ['qq', 'qq:mobile'],
    flows: ['redirect', 'mobile'],
    mobileConnections: ['qq'],
    docs: ['https://wiki.connect.qq.com/使用authorization_code获取access_token', 'https://wiki.connect.qq.com/获取用户openid_oauth2-0', 'https://wiki.connect.qq.com/get_user_info'],
    trustsVerifiedEmail: false,
  },
  create(rawConfig, deps) {
    const config = validateConfig<QqConfig>(qq.manifest, rawConfig);
    return {
      manifest: qq.manifest,
      async authorizationUrl(req) {
        return withQuery(`${QQ_GRAPH}/oauth2.0/authorize`, { response_type: 'code', client_id: config.appId, redirect_uri: req.redirectUri, state: req.state, scope: 'get_user_info' });
      },
      async handleCallback(input) {
        const refused = refusedOnCallback(VENDOR, input.params, ['code']);
        if (refused) throw refused;
        const code = requiredString(VENDOR, input.params, 'code');
        const url = withQuery(`${QQ_GRAPH}/oauth2.0/token`, { grant_type: 'authorization_code', client_id: config.appId, client_secret: config.appKey, code, redirect_uri: input.redirectUri, fmt: 'json' });
        const token = read(await getJson(deps.http, VENDOR, url, { timeoutMs: config.timeoutMs }), TokenSchema);
        return profileFor(config, deps, token.access_token);
      },
      /** `qqPayload`: `{ access_token }`. */
      async handleMobile(payload) {
        return profileFor(config, deps, requiredString(VENDOR, payload, 'access_token'));
      },
    };
  },
};

function read<T extends TSchema>(res: VendorResponse, schema: T): Static<T> {
  const b = res.json;
  if (isRecord(b) && b['error'] !== undefined && b['error'] !== 0) throw vendorError(VENDOR, qqErrors, String(b['error']), String(b['error_description'] ?? ''));
  if (isRecord(b) && typeof b['ret'] === 'number' && b['ret'] !== 0) throw vendorError(VENDOR, qqErrors, String(b['ret']), String(b['msg'] ?? ''));
  if (res.status < 200 || res.status >= 300 || !Value.Check(schema, b)) throw badResponse(VENDOR, res.status);
  return b as Static<T>;
}

async function profileFor(config: QqConfig, deps: SocialConnectorDeps, accessToken: string): Promise<IdentityProfile> {
  const call = { timeoutMs: config.timeoutMs };
  const me = read(await getJson(deps.http, VENDOR, withQuery(`${QQ_GRAPH}/oauth2.0/me`, { access_token: accessToken, fmt: 'json', ...(config.unionId ? { unionid: '1' } : {}) }), call), MeSchema);
  if (me.client_id !== config.appId) throw new ConnectorError('connector.invalid_grant', `${VENDOR}: access token issued to another application`);
  const info = read(await getJson(deps.http, VENDOR, withQuery(`${QQ_GRAPH}/user/get_user_info`, { access_token: accessToken, oauth_consumer_key: config.appId, openid: me.openid }), call), UserInfoSchema);
  const picture = info.figureurl_qq_2 || info.figureurl_qq_1;
  const raw: Record<string, unknown> = { openid: me.openid, ...(me.unionid ? { unionid: me.unionid } : {}) };
  for (const k of ['nickname', 'gender', 'province', 'city'] as const) if (info[k]) raw[k] = info[k];
  return {
    id: me.unionid || me.openid,
    ...(me.unionid ? { unionId: me.unionid } : {}),
    ...(info.nickname ? { nickname: info.nickname, name: info.nickname } : {}),
    ...(picture ? { picture } : {}),
    raw,
  };
}
