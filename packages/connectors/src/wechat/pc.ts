/**
 * `wechat:pc` — WeChat Open Platform website application: the browser goes to the QR page
 * (open.weixin.qq.com/connect/qrconnect, scope snsapi_login), the user scans with WeChat and
 * confirms, WeChat redirects back with `code` and `state`. The hosted login may instead embed the
 * same QR code with WeChat's wxLogin.js (same appid, scope, redirect_uri and state).
 * https://developers.weixin.qq.com/doc/oplatform/Website_App/WeChat_Login/Wechat_Login.html
 */
import { validateConfig } from '@gatehouse/connector-kit';
import type { ChinaSocialConnectorFactory } from '../china-shared/manifest.js';
import { refusedOnCallback, requiredString } from '../china-shared/errors.js';
import { createWechatApi, WECHAT_OPEN } from './api.js';
import { WechatAppConfigSchema, type WechatAppConfig, type WechatAppConfigInput } from './schema.js';
import { snsLogin } from './sns-login.js';
import { wechatAuthorizeUrl } from './authorize-url.js';

const VENDOR = 'wechat-pc';

export const wechatPc: ChinaSocialConnectorFactory<WechatAppConfigInput> = {
  manifest: {
    id: VENDOR,
    kind: 'social',
    name: 'WeChat website QR login (微信 PC 扫码登录)',
    configSchema: WechatAppConfigSchema,
    secretFields: ['appSecret'],
    types: ['wechat:pc'],
    flows: ['redirect'],
    mobileConnections: [],
    docs: ['https://developers.weixin.qq.com/doc/oplatform/Website_App/WeChat_Login/Wechat_Login.html'],
    trustsVerifiedEmail: false,
  },
  create(rawConfig, deps) {
    const config = validateConfig<WechatAppConfig>(wechatPc.manifest, rawConfig);
    const api = createWechatApi({ vendor: VENDOR, ...config }, deps);
    return {
      manifest: wechatPc.manifest,
      async authorizationUrl(req) {
        return wechatAuthorizeUrl(`${WECHAT_OPEN}/connect/qrconnect`, config.appId, req.redirectUri, 'snsapi_login', req.state);
      },
      async handleCallback(input) {
        const refused = refusedOnCallback(VENDOR, input.params, ['code']);
        if (refused) throw refused;
        return snsLogin(api, requiredString(VENDOR, input.params, 'code'), config.lang);
      },
    };
  },
};
