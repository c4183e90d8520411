import type { FastifyInstance } from 'fastify';
import { Registry, collectDefaultMetrics, Histogram, Counter } from 'prom-client';

/**
 * Prometheus metrics at GET /metrics. One registry per app (not prom-client's global), so
 * several apps in one process (tests, multi-node test) do not collide. Labels use the route
 * pattern, never the raw URL, to keep cardinality bounded and ids out of metrics.
 */
export function registerMetrics(app: FastifyInstance): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'gatehouse_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'gatehouse_api_errors_total',
    help: 'Refused or failed requests by catalogued apiCode.',
    labelNames: ['api_code'] as const,
    registers: [registry],
  });
  app.decorate('metricsRegistry', registry);
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    duration.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  app.addHook('onSend', async (_req, _reply, payload) => {
    if (typeof payload === 'string' && payload.startsWith('{"statusCode":') && !payload.startsWith('{"statusCode":200,')) {
      const m = /"apiCode":(\d+)/.exec(payload);
      if (m) errors.inc({ api_code: m[1] });
    }
    return payload;
  });
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
  return registry;
}

declare module 'fastify' {
  interface FastifyInstance {
    metricsRegistry: Registry;
  }
}
