/**
 * `wechat:miniprogram:default` — the vendor mini-program SDK's `loginByCode`, `loginByPhone` and
 * `signInByMobile` with `connection` `wechat_mini_program_code` (`wechatMiniProgramCodePayload`
 * `{code, encryptedData?, iv?}`), `wechat_mini_program_phone` (`wechatMiniProgramPhonePayload`
 * `{code, encryptedData, iv}`) or `wechat_mini_program_code_and_phone`
 * (`wechatMiniProgramCodeAndPhonePayload` `{wxLoginInfo: {code, …}, wxPhoneInfo: {code}}`):
 * the server passes that payload object to `handleMobile` unchanged.
 * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-login/code2Session.html
 * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-info/phone-number/getPhoneNumber.html
 */
import { validateConfig, type WithMiniProgram } from '@gatehouse/connector-kit';
import type { ChinaSocialConnectorFactory } from '../china-shared/manifest.js';
import { flowNotSupported, optionalString, requiredObject, requiredString } from '../china-shared/errors.js';
import { decryptOpenData } from '../china-shared/open-data.js';
import { createWechatApi } from './api.js';
import { miniProgramSignIn } from './miniprogram-login.js';
import { WechatMiniProgramConfigSchema, type WechatMiniProgramConfig, type WechatMiniProgramConfigInput } from './schema.js';

const VENDOR = 'wechat-miniprogram';

export const wechatMiniProgram: ChinaSocialConnectorFactory<WechatMiniProgramConfigInput, WithMiniProgram> = {
  manifest: {
    id: VENDOR,
    kind: 'social',
    name: 'WeChat mini program login (微信小程序登录)',
    configSchema: WechatMiniProgramConfigSchema,
    secretFields: ['appSecret'],
    types: ['wechat:miniprogram:default'],
    flows: ['mobile'],
    mobileConnections: ['wechat_mini_program_code', 'wechat_mini_program_phone', 'wechat_mini_program_code_and_phone'],
    docs: [
      'https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-login/code2Session.html',
      'https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-info/phone-number/getPhoneNumber.html',
    ],
    trustsVerifiedEmail: false,
  },
  create(rawConfig, deps) {
    const config = validateConfig<WechatMiniProgramConfig>(wechatMiniProgram.manifest, rawConfig);
    const api = createWechatApi({ vendor: VENDOR, ...config }, deps);
    return {
      manifest: wechatMiniProgram.manifest,
      async authorizationUrl() {
        throw flowNotSupported(VENDOR, 'a browser redirect');
      },
      async handleCallback() {
        throw flowNotSupported(VENDOR, 'a browser redirect');
      },
      async handleMobile(payload) {
        if (payload['wxLoginInfo'] !== undefined) {
          const login = requiredObject(VENDOR, payload, 'wxLoginInfo');
          const phone = requiredObject(VENDOR, payload, 'wxPhoneInfo');
          return miniProgramSignIn(api, VENDOR, {
            code: requiredString(VENDOR, login, 'code'),
            encryptedData: optionalString(VENDOR, login, 'encryptedData'),
            iv: optionalString(VENDOR, login, 'iv'),
            phoneCode: requiredString(VENDOR, phone, 'code'),
          });
        }
        return miniProgramSignIn(api, VENDOR, {
          code: requiredString(VENDOR, payload, 'code'),
          encryptedData: optionalString(VENDOR, payload, 'encryptedData'),
          iv: optionalString(VENDOR, payload, 'iv'),
        });
      },
      miniProgram: {
        async decryptData(input) {
          const session = await api.code2Session(input.code);
          return decryptOpenData(VENDOR, session.session_key, input.encryptedData, input.iv, config.appId);
        },
        appAccessToken: () => api.appToken(),
      },
    };
  },
};
