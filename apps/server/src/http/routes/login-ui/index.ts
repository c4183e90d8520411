import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { esc } from '../../../oidc/pages.js';
import { encodingFor, loginBuild, type Asset } from './assets.js';
import { fallbackLang, uiLang } from './lang.js';
import { sendShell } from './shell.js';

/**
 * The login UI's own routes: its built files, `/login` (an application's entry to the hosted
 * login) and the embeddable element's demo page. The hosted login itself is served inside OIDC
 * interactions (routes/interaction), the JSON API by routes/login-flow.
 */
export async function loginUiRoutes(app: FastifyInstance): Promise<void> {
  const { services, oidc, config } = app.gh;

  const send = (req: FastifyRequest, reply: FastifyReply, a: Asset, immutable: boolean) => {
    reply.header('content-type', a.type);
    reply.header('etag', a.etag);
    reply.header('vary', 'accept-encoding');
    reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=300');
    // The element is loaded by other sites' pages.
    reply.header('cross-origin-resource-policy', 'cross-origin');
    reply.header('access-control-allow-origin', '*');
    if (req.headers['if-none-match'] === a.etag) return reply.code(304).send();
    const enc = encodingFor(req.headers['accept-encoding'] as string | undefined);
    if (enc) reply.header('content-encoding', enc);
    return reply.send(enc === 'br' ? a.br : enc === 'gzip' ? a.gzip : a.body);
  };

  app.get<{ Params: { '*': string } }>('/login/assets/*', async (req, reply) => {
    const a = loginBuild().assets.get(`assets/${req.params['*']}`);
    if (!a) return reply.code(404).type('text/plain').send('not found');
    return send(req, reply, a, true);
  });

  app.get('/login/element/gatehouse-login.js', async (req, reply) => {
    const a = loginBuild().element;
    if (!a) return reply.code(404).type('text/plain').send('the element is not built: run npm install (or npm run build:login)');
    return send(req, reply, a, false);
  });

  /**
   * An application's entry to the hosted login (`/login?app_id=…`, the vendor's hosted login
   * URL): an authorization request for that app to its registered callback (`redirect_uri`
   * when given and registered, else its first), which shows the login page when there is no
   * SSO session. Apps that check `state` (they should) start at the authorization endpoint
   * themselves; this entry serves links and bookmarks.
   */
  const entry = async (req: FastifyRequest<{ Querystring: { app_id?: string; redirect_uri?: string }; Params: { poolId?: string } }>, reply: FastifyReply) => {
    const appId = typeof req.query.app_id === 'string' ? req.query.app_id : undefined;
    let found: { poolId: string; app: { appId: string; redirectUris: string[] } } | null = null;
    if (appId) found = await services.applications.findClient(appId);
    else {
      const poolId = req.params.poolId ?? (await oidc.defaultPoolId());
      const first = poolId ? (await services.applications.list(poolId, { page: 1, limit: 1 })).list[0] : undefined;
      if (poolId && first) found = { poolId, app: first };
    }
    if (!found || (req.params.poolId && req.params.poolId !== found.poolId)) return reply.code(404).type('text/html; charset=utf-8').send(simplePage('Application not found', 'No application has this id.'));
    const redirect = typeof req.query.redirect_uri === 'string' && found.app.redirectUris.includes(req.query.redirect_uri) ? req.query.redirect_uri : found.app.redirectUris[0];
    if (!redirect) return reply.code(400).type('text/html; charset=utf-8').send(simplePage('No callback', 'This application has no sign-in callback (redirect URI) registered.'));
    const issuer = (await oidc.defaultPoolId()) === found.poolId ? `${config.publicUrl}/oidc` : `${config.publicUrl}/pools/${encodeURIComponent(found.poolId)}/oidc`;
    const u = new URL(`${issuer}/auth`);
    u.searchParams.set('client_id', found.app.appId);
    u.searchParams.set('redirect_uri', redirect);
    u.searchParams.set('response_type', 'code');
    u.searchParams.set('scope', 'openid profile');
    for (const k of ['ui_locales', 'login_hint'] as const) {
      const v = (req.query as Record<string, unknown>)[k];
      if (typeof v === 'string' && v.length < 256) u.searchParams.set(k, v);
    }
    return reply.code(302).header('cache-control', 'no-store').redirect(u.toString());
  };
  app.get('/login', entry);
  app.get('/pools/:poolId/login', entry);

  /**
   * The login page of an application as a preview (`/login/preview?app_id=…`), for the console's
   * live branding preview (docs/branding.md "Live preview"): the page as the app's visitors see
   * it, with its saved branding, but no sign-in flow behind it. Only Gatehouse's own pages may
   * frame it (`frame-ancestors 'self'`); the console then sends unsaved branding, which the
   * server has checked and sanitised, by postMessage from the same origin (apps/login/src/preview.ts).
   * It shows nothing that the app's public login page does not.
   */
  app.get<{ Querystring: { app_id?: string; ui_locales?: string } }>('/login/preview', async (req, reply) => {
    const appId = typeof req.query.app_id === 'string' ? req.query.app_id : '';
    const found = appId ? await services.applications.findClient(appId) : null;
    if (!found) return reply.code(404).type('text/html; charset=utf-8').send(simplePage('Application not found', 'No application has this id.'));
    const branding = await app.gh.branding.resolve(found.poolId, appId);
    const lang = uiLang({ uiLocales: req.query.ui_locales, acceptLanguage: req.headers['accept-language'], defaultLanguage: branding.defaultLanguage });
    const config = await app.gh.loginUi.config(found.poolId, appId, branding);
    return sendShell(reply, 200, {
      lang,
      title: fallbackLang(lang) === 'zh' ? '登录页预览' : 'Login page preview',
      css: branding.css,
      favicon: branding.favicon,
      frameAncestors: ["'self'"],
      fallback: `<p>${esc(fallbackLang(lang) === 'zh' ? '登录页预览需要 JavaScript。' : 'The login page preview needs JavaScript.')}</p>`,
      boot: { mode: 'preview', screen: 'login', lang, apiBase: `/login/api/apps/${encodeURIComponent(appId)}`, config },
    });
  });

  /** The element on a page of Gatehouse's own origin (`?app_id=`); the script prints the `login` event. */
  app.get<{ Querystring: { app_id?: string; mode?: string } }>('/demo/login-element', async (req, reply) => {
    const appId = typeof req.query.app_id === 'string' ? req.query.app_id : '';
    const mode = req.query.mode === 'modal' ? 'modal' : 'inline';
    return sendShell(reply, 200, {
      lang: 'en',
      title: 'Gatehouse login element demo',
      script: '/demo/login-element/demo.js',
      boot: {},
      fallback:
        `<h1>&lt;gatehouse-login&gt;</h1><p>The embeddable login element, signing in to application <code>${esc(appId || '(add ?app_id=…)')}</code>.</p>` +
        `<gatehouse-login app-id="${esc(appId)}" host="${esc(config.publicUrl)}" mode="${mode}"></gatehouse-login>` +
        `<h2>Events</h2><pre id="events" aria-live="polite"></pre>`,
    });
  });

  app.get('/demo/login-element/demo.js', async (_req, reply) => {
    reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'no-store');
    return reply.send(DEMO_JS);
  });
}

const simplePage = (title: string, text: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title></head><body><h1>${esc(title)}</h1><p>${esc(text)}</p></body></html>`;

/** The demo page's script: loads the element and prints its events (never the token values). */
const DEMO_JS = `import '/login/element/gatehouse-login.js';
const out = document.getElementById('events');
for (const name of ['login', 'register', 'error', 'close']) {
  document.addEventListener(name, (e) => {
    if (!(e.target instanceof HTMLElement) || e.target.localName !== 'gatehouse-login') return;
    const d = e.detail || {};
    const shown = name === 'login' || name === 'register' ? { userId: d.userId, token_type: d.tokens && d.tokens.token_type, expires_in: d.tokens && d.tokens.expire_in } : d;
    out.textContent += name + ' ' + JSON.stringify(shown) + '\\n';
  });
}
`;
