/**
 * `wechatwork:corp:qrconnect` and `wechatwork:mobile` — a WeCom self-built application:
 *
 *  - browser: the WeCom web login (login.work.weixin.qq.com/wwlogin/sso/login, login_type
 *    CorpApp) shows the QR code; inside the WeCom client (the server sets `hints.client =
 *    'wecom'` when the user agent contains "wxwork") the OAuth page
 *    open.weixin.qq.com/connect/oauth2/authorize with scope snsapi_privateinfo is used instead;
 *  - mobile (`signin-by-mobile`, `connection: 'wechatwork'`, `wechatworkPayload {code}`): the code
 *    the WeCom SDK's SSO returns;
 *  - cgi-bin/auth/getuserinfo turns the single-use code into a member's `userid` (+ `user_ticket`);
 *    someone who is not a member of the corp gets only an `openid` and is refused
 *    (`connector.not_allowed`), as is a member WeCom reports disabled or departed;
 *  - the name comes from user/get, mobile and email from auth/getuserdetail with the user_ticket.
 *
 * The identity id is the `userid` (unique in the corp; the organisation sync uses the same id).
 * https://developer.work.weixin.qq.com/document/path/98151 (web login)
 * https://developer.work.weixin.qq.com/document/path/91023 (getuserinfo)
 */
import { ConnectorError, validateConfig, type IdentityProfile } from '@gatehouse/connector-kit';
import type { ChinaSocialConnectorFactory } from '../china-shared/manifest.js';
import { refusedOnCallback, requiredString } from '../china-shared/errors.js';
import { toPhone } from '../china-shared/phone.js';
import { wechatAuthorizeUrl } from '../wechat/authorize-url.js';
import { createWecomApi, WECOM_LOGIN, WECOM_OPEN, type WecomApi } from './api.js';
import { WecomConfigSchema, type WecomConfig, type WecomConfigInput } from './schema.js';

const VENDOR = 'wecom';
/** WeCom member status: 1 active, 2 disabled, 4 not activated, 5 departed. */
const ACTIVE = 1;

export const wecom: ChinaSocialConnectorFactory<WecomConfigInput> = {
  manifest: {
    id: VENDOR,
    kind: 'social',
    name: 'WeCom self-built app QR login (企业微信自建应用扫码登录)',
    configSchema: WecomConfigSchema,
    secretFields: ['secret'],
    types: ['wechatwork:corp:qrconnect', 'wechatwork:mobile'],
    flows: ['redirect', 'mobile', 'embedded'],
    mobileConnections: ['wechatwork'],
    // The web login panel (@wecom/jssdk createWWLoginPanel, redirect_type=top, panel_size=small:
    // 320×380): the framed page navigates the top window to the redirect URI.
    // https://developer.work.weixin.qq.com/document/path/98152
    embed: { origin: WECOM_LOGIN, delivery: 'top-navigation', width: 320, height: 380 },
    docs: ['https://developer.work.weixin.qq.com/document/path/98151', 'https://developer.work.weixin.qq.com/document/path/91023', 'https://developer.work.weixin.qq.com/document/path/95833'],
    trustsVerifiedEmail: false,
  },
  create(rawConfig, deps) {
    const config = validateConfig<WecomConfig>(wecom.manifest, rawConfig);
    const api = createWecomApi({ vendor: VENDOR, corpId: config.corpId, secret: config.secret, timeoutMs: config.timeoutMs }, deps);
    return {
      manifest: wecom.manifest,
      async authorizationUrl(req) {
        if (req.hints?.['client'] === 'wecom') {
          return wechatAuthorizeUrl(`${WECOM_OPEN}/connect/oauth2/authorize`, config.corpId, req.redirectUri, 'snsapi_privateinfo', req.state, { agentid: config.agentId });
        }
        const url = new URL(`${WECOM_LOGIN}/wwlogin/sso/login`);
        url.searchParams.set('login_type', 'CorpApp');
        url.searchParams.set('appid', config.corpId);
        url.searchParams.set('agentid', config.agentId);
        url.searchParams.set('redirect_uri', req.redirectUri);
        url.searchParams.set('state', req.state);
        if (req.embedded) {
          url.searchParams.set('redirect_type', 'top');
          url.searchParams.set('panel_size', 'small');
        }
        if (req.hints?.['lang'] === 'en') url.searchParams.set('lang', 'en');
        return url.toString();
      },
      async handleCallback(input) {
        const refused = refusedOnCallback(VENDOR, input.params, ['code']);
        if (refused) throw refused;
        return signIn(api, config, requiredString(VENDOR, input.params, 'code'));
      },
      /** `wechatworkPayload`: `{ code }`. */
      async handleMobile(payload) {
        return signIn(api, config, requiredString(VENDOR, payload, 'code'));
      },
    };
  },
};

async function signIn(api: WecomApi, config: WecomConfig, code: string): Promise<IdentityProfile> {
  const who = await api.authUser(code);
  if (!who.userid) throw new ConnectorError('connector.not_allowed', `${VENDOR}: not a member of the corp (openid only)`);
  const member = await api.userGet(who.userid);
  if (member.status !== undefined && member.status !== ACTIVE) throw new ConnectorError('connector.not_allowed', `${VENDOR}: member status ${member.status}`);
  const detail = config.fetchPrivateInfo && who.user_ticket ? await api.userDetail(who.user_ticket) : undefined;
  const email = detail?.email || detail?.biz_mail || member.email || member.biz_mail || undefined;
  const phone = toPhone(detail?.mobile || member.mobile);
  const picture = detail?.avatar || member.avatar;
  return {
    id: who.userid,
    ...(member.name ? { name: member.name } : {}),
    ...(email ? { email } : {}),
    ...(phone ? { phone: phone.phone, ...(phone.phoneCountryCode ? { phoneCountryCode: phone.phoneCountryCode } : {}) } : {}),
    ...(picture ? { picture } : {}),
    raw: { corpId: config.corpId, userid: who.userid, name: member.name, department: member.department, ...(member.position ? { position: member.position } : {}) },
  };
}

export { createWecomOrgSync } from './org-sync.js';
