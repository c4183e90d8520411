/**
 * `dingtalk` and `dingtalk:mobile` — a DingTalk self-built application (企业内部应用):
 *
 *  - browser: login.dingtalk.com/oauth2/auth (scope `openid corpid`, prompt=consent) shows the
 *    QR code (or the DingTalk client's own consent); DingTalk redirects back with `authCode`
 *    (older integrations read `code`: both are accepted); with `display: 'embedded'` the hosted
 *    login frames `oauth2/auth?iframe=true` (manifest `embed`), which posts the redirect URL to
 *    the page instead;
 *  - mobile (`signin-by-mobile`, `connection: 'dingtalk'`, `dingTalkPayload {code, isSnsCode?}`):
 *    the same code exchange, or the legacy signed SNS code when `isSnsCode` is true;
 *  - the code goes to v1.0/oauth2/userAccessToken, the profile comes from v1.0/contact/users/me;
 *  - with `membersOnly` (default), topapi/user/getbyunionid must find the person in the
 *    configured organisation: someone with a DingTalk account outside it is refused
 *    (`connector.not_allowed`), and the member's `userid` (the organisation-sync id) is kept in
 *    `raw.userid`.
 *
 * The identity id is the `unionId` (stable across the applications of one developer; `openId` is
 * per application and DingTalk no longer recommends it). The email and phone DingTalk returns are
 * never used for automatic account linking (`trustsVerifiedEmail: false`).
 * https://open.dingtalk.com/document/orgapp/tutorial-obtaining-user-personal-information
 */
import { ConnectorError, validateConfig, type IdentityProfile } from '@gatehouse/connector-kit';
import type { ChinaSocialConnectorFactory } from '../china-shared/manifest.js';
import { refusedOnCallback, requiredString } from '../china-shared/errors.js';
import { toPhone } from '../china-shared/phone.js';
import { createDingtalkApi, DINGTALK_LOGIN, type DingtalkApi } from './api.js';
import { DingtalkConfigSchema, type DingtalkConfig, type DingtalkConfigInput } from './schema.js';

const VENDOR = 'dingtalk';

export const dingtalk: ChinaSocialConnectorFactory<DingtalkConfigInput> = {
  manifest: {
    id: VENDOR,
    kind: 'social',
    name: 'DingTalk self-built app QR login (钉钉自建应用扫码登录)',
    configSchema: DingtalkConfigSchema,
    secretFields: ['appSecret'],
    types: ['dingtalk', 'dingtalk:mobile'],
    flows: ['redirect', 'mobile', 'embedded'],
    mobileConnections: ['dingtalk'],
    // DTFrameLogin (h5-dingtalk-login ddlogin.js): oauth2/auth?iframe=true in a 300×300 frame, which
    // posts { success, redirectUrl } to its parent after the scan.
    // https://open.dingtalk.com/document/orgapp/tutorial-obtaining-user-personal-information
    embed: { origin: DINGTALK_LOGIN, delivery: 'post-message', width: 300, height: 300 },
    docs: [
      'https://open.dingtalk.com/document/orgapp/tutorial-obtaining-user-personal-information',
      'https://open.dingtalk.com/document/orgapp/obtain-user-token',
      'https://open.dingtalk.com/document/orgapp/dingtalk-retrieve-user-information',
    ],
    trustsVerifiedEmail: false,
  },
  create(rawConfig, deps) {
    const config = validateConfig<DingtalkConfig>(dingtalk.manifest, rawConfig);
    const api = createDingtalkApi({ vendor: VENDOR, ...config }, deps);
    return {
      manifest: dingtalk.manifest,
      async authorizationUrl(req) {
        const url = new URL(`${DINGTALK_LOGIN}/oauth2/auth`);
        // The framed variant of the same page (what DTFrameLogin loads): it answers by postMessage.
        if (req.embedded) url.searchParams.set('iframe', 'true');
        url.searchParams.set('redirect_uri', req.redirectUri);
        url.searchParams.set('response_type', 'code');
        url.searchParams.set('client_id', config.appKey);
        url.searchParams.set('scope', 'openid corpid');
        url.searchParams.set('state', req.state);
        url.searchParams.set('prompt', 'consent');
        return url.toString();
      },
      async handleCallback(input) {
        const refused = refusedOnCallback(VENDOR, input.params, ['authCode', 'code']);
        if (refused) throw refused;
        return oauthSignIn(api, config, requiredString(VENDOR, input.params, 'authCode', 'code'));
      },
      /** `dingTalkPayload`: `{ code, isSnsCode? }`. */
      async handleMobile(payload) {
        const code = requiredString(VENDOR, payload, 'code');
        if (payload['isSnsCode'] === true) {
          const sns = (await api.snsUser(code)).user_info;
          return finish(api, config, { unionId: sns.unionid, ...(sns.openid ? { openId: sns.openid } : {}), ...(sns.nick ? { nick: sns.nick } : {}) });
        }
        return oauthSignIn(api, config, code);
      },
    };
  },
};

async function oauthSignIn(api: DingtalkApi, config: DingtalkConfig, code: string): Promise<IdentityProfile> {
  const token = await api.userToken(code);
  // With the `corpid` scope DingTalk reports the organisation the user chose on the consent page.
  if (config.membersOnly && token.corpId && token.corpId !== config.corpId) {
    throw new ConnectorError('connector.not_allowed', `${VENDOR}: signed in for another organisation`);
  }
  return finish(api, config, await api.me(token.accessToken));
}

interface DingtalkPerson {
  unionId: string;
  openId?: string;
  nick?: string;
  avatarUrl?: string;
  mobile?: string;
  stateCode?: string;
  email?: string;
}

async function finish(api: DingtalkApi, config: DingtalkConfig, me: DingtalkPerson): Promise<IdentityProfile> {
  const raw: Record<string, unknown> = { unionId: me.unionId, corpId: config.corpId };
  if (me.openId) raw['openId'] = me.openId;
  if (me.nick) raw['nick'] = me.nick;
  if (config.membersOnly) raw['userid'] = (await api.byUnionId(me.unionId)).result.userid;
  const phone = toPhone(me.mobile, me.stateCode);
  return {
    id: me.unionId,
    unionId: me.unionId,
    ...(me.nick ? { name: me.nick, nickname: me.nick } : {}),
    ...(me.avatarUrl ? { picture: me.avatarUrl } : {}),
    // Not asserted as verified: never a basis for automatic linking.
    ...(me.email ? { email: me.email } : {}),
    ...(phone ? { phone: phone.phone, ...(phone.phoneCountryCode ? { phoneCountryCode: phone.phoneCountryCode } : {}) } : {}),
    raw,
  };
}

export { createDingtalkOrgSync } from './org-sync.js';
