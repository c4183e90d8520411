import type { FastifyRequest } from 'fastify';

/**
 * The `/api/v3` success envelope (design.md §1): HTTP 200 and `statusCode: 200`. The vendor
 * clients resolve on this shape and their users check `statusCode`, so it stays exactly so.
 */
export function envelope<T>(req: FastifyRequest, data: T) {
  return { statusCode: 200, message: '', requestId: req.id, data };
}

/** Reference `IsSuccessRespDto` data. */
export const success = (req: FastifyRequest) => envelope(req, { success: true });
