import type { FastifyRequest } from 'fastify';
import type { RequestInfo } from '../flows/engine/types.js';

/** Who asked, as the sign-in engine records it (the IP is the proxy-aware `req.ip`, or a trusted backend's claim). */
export function requestInfo(req: FastifyRequest, ip?: string): RequestInfo {
  const ua = req.headers['user-agent'];
  return { ip: ip ?? req.ip, userAgent: typeof ua === 'string' ? ua.slice(0, 512) : null, requestId: req.id };
}
