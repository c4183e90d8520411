import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';

/**
 * Target of the email-verification link sent on registration (issue #5): GET /email/verify.
 * A browser opens it, so it answers a small HTML page with a real HTTP status. The token is
 * single use; the page says the same for an unknown, used or expired one.
 */
const Query = Type.Object({ pool: Type.String({ minLength: 1, maxLength: 64 }), token: Type.String({ minLength: 1, maxLength: 128 }) });

const page = (title: string, body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:sans-serif;max-width:32rem;margin:4rem auto"><h1>${title}</h1><p>${body}</p></body></html>`;

export async function emailVerificationRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: Static<typeof Query> }>('/email/verify', { schema: { tags: ['passcodes'], summary: 'Confirm an email address from the link in the verification mail', querystring: Query } }, async (req, reply) => {
    const ok = await app.gh.passcodes.registrationMails.verify(req.query.pool, req.query.token);
    reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    if (ok) return reply.code(200).send(page('Email verified', 'Your email address is confirmed. You can close this page.'));
    return reply.code(400).send(page('Link not valid', 'This verification link is invalid, expired or already used.'));
  });
}
