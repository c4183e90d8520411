import type { KoaContextWithOIDC } from 'oidc-provider';

/**
 * The hosted pages: one small accessible layout (semantic HTML, labels, focus styles, works
 * without JavaScript, responsive), English and Simplified Chinese by Accept-Language.
 * Everything user-controlled is escaped.
 */
export type Lang = 'en' | 'zh';

export const esc = (s: unknown) =>
  String(s ?? '').replace(/[&<>"'`]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' })[c]!);

/** Picks zh for any Chinese preference ranked above English, else en. */
export function pickLang(acceptLanguage: string | undefined): Lang {
  const prefs = (acceptLanguage ?? '')
    .split(',')
    .map((p) => {
      const [tag, q] = p.trim().split(';q=');
      return { tag: (tag ?? '').toLowerCase(), q: q === undefined ? 1 : Number(q) || 0 };
    })
    .filter((p) => p.tag)
    .sort((a, b) => b.q - a.q);
  for (const p of prefs) {
    if (p.tag.startsWith('zh')) return 'zh';
    if (p.tag.startsWith('en')) return 'en';
  }
  return 'en';
}

export const T = {
  en: {
    signIn: 'Sign in',
    signInTo: (app: string) => `Sign in to continue to ${app}`,
    account: 'Email, phone or username',
    password: 'Password',
    submit: 'Sign in',
    cancel: 'Cancel',
    consentTitle: 'Authorize access',
    consentLead: (app: string) => `${app} is requesting access to your account:`,
    allow: 'Allow',
    deny: 'Deny',
    errorTitle: 'Something went wrong',
    errorLead: 'The sign-in request could not be completed. You can close this page and try again from the application.',
    logoutTitle: 'Sign out',
    logoutLead: 'Do you want to sign out of all applications using this account?',
    logoutYes: 'Sign out',
    logoutNo: 'Stay signed in',
    loggedOut: 'You have signed out.',
    deviceTitle: 'Connect a device',
    deviceLead: 'Enter the code shown on your device.',
    deviceCode: 'Code',
    continue: 'Continue',
    deviceDone: 'Your device is connected. You can return to it now.',
    deviceConfirmTitle: 'Confirm the device',
    deviceConfirmLead: (app: string) => `${app} wants to connect. Check that your device shows this code:`,
    deviceConfirmWarn: 'If you did not start this or the code does not match, cancel.',
    signedInAs: (who: string) => `Signed in as ${who}`,
    scopes: {
      openid: 'Your user ID',
      profile: 'Your basic profile (name, picture, locale)',
      username: 'Your username',
      email: 'Your email address',
      phone: 'Your phone number',
      address: 'Your address',
      offline_access: 'Stay connected when you are not using the app',
      roles: 'Your roles',
      external_id: 'Your ID in the original system',
      extended_fields: 'Your extended profile fields',
      tenant_id: 'Your tenant',
      groups: 'Your groups',
      departments: 'Your departments',
      permissions: 'What you are allowed to do',
    } as Record<string, string>,
  },
  zh: {
    signIn: '登录',
    signInTo: (app: string) => `登录以继续使用 ${app}`,
    account: '邮箱、手机号或用户名',
    password: '密码',
    submit: '登录',
    cancel: '取消',
    consentTitle: '授权访问',
    consentLead: (app: string) => `${app} 请求访问你的账号：`,
    allow: '允许',
    deny: '拒绝',
    errorTitle: '出错了',
    errorLead: '无法完成登录请求。你可以关闭此页面，回到应用重新尝试。',
    logoutTitle: '退出登录',
    logoutLead: '要退出使用此账号登录的所有应用吗？',
    logoutYes: '退出登录',
    logoutNo: '保持登录',
    loggedOut: '你已退出登录。',
    deviceTitle: '连接设备',
    deviceLead: '请输入设备上显示的代码。',
    deviceCode: '代码',
    continue: '继续',
    deviceDone: '设备已连接，你现在可以回到设备上继续操作。',
    deviceConfirmTitle: '确认设备',
    deviceConfirmLead: (app: string) => `${app} 请求连接。请确认你的设备上显示的是这个代码：`,
    deviceConfirmWarn: '如果这不是你发起的操作，或代码不一致，请取消。',
    signedInAs: (who: string) => `当前登录：${who}`,
    scopes: {
      openid: '你的用户 ID',
      profile: '你的基本资料（姓名、头像、语言）',
      username: '你的用户名',
      email: '你的邮箱地址',
      phone: '你的手机号',
      address: '你的地址',
      offline_access: '在你不使用应用时保持连接',
      roles: '你的角色',
      external_id: '你在原系统中的 ID',
      extended_fields: '你的扩展字段',
      tenant_id: '你的租户',
      groups: '你所在的用户组',
      departments: '你所在的部门',
      permissions: '你拥有的权限',
    } as Record<string, string>,
  },
} as const;

const CSS = `
*{box-sizing:border-box}html{font-family:system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;color:#1c2333;background:#f3f5f9}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;padding:16px}
main{width:100%;max-width:400px;background:#fff;border-radius:12px;box-shadow:0 2px 12px rgba(20,30,60,.08);padding:32px 28px}
h1{font-size:1.4rem;margin:0 0 8px}p{line-height:1.5;margin:0 0 16px;color:#4a5468}
label{display:block;font-weight:600;margin:16px 0 6px;font-size:.95rem}
input[type=text],input[type=password],input[type=email],input[type=tel]{width:100%;padding:11px 12px;font-size:1rem;border:1px solid #b8c0d0;border-radius:8px;background:#fff;color:inherit}
input:focus,button:focus,a:focus{outline:3px solid #7aa7ff;outline-offset:1px}
button{width:100%;margin-top:20px;padding:12px;font-size:1rem;font-weight:600;border:0;border-radius:8px;background:#2456d3;color:#fff;cursor:pointer}
button.secondary{background:#e8ecf4;color:#1c2333;margin-top:10px}
.error{background:#fdecec;color:#9b1c1c;border-radius:8px;padding:10px 12px;margin:12px 0}
.info{background:#e8f1fd;color:#173f7a;border-radius:8px;padding:10px 12px;margin:12px 0}.hint{font-size:.8rem;color:#6b7486}
.tabs{display:flex;gap:4px;flex-wrap:wrap;margin:0 0 8px;border-bottom:1px solid #d6dbe6}.tabs a{padding:8px 10px;color:#2456d3;text-decoration:none;border-bottom:3px solid transparent}.tabs a[aria-current=page]{color:#1c2333;font-weight:600;border-bottom-color:#2456d3}
.captcha{display:flex;align-items:center;gap:12px;margin-top:16px}.captcha img{border:1px solid #b8c0d0;border-radius:6px;background:#fff}
button.link{width:auto;margin:0;padding:6px 4px;background:none;color:#2456d3;font-weight:500;text-decoration:underline}
ul{padding-left:20px;color:#1c2333}li{margin:4px 0}code{font-family:ui-monospace,monospace;background:#f0f2f7;padding:2px 6px;border-radius:4px}
@media (prefers-color-scheme:dark){html{background:#12151c;color:#e7eaf0}main{background:#1b2029;box-shadow:none}p{color:#aab2c2}input[type=text],input[type=password],input[type=email],input[type=tel]{background:#12151c;border-color:#3a4252}.info{background:#1d2a3f;color:#b9d3ff}.tabs a{color:#9bbcff}.tabs a[aria-current=page]{color:#e7eaf0}button.link{color:#9bbcff}button.secondary{background:#2a3140;color:#e7eaf0}ul{color:#e7eaf0}.error{background:#3b1d1d;color:#ffb4b4}code{background:#2a3140}}
`;

export function layout(lang: Lang, title: string, body: string): string {
  return `<!doctype html><html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${esc(title)}</title><style>${CSS}</style></head><body><main>${body}</main></body></html>`;
}

const langOf = (ctx: KoaContextWithOIDC) => pickLang(ctx.get('accept-language'));

/** Security headers for hosted pages (no framing: clickjacking protection, RFC 9700 §4.16). */
export const PAGE_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; form-action 'self' https: http:; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

function html(ctx: KoaContextWithOIDC, body: string) {
  for (const [k, v] of Object.entries(PAGE_HEADERS)) if (k !== 'content-security-policy') ctx.set(k, v);
  ctx.type = 'html';
  ctx.body = body;
}

type Strings = (typeof T)[Lang];

/** One provider page in the visitor's language: a heading, a lead paragraph, then `rest` (already escaped HTML). */
function page(ctx: KoaContextWithOIDC, build: (t: Strings) => { title: string; lead: string; rest?: string }) {
  const lang = langOf(ctx);
  const { title, lead, rest = '' } = build(T[lang]);
  html(ctx, layout(lang, title, `<h1>${esc(title)}</h1><p>${esc(lead)}</p>${rest}`));
}

/** Errors of oidc-provider's own error page (unknown client, bad redirect_uri …), for people. */
const PROTOCOL_ERRORS: Record<string, { en: string; zh: string }> = {
  invalid_client: { en: 'The application that sent you here is not known to this server.', zh: '将你带到这里的应用未在本服务注册。' },
  invalid_redirect_uri: { en: 'The application asked to return to an address it has not registered.', zh: '应用请求返回到一个未注册的地址。' },
  invalid_request: { en: 'The sign-in request is incomplete or malformed.', zh: '登录请求不完整或格式有误。' },
  unauthorized_client: { en: 'The application may not use this kind of sign-in.', zh: '该应用不允许使用此种登录方式。' },
  unsupported_response_type: { en: 'The application asked for something this server does not support.', zh: '应用请求了本服务不支持的内容。' },
  invalid_scope: { en: 'The application asked for access that is not allowed.', zh: '应用请求了不被允许的访问权限。' },
  interaction_expired: { en: 'This sign-in page has expired. Go back to the application and start again.', zh: '登录页面已过期，请回到应用重新开始。' },
  unknown_pool: { en: 'This sign-in address does not exist.', zh: '该登录地址不存在。' },
  server_error: { en: 'Something failed on our side. Try again in a moment.', zh: '服务出现问题，请稍后重试。' },
};

export function protocolMessage(error: string, lang: Lang): string {
  const m = PROTOCOL_ERRORS[error];
  return m ? m[lang] : PROTOCOL_ERRORS.invalid_request![lang];
}

/**
 * Error page for requests that must not redirect (unknown client, bad redirect_uri …): never a
 * redirect. The person reads what happened in words; the protocol's error code stays visible
 * (small) for whoever debugs it, the provider's English description does not.
 */
export async function renderErrorPage(ctx: KoaContextWithOIDC, out: { error: string; error_description?: string }, _err: unknown) {
  const lang = langOf(ctx);
  page(ctx, (t) => ({
    title: t.errorTitle,
    lead: t.errorLead,
    rest: `<p role="alert" class="error">${esc(protocolMessage(out.error, lang))}</p><p class="hint"><code>${esc(out.error)}</code></p>`,
  }));
}

export async function renderLogoutPage(ctx: KoaContextWithOIDC, form: string) {
  // `form` is oidc-provider's hidden form (id="op.logoutForm") with the xsrf token.
  page(ctx, (t) => ({
    title: t.logoutTitle,
    lead: t.logoutLead,
    rest: `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">${esc(t.logoutYes)}</button><button type="submit" form="op.logoutForm" class="secondary">${esc(t.logoutNo)}</button>`,
  }));
}

export async function renderLoggedOutPage(ctx: KoaContextWithOIDC) {
  page(ctx, (t) => ({ title: t.logoutTitle, lead: t.loggedOut }));
}

export async function renderDevicePage(ctx: KoaContextWithOIDC, form: string, out?: { error?: string; error_description?: string }) {
  page(ctx, (t) => ({
    title: t.deviceTitle,
    lead: t.deviceLead,
    rest: `${out?.error ? `<p role="alert" class="error">${esc(out.error_description ?? out.error)}</p>` : ''}<p><strong>${esc(t.deviceCode)}</strong></p>${form}<button type="submit" form="op.deviceInputForm">${esc(t.continue)}</button>`,
  }));
}

/** Second device step: the user confirms that the code matches the device (RFC 8628 §5.4: against remote phishing). */
export async function renderDeviceConfirmPage(ctx: KoaContextWithOIDC, form: string, client: { clientName?: string; clientId: string }, _deviceInfo: unknown, userCode: string) {
  // `form` is oidc-provider's hidden form (id="op.deviceConfirmForm") with the xsrf token and the code.
  page(ctx, (t) => ({
    title: t.deviceConfirmTitle,
    lead: t.deviceConfirmLead(client.clientName ?? client.clientId),
    rest:
      `<p><code>${esc(userCode)}</code></p><p>${esc(t.deviceConfirmWarn)}</p>${form}` +
      `<button type="submit" form="op.deviceConfirmForm">${esc(t.continue)}</button><button type="submit" form="op.deviceConfirmForm" name="abort" value="yes" class="secondary">${esc(t.cancel)}</button>`,
  }));
}

export async function renderDeviceSuccessPage(ctx: KoaContextWithOIDC) {
  page(ctx, (t) => ({ title: t.deviceTitle, lead: t.deviceDone }));
}
