import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { renderMessage } from '@gatehouse/contracts';
import { AppError } from '../../errors/app-error.js';
import { toAppError } from '../../errors/to-app-error.js';
import { langOf } from './i18n.js';
import { drainRequest } from './drain.js';

/** A refused body is read to the end (then discarded) up to this many bytes and milliseconds. */
const DRAIN_MAX_BYTES = 64 * 1024 * 1024;
const DRAIN_MAX_MS = 15_000;

/** `/api/*` speaks the vendor envelope (HTTP 200, error in the body); everything else real HTTP statuses. */
const isCompatSurface = (url: string) => url.startsWith('/api/');

export function renderError(req: FastifyRequest, reply: FastifyReply, appErr: AppError) {
  const lang = req.lang ?? langOf(req);
  let message = renderMessage(appErr.code, lang, appErr.params);
  if (appErr.details?.length) message += ` ${appErr.details.map((d) => `${d.path}: ${d.message}`).join('; ')}`;
  // The Authing Guard surface (routes/guard) reads the v2 envelope: `code` is 200 or the apiCode.
  if (req.routeOptions?.config?.envelope === 'v2') {
    return reply.code(200).send({ code: appErr.apiCode, statusCode: appErr.status, apiCode: appErr.apiCode, message, requestId: req.id, data: appErr.data ?? null });
  }
  if (isCompatSurface(req.url)) {
    return reply.code(200).send({ statusCode: appErr.status, message, apiCode: appErr.apiCode, requestId: req.id, data: appErr.data ?? null });
  }
  return reply.code(appErr.status).send({
    statusCode: appErr.status,
    error: appErr.code,
    apiCode: appErr.apiCode,
    message,
    requestId: req.id,
    ...(appErr.details ? { details: appErr.details } : {}),
    // Client-safe placeholder values (catalog rule), so a page can word the message itself.
    ...(appErr.params ? { params: appErr.params } : {}),
    ...(appErr.data ? { data: appErr.data } : {}),
  });
}

/**
 * One error handler for the whole app: every failure becomes a catalogued error. Clients get
 * the safe message; the log gets the code and the cause (5xx with the stack).
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(async (err: FastifyError, req, reply) => {
    const appErr = toAppError(err);
    // A body refused before it was read (size, content type): read the rest first, so the client
    // that is still sending gets this answer instead of a reset connection.
    await drainRequest(req.raw, DRAIN_MAX_BYTES, DRAIN_MAX_MS);
    // Fastify marks a refused body `connection: close` because more data might follow; once it is
    // all read the connection is clean and may serve the client's next request.
    if (req.raw.complete && reply.getHeader('connection') === 'close') reply.removeHeader('connection');
    if (appErr.status >= 500) req.log.error({ err, code: appErr.code }, 'request failed');
    else req.log.info({ code: appErr.code, apiCode: appErr.apiCode, cause: appErr.cause instanceof Error ? appErr.cause.message : undefined }, 'request refused');
    return renderError(req, reply, appErr);
  });
  app.setNotFoundHandler(async (req, reply) => {
    await drainRequest(req.raw, DRAIN_MAX_BYTES, DRAIN_MAX_MS);
    return renderError(req, reply, new AppError('request.route_not_found'));
  });
}
