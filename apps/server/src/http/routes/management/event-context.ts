import type { FastifyRequest } from 'fastify';
import { managementPool } from '../../plugins/request-signing.js';

/** Who did a management action, as every management event records it (never the key's secret). */
export function managementActor(req: FastifyRequest) {
  const ua = req.headers['user-agent'];
  return { poolId: managementPool(req), actor: req.management?.accessKeyId ?? null, ip: req.ip, userAgent: typeof ua === 'string' ? ua.slice(0, 512) : null, requestId: req.id };
}
