/**
 * `wechatmp-qrcode` — sign in by scanning an official account's QR code (and following it):
 *
 *  1. The server calls `officialAccount.createLoginQrCode(scene)` with a fresh random scene and
 *     shows the code (cgi-bin/qrcode/create, QR_STR_SCENE); the browser polls the server.
 *  2. The user scans in WeChat; WeChat pushes `subscribe` (new follower, EventKey `qrscene_<scene>`)
 *     or `SCAN` (follower, EventKey `<scene>`) to the URL configured in the account
 *     (`GET|POST /connections/social/<identifier>/events`). The server passes the request to
 *     `officialAccount.handlePush`, answers `reply` at once, and acts on the event once per
 *     `dedupeKey` (WeChat retries unanswered pushes).
 *  3. `officialAccount.profileForOpenId(openId)` gives the user (unionid through cgi-bin/user/info);
 *     the server marks the scene signed in and the polling browser completes.
 *
 * https://developers.weixin.qq.com/doc/offiaccount/Account_Management/Generating_a_Parametric_QR_Code.html
 */
import { ConnectorError, validateConfig, type WithOfficialAccount } from '@gatehouse/connector-kit';
import type { ChinaSocialConnectorFactory } from '../china-shared/manifest.js';
import { flowNotSupported } from '../china-shared/errors.js';
import { createWechatApi, WECHAT_MP } from './api.js';
import { idsProfile } from './profile.js';
import { handlePush } from './push.js';
import { WechatOfficialAccountConfigSchema, type WechatOfficialAccountConfig, type WechatOfficialAccountConfigInput } from './schema.js';

const VENDOR = 'wechatmp-qrcode';

export const wechatOfficialAccount: ChinaSocialConnectorFactory<WechatOfficialAccountConfigInput, WithOfficialAccount> = {
  manifest: {
    id: VENDOR,
    kind: 'social',
    name: 'WeChat official account scan login (微信公众号扫码关注登录)',
    configSchema: WechatOfficialAccountConfigSchema,
    secretFields: ['appSecret', 'token', 'encodingAESKey'],
    types: ['wechatmp-qrcode'],
    flows: ['official-account-qr'],
    mobileConnections: [],
    docs: [
      'https://developers.weixin.qq.com/doc/offiaccount/Account_Management/Generating_a_Parametric_QR_Code.html',
      'https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_event_pushes.html',
      'https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Message_encryption_and_decryption_instructions.html',
    ],
    trustsVerifiedEmail: false,
  },
  create(rawConfig, deps) {
    const config = validateConfig<WechatOfficialAccountConfig>(wechatOfficialAccount.manifest, rawConfig);
    if (config.messageMode !== 'plain' && !config.encodingAESKey) {
      throw new ConnectorError('connector.invalid_config', `${VENDOR}: ${config.messageMode} mode needs encodingAESKey`);
    }
    const now = deps.now ?? (() => new Date());
    const api = createWechatApi({ vendor: VENDOR, ...config }, deps);
    return {
      manifest: wechatOfficialAccount.manifest,
      async authorizationUrl() {
        throw flowNotSupported(VENDOR, 'a browser redirect');
      },
      async handleCallback() {
        throw flowNotSupported(VENDOR, 'a browser redirect');
      },
      officialAccount: {
        async createLoginQrCode(sceneStr, expireSeconds = config.qrExpireSeconds) {
          if (!/^[\x21-\x7e]{1,64}$/.test(sceneStr)) throw new ConnectorError('connector.invalid_config', `${VENDOR}: scene must be 1–64 visible ASCII characters`);
          const qr = await api.createQrCode(sceneStr, expireSeconds);
          return {
            sceneStr,
            ticket: qr.ticket,
            url: qr.url,
            imageUrl: `${WECHAT_MP}/cgi-bin/showqrcode?ticket=${encodeURIComponent(qr.ticket)}`,
            expiresAt: new Date(now().getTime() + (qr.expire_seconds ?? expireSeconds) * 1000),
          };
        },
        handlePush(req) {
          return handlePush({ vendor: VENDOR, ...config, now }, req);
        },
        async profileForOpenId(openId) {
          const f = await api.followerInfo(openId);
          if (f.openid !== openId) throw new ConnectorError('connector.invalid_response', `${VENDOR}: user/info for another openid`);
          return idsProfile({ appId: config.appId, openid: f.openid, unionid: f.unionid }, f.subscribe !== undefined ? { subscribe: f.subscribe } : {});
        },
        appAccessToken: () => api.appToken(),
      },
    };
  },
};
