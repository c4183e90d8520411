/**
 * `wechat:webpage-authorization` — inside the WeChat browser, an official account (服务号)
 * authorises the visitor: `snsapi_base` silently (openid, and unionid when bound), or
 * `snsapi_userinfo` with a one-time consent (nickname, avatar). The redirect domain must be the
 * account's "web authorisation domain".
 * https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/Wechat_webpage_authorization.html
 */
import { validateConfig } from '@gatehouse/connector-kit';
import type { ChinaSocialConnectorFactory } from '../china-shared/manifest.js';
import { refusedOnCallback, requiredString } from '../china-shared/errors.js';
import { createWechatApi, WECHAT_OPEN } from './api.js';
import { WechatWebpageConfigSchema, type WechatWebpageConfig, type WechatWebpageConfigInput } from './schema.js';
import { snsLogin } from './sns-login.js';
import { wechatAuthorizeUrl } from './authorize-url.js';

const VENDOR = 'wechat-webpage';

export const wechatWebpage: ChinaSocialConnectorFactory<WechatWebpageConfigInput> = {
  manifest: {
    id: VENDOR,
    kind: 'social',
    name: 'WeChat web authorisation (微信网页授权)',
    configSchema: WechatWebpageConfigSchema,
    secretFields: ['appSecret'],
    types: ['wechat:webpage-authorization'],
    flows: ['redirect'],
    mobileConnections: [],
    docs: ['https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/Wechat_webpage_authorization.html'],
    trustsVerifiedEmail: false,
  },
  create(rawConfig, deps) {
    const config = validateConfig<WechatWebpageConfig>(wechatWebpage.manifest, rawConfig);
    const api = createWechatApi({ vendor: VENDOR, ...config }, deps);
    return {
      manifest: wechatWebpage.manifest,
      async authorizationUrl(req) {
        return wechatAuthorizeUrl(`${WECHAT_OPEN}/connect/oauth2/authorize`, config.appId, req.redirectUri, config.scope, req.state);
      },
      async handleCallback(input) {
        const refused = refusedOnCallback(VENDOR, input.params, ['code']);
        if (refused) throw refused;
        return snsLogin(api, requiredString(VENDOR, input.params, 'code'), config.lang);
      },
    };
  },
};
