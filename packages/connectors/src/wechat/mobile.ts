/**
 * `wechat:mobile` — a native app registered as a mobile application on the WeChat Open Platform
 * obtains a code with the WeChat SDK (SendAuth, scope snsapi_userinfo) and sends it to
 * `signin-by-mobile` (`connection: 'wechat'`, `wechatPayload: { code }`); the code is exchanged
 * here with the app's AppSecret, which never ships inside the app.
 * https://developers.weixin.qq.com/doc/oplatform/Mobile_App/WeChat_Login/Development_Guide.html
 */
import { validateConfig } from '@gatehouse/connector-kit';
import type { ChinaSocialConnectorFactory } from '../china-shared/manifest.js';
import { flowNotSupported, requiredString } from '../china-shared/errors.js';
import { createWechatApi } from './api.js';
import { WechatAppConfigSchema, type WechatAppConfig, type WechatAppConfigInput } from './schema.js';
import { snsLogin } from './sns-login.js';

const VENDOR = 'wechat-mobile';

export const wechatMobile: ChinaSocialConnectorFactory<WechatAppConfigInput> = {
  manifest: {
    id: VENDOR,
    kind: 'social',
    name: 'WeChat mobile app login (微信移动应用登录)',
    configSchema: WechatAppConfigSchema,
    secretFields: ['appSecret'],
    types: ['wechat:mobile'],
    flows: ['mobile'],
    mobileConnections: ['wechat'],
    docs: ['https://developers.weixin.qq.com/doc/oplatform/Mobile_App/WeChat_Login/Development_Guide.html'],
    trustsVerifiedEmail: false,
  },
  create(rawConfig, deps) {
    const config = validateConfig<WechatAppConfig>(wechatMobile.manifest, rawConfig);
    const api = createWechatApi({ vendor: VENDOR, ...config }, deps);
    return {
      manifest: wechatMobile.manifest,
      async authorizationUrl() {
        throw flowNotSupported(VENDOR, 'a browser redirect');
      },
      async handleCallback() {
        throw flowNotSupported(VENDOR, 'a browser redirect');
      },
      /** `wechatPayload` of signin-by-mobile: `{ code }`. */
      async handleMobile(payload) {
        return snsLogin(api, requiredString(VENDOR, payload, 'code'), config.lang);
      },
    };
  },
};
