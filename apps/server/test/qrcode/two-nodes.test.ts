import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { loadConfig } from '../../src/config/load.js';
import { createContainer } from '../../src/container/index.js';
import { bootstrap } from '../../src/services/bootstrap.js';
import { authClient } from '../support/server.js';
import { createPgDatabase, postgresAvailable, redisAvailable, REDIS_URL } from '../support/services.js';
import { exited, freePort } from '../cli/run-cli.js';
import { startNode, type GatehouseNode } from '../support/nodes.js';
import { createUser, jsClient, mobileClient, mobileSignIn, ok, prepareApp, type PoolFixture } from './support.js';

/**
 * Issue #6 "Done when": two Gatehouse processes — real `gatehouse start` children — on one
 * PostgreSQL database and one Redis. The web side creates and polls the code on node A; the
 * phone signs in, scans and confirms through node B; the ticket is exchanged on A. Nothing of
 * the flow may live in one process's memory.
 */
const hasServices = (await postgresAvailable()) && (await redisAvailable());

describe.skipIf(!hasServices)('QR-code login across two processes (PostgreSQL + Redis)', () => {
  let pg: Awaited<ReturnType<typeof createPgDatabase>>;
  let dir: string;
  const nodes: GatehouseNode[] = [];
  let f: PoolFixture;
  let userId: string;

  beforeAll(async () => {
    pg = await createPgDatabase();
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-qr2-'));
    const shared = {
      GATEHOUSE_DATABASE_URL: pg.url,
      GATEHOUSE_REDIS_URL: REDIS_URL,
      GATEHOUSE_SECRET: 'qr-two-nodes-master-secret-0123456789abcd',
      GATEHOUSE_DATA_DIR: dir,
      GATEHOUSE_ACCESS_KEY_ID: 'ak_qr_root',
      GATEHOUSE_ACCESS_KEY_SECRET: 'qr-root-secret-0123456789abcdef',
      GATEHOUSE_LOG_LEVEL: 'warn',
    };
    // Provision the pool, app and user the way an operator would, on the shared database
    // (the nodes are stateless: they only need the same database, Redis and master secret).
    const config = loadConfig({}, { dataDir: dir, databaseUrl: pg.url, redisUrl: REDIS_URL, secret: shared.GATEHOUSE_SECRET, accessKeyId: shared.GATEHOUSE_ACCESS_KEY_ID, accessKeySecret: shared.GATEHOUSE_ACCESS_KEY_SECRET, logLevel: 'silent' });
    const c = await createContainer(config);
    try {
      const boot = (await bootstrap(c))!;
      f = await prepareApp(c, boot.pool.id, boot.app.appId);
      userId = await createUser(c, f.poolId, 'phone@example.com', 'two nodes one flow', { nickname: 'Phone' });
    } finally {
      await c.close();
    }
    // One public URL for both, as behind a load balancer (the OIDC issuer is built from it).
    const publicPort = await freePort();
    const env = { ...shared, GATEHOUSE_PUBLIC_URL: `http://127.0.0.1:${publicPort}` };
    nodes.push(await startNode(env));
    nodes.push(await startNode(env));
  }, 60_000);

  afterAll(async () => {
    for (const n of nodes) {
      n.child.kill('SIGTERM');
      await exited(n.child);
    }
    await pg?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('creates and polls on A, scans and confirms on B, exchanges on A (V3 and js-sdk)', async () => {
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    const token = await mobileSignIn(b.url, f, 'phone@example.com', 'two nodes one flow');

    // V3 methods of the vendor AuthenticationClient.
    const webA = authClient({ appId: f.appId, appSecret: f.appSecret, host: a.url });
    const id = ok(await webA.geneQrCode({ type: 'MOBILE_APP' as never })).qrcodeId as string;
    expect(ok(await webA.getQrCodeStatus({ qrcodeId: id })).status).toBe('PENDING');
    const phoneB = mobileClient(b.url, f, token);
    ok(await phoneB.changeQrCodeStatus({ qrcodeId: id, action: 'SCAN' as never }));
    expect(ok(await webA.getQrCodeStatus({ qrcodeId: id }))).toMatchObject({ status: 'SCANNED', briefUserInfo: { displayName: 'Phone' } });
    // A second scan on the other node is refused: the claim is shared.
    expect(await mobileClient(a.url, f, token).changeQrCodeStatus({ qrcodeId: id, action: 'SCAN' as never })).toMatchObject({ apiCode: 2600004 });
    ok(await phoneB.changeQrCodeStatus({ qrcodeId: id, action: 'CONFIRM' as never }));
    const ticket = ok(await webA.getQrCodeStatus({ qrcodeId: id })).ticket as string;
    const tokens = ok(await webA.exchangeTokenSetWithQrCodeTicket({ ticket, client_id: f.appId, client_secret: f.appSecret }));
    expect(decodeJwt(tokens.id_token)).toMatchObject({ sub: userId, amr: ['qr'] });
    // Single use across nodes.
    expect(await authClient({ appId: f.appId, appSecret: f.appSecret, host: b.url }).exchangeTokenSetWithQrCodeTicket({ ticket, client_id: f.appId, client_secret: f.appSecret })).toMatchObject({ apiCode: 2600008 });

    // The js-sdk's QR client polling A while the phone confirms through B's seed endpoints.
    const js = jsClient({ appId: f.appId, host: a.url });
    const { random } = await js.qrcode.geneCode();
    const done = new Promise<string>((resolve, reject) => {
      void js.qrcode.startPolling(random, { interval: 50, onSuccess: (_u, t) => resolve(t), onError: (m) => reject(new Error(String(m))), onExpired: () => reject(new Error('expired')) });
    });
    const headers = { 'content-type': 'application/json', 'x-authing-app-id': f.appId, authorization: `Bearer ${token}` };
    for (const step of ['scanned', 'confirm']) {
      const r = await fetch(`${b.url}/api/v2/qrcode/${step}`, { method: 'POST', headers, body: JSON.stringify({ random }) }).then((x) => x.json());
      expect(r).toMatchObject({ code: 200 });
    }
    const jsTicket = await done;
    const user = await fetch(`${a.url}/api/v2/qrcode/userinfo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${f.appId}:${f.appSecret}`).toString('base64')}` },
      body: JSON.stringify({ ticket: jsTicket }),
    }).then((x) => x.json());
    expect(user).toMatchObject({ code: 200, data: { id: userId, email: 'phone@example.com' } });
  }, 30_000);
});
