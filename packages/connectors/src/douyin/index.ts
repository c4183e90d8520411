/**
 * Douyin (抖音):
 *
 *  - `douyin:mobile`: the open platform's OAuth — a native app's SDK code (`signin-by-mobile`,
 *    `connection: 'douyin'`, `douyinPayload {code}`), or, for websites, the QR page
 *    open.douyin.com/platform/oauth/connect → `code`; then oauth/access_token and oauth/userinfo.
 *  - `douyin:miniprogram:default`: a Douyin mini program's `tt.login()` code at
 *    apps/v2/jscode2session (`douyin_mini_program_code`: `douyinMiniProgramCodePayload {code,
 *    encryptedData?, iv?}`; `douyin_mini_program_code_and_phone`:
 *    `douyinMiniProgramCodeAndPhonePayload {loginParams, phoneParams {encryptedData, iv}}`); the
 *    phone is decrypted with the session_key (never returned) and its watermark checked.
 *
 * The identity id is the union_id (one developer's apps) when returned, else the open_id.
 */
import { ConnectorError, validateConfig, type IdentityProfile, type WithMiniProgram } from '@gatehouse/connector-kit';
import { Value } from '@sinclair/typebox/value';
import type { Static, TSchema } from '@sinclair/typebox';
import type { ChinaSocialConnectorFactory } from '../china-shared/manifest.js';
import { badResponse, flowNotSupported, isRecord, optionalString, refusedOnCallback, requiredObject, requiredString, vendorError } from '../china-shared/errors.js';
import { postForm, postJson, withQuery, type VendorResponse } from '../china-shared/http.js';
import { decryptOpenData } from '../china-shared/open-data.js';
import { toPhone, type SplitPhone } from '../china-shared/phone.js';
import { douyinMiniErrors, douyinOpenErrors } from './errors.js';
import { DouyinConfigSchema, DouyinMiniConfigSchema, SessionSchema, TokenSchema, UserInfoSchema, type DouyinConfig, type DouyinConfigInput, type DouyinMiniConfig, type DouyinMiniConfigInput } from './schema.js';

export const DOUYIN_OPEN = 'https://open.douyin.com';
export const DOUYIN_MINI = 'https://developer.toutiao.com';

export const douyin: ChinaSocialConnectorFactory<DouyinConfigInput> = {
  manifest: {
    id: 'douyin',
    kind: 'social',
    name: 'Douyin login (抖音)',
    configSchema: DouyinConfigSchema,
    secretFields: ['clientSecret'],
    types: ['douyin:mobile'],
    flows: ['redirect', 'mobile'],
    mobileConnections: ['douyin'],
    docs: ['https://developer.open-douyin.com/docs/resource/zh-CN/dop/develop/openapi/account-permission/get-access-token', 'https://developer.open-douyin.com/docs/resource/zh-CN/dop/develop/openapi/account-management/get-account-open-info'],
    trustsVerifiedEmail: false,
  },
  create(rawConfig, deps) {
    const config = validateConfig<DouyinConfig>(douyin.manifest, rawConfig);
    const vendor = 'douyin';
    const call = { timeoutMs: config.timeoutMs };
    const read = <T extends TSchema>(res: VendorResponse, schema: T): Static<T> => {
      const b = res.json;
      const data = isRecord(b) && isRecord(b['data']) ? b['data'] : undefined;
      if (data && typeof data['error_code'] === 'number' && data['error_code'] !== 0) throw vendorError(vendor, douyinOpenErrors, data['error_code'], String(data['description'] ?? ''));
      if (res.status < 200 || res.status >= 300 || !Value.Check(schema, b)) throw badResponse(vendor, res.status);
      return b as Static<T>;
    };
    const signIn = async (code: string): Promise<IdentityProfile> => {
      const token = read(await postJson(deps.http, vendor, `${DOUYIN_OPEN}/oauth/access_token/`, { client_key: config.clientKey, client_secret: config.clientSecret, code, grant_type: 'authorization_code' }, call), TokenSchema).data;
      const user = read(await postForm(deps.http, vendor, `${DOUYIN_OPEN}/oauth/userinfo/`, { access_token: token.access_token, open_id: token.open_id }, call), UserInfoSchema).data;
      if (user.open_id !== token.open_id) throw new ConnectorError('connector.invalid_response', `${vendor}: userinfo for another open_id`);
      const raw: Record<string, unknown> = { open_id: user.open_id, ...(user.union_id ? { union_id: user.union_id } : {}), ...(user.nickname ? { nickname: user.nickname } : {}) };
      return {
        id: user.union_id || user.open_id,
        ...(user.union_id ? { unionId: user.union_id } : {}),
        ...(user.nickname ? { nickname: user.nickname, name: user.nickname } : {}),
        ...(user.avatar ? { picture: user.avatar } : {}),
        raw,
      };
    };
    return {
      manifest: douyin.manifest,
      async authorizationUrl(req) {
        return withQuery(`${DOUYIN_OPEN}/platform/oauth/connect/`, { client_key: config.clientKey, response_type: 'code', scope: config.scope, redirect_uri: req.redirectUri, state: req.state });
      },
      async handleCallback(input) {
        const refused = refusedOnCallback(vendor, input.params, ['code']);
        if (refused) throw refused;
        return signIn(requiredString(vendor, input.params, 'code'));
      },
      /** `douyinPayload`: `{ code }`. */
      async handleMobile(payload) {
        return signIn(requiredString(vendor, payload, 'code'));
      },
    };
  },
};

