import { loadConfig, insecureDefaults, ConfigError } from './config/load.js';
import { createContainer } from './container/index.js';
import { buildApp } from './app.js';
import { bootstrap } from './services/bootstrap.js';
import { firstStartSummary } from './cli/first-start.js';
import { listenMetrics } from './http/metrics-listener.js';

/**
 * The only file that listens: load config → container → app → listen. SIGTERM/SIGINT close
 * the server gracefully: stop accepting, let in-flight requests finish (bounded), then close
 * the database and KV connections.
 */
export async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const container = await createContainer(config);
  const { log } = container;
  if (container.masterSecretSource === 'generated') log.warn('generated a new master secret in the data directory (GATEHOUSE_SECRET is not set)');
  for (const w of insecureDefaults(config)) log.warn(w);

  const boot = await bootstrap(container);
  if (boot) {
    log.info({ userPoolId: boot.pool.id, appId: boot.app.appId }, 'first start: created the default user pool and application');
    // Printed once, on stdout rather than in the JSON log, so log shipping does not carry it.
    process.stdout.write(firstStartSummary(boot));
  }

  const app = await buildApp(container);
  let closing = false;
  let closeMetrics: () => Promise<void> = async () => undefined;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      log.error('graceful shutdown timed out after 10s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    try {
      await closeMetrics();
      await app.close();
      await container.close();
    } finally {
      clearTimeout(force);
    }
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  if (config.metricsListen) {
    const metrics = await listenMetrics(app.metricsRegistry, { listen: config.metricsListen, token: config.metricsToken });
    closeMetrics = metrics.close;
    log.info({ url: metrics.url }, 'metrics served on their own address (GATEHOUSE_METRICS_LISTEN)');
  }
  // The bind address is a documented choice (docs/configuration.md): all interfaces by default,
  // so containers and LAN testing work out of the box; say so at every start.
  const everywhere = config.host === '0.0.0.0' || config.host === '::';
  log.info(
    { publicUrl: config.publicUrl, host: config.host, port: config.port, database: container.db.dialect, kv: container.kvBackend },
    everywhere
      ? `Gatehouse is ready, listening on all interfaces (${config.host}:${config.port}); set GATEHOUSE_HOST=127.0.0.1 to accept connections from this machine only`
      : `Gatehouse is ready, listening on ${config.host}:${config.port}`,
  );
}
