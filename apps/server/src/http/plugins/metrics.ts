import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Registry, collectDefaultMetrics, Histogram, Counter } from 'prom-client';
import { AppError } from '../../errors/app-error.js';
import { safeEqual } from '../../utils/crypto.js';

/**
 * `GATEHOUSE_METRICS_TOKEN`: when set, a scrape must send `Authorization: Bearer <token>`
 * (compared in constant time). Metrics carry no secrets, but route names, error rates and
 * process figures help an attacker plan; the token (or a separate, private listen address)
 * keeps them for the operator. Does not protect against a scraper whose token leaks, nor
 * replace TLS on an untrusted network.
 */
export function metricsAuthorized(token: string, authorization: string | undefined): boolean {
  if (!token) return true;
  const m = /^Bearer (.+)$/.exec(authorization ?? '');
  return m !== null && safeEqual(m[1]!, token);
}
const checkScrape = (token: string, req: Pick<FastifyRequest, 'headers'>) => {
  if (!metricsAuthorized(token, req.headers.authorization)) throw new AppError('metrics.unauthorized');
};

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
  // Every catalogued event (sign-ins, failures, registrations, admin changes) as a counter: the
  // event service is the one source, so the audit log and the metrics cannot disagree.
  const events = new Counter({
    name: 'gatehouse_events_total',
    help: 'Events emitted, by catalogued event name and result (the same events the audit log records).',
    labelNames: ['event', 'result'] as const,
    registers: [registry],
  });
  const unsubscribe = app.gh.services.events.subscribe((e) => events.inc({ event: e.name, result: e.result }));
  // Webhook delivery attempts by outcome (docs/webhooks.md): failed ones are given up for good.
  const webhookDeliveries = new Counter({
    name: 'gatehouse_webhook_deliveries_total',
    help: 'Webhook delivery attempts by event and outcome (delivered, retrying, failed).',
    labelNames: ['event', 'outcome'] as const,
    registers: [registry],
  });
  app.gh.webhooks.onOutcome((o) => webhookDeliveries.inc({ event: o.event, outcome: o.status }));
  app.addHook('onClose', async () => unsubscribe());
  app.decorate('metricsRegistry', registry);
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    duration.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  const counted = new WeakSet<object>();
  app.addHook('onSend', async (req, _reply, payload) => {
    if (typeof payload === 'string' && payload.startsWith('{"statusCode":') && !payload.startsWith('{"statusCode":200,')) {
      const m = /"apiCode":(\d+)/.exec(payload);
      if (m) {
        errors.inc({ api_code: m[1] });
        counted.add(req.raw);
      }
    }
    return payload;
  });
  // Failures that are not API envelopes (hosted login and OIDC pages, which oidc-provider answers
  // on the raw response) count too, as `http_<status>`, so a broken sign-in page shows up beside
  // API errors. Watched on the raw response because those replies bypass Fastify's send hooks.
  app.addHook('onRequest', async (req, reply) => {
    reply.raw.once('finish', () => {
      if (reply.raw.statusCode >= 400 && !counted.has(req.raw)) errors.inc({ api_code: `http_${reply.raw.statusCode}` });
    });
  });
  const { metricsToken, metricsListen } = app.gh.config;
  // With a separate listen address (main.ts starts it), the main port does not serve metrics.
  if (!metricsListen) {
    app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
      checkScrape(metricsToken, req);
      reply.header('content-type', registry.contentType).header('cache-control', 'no-store');
      return registry.metrics();
    });
  }
  return registry;
}

declare module 'fastify' {
  interface FastifyInstance {
    metricsRegistry: Registry;
  }
}
