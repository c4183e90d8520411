import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boundManagementClient } from '../support/server.js';
import { createPgDatabase, postgresAvailable, redisAvailable, REDIS_URL } from '../support/services.js';
import { exited } from '../cli/run-cli.js';
import { startNode, type GatehouseNode } from '../support/nodes.js';
import { ok, refused, type Envelope } from '../support/management.js';

/**
 * Two real `gatehouse start` processes on one PostgreSQL database and one Redis: a key
 * disabled or deleted through one node is refused by the other on the very next request,
 * although that node had just verified (and cached) it.
 */
const hasServices = (await postgresAvailable()) && (await redisAvailable());

describe.skipIf(!hasServices)('access keys on two nodes (PostgreSQL + Redis)', () => {
  const root = { accessKeyId: 'ak_two_nodes_root', accessKeySecret: 'two-nodes-root-secret-0123456789abcdef' };
  let nodes: GatehouseNode[] = [];
  let drop: () => Promise<void> = async () => undefined;
  let dir = '';
  beforeAll(async () => {
    const pg = await createPgDatabase();
    drop = pg.drop;
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-ak-'));
    const env = {
      GATEHOUSE_DATABASE_URL: pg.url,
      GATEHOUSE_REDIS_URL: REDIS_URL,
      GATEHOUSE_SECRET: 'two-nodes-master-secret-0123456789abcdefgh',
      GATEHOUSE_DATA_DIR: dir,
      GATEHOUSE_ACCESS_KEY_ID: root.accessKeyId,
      GATEHOUSE_ACCESS_KEY_SECRET: root.accessKeySecret,
      GATEHOUSE_LOG_LEVEL: 'warn',
    };
    nodes = [await startNode(env)];
    nodes.push(await startNode(env));
  }, 120_000);
  afterAll(async () => {
    for (const n of nodes) {
      n.child.kill('SIGTERM');
      await exited(n.child);
    }
    await drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a key disabled on one node is refused at once on the other; enabled again, accepted; deleted, refused', async () => {
    const [a, b] = nodes as [GatehouseNode, GatehouseNode];
    const rootA = boundManagementClient({ ...root, host: a.url, lang: 'en-US' });
    const k = ok(await rootA.createAccessKey({ type: 'userpool' }))[0]!;
    const onB = boundManagementClient({ accessKeyId: k.accessKeyId, accessKeySecret: k.accessKeySecret, host: b.url, lang: 'en-US' });
    ok(await onB.getAccessKeyList({})); // B has now verified and cached the key

    ok(await rootA.updateAccessKey({ accessKeyId: k.accessKeyId, enable: false }));
    refused(await onB.getAccessKeyList({}), 1300);
    ok(await rootA.updateAccessKey({ accessKeyId: k.accessKeyId, enable: true }));
    ok(await onB.getAccessKeyList({}));
    ok(<Envelope>await rootA.deleteAccessKey({ accessKeyId: k.accessKeyId }));
    refused(await onB.getAccessKeyList({}), 1300);
    expect(a.out() + b.out()).not.toContain(k.accessKeySecret);
  });
});
