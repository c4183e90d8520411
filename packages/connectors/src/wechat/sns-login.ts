/**
 * The OAuth-style login shared by the website QR (`wechat:pc`), the WeChat browser
 * (`wechat:webpage-authorization`) and native apps (`wechat:mobile`): exchange the single-use code
 * at sns/oauth2/access_token, then read sns/userinfo when the scope allows it.
 * https://developers.weixin.qq.com/doc/oplatform/Website_App/WeChat_Login/Wechat_Login.html
 * https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/Wechat_webpage_authorization.html
 */
import type { IdentityProfile } from '@gatehouse/connector-kit';
import type { WechatApi } from './api.js';
import { idsProfile, snsProfile } from './profile.js';

export async function snsLogin(api: WechatApi, code: string, lang: string): Promise<IdentityProfile> {
  const token = await api.snsAccessToken(code);
  const scopes = (token.scope ?? '').split(',');
  // snsapi_base grants the openid (and unionid) only; sns/userinfo would answer 48001.
  if (token.scope !== undefined && !scopes.includes('snsapi_userinfo') && !scopes.includes('snsapi_login')) {
    return idsProfile({ appId: api.appId, openid: token.openid, unionid: token.unionid });
  }
  const user = await api.snsUserInfo(token.access_token, token.openid, lang);
  return snsProfile(api.appId, user, token.unionid);
}
