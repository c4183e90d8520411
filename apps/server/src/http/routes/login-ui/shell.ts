import { randomBytes } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { esc } from '../../../oidc/pages.js';
import { loginBuild } from './assets.js';

/**
 * The HTML document of the hosted login (`/interaction/:uid`, `/login`, `/demo/login-element`):
 * the built app's script and styles, the page's boot data as a JSON data block (not executed,
 * so CSP allows it without `unsafe-inline`), the sanitised custom CSS under a per-response
 * nonce, and a server-rendered fallback that works without JavaScript (the app replaces it).
 *
 * CSP: scripts only from this origin (no inline script at all); styles from this origin plus the
 * nonce'd custom CSS; images from this origin, https and data: (logos, backgrounds, captcha);
 * `frame-ancestors` from the application's setting (none by default); `frame-src` only where the
 * page frames a vendor's QR page (an embedded DingTalk / WeCom connection), naming that origin. Form targets stay open to
 * the app's callback because a completed interaction redirects there after the POST.
 */
export interface ShellView {
  lang: string;
  title: string;
  boot: Record<string, unknown>;
  fallback: string;
  css?: string;
  favicon?: string;
  frameAncestors?: readonly string[];
  /** Origins the page frames (a vendor QR page of an embedded connection): CSP `frame-src`, none by default. */
  frameSrc?: readonly string[];
  /** Script to load instead of the login app (the element demo page). */
  script?: string;
}

const json = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

export function sendShell(reply: FastifyReply, status: number, v: ShellView) {
  const nonce = randomBytes(16).toString('base64');
  const build = loginBuild();
  const scripts = v.script ? [v.script] : build.entry ? [`/login/${build.entry.js}`] : [];
  const styles = build.entry ? build.entry.css.map((c) => `/login/${c}`) : [];
  const ancestors = v.frameAncestors?.length ? v.frameAncestors.join(' ') : "'none'";
  reply.headers({
    'content-security-policy': [
      "default-src 'none'",
      "script-src 'self'",
      `style-src 'self' 'nonce-${nonce}'`,
      "img-src 'self' https: data:",
      "connect-src 'self'",
      "font-src 'self' https: data:",
      "form-action 'self' https: http:",
      `frame-ancestors ${ancestors}`,
      // Only a page that shows a vendor's framed QR page may frame, and only that vendor's origin.
      ...(v.frameSrc?.length ? [`frame-src ${[...new Set(v.frameSrc)].join(' ')}`] : []),
      "base-uri 'none'",
    ].join('; '),
    ...(v.frameAncestors?.length ? {} : { 'x-frame-options': 'DENY' }),
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  });
  const html =
    `<!doctype html><html lang="${esc(v.lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">` +
    `<title>${esc(v.title)}</title>` +
    (v.favicon ? `<link rel="icon" href="${esc(v.favicon)}">` : '') +
    styles.map((s) => `<link rel="stylesheet" href="${esc(s)}">`).join('') +
    (v.css ? `<style nonce="${nonce}" id="gh-custom-css">${v.css.replace(/</g, '')}</style>` : '') +
    scripts.map((s) => `<script type="module" src="${esc(s)}"></script>`).join('') +
    `</head><body><div id="gh-login" class="gh-login"><main class="gh-card gh-fallback">${v.fallback}</main></div>` +
    `<script type="application/json" id="gh-boot">${json(v.boot)}</script></body></html>`;
  return reply.code(status).type('text/html; charset=utf-8').send(html);
}
