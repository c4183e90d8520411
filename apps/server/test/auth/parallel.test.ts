import { afterAll, describe, expect, it } from 'vitest';
import { startServer, authClient, type TestServer } from '../support/server.js';
import { REDIS_URL, redisAvailable } from '../support/services.js';

/**
 * Issue #4 "done when": 50 parallel wrong-password requests cannot exceed the configured
 * limit — on the SQL KV (SQLite) and on Redis. Counted by the verifications that actually ran:
 * every answer is either 2333 (a real check that failed) or 2005 (refused before checking).
 */
const hasRedis = await redisAvailable();

async function run(s: TestServer) {
  const limit = 5;
  await s.container.authn.settings.update(s.poolId, { bruteForce: { captchaAfter: 0, lockAfter: limit } });
  const u = await s.container.services.users.create(s.poolId, { email: 'burst@example.com' });
  await s.container.authn.passwords.set(s.poolId, (await s.container.repos.users.findById(s.poolId, u.userId))!, 'amber canyon drift');
  const secret = await s.container.services.applications.getSecret(s.poolId, s.defaultAppId);
  const c = authClient({ appId: s.defaultAppId, appSecret: secret, host: s.url });
  const answers = await Promise.all(Array.from({ length: 50 }, () => c.signInByEmailPassword({ email: 'burst@example.com', password: 'burst wrong passphrase' })));
  const codes = answers.map((a) => (a as { apiCode?: number }).apiCode);
  expect(codes.filter((x) => x === 2333)).toHaveLength(limit);
  expect(codes.filter((x) => x === 2005)).toHaveLength(50 - limit);
  // locked: the right password is refused too
  expect(await c.signInByEmailPassword({ email: 'burst@example.com', password: 'amber canyon drift' })).toMatchObject({ apiCode: 2005 });
  // and so is the same burst against an unknown account
  const ghosts = await Promise.all(Array.from({ length: 50 }, () => c.signInByEmailPassword({ email: 'ghost-burst@example.com', password: 'burst wrong passphrase' })));
  expect(ghosts.filter((a) => (a as { apiCode?: number }).apiCode === 2333)).toHaveLength(limit);
}

describe('parallel wrong-password requests', () => {
  let s: TestServer | undefined;
  afterAll(async () => s?.close());

  it('cannot exceed the limit on the SQL KV (SQLite)', async () => {
    s = await startServer();
    expect(s.container.kvBackend).toBe('sql');
    await run(s);
  });

  it.skipIf(!hasRedis)('cannot exceed the limit on Redis', async () => {
    const r = await startServer({ config: { redisUrl: REDIS_URL } });
    try {
      expect(r.container.kvBackend).toBe('redis');
      await run(r);
    } finally {
      await r.close();
    }
  });
});
