import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { renderMessage } from '@gatehouse/contracts';
import { toAppError } from '../../../errors/to-app-error.js';
import { langOf } from '../../plugins/i18n.js';

/**
 * The seed's body shape for `/api/qrcode/*` (and `/api/v2/qrcode/*`, which authing-js-sdk's
 * HttpClient reads the same way): `{ code, message, data }` with `code: 200` on success
 * (seeds/001_a3c36f13b3a5cb98.txt, "List of complete interfaces for APP code scanning login").
 * Errors keep HTTP 200 like every `/api/*` surface, with `code` = the catalogued apiCode (the
 * js-sdk's onError example: `{"code": 2241, "message": "二维码不存在"}`) plus `statusCode` and
 * `apiCode` so clients of the V3 envelope read them too.
 */
export const seedOk = <T>(req: FastifyRequest, data: T, message = '') => ({ code: 200, message, requestId: req.id, data });

/** Installs the seed error shape for the routes of one encapsulated plugin. */
export function registerSeedErrors(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const e = toAppError(err);
    if (e.status >= 500) req.log.error({ err, code: e.code }, 'request failed');
    else req.log.info({ code: e.code, apiCode: e.apiCode }, 'request refused');
    let message = renderMessage(e.code, req.lang ?? langOf(req), e.params);
    if (e.details?.length) message += ` ${e.details.map((d) => `${d.path}: ${d.message}`).join('; ')}`;
    return reply.code(200).send({ code: e.apiCode, statusCode: e.status, apiCode: e.apiCode, message, requestId: req.id, data: null });
  });
}
