import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createRequire } from 'node:module';
import { AuthenticationClient, ManagementClient } from 'authing-node-sdk';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { createContainer, type Container } from '../../src/container/index.js';
import type { EngineExtensions } from '../../src/container/engine.js';
import { buildApp } from '../../src/app.js';
import { bootstrap } from '../../src/services/bootstrap.js';
import { createPgDatabase } from './services.js';
import type { Logger } from '../../src/container/logger.js';

/**
 * The vendor's ManagementClient sets its host on the *global* axios defaults of its own axios
 * copy when constructed (`Axios.defaults.baseURL = host`), so with two servers in one process
 * the last client built wins. This wrapper re-points that default before every call; the
 * client itself stays unmodified.
 */
const sdkAxios = createRequire(createRequire(import.meta.url).resolve('authing-node-sdk'))('axios') as { defaults: { baseURL?: string } };
export function boundManagementClient(opts: { accessKeyId: string; accessKeySecret: string; host: string; lang?: 'zh-CN' | 'en-US' }): ManagementClient {
  const client = new ManagementClient(opts);
  return new Proxy(client, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        sdkAxios.defaults.baseURL = opts.host;
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

export type TestDb = 'sqlite' | 'postgres';

export interface TestServer {
  url: string;
  app: FastifyInstance;
  container: Container;
  poolId: string;
  defaultAppId: string;
  rootKey: { accessKeyId: string; accessKeySecret: string };
  /**
   * The vendor's ManagementClient, unmodified, signed with the root key (or another key).
   * For routes the client has no method for, use its public `makeRequest({method, url, data|params})`.
   */
  mgmt(key?: { accessKeyId: string; accessKeySecret: string }, lang?: 'zh-CN' | 'en-US'): ManagementClient;
  close(): Promise<void>;
}

/**
 * A real Gatehouse on a loopback port with a fresh database (temporary SQLite file, or a new
 * PostgreSQL database), bootstrapped exactly like a first start.
 */
/**
 * `logger`: the app's logger (e.g. pino at level info over a capture stream, to read what the
 * `console` SMS / email connector logged); default: silent, or GATEHOUSE_TEST_LOG_LEVEL.
 */
/**
 * `join`: a second node on the same database (and master secret) as an existing server, with its
 * own container (caches, KV connection); it skips the bootstrap and leaves the database to
 * `join`'s close. Give both the same `config.redisUrl` to share Redis.
 */
export async function startServer(opts: { db?: TestDb; config?: Partial<Config>; logger?: Logger; join?: TestServer; extensions?: (container: () => Container) => EngineExtensions } = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-test-'));
  const pg = opts.db === 'postgres' && !opts.join ? await createPgDatabase() : null;
  const rootKey = { accessKeyId: 'ak_test_root', accessKeySecret: 'test-root-secret-0123456789abcdef' };
  const config = loadConfig(
    {},
    {
      port: 0,
      host: '127.0.0.1',
      dataDir: dir,
      databaseUrl: opts.join ? opts.join.container.config.databaseUrl : pg ? pg.url : `sqlite:${join(dir, 'gatehouse.db')}`,
      secret: 'test-master-secret-0123456789abcdefghijkl',
      accessKeyId: rootKey.accessKeyId,
      accessKeySecret: rootKey.accessKeySecret,
      logLevel: (process.env.GATEHOUSE_TEST_LOG_LEVEL as Config['logLevel']) ?? 'silent',
      ...opts.config,
    },
  );
  let built: Container | undefined;
  const extensions = opts.extensions?.(() => built!);
  const container = await createContainer(config, { ...(opts.logger ? { logger: opts.logger } : {}), ...(extensions ? { extensions } : {}) });
  built = container;
  const boot = opts.join ? { pool: { id: opts.join.poolId }, app: { appId: opts.join.defaultAppId } } : await bootstrap(container);
  if (!boot) throw new Error('expected an empty database');
  const app = await buildApp(container);
  await app.listen({ port: config.port, host: '127.0.0.1' }); // 0 unless the caller needs a known port (e.g. for publicUrl)
  const addr = app.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  return {
    url,
    app,
    container,
    poolId: boot.pool.id,
    defaultAppId: boot.app.appId,
    rootKey,
    mgmt: (key = rootKey, lang = 'en-US') => boundManagementClient({ ...key, host: url, lang }),
    async close() {
      await app.close();
      await container.close();
      await pg?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The vendor's AuthenticationClient, unmodified. Unlike the ManagementClient it creates its own
 * axios instance and passes `baseURL` per request, so no re-binding is needed.
 */
export function authClient(opts: { appId: string; appSecret?: string; host: string; tokenEndPointAuthMethod?: 'none' | 'client_secret_post' | 'client_secret_basic'; lang?: 'zh-CN' | 'en-US' }): AuthenticationClient {
  return new AuthenticationClient({
    appId: opts.appId,
    appHost: opts.host,
    ...(opts.appSecret ? { appSecret: opts.appSecret } : {}),
    tokenEndPointAuthMethod: opts.tokenEndPointAuthMethod ?? 'client_secret_post',
    ...(opts.lang ? { lang: opts.lang } : {}),
    retryTimes: 0,
  } as ConstructorParameters<typeof AuthenticationClient>[0]);
}
