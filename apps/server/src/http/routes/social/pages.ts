import { randomBytes } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { esc, layout, T, type Lang } from '../../../oidc/pages.js';
import type { LinkResult, PopupResult } from '../../../flows/social/round-trip.js';

/**
 * The pages that end a round trip to an identity provider. Scripts run only with the page's
 * nonce (CSP). `form-action` also governs the redirects after a form post (Chrome): the
 * completion post ends at the relying party's redirect URI, so http(s) targets are allowed as on
 * the hosted login; the forms themselves post to this origin only.
 */
function send(reply: FastifyReply, status: number, html: string, nonce?: string) {
  return reply
    .code(status)
    .headers({
      'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; ${nonce ? `script-src 'nonce-${nonce}'; ` : ''}form-action 'self' https: http:; frame-ancestors 'none'; base-uri 'none'`,
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    })
    .type('text/html; charset=utf-8')
    .send(html);
}

/** A refusal, with a way back to where the sign-in started when there is one. */
export function errorPage(reply: FastifyReply, lang: Lang, status: number, message: string, code: string, back?: string) {
  const t = T[lang];
  const link = back ? `<p><a href="${esc(back)}">${lang === 'zh' ? '返回登录' : 'Back to sign in'}</a></p>` : '';
  return send(reply, status, layout(lang, t.errorTitle, `<h1>${esc(t.errorTitle)}</h1><p role="alert" class="error">${esc(message)}</p><p class="hint"><code>${esc(code)}</code></p>${link}`));
}

/**
 * The popup's end (authing-js-sdk `social.authorize()`): posts the vendor's message to the
 * window that opened it, then closes. The message holds tokens, so it is posted only to the
 * application's own web origins (its redirect URIs) — never `*` — so a foreign page that opened
 * the popup receives nothing.
 */
export function popupPage(reply: FastifyReply, lang: Lang, result: PopupResult | LinkResult, origins: string[], eventType: 'socialLogin' | 'linkExtIdp' = 'socialLogin') {
  const nonce = randomBytes(16).toString('base64');
  const message = { code: result.code, message: result.message, ...(result.apiCode ? { apiCode: result.apiCode } : {}), data: result.data, event: { source: 'authing', eventType } };
  const script = postToOpener(message, origins);
  const done = eventType === 'linkExtIdp' ? (lang === 'zh' ? '绑定成功，可以关闭此窗口。' : 'Account linked. You can close this window.') : lang === 'zh' ? '登录成功，可以关闭此窗口。' : 'Signed in. You can close this window.';
  const text = result.code === 200 ? done : esc(result.message);
  return send(reply, result.code === 200 ? 200 : 400, layout(lang, T[lang].signIn, `<p data-code="${result.code}">${text}</p><script nonce="${nonce}">${script}</script>`), nonce);
}

/**
 * The script that hands `message` to the window that opened this one and closes it. `postMessage`
 * with an exact target origin (HTML, "Web messaging"): a window at any other origin receives
 * nothing, so a foreign page that opened the popup learns nothing. JSON inside a script: `<` is
 * escaped so no value can close the script element.
 */
function postToOpener(message: unknown, origins: string[]): string {
  const json = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');
  return `(function(){var m=${json(message)};var o=${json(origins)};if(window.opener){for(var i=0;i<o.length;i++){try{window.opener.postMessage(m,o[i]);}catch(e){}}window.close();}})();`;
}

/**
 * The popup's end for the embeddable element `<gatehouse-login>` (a standalone login-UI flow,
 * docs/login-ui.md "Connections in the element"): the flow's outcome — its tokens, or the step
 * (MFA …) the element shows next with the flow handle it already holds — or the refusal's code,
 * posted only to the origin that started the flow. The flow handle itself is never in the message.
 */
export function elementFlowPage(reply: FastifyReply, lang: Lang, body: { outcome: { status: string } } | { error: { code: string } }, origin: string, refusal = '') {
  const nonce = randomBytes(16).toString('base64');
  const zh = lang === 'zh';
  const text = 'error' in body ? refusal : body.outcome.status === 'step' ? (zh ? '请回到登录窗口完成下一步。' : 'Go back to the sign-in window to finish the next step.') : zh ? '登录成功，可以关闭此窗口。' : 'Signed in. You can close this window.';
  const script = postToOpener({ event: { source: 'gatehouse', eventType: 'loginFlow' }, ...body }, [origin]);
  const p = 'error' in body ? `<p role="alert" class="error">${esc(text)}</p>` : `<p>${esc(text)}</p>`;
  return send(reply, 'error' in body ? 400 : 200, layout(lang, T[lang].signIn, `${p}<script nonce="${nonce}">${script}</script>`), nonce);
}

/** Hands the finished sign-in to the hosted login's completion action (a same-origin POST, so the interaction cookie goes with it). */
export function continuePage(reply: FastifyReply, lang: Lang, action: string, fields: Record<string, string>) {
  const nonce = randomBytes(16).toString('base64');
  const inputs = Object.entries(fields).map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`).join('');
  const label = lang === 'zh' ? '继续' : 'Continue';
  return send(reply, 200, layout(lang, T[lang].signIn, `<form id="continue" method="post" action="${esc(action)}">${inputs}<button type="submit">${label}</button></form><script nonce="${nonce}">document.getElementById('continue').submit();</script>`), nonce);
}

/**
 * The hosted link confirmation (docs/identity-providers.md "Linking"): names the account the
 * external one will be linked to, and posts the ticket back with an anti-forgery value that
 * must match the SameSite cookie set with this page — so a link can only start from this page
 * in the user's own browser, never from a form another site submits with its own ticket.
 */
export function linkConfirmPage(reply: FastifyReply, lang: Lang, v: { action: string; ticket: string; csrf: string; account: string; connection: string }) {
  const zh = lang === 'zh';
  const title = zh ? `绑定${v.connection}账号` : `Link your ${v.connection} account`;
  const lead = zh ? `将${v.connection}账号绑定到 ${v.account}。之后可以用它登录此账号。` : `Link a ${v.connection} account to ${v.account}. You will be able to sign in to this account with it.`;
  const button = zh ? `继续前往${v.connection}` : `Continue to ${v.connection}`;
  const form = `<form method="post" action="${esc(v.action)}"><input type="hidden" name="ticket" value="${esc(v.ticket)}"><input type="hidden" name="csrf" value="${esc(v.csrf)}"><button type="submit">${esc(button)}</button></form>`;
  return send(reply, 200, layout(lang, title, `<h1>${esc(title)}</h1><p>${esc(lead)}</p>${form}<p class="hint">${zh ? '如果不是你本人发起的，请关闭此页面。' : 'If you did not ask for this, close this page.'}</p>`));
}
