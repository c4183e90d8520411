/**
 * WeChat authorisation URLs. WeChat matches these links strictly, parameter order included
 * (appid, redirect_uri, response_type, scope, state), and needs the `#wechat_redirect` fragment;
 * a reordered link shows an error page instead of the consent screen
 * (https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/Wechat_webpage_authorization.html).
 */
export function wechatAuthorizeUrl(endpoint: string, appId: string, redirectUri: string, scope: string, state: string, extra: Record<string, string> = {}): string {
  const params: Array<[string, string]> = [
    ['appid', appId],
    ['redirect_uri', redirectUri],
    ['response_type', 'code'],
    ['scope', scope],
    ['state', state],
    ...Object.entries(extra),
  ];
  return `${endpoint}?${params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}#wechat_redirect`;
}
