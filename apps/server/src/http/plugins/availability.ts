import type { FastifyInstance } from 'fastify';
import { unavailable } from '../../storage/kv/breaker.js';

/**
 * While the shared KV store's circuit breaker is open (Redis down, storage/kv/breaker.ts), every
 * request that would need it is refused at once with `availability.temporarily_unavailable`:
 * HTTP 503 with `Retry-After`, or the `/api/v3` envelope with statusCode 503 — rather than letting
 * it reach code that would wait on Redis. Health, metrics and the API docs keep answering (the
 * readiness probe is what reports the outage, and its ping is the breaker's recovery probe).
 */
const EXEMPT = /^\/(health|metrics|docs)(\/|$|\?)/;

export function registerAvailability(app: FastifyInstance, kvOpen: () => boolean): void {
  app.addHook('onRequest', async (req, reply) => {
    if (!kvOpen() || EXEMPT.test(req.url)) return;
    reply.header('retry-after', '2');
    throw unavailable();
  });
}
