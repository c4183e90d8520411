import type { MethodDescription } from '../../../login-methods/types.js';
import { esc, layout, T, type Lang } from '../../../oidc/pages.js';

/**
 * The hosted login page, rendered on the server from what the engine offers: one tab per way in
 * the application enables (password, SMS code, email code, and any login method registered with
 * a form), the captcha when the attempt guard asks for one, and messages for people. Works
 * without JavaScript; every form posts to the interaction, bound by its cookie.
 */
export type HostedTab = { id: 'password' | 'sms' | 'email'; method: 'password' | 'passcode' } | { id: string; method: string; description: MethodDescription };

export interface LoginView {
  lang: Lang;
  appName: string;
  /** Path of an interaction action (`login`, `send-code`, `abort`) or of the page itself (''). */
  action: (suffix: string) => string;
  tabs: HostedTab[];
  current: string;
  /** Values to show again (never a password or a code). */
  values: Record<string, string>;
  error?: string | undefined;
  info?: string | undefined;
  captcha?: { token: string; image: string } | undefined;
}

const W = {
  en: {
    tabs: { password: 'Password', sms: 'SMS code', email: 'Email code' } as Record<string, string>,
    phone: 'Phone number',
    email: 'Email',
    code: 'Verification code',
    sendCode: 'Send code',
    resend: 'Send a new code',
    captcha: 'Characters in the image',
    captchaAlt: 'Captcha image: type the characters it shows',
    newImage: 'Show another image',
    waysIn: 'Ways to sign in',
  },
  zh: {
    tabs: { password: '密码登录', sms: '短信验证码', email: '邮箱验证码' } as Record<string, string>,
    phone: '手机号',
    email: '邮箱',
    code: '验证码',
    sendCode: '发送验证码',
    resend: '重新发送验证码',
    captcha: '图片中的字符',
    captchaAlt: '图片验证码：请输入图片中显示的字符',
    newImage: '换一张图片',
    waysIn: '登录方式',
  },
} as const;

const input = (name: string, label: string, type: string, value: string, extra = '') =>
  `<label for="${esc(name)}">${esc(label)}</label><input id="${esc(name)}" name="${esc(name)}" type="${esc(type)}" value="${esc(value)}"${extra}>`;

function captchaBlock(v: LoginView, w: (typeof W)[Lang]): string {
  if (!v.captcha) return '';
  return (
    `<div class="captcha"><img src="${esc(v.captcha.image)}" alt="${esc(w.captchaAlt)}" width="120" height="40">` +
    `<button type="submit" name="refreshCaptcha" value="1" class="link" formnovalidate>${esc(w.newImage)}</button></div>` +
    `<input type="hidden" name="captchaToken" value="${esc(v.captcha.token)}">` +
    input('captchaCode', w.captcha, 'text', '', ' autocomplete="off" autocapitalize="none" spellcheck="false" required autofocus')
  );
}

function passwordForm(v: LoginView, t: (typeof T)[Lang], w: (typeof W)[Lang]): string {
  const focusAccount = !v.captcha && !v.values.account ? ' autofocus' : '';
  const focusPassword = !v.captcha && v.values.account ? ' autofocus' : '';
  return (
    `<form method="post" action="${esc(v.action('login'))}" novalidate>` +
    `<input type="hidden" name="method" value="password">` +
    input('account', t.account, 'text', v.values.account ?? '', ` autocomplete="username" autocapitalize="none" spellcheck="false" required${focusAccount}`) +
    input('password', t.password, 'password', '', ` autocomplete="current-password" required${focusPassword}`) +
    captchaBlock(v, w) +
    `<button type="submit">${esc(t.submit)}</button></form>`
  );
}

function codeForm(v: LoginView, kind: 'sms' | 'email', t: (typeof T)[Lang], w: (typeof W)[Lang]): string {
  const field = kind === 'sms' ? 'phone' : 'email';
  const value = v.values[field] ?? '';
  const sent = v.values.codeSent === '1';
  const send =
    `<form method="post" action="${esc(v.action('send-code'))}" novalidate>` +
    `<input type="hidden" name="channel" value="${kind}">` +
    input(field, kind === 'sms' ? w.phone : w.email, kind === 'sms' ? 'tel' : 'email', value, ` autocomplete="${kind === 'sms' ? 'tel' : 'email'}" required${sent || v.captcha ? '' : ' autofocus'}`) +
    (sent ? '' : captchaBlock(v, w)) +
    `<button type="submit"${sent ? ' class="secondary"' : ''}>${esc(sent ? w.resend : w.sendCode)}</button></form>`;
  if (!sent) return send;
  return (
    send +
    `<form method="post" action="${esc(v.action('login'))}" novalidate>` +
    `<input type="hidden" name="method" value="passcode"><input type="hidden" name="${field}" value="${esc(value)}">` +
    input('passCode', w.code, 'text', '', ` inputmode="numeric" autocomplete="one-time-code" required${v.captcha ? '' : ' autofocus'}`) +
    captchaBlock(v, w) +
    `<button type="submit">${esc(t.submit)}</button></form>`
  );
}

function methodForm(v: LoginView, d: MethodDescription, t: (typeof T)[Lang], w: (typeof W)[Lang]): string {
  const fields = d.fields
    .map((f) =>
      input(f.name, f.label[v.lang], f.type === 'code' ? 'text' : f.type, f.type === 'password' || f.type === 'code' ? '' : (v.values[f.name] ?? ''), `${f.autocomplete ? ` autocomplete="${esc(f.autocomplete)}"` : ''} required`),
    )
    .join('');
  return `<form method="post" action="${esc(v.action('login'))}" novalidate><input type="hidden" name="method" value="${esc(d.id)}">${fields}${captchaBlock(v, w)}<button type="submit">${esc(t.submit)}</button></form>`;
}

export function renderLoginPage(v: LoginView): string {
  const t = T[v.lang];
  const w = W[v.lang];
  const tabLabel = (tab: HostedTab) => ('description' in tab ? tab.description.label[v.lang] : w.tabs[tab.id]!);
  const nav =
    v.tabs.length > 1
      ? `<nav aria-label="${esc(w.waysIn)}" class="tabs">${v.tabs
          .map((tab) => `<a href="${esc(`${v.action('')}?tab=${encodeURIComponent(tab.id)}`)}"${tab.id === v.current ? ' aria-current="page"' : ''}>${esc(tabLabel(tab))}</a>`)
          .join('')}</nav>`
      : '';
  const tab = v.tabs.find((x) => x.id === v.current) ?? v.tabs[0]!;
  const form = 'description' in tab ? methodForm(v, tab.description, t, w) : tab.id === 'password' ? passwordForm(v, t, w) : codeForm(v, tab.id, t, w);
  return layout(
    v.lang,
    t.signIn,
    `<h1>${esc(t.signIn)}</h1><p>${esc(t.signInTo(v.appName))}</p>${nav}` +
      (v.error ? `<p role="alert" class="error" id="form-error">${esc(v.error)}</p>` : '') +
      (v.info ? `<p role="status" class="info">${esc(v.info)}</p>` : '') +
      form +
      `<form method="post" action="${esc(v.action('abort'))}"><button type="submit" class="secondary">${esc(t.cancel)}</button></form>`,
  );
}
