/**
 * `wechat:miniprogram:qrconnect` — a PC page shows a mini-program code; the user scans it with
 * WeChat, the mini program opens on `page` with the `scene`, asks the user to confirm (and
 * optionally for the phone number), and sends its `wx.login()` code with the scene to the server,
 * which calls `miniProgramQr.acceptConfirmation`; the polling PC page then completes.
 *
 *  - `createLoginCode(scene)`: wxa/getwxacodeunlimit (unlimited codes; `scene` ≤ 32 visible
 *    characters); the server picks a random scene per QR code and keeps it single use.
 *  - `acceptConfirmation({code, phoneCode?})`: jscode2session (+ getuserphonenumber).
 *
 * What this does not protect against: a user tricked into scanning a code shown on an attacker's
 * screen signs the attacker in (QR login-jacking); the mini program should show what is being
 * signed in to before the user confirms.
 * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/qrcode-link/qr-code/getUnlimitedQRCode.html
 */
import { ConnectorError, validateConfig, type WithMiniProgramQr } from '@gatehouse/connector-kit';
import type { ChinaSocialConnectorFactory } from '../china-shared/manifest.js';
import { flowNotSupported } from '../china-shared/errors.js';
import { createWechatApi } from './api.js';
import { miniProgramSignIn } from './miniprogram-login.js';
import { WechatMiniProgramQrConfigSchema, type WechatMiniProgramQrConfig, type WechatMiniProgramQrConfigInput } from './schema.js';

const VENDOR = 'wechat-miniprogram-qrconnect';
/** getwxacodeunlimit: at most 32 visible characters from this set. */
const SCENE = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}$/;

export const wechatMiniProgramQrConnect: ChinaSocialConnectorFactory<WechatMiniProgramQrConfigInput, WithMiniProgramQr> = {
  manifest: {
    id: VENDOR,
    kind: 'social',
    name: 'WeChat mini program code on PC (小程序扫码登录网站)',
    configSchema: WechatMiniProgramQrConfigSchema,
    secretFields: ['appSecret'],
    types: ['wechat:miniprogram:qrconnect'],
    flows: ['miniprogram-qr'],
    mobileConnections: [],
    docs: ['https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/qrcode-link/qr-code/getUnlimitedQRCode.html'],
    trustsVerifiedEmail: false,
  },
  create(rawConfig, deps) {
    const config = validateConfig<WechatMiniProgramQrConfig>(wechatMiniProgramQrConnect.manifest, rawConfig);
    const api = createWechatApi({ vendor: VENDOR, ...config }, deps);
    return {
      manifest: wechatMiniProgramQrConnect.manifest,
      async authorizationUrl() {
        throw flowNotSupported(VENDOR, 'a browser redirect');
      },
      async handleCallback() {
        throw flowNotSupported(VENDOR, 'a browser redirect');
      },
      miniProgramQr: {
        async createLoginCode(scene) {
          if (!SCENE.test(scene)) throw new ConnectorError('connector.invalid_config', `${VENDOR}: scene must be 1–32 characters of [0-9A-Za-z!#$&'()*+,/:;=?@-._~]`);
          const img = await api.miniProgramCode({
            scene,
            ...(config.page ? { page: config.page } : {}),
            env_version: config.envVersion,
            width: config.width,
            // Trial and develop versions may open pages that are not published yet.
            check_path: config.envVersion === 'release',
          });
          return { ...img, scene };
        },
        async acceptConfirmation(input) {
          return miniProgramSignIn(api, VENDOR, { code: input.code, phoneCode: input.phoneCode });
        },
      },
    };
  },
};
