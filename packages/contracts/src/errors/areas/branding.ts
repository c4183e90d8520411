import { defineErrors } from '../define.js';

/** 740xxxx — the login UI (its JSON flow API, the hosted page, the embeddable element) and branding. */
export const brandingErrors = defineErrors({
  'login.flow_invalid': { apiCode: 7400001, status: 401, en: 'This sign-in page has expired; reload it and start again.', zh: '登录页面已过期，请刷新后重新开始。' },
  'login.csrf_invalid': { apiCode: 7400002, status: 403, en: 'The request did not carry this page’s anti-forgery token; reload the page.', zh: '请求缺少本页面的防伪造令牌，请刷新页面。' },
  'login.origin_not_allowed': { apiCode: 7400003, status: 403, en: 'This website is not allowed to sign in to this application (origin {origin}).', zh: '该网站（{origin}）不允许登录此应用。' },
  'login.agreement_required': { apiCode: 7400004, status: 400, en: 'Please read and accept the agreements to continue.', zh: '请阅读并同意相关协议后继续。' },
  'login.app_required': { apiCode: 7400005, status: 400, en: 'Name the application to sign in to (app_id).', zh: '请指定要登录的应用（app_id）。' },
  'login.interaction_mismatch': { apiCode: 7400006, status: 400, en: 'This sign-in belongs to another authorization request; reload the page.', zh: '该登录属于另一个授权请求，请刷新页面。' },
  'login.not_finished': { apiCode: 7400007, status: 409, en: 'This sign-in is not finished yet.', zh: '登录尚未完成。' },
  'login.password_mismatch': { apiCode: 7400008, status: 400, en: 'The two passwords do not match.', zh: '两次输入的密码不一致。' },
  'login.guard_action_unsupported': { apiCode: 7400009, status: 400, en: 'Gatehouse does not serve the Authing Guard step {action}.', zh: 'Gatehouse 不支持 Authing Guard 的步骤 {action}。' },
  'branding.invalid_url': { apiCode: 7400101, status: 400, en: '{field} must be an https URL or a data: image.', zh: '{field} 必须是 https 地址或 data: 图片。' },
  'branding.invalid_background': { apiCode: 7400102, status: 400, en: 'customBackground must be a colour or url(https://…) with a position and size.', zh: 'customBackground 必须是颜色值，或 url(https://…) 加位置与尺寸。' },
  'branding.invalid_color': { apiCode: 7400103, status: 400, en: '{field} must be a colour such as #1f6feb or rgb(31,111,235).', zh: '{field} 必须是颜色值，例如 #1f6feb 或 rgb(31,111,235)。' },
  'branding.invalid_order': { apiCode: 7400104, status: 400, en: '{field} may only list {allowed}.', zh: '{field} 只能包含 {allowed}。' },
});
