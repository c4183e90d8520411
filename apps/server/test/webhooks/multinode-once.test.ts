import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { loadConfig } from '../../src/config/load.js';
import { createContainer } from '../../src/container/index.js';
import { bootstrap } from '../../src/services/bootstrap.js';
import { boundManagementClient } from '../support/server.js';
import { createPgDatabase, postgresAvailable, redisAvailable, REDIS_URL } from '../support/services.js';
import { exited } from '../cli/run-cli.js';
import { startNode, type GatehouseNode } from '../support/nodes.js';
import { ok } from '../support/sign-in.js';
import { startReceiver, type Receiver } from './receiver.js';

/**
 * The outbox survives the process: real `gatehouse start` children on one PostgreSQL and one
 * Redis. Node A serves requests but delivers nothing (GATEHOUSE_WEBHOOK_POLL_MS=0); users are
 * created through it and it is killed with SIGKILL right after the last one. Nothing has been
 * sent. Then three nodes start, all delivering: each `user:created` arrives exactly once —
 * one delivery per event across nodes — signed, with its own webhook-id.
 */
const hasServices = (await postgresAvailable()) && (await redisAvailable());
const USERS = 8;

describe.skipIf(!hasServices)('webhook outbox on PostgreSQL with three nodes', () => {
  let pg: Awaited<ReturnType<typeof createPgDatabase>>;
  let dir: string;
  let rx: Receiver;
  let shared: Record<string, string>;
  let secret: string;
  const nodes: GatehouseNode[] = [];
  const rootKey = { accessKeyId: 'ak_webhook_root', accessKeySecret: 'webhook-root-secret-0123456789abcd' };

  beforeAll(async () => {
    rx = await startReceiver();
    pg = await createPgDatabase();
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-wh-'));
    shared = {
      GATEHOUSE_DATABASE_URL: pg.url,
      GATEHOUSE_REDIS_URL: REDIS_URL,
      GATEHOUSE_SECRET: 'webhook-master-secret-0123456789abcdefghi',
      GATEHOUSE_DATA_DIR: dir,
      GATEHOUSE_ACCESS_KEY_ID: rootKey.accessKeyId,
      GATEHOUSE_ACCESS_KEY_SECRET: rootKey.accessKeySecret,
      GATEHOUSE_LOG_LEVEL: 'warn',
      GATEHOUSE_OUTBOUND_ALLOW: '127.0.0.0/8',
    };
    const config = loadConfig({}, { dataDir: dir, databaseUrl: pg.url, redisUrl: REDIS_URL, secret: shared.GATEHOUSE_SECRET, accessKeyId: rootKey.accessKeyId, accessKeySecret: rootKey.accessKeySecret, logLevel: 'silent', outboundAllow: '127.0.0.0/8', webhookPollMs: 0 });
    const c = await createContainer(config);
    try {
      await bootstrap(c);
    } finally {
      await c.close();
    }
  }, 120_000);

  afterAll(async () => {
    for (const n of nodes) {
      if (n.child.exitCode !== null || n.child.signalCode !== null) continue;
      const gone = exited(n.child);
      n.child.kill('SIGTERM');
      await gone;
    }
    await pg?.drop();
    await rx?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('delivers user:created after a SIGKILL, exactly once, with three nodes delivering', async () => {
    const a = await startNode({ ...shared, GATEHOUSE_WEBHOOK_POLL_MS: '0' }, 150_000);
    nodes.push(a);
    const m = boundManagementClient({ ...rootKey, host: a.url });
    const hook = ok(await m.createWebhook({ name: 'sync', url: `${rx.url}/users`, events: ['user:created'], contentType: 'application/json' as never }));
    secret = hook.data.secret;
    const userIds: string[] = [];
    for (let i = 0; i < USERS; i++) userIds.push(ok(await m.createUser({ email: `u${i}@example.com` } as never)).data.userId);
    // Right after the last commit: no graceful shutdown, nothing flushed.
    const gone = exited(a.child);
    a.child.kill('SIGKILL');
    await gone;
    await new Promise((r) => setTimeout(r, 500));
    expect(rx.at('/users')).toHaveLength(0);

    const env = { ...shared, GATEHOUSE_WEBHOOK_POLL_MS: '100' };
    nodes.push(...(await Promise.all([startNode(env, 150_000), startNode(env, 150_000), startNode(env, 150_000)])));
    const until = Date.now() + 30_000;
    while (rx.at('/users').length < USERS && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    // Give duplicates the chance to show: several poll rounds of every node.
    await new Promise((r) => setTimeout(r, 2000));
    const got = rx.at('/users');
    expect(got).toHaveLength(USERS);
    const verifier = new Webhook(secret);
    const bodies = got.map((g) => verifier.verify(g.body, Object.fromEntries(Object.entries(g.headers).map(([k, v]) => [k, String(v)]))) as { eventName: string; data: { userId: string } });
    expect(bodies.every((b) => b.eventName === 'user:created')).toBe(true);
    expect(bodies.map((b) => b.data.userId).sort()).toEqual([...userIds].sort());
    expect(new Set(got.map((g) => g.headers['webhook-id'])).size).toBe(USERS);
    const logs = ok(await boundManagementClient({ ...rootKey, host: nodes[1]!.url }).getWebhookLogs({ webhookId: hook.data.webhookId, limit: 50 })).data;
    expect(logs.totalCount).toBe(USERS);
  }, 400_000);
});
