/**
 * `baidu` and `baidu:mobile` — Baidu account (百度帐号) OAuth 2.0:
 *
 *  - browser: openapi.baidu.com/oauth/2.0/authorize (scope basic) → `code` → oauth/2.0/token
 *    (same redirect_uri) → rest/2.0/passport/users/getInfo;
 *  - mobile (`signin-by-mobile`, `connection: 'baidu'`, `baiduPayload {code?, access_token?}`,
 *    code preferred as the vendor documents). Baidu offers no endpoint that names the
 *    application a token was issued to, so a bare `access_token` cannot be checked for
 *    substitution; its openid is per application, so a token from another app yields another
 *    id (a new user), never someone else's account. Prefer `code`.
 *
 * The identity id is the unionid (one developer's applications) when returned, else the openid.
 * https://openauth.baidu.com/doc/doc.html
 */
import { validateConfig, type IdentityProfile, type SocialConnectorDeps } from '@gatehouse/connector-kit';
import { Value } from '@sinclair/typebox/value';
import type { Static, TSchema } from '@sinclair/typebox';
import type { ChinaSocialConnectorFactory } from '../china-shared/manifest.js';
import { badResponse, isRecord, optionalString, refusedOnCallback, requiredString, vendorError } from '../china-shared/errors.js';
import { getJson, withQuery, type VendorResponse } from '../china-shared/http.js';
import { baiduErrors } from './errors.js';
import { BaiduConfigSchema, TokenSchema, UserSchema, type BaiduConfig, type BaiduConfigInput } from './schema.js';

const VENDOR = 'baidu';
export const BAIDU_OPENAPI = 'https://openapi.baidu.com';

export const baidu: ChinaSocialConnectorFactory<BaiduConfigInput> = {
  manifest: {
    id: VENDOR,
    kind: 'social',
    name: 'Baidu login (百度帐号)',
    configSchema: BaiduConfigSchema,
    secretFields: ['secretKey'],
    types: ['baidu', 'baidu:mobile'],
    flows: ['redirect', 'mobile'],
    mobileConnections: ['baidu'],
    docs: ['https://openauth.baidu.com/doc/doc.html'],
    trustsVerifiedEmail: false,
  },
  create(rawConfig, deps) {
    const config = validateConfig<BaiduConfig>(baidu.manifest, rawConfig);
    const exchange = async (code: string, redirectUri: string) => {
      const url = withQuery(`${BAIDU_OPENAPI}/oauth/2.0/token`, { grant_type: 'authorization_code', code, client_id: config.apiKey, client_secret: config.secretKey, redirect_uri: redirectUri });
      return read(await getJson(deps.http, VENDOR, url, { timeoutMs: config.timeoutMs }), TokenSchema).access_token;
    };
    return {
      manifest: baidu.manifest,
      async authorizationUrl(req) {
        return withQuery(`${BAIDU_OPENAPI}/oauth/2.0/authorize`, { response_type: 'code', client_id: config.apiKey, redirect_uri: req.redirectUri, scope: 'basic', display: 'page', state: req.state });
      },
      async handleCallback(input) {
        const refused = refusedOnCallback(VENDOR, input.params, ['code']);
        if (refused) throw refused;
        return profileFor(config, deps, await exchange(requiredString(VENDOR, input.params, 'code'), input.redirectUri));
      },
      /** `baiduPayload`: `{ code }` (exchanged with `mobileRedirectUri`) or `{ access_token }`. */
      async handleMobile(payload) {
        const code = optionalString(VENDOR, payload, 'code');
        const token = code ? await exchange(code, config.mobileRedirectUri) : requiredString(VENDOR, payload, 'access_token');
        return profileFor(config, deps, token);
      },
    };
  },
};

function read<T extends TSchema>(res: VendorResponse, schema: T): Static<T> {
  const b = res.json;
  if (isRecord(b) && typeof b['error'] === 'string') throw vendorError(VENDOR, baiduErrors, b['error'], String(b['error_description'] ?? ''));
  if (isRecord(b) && b['error_code'] !== undefined) throw vendorError(VENDOR, baiduErrors, String(b['error_code']), String(b['error_msg'] ?? ''));
  if (res.status < 200 || res.status >= 300 || !Value.Check(schema, b)) throw badResponse(VENDOR, res.status);
  return b as Static<T>;
}

async function profileFor(config: BaiduConfig, deps: SocialConnectorDeps, accessToken: string): Promise<IdentityProfile> {
  const u = read(await getJson(deps.http, VENDOR, withQuery(`${BAIDU_OPENAPI}/rest/2.0/passport/users/getInfo`, { access_token: accessToken }), { timeoutMs: config.timeoutMs }), UserSchema);
  const raw: Record<string, unknown> = { openid: u.openid, ...(u.unionid ? { unionid: u.unionid } : {}), ...(u.username ? { username: u.username } : {}) };
  return {
    id: u.unionid || u.openid,
    ...(u.unionid ? { unionId: u.unionid } : {}),
    ...(u.username ? { nickname: u.username, name: u.username } : {}),
    ...(u.portrait ? { picture: `https://himg.bdimg.com/sys/portrait/item/${u.portrait}` } : {}),
    raw,
  };
}
