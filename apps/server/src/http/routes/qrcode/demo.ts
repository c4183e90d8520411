import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { demoPage } from './demo-page.js';
import { pickLang } from '../../../oidc/pages.js';

/** GET /demo/qrcode[?appId=…]: the QR-login demo (docs/qrcode.md). Strict CSP with a per-response nonce. */
const Query = Type.Object({ appId: Type.Optional(Type.String({ maxLength: 128, pattern: '^[A-Za-z0-9_-]*$' })) });

export async function qrDemoRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: Static<typeof Query> }>('/demo/qrcode', { schema: { tags: ['qrcode'], summary: 'QR-code login demo page', querystring: Query } }, async (req, reply) => {
    const nonce = randomBytes(16).toString('base64');
    reply
      .header('content-security-policy', `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`)
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .type('text/html; charset=utf-8');
    return demoPage({ appId: req.query.appId ?? '', nonce, lang: pickLang(req.headers['accept-language']) });
  });
}
