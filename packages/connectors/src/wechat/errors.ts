/**
 * WeChat `errcode` → connector errors. WeChat answers errors as HTTP 200 with
 * `{"errcode":40029,"errmsg":"invalid code, rid: …"}`. Sources: the global return codes
 * (https://developers.weixin.qq.com/doc/oplatform/Return_codes/Return_code_descriptions_new.html),
 * website login (https://developers.weixin.qq.com/doc/oplatform/Website_App/WeChat_Login/Wechat_Login.html),
 * mini-program login and phone number (https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/).
 */
import type { VendorErrorTable } from '@gatehouse/connector-kit';

export const wechatErrors: VendorErrorTable = {
  exact: {
    '-1': 'connector.unavailable', // system busy, retry
    '40001': 'connector.auth_failed', // invalid credential: AppSecret wrong (or a stale app token, retried first)
    '40013': 'connector.auth_failed', // invalid appid
    '40125': 'connector.auth_failed', // invalid appsecret
    '40002': 'connector.invalid_config', // invalid grant_type
    '40164': 'connector.invalid_config', // caller IP not in the app's IP allow-list
    '48001': 'connector.invalid_config', // api unauthorized: the app lacks this API
    '40097': 'connector.invalid_config', // invalid args (e.g. mini-program code width)
    '41030': 'connector.invalid_config', // invalid page: the mini-program page is not published
    '40053': 'connector.invalid_config', // invalid action info (QR code request)
    '40169': 'connector.invalid_config', // invalid length for scene
    '40029': 'connector.invalid_grant', // invalid code
    '40163': 'connector.invalid_grant', // code been used
    '42003': 'connector.invalid_grant', // code expired
    '41008': 'connector.invalid_grant', // missing code
    '40030': 'connector.invalid_grant', // invalid refresh_token
    '40014': 'connector.invalid_grant', // invalid (user) access_token
    '42001': 'connector.invalid_grant', // (user) access_token expired
    '40003': 'connector.rejected', // invalid openid
    '50001': 'connector.access_denied', // the user did not authorise this API (snsapi_base token on sns/userinfo)
    '40226': 'connector.not_allowed', // high-risk user: WeChat blocks this mini-program login
    '45009': 'connector.rate_limited', // daily API quota reached
    '45011': 'connector.rate_limited', // API minute quota reached
  },
  fallback: 'connector.rejected',
};

/** Codes meaning "the app access token in the URL is invalid or expired" on cgi-bin/wxa calls. */
export const STALE_APP_TOKEN = new Set([40001, 40014, 42001]);
