import { afterAll, describe, expect, it } from 'vitest';
import { authClient, startServer, type TestServer } from '../support/server.js';
import { postgresAvailable, REDIS_URL, redisAvailable } from '../support/services.js';

/**
 * The captcha gate under parallel load: the attempt guard reserves attempts atomically and
 * decides "captcha due" from the reservation, so a burst of 50 wrong passwords for one account
 * gets at most `captchaAfter` verdicts without a captcha and at most `lockAfter` verifications in
 * all — on one SQLite node, and on three nodes sharing PostgreSQL and Redis. A locked account
 * refuses the right password.
 */
const hasPg = await postgresAvailable();
const hasRedis = await redisAvailable();
const PASSWORD = 'amber canyon drift 42';

async function seed(s: TestServer, email: string) {
  const u = await s.container.services.users.create(s.poolId, { email });
  await s.container.authn.passwords.set(s.poolId, (await s.container.repos.users.findById(s.poolId, u.userId))!, PASSWORD);
}

async function burst(nodes: TestServer[], email: string) {
  const secret = await nodes[0]!.container.services.applications.getSecret(nodes[0]!.poolId, nodes[0]!.defaultAppId);
  const clients = nodes.map((n) => authClient({ appId: n.defaultAppId, appSecret: secret, host: n.url }));
  const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => clients[i % clients.length]!.signInByEmailPassword({ email, password: `wrong guess ${i}` })));
  return { clients, codes: answers.map((a) => (a as { apiCode?: number }).apiCode) };
}

async function scenario(nodes: TestServer[]) {
  const s = nodes[0]!;
  await s.container.authn.settings.update(s.poolId, { bruteForce: { captchaAfter: 3, lockAfter: 10 } });
  await seed(s, 'burst@example.com');
  const { clients, codes } = await burst(nodes, 'burst@example.com');
  expect(codes.every((c) => c === 2333 || c === 2060001 || c === 2005), JSON.stringify(codes)).toBe(true);
  // At most captchaAfter passwords were checked without a captcha.
  expect(codes.filter((c) => c === 2333).length).toBeLessThanOrEqual(3);
  expect(codes.filter((c) => c === 2333).length).toBeGreaterThan(0);
  // From now on even the right password needs a captcha, on every node.
  for (const c of clients) expect(await c.signInByEmailPassword({ email: 'burst@example.com', password: PASSWORD })).toMatchObject({ apiCode: 2060001 });

  // With the captcha step off, the burst locks after lockAfter verifications and the lock holds for the right password.
  await s.container.authn.settings.update(s.poolId, { bruteForce: { captchaAfter: 0, lockAfter: 10 } });
  await seed(s, 'burst2@example.com');
  const second = await burst(nodes, 'burst2@example.com');
  expect(second.codes.filter((c) => c === 2333).length).toBeLessThanOrEqual(10);
  expect(second.codes.filter((c) => c === 2333).length + second.codes.filter((c) => c === 2005).length).toBe(50);
  for (const c of second.clients) expect(await c.signInByEmailPassword({ email: 'burst2@example.com', password: PASSWORD })).toMatchObject({ apiCode: 2005 });
  await s.container.authn.settings.update(s.poolId, { bruteForce: { captchaAfter: 3 } });
}

describe('50 parallel wrong passwords for one account', () => {
  const started: TestServer[] = [];
  afterAll(async () => {
    for (const s of started.reverse()) await s.close();
  });

  it('one node on SQLite', async () => {
    const s = await startServer();
    started.push(s);
    await scenario([s]);
  });

  it.skipIf(!hasPg || !hasRedis)('three nodes on PostgreSQL + Redis', async () => {
    // What is tested is the atomic reservation, not Redis latency: three in-process nodes
    // hashing 50 passwords on a loaded two-core machine can delay a Redis answer past the
    // default 1 s command timeout, and the breaker then (rightly) answers 1020001.
    const redis = { redisUrl: REDIS_URL, redisCommandTimeoutMs: 15_000 };
    const a = await startServer({ db: 'postgres', config: redis });
    const b = await startServer({ join: a, config: redis });
    const c = await startServer({ join: a, config: redis });
    started.push(a, b, c);
    expect(a.container.kvBackend).toBe('redis');
    await scenario([a, b, c]);
  });
});
