import type { FastifyInstance } from 'fastify';
import { pickLang } from '../../../oidc/pages.js';
import { VERSION } from '../../../utils/version.js';
import { firstStartUrls } from '../../../services/bootstrap.js';
import { landingPage } from './page.js';

/** GET /: the landing page, in the browser's language (English or Simplified Chinese). */
export async function landingRoutes(app: FastifyInstance): Promise<void> {
  const consoleUrl = firstStartUrls(app.gh.config.publicUrl).console;
  app.get('/', { schema: { tags: ['operations'], summary: 'Landing page (HTML): version and where to go next' } }, async (req, reply) => {
    reply
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
      .header('vary', 'accept-language')
      .type('text/html; charset=utf-8');
    return landingPage(pickLang(req.headers['accept-language']), { version: VERSION, consoleUrl });
  });
}
