import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { renderMessage } from '@gatehouse/contracts';
import { isAppError, type AppError } from '../../../errors/app-error.js';
import { esc, layout, PAGE_HEADERS, pickLang, T } from '../../../oidc/pages.js';
import type { BrowserCookie, PostForm } from '../../../services/saml-idp/service.js';

/**
 * Pages of the SAML and CAS endpoints: the auto-submitting form that carries a SAML message to a
 * registered address (SAML Bindings §3.5.4), and the error page for everything that must not go
 * anywhere (unknown SP, unregistered ACS or service, bad message) — never a redirect or a POST.
 */
const AUTO_SUBMIT = 'document.getElementById("gh-saml").submit();';
const AUTO_SUBMIT_HASH = createHash('sha256').update(AUTO_SUBMIT).digest('base64');

const TEXT = {
  en: { continue: 'Continue', posting: 'Signing you in…', noscript: 'JavaScript is off: press Continue to go on.', loggedOut: 'You have signed out.', partial: 'You have signed out here; some applications could not confirm it.', signedIn: 'You are signed in.', signedOutTitle: 'Signed out', signedInTitle: 'Signed in' },
  zh: { continue: '继续', posting: '正在登录…', noscript: '浏览器未启用 JavaScript，请点击“继续”。', loggedOut: '你已退出登录。', partial: '你已在此退出登录，部分应用未能确认退出。', signedIn: '你已登录。', signedOutTitle: '已退出', signedInTitle: '已登录' },
} as const;

const langOf = (req: FastifyRequest) => pickLang(req.headers['accept-language']);

function html(reply: FastifyReply, status: number, body: string, csp?: string) {
  reply.headers(PAGE_HEADERS);
  if (csp) reply.header('content-security-policy', csp);
  return reply.code(status).type('text/html; charset=utf-8').send(body);
}

export function postPage(req: FastifyRequest, reply: FastifyReply, form: PostForm) {
  const t = TEXT[langOf(req)];
  const inputs = Object.entries(form.fields)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('');
  const body = layout(langOf(req), t.posting, `<h1>${esc(t.posting)}</h1><form id="gh-saml" method="post" action="${esc(form.action)}">${inputs}<noscript><p>${esc(t.noscript)}</p></noscript><button type="submit">${esc(t.continue)}</button></form><script>${AUTO_SUBMIT}</script>`);
  // The inline script is allowed by its hash only; the form posts to a registered address.
  return html(reply, 200, body, `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${AUTO_SUBMIT_HASH}'; frame-ancestors 'none'; base-uri 'none'`);
}

export function errorPage(req: FastifyRequest, reply: FastifyReply, err: AppError) {
  const lang = langOf(req);
  const message = renderMessage(err.code, lang, err.params);
  req.log.info({ code: err.code, cause: err.cause instanceof Error ? err.cause.message : undefined }, 'sso request refused');
  return html(reply, err.status, layout(lang, T[lang].errorTitle, `<h1>${esc(T[lang].errorTitle)}</h1><p role="alert" class="error">${esc(message)}</p><p class="hint"><code>${esc(err.apiCode)}</code></p>`));
}

export function messagePage(req: FastifyRequest, reply: FastifyReply, kind: 'loggedOut' | 'partial' | 'signedIn') {
  const lang = langOf(req);
  const t = TEXT[lang];
  const title = kind === 'signedIn' ? t.signedInTitle : t.signedOutTitle;
  return html(reply, 200, layout(lang, title, `<h1>${esc(title)}</h1><p>${esc(t[kind])}</p>`));
}

/** 303 (RFC 9110 §15.4.4) so a POST-binding request continues as a GET. */
export const redirect = (reply: FastifyReply, url: string) => reply.header('cache-control', 'no-store').redirect(url, 303);

export function setCookie(reply: FastifyReply, c: BrowserCookie, secure: boolean) {
  reply.header('set-cookie', `${c.name}=${c.value}; Path=${c.path}; Max-Age=${c.maxAgeSeconds}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`);
}
export function clearCookie(reply: FastifyReply, name: string, path: string, secure: boolean) {
  reply.header('set-cookie', `${name}=; Path=${path}; Max-Age=0; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`);
}
export function readCookie(req: FastifyRequest, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/** Runs a handler; a catalogued refusal becomes the error page, anything else a logged 500 page. */
export async function guarded(req: FastifyRequest, reply: FastifyReply, fn: () => Promise<unknown>) {
  try {
    return await fn();
  } catch (err) {
    if (isAppError(err)) return errorPage(req, reply, err);
    req.log.error({ err }, 'sso request failed');
    const lang = langOf(req);
    return html(reply, 500, layout(lang, T[lang].errorTitle, `<h1>${esc(T[lang].errorTitle)}</h1><p role="alert" class="error">${esc(T[lang].errorLead)}</p>`));
  }
}
