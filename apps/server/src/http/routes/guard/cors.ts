import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../../errors/app-error.js';
import type { ApplicationDto } from '../../../services/applications/types.js';
import { webOrigins } from '../login-flow/origins.js';

/**
 * CORS for the Authing Guard surface. Guard names its application in a header
 * (`x-authing-app-id`), which a preflight does not carry, so the preflight cannot be answered per
 * application: it is answered for any origin, and the real request is checked against the app's
 * web origins (the origins of its redirect URIs) *before anything is done*. A page of another
 * origin therefore can neither read an answer nor cause a sign-in, a registration or a message.
 * This does not protect against a non-browser client, which sends any Origin it likes — the
 * same holds for every public client, and the lockout and quotas are what limit those.
 */
export const GUARD_HEADERS = 'content-type, x-authing-app-id, x-authing-userpool-id, x-authing-request-from, x-authing-sdk-version, x-authing-lang, x-authing-app-tenant-id, x-authing-guard-version, x-authing-sdk-type, authorization';

export function answerPreflight(req: FastifyRequest, reply: FastifyReply) {
  const origin = req.headers.origin;
  if (typeof origin !== 'string' || origin === '') return reply.code(204).send();
  reply.header('access-control-allow-origin', origin);
  reply.header('access-control-allow-credentials', 'true');
  reply.header('access-control-allow-methods', 'GET, POST');
  reply.header('access-control-allow-headers', GUARD_HEADERS);
  reply.header('access-control-max-age', '600');
  reply.header('vary', 'Origin');
  return reply.code(204).send();
}

/** Refuses a browser call from an origin the app does not list; allows it to read the answer otherwise. */
export function checkOrigin(req: FastifyRequest, reply: FastifyReply, app: Pick<ApplicationDto, 'redirectUris' | 'logoutRedirectUris'>, self: string) {
  const origin = req.headers.origin;
  if (typeof origin !== 'string' || origin === '' || origin === self) return;
  if (!webOrigins(app).has(origin)) throw new AppError('login.origin_not_allowed', { params: { origin: origin.slice(0, 200) } });
  reply.header('access-control-allow-origin', origin);
  reply.header('access-control-allow-credentials', 'true');
  reply.header('vary', 'Origin');
}
