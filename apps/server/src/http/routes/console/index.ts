import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { encodingFor } from '../login-ui/assets.js';
import { esc } from '../../../oidc/pages.js';
import { consoleBuild } from './assets.js';

/**
 * The admin console (docs/console.md): `/console` and every path under it answer with the
 * single-page app's shell (its own router takes over), hashed files under `/console/assets/`,
 * and `/console/config.json` telling the app where to sign its administrator in. The shell is
 * served without a session: the app starts the sign-in itself (authorization code + PKCE).
 */
export async function consoleUiRoutes(app: FastifyInstance): Promise<void> {
  const { console: consoleGraph } = app.gh;

  app.get<{ Params: { '*': string } }>('/console/assets/*', async (req, reply) => {
    const a = consoleBuild().assets.get(`assets/${req.params['*']}`);
    if (!a) return reply.code(404).type('text/plain').send('not found');
    reply.header('content-type', a.type).header('etag', a.etag).header('vary', 'accept-encoding').header('cache-control', 'public, max-age=31536000, immutable');
    if (req.headers['if-none-match'] === a.etag) return reply.code(304).send();
    const enc = encodingFor(req.headers['accept-encoding'] as string | undefined);
    if (enc) reply.header('content-encoding', enc);
    return reply.send(enc === 'br' ? a.br : enc === 'gzip' ? a.gzip : a.body);
  });

  app.get('/console/config.json', async (_req, reply) => {
    const s = await consoleGraph.administrators.ensureSystem();
    return reply.header('cache-control', 'no-store').send({ issuer: s.issuer, clientId: s.appId, redirectUri: s.redirectUri, logoutUri: s.logoutUri, poolId: s.poolId });
  });

  const shell = async (_req: FastifyRequest, reply: FastifyReply) => {
    const build = consoleBuild();
    reply.headers({
      // Scripts and styles from this origin only; Mantine sets style attributes and one <style> of CSS variables.
      // Frames: only this origin's login page preview (/login/preview, docs/branding.md "Live preview").
      'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; connect-src 'self'; font-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
      'content-type': 'text/html; charset=utf-8',
    });
    if (!build.entry) return reply.code(503).send('<!doctype html><meta charset="utf-8"><title>Gatehouse console</title><p>The console is not built. Run <code>npm run build:console</code> (or <code>npm install</code>) and restart.</p>');
    const css = build.entry.css.map((c) => `<link rel="stylesheet" href="/console/${esc(c)}">`).join('');
    return reply.send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Gatehouse console</title><link rel="icon" href="data:,">${css}<script type="module" src="/console/${esc(build.entry.js)}"></script></head><body><div id="root"></div><noscript>The Gatehouse console needs JavaScript.</noscript></body></html>`,
    );
  };
  app.get('/console', shell);
  app.get('/console/*', shell);
}
