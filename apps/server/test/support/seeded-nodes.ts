import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { createContainer } from '../../src/container/index.js';
import { bootstrap } from '../../src/services/bootstrap.js';
import { createPgDatabase, REDIS_URL } from './services.js';
import { exited, freePort } from '../cli/run-cli.js';
import { startNode, type GatehouseNode } from './nodes.js';

/**
 * Two real `gatehouse start` nodes on one fresh PostgreSQL database and the shared Redis, with
 * the bootstrap pool's users seeded (a password each) through a container before they start,
 * for the multi-node tests. `close()` stops the nodes and drops the database.
 */
export async function startSeededNodes(opts: {
  tag: string;
  secret: string;
  rootKey: { accessKeyId: string; accessKeySecret: string };
  users: Array<{ email: string; nickname?: string }>;
  password: string;
}): Promise<{ nodes: GatehouseNode[]; app: { appId: string; appSecret: string }; close: () => Promise<void> }> {
  const pg = await createPgDatabase();
  const dir = mkdtempSync(join(tmpdir(), `gatehouse-${opts.tag}-`));
  const { rootKey, secret } = opts;
  const config = loadConfig({}, { dataDir: dir, databaseUrl: pg.url, redisUrl: REDIS_URL, secret, accessKeyId: rootKey.accessKeyId, accessKeySecret: rootKey.accessKeySecret, logLevel: 'silent' });
  const c = await createContainer(config);
  let app: { appId: string; appSecret: string };
  try {
    const boot = (await bootstrap(c))!;
    app = { appId: boot.app.appId, appSecret: await c.services.applications.getSecret(boot.pool.id, boot.app.appId) };
    for (const user of opts.users) {
      const u = await c.services.users.create(boot.pool.id, user as never);
      const row = (await c.repos.users.findById(boot.pool.id, (u as { userId: string }).userId))!;
      await c.authn.passwords.set(boot.pool.id, row, opts.password, { skipPolicy: true });
    }
  } finally {
    await c.close();
  }
  const env = {
    GATEHOUSE_DATABASE_URL: pg.url,
    GATEHOUSE_REDIS_URL: REDIS_URL,
    GATEHOUSE_SECRET: secret,
    GATEHOUSE_DATA_DIR: dir,
    GATEHOUSE_ACCESS_KEY_ID: rootKey.accessKeyId,
    GATEHOUSE_ACCESS_KEY_SECRET: rootKey.accessKeySecret,
    GATEHOUSE_LOG_LEVEL: 'warn',
    GATEHOUSE_PUBLIC_URL: `http://127.0.0.1:${await freePort()}`,
  };
  // A generous start budget: the shared CI machine can be very loaded (tsx compiles the server at start).
  const nodes = await Promise.all([startNode(env, 150_000), startNode(env, 150_000)]);
  return {
    nodes,
    app,
    async close() {
      for (const n of nodes) {
        const gone = exited(n.child);
        n.child.kill('SIGTERM');
        await gone;
      }
      await pg.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
