import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import { metricsAuthorized } from './plugins/metrics.js';

/**
 * `GATEHOUSE_METRICS_LISTEN=host:port`: /metrics on its own address (typically loopback or a
 * private interface), so the public port never exposes it. The bearer token applies here too
 * when set. Everything else on this address is 404.
 */
export async function listenMetrics(registry: Registry, opts: { listen: string; token: string }): Promise<{ server: Server; url: string; close: () => Promise<void> }> {
  const i = opts.listen.lastIndexOf(':');
  const host = opts.listen.slice(0, i).replace(/^\[|\]$/g, '');
  const port = Number(opts.listen.slice(i + 1));
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (!metricsAuthorized(opts.token, req.headers.authorization)) {
      res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' }).end('bearer token required (GATEHOUSE_METRICS_TOKEN)\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' }).end(text),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address();
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${typeof addr === 'object' && addr ? addr.port : port}/metrics`;
  return { server, url, close: () => new Promise((r) => server.close(() => r())) };
}
