import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slapdAvailable, startSlapd, type SlapdFixture } from '../../../../packages/connectors/test/fixtures/directories/index.js';
import { startServer, type TestServer } from '../support/server.js';
import { postgresAvailable, redisAvailable, REDIS_URL } from '../support/services.js';
import { clientOf, createApp, createDirectoryConnection, failureReasons } from './support.js';

/**
 * Issue 14: "50 parallel wrong binds on one account stay within the lockout limit, on
 * PostgreSQL + Redis with two nodes". Two Gatehouse nodes on one database and one Redis; the
 * attempt guard reserves atomically in the shared KV, so at most `lockAfter` wrong passwords ever
 * reach the directory, whichever node took the request, and the lock then holds everywhere —
 * even for the right password, which is not sent to the directory at all.
 */
const hasServices = slapdAvailable() && (await postgresAvailable()) && (await redisAvailable());
const LOCK_AFTER = 5;

describe.skipIf(!hasServices)('directory lockout across two nodes (PostgreSQL + Redis)', () => {
  let dir: SlapdFixture;
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    dir = await startSlapd();
    const config = { outboundAllow: '127.0.0.1', redisUrl: REDIS_URL } as never;
    a = await startServer({ db: 'postgres', config });
    b = await startServer({ db: 'postgres', config, join: a });
    await a.container.authn.settings.update(a.poolId, { bruteForce: { captchaAfter: 0, lockAfter: LOCK_AFTER } } as never);
  }, 120_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await dir?.stop();
  });

  it('50 parallel wrong binds on one account: at most lockAfter reach the directory, then locked on both nodes', async () => {
    const app = await createApp(a);
    await createDirectoryConnection(a, {
      type: 'ldap',
      fields: { ldapUrl: dir.url, startTls: true, tlsCaCert: dir.caPem, bindDn: dir.service.dn, bindPassword: dir.service.password, baseDn: dir.peopleDn, poolSize: 8 },
      appIds: [app.appId],
    });
    const nodes = [clientOf(a, app), clientOf(b, app)];
    const answers = (await Promise.all(Array.from({ length: 50 }, (_, i) => nodes[i % 2]!.signInByLDAP({ sAMAccountName: 'alice', password: `wrong ${i}` })))) as Array<{ apiCode?: number; statusCode: number }>;
    const codes = answers.map((r) => r.apiCode);
    expect(codes.every((c) => c === 2333 || c === 2005), JSON.stringify(codes)).toBe(true);
    expect(codes.filter((c) => c === 2333).length).toBeLessThanOrEqual(LOCK_AFTER);
    expect(codes.filter((c) => c === 2005).length).toBeGreaterThanOrEqual(50 - LOCK_AFTER);
    // Only the binds the guard let through were refused by the directory (recorded reasons).
    await expect.poll(async () => (await failureReasons(a, 100)).length).toBe(50);
    expect((await failureReasons(a, 100)).filter((r) => r === 'directory.invalid_credentials').length).toBeLessThanOrEqual(LOCK_AFTER);
    // The lock holds on both nodes, for the right password too.
    for (const c of nodes) expect(((await c.signInByLDAP({ sAMAccountName: 'alice', password: dir.users.alice.password })) as { apiCode?: number }).apiCode).toBe(2005);
  });
});
