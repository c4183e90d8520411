import pino from 'pino';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { createContainer, type Container } from '../container/index.js';
import { createLogger } from '../container/logger.js';
import { bootstrap } from '../services/bootstrap.js';
import { AppError } from '../errors/app-error.js';
import type { PoolRow } from '../storage/repositories/pools.js';
import { notice } from './output.js';
import { firstStartSummary } from './first-start.js';

/**
 * CLI logs go to stderr at `warn` or quieter: stdout is reserved for command output so
 * `--json` can be piped. An explicitly stricter GATEHOUSE_LOG_LEVEL (error, silent) wins.
 */
function cliLogLevel(config: Config): Config['logLevel'] {
  const order = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
  return order.indexOf(config.logLevel) > order.indexOf('warn') ? config.logLevel : 'warn';
}

/**
 * Runs `fn` against a fully initialised database: migrations applied and the first-start
 * bootstrap done, so data commands work on a fresh install before the server ever ran.
 * The container is always closed, so the process can exit on its own.
 */
export async function withContainer<T>(fn: (c: Container) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const log = createLogger(cliLogLevel(config), pino.destination({ fd: 2, sync: true }));
  const container = await createContainer(config, { migrate: true, logger: log });
  try {
    if (container.masterSecretSource === 'generated') {
      notice(`generated a new master secret in ${config.dataDir}/secret.key (GATEHOUSE_SECRET is not set); back it up or set GATEHOUSE_SECRET`);
    }
    const boot = await bootstrap(container);
    if (boot) {
      // Same one-time display as `gatehouse start`, but on stderr: stdout belongs to the command.
      notice(`initialised the database: default user pool ${boot.pool.id}, default application ${boot.app.appId}`);
      process.stderr.write(firstStartSummary(boot));
    }
    return await fn(container);
  } finally {
    await container.close();
  }
}

/** `--pool <id>` when given (must exist), otherwise the default pool. */
export async function resolvePool(c: Container, poolId: string | undefined): Promise<PoolRow> {
  if (poolId) return c.services.pools.get(poolId);
  const pool = await c.services.pools.findDefault();
  if (!pool) throw new AppError('pool.not_found');
  return pool;
}
