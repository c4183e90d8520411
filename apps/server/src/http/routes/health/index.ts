import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';

const Status = Type.Object({ status: Type.String(), checks: Type.Optional(Type.Record(Type.String(), Type.String())) });

/** Liveness (the process answers) and readiness (the database and the KV store answer). */
export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/health/live', { schema: { tags: ['operations'], summary: 'Liveness probe', response: { 200: Status } } }, async () => ({ status: 'ok' }));

  app.get(
    '/health/ready',
    { schema: { tags: ['operations'], summary: 'Readiness probe: database and KV store reachable', response: { 200: Status, 503: Status } } },
    async (req, reply) => {
      const { db, kv, kvBackend } = app.gh;
      const checks: Record<string, string> = {};
      const probe = async (name: string, fn: () => Promise<void>) => {
        try {
          await Promise.race([fn(), new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), 2000).unref())]);
          checks[name] = 'ok';
        } catch (err) {
          req.log.warn({ check: name, err: (err as Error).message }, 'readiness check failed');
          checks[name] = 'unavailable';
        }
      };
      await Promise.all([probe(`database:${db.dialect}`, () => db.ping()), probe(`kv:${kvBackend}`, () => kv.ping())]);
      // The KV ping goes through the circuit breaker: while it is open the store counts as down
      // (requests are being refused), and the ping is the probe that closes it again.
      if (app.gh.availability.kvState() !== 'closed') checks[`kv:${kvBackend}`] = 'unavailable';
      const ok = Object.values(checks).every((v) => v === 'ok');
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks });
    },
  );
}