export const douyinMiniProgram: ChinaSocialConnectorFactory<DouyinMiniConfigInput, WithMiniProgram> = {
  manifest: {
    id: 'douyin-miniprogram',
    kind: 'social',
    name: 'Douyin mini program login (抖音小程序)',
    configSchema: DouyinMiniConfigSchema,
    secretFields: ['appSecret'],
    types: ['douyin:miniprogram:default'],
    flows: ['mobile'],
    mobileConnections: ['douyin_mini_program_code', 'douyin_mini_program_code_and_phone'],
    docs: ['https://developer.open-douyin.com/docs/resource/zh-CN/mini-app/develop/server/log-in/code-2-session', 'https://developer.open-douyin.com/docs/resource/zh-CN/mini-app/develop/guide/open-capabilities/sensitive-data-process'],
    trustsVerifiedEmail: false,
  },
  create(rawConfig, deps) {
    const config = validateConfig<DouyinMiniConfig>(douyinMiniProgram.manifest, rawConfig);
    const vendor = 'douyin-miniprogram';
    const session = async (code: string) => {
      const res = await postJson(deps.http, vendor, `${DOUYIN_MINI}/api/apps/v2/jscode2session`, { appid: config.appId, secret: config.appSecret, code }, { timeoutMs: config.timeoutMs });
      const b = res.json;
      if (isRecord(b) && typeof b['err_no'] === 'number' && b['err_no'] !== 0) throw vendorError(vendor, douyinMiniErrors, b['err_no'], String(b['err_tips'] ?? ''));
      if (res.status < 200 || res.status >= 300 || !Value.Check(SessionSchema, b)) throw badResponse(vendor, res.status);
      return b.data;
    };
    const signIn = async (login: { code: string; encryptedData?: string | undefined; iv?: string | undefined }, phoneData?: { encryptedData: string; iv: string }): Promise<IdentityProfile> => {
      if (Boolean(login.encryptedData) !== Boolean(login.iv)) throw new ConnectorError('connector.invalid_grant', `${vendor}: encryptedData and iv go together`);
      const s = await session(login.code);
      const raw: Record<string, unknown> = { appId: config.appId, openid: s.openid, ...(s.unionid ? { unionid: s.unionid } : {}) };
      let nickname: string | undefined;
      let phone: SplitPhone | undefined;
      if (login.encryptedData && login.iv) {
        const data = decryptOpenData(vendor, s.session_key, login.encryptedData, login.iv, config.appId);
        if (typeof data['nickName'] === 'string' && data['nickName']) nickname = data['nickName'];
        for (const k of ['nickName', 'avatarUrl', 'gender']) if (data[k] !== undefined) raw[k] = data[k];
      }
      if (phoneData) {
        const data = decryptOpenData(vendor, s.session_key, phoneData.encryptedData, phoneData.iv, config.appId);
        phone = toPhone(String(data['purePhoneNumber'] ?? data['phoneNumber'] ?? ''), data['countryCode'] === undefined ? undefined : String(data['countryCode']));
        if (!phone) throw new ConnectorError('connector.invalid_token', `${vendor}: phone data without a phone number`);
      }
      return {
        id: s.unionid || s.openid,
        ...(s.unionid ? { unionId: s.unionid } : {}),
        ...(nickname ? { nickname, name: nickname } : {}),
        ...(phone ? { phone: phone.phone, phoneVerified: true, ...(phone.phoneCountryCode ? { phoneCountryCode: phone.phoneCountryCode } : {}) } : {}),
        raw,
      };
    };
    const loginOf = (p: Record<string, unknown>) => ({ code: requiredString(vendor, p, 'code'), encryptedData: optionalString(vendor, p, 'encryptedData'), iv: optionalString(vendor, p, 'iv') });
    return {
      manifest: douyinMiniProgram.manifest,
      async authorizationUrl() {
        throw flowNotSupported(vendor, 'a browser redirect');
      },
      async handleCallback() {
        throw flowNotSupported(vendor, 'a browser redirect');
      },
      async handleMobile(payload) {
        if (payload['loginParams'] !== undefined) {
          const phone = requiredObject(vendor, payload, 'phoneParams');
          return signIn(loginOf(requiredObject(vendor, payload, 'loginParams')), { encryptedData: requiredString(vendor, phone, 'encryptedData'), iv: requiredString(vendor, phone, 'iv') });
        }
        return signIn(loginOf(payload));
      },
      miniProgram: {
        async decryptData(input) {
          const s = await session(input.code);
          return decryptOpenData(vendor, s.session_key, input.encryptedData, input.iv, config.appId);
        },
      },
    };
  },
};
