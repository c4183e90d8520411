import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, pbkdf2Sync, scryptSync } from 'node:crypto';
import bcrypt from 'bcryptjs';
import * as argon2 from '@node-rs/argon2';
import { startServer, authClient, type TestServer } from '../support/server.js';

/** Imported legacy hashes verify, and are replaced by argon2id (OWASP parameters) at the next sign-in. */
let s: TestServer;
beforeAll(async () => {
  s = await startServer();
  await s.container.services.applications.update(s.poolId, s.defaultAppId, { redirectUris: ['https://app.example/cb'] });
});
afterAll(async () => s?.close());

const pw = 'legacy pass wörd';
const salt = 'NaCl1234';
const cases: Record<string, () => string | Promise<string>> = {
  bcrypt: () => bcrypt.hashSync(pw, 10),
  scrypt: () => `$scrypt$ln=14,r=8,p=1$${Buffer.from(salt).toString('base64')}$${scryptSync(pw, Buffer.from(salt), 32, { N: 2 ** 14, r: 8, p: 1 }).toString('base64')}`,
  pbkdf2_passlib: () => `$pbkdf2-sha256$29000$${Buffer.from(salt).toString('base64').replace(/=+$/, '').replace(/\+/g, '.')}$${pbkdf2Sync(pw, Buffer.from(salt), 29000, 32, 'sha256').toString('base64').replace(/=+$/, '').replace(/\+/g, '.')}`,
  pbkdf2_django: () => `pbkdf2_sha256$100000$${salt}$${pbkdf2Sync(pw, salt, 100000, 32, 'sha256').toString('base64')}`,
  argon2i_other_params: () => argon2.hash(pw, { algorithm: 1, memoryCost: 4096, timeCost: 3, parallelism: 1 }),
  md5_salted: () => `md5$${salt}$${createHash('md5').update(salt + pw).digest('hex')}`,
  sha1_salted: () => `sha1$${salt}$${createHash('sha1').update(salt + pw).digest('hex')}`,
  sha256_password_then_salt: () => `sha256-ps$${salt}$${createHash('sha256').update(pw + salt).digest('hex')}`,
};

describe('legacy password hashes', () => {
  for (const [name, make] of Object.entries(cases)) {
    it(`verifies ${name} and upgrades it to argon2id`, async () => {
      const email = `${name.replace(/_/g, '-')}@example.com`;
      const u = await s.container.services.users.create(s.poolId, { email });
      const imp = await s.mgmt().makeRequest({ method: 'POST', url: '/api/v3/import-user-password-hash', data: { userId: u.userId, passwordHash: await make() } });
      expect(imp).toMatchObject({ statusCode: 200 });
      const secret = await s.container.services.applications.getSecret(s.poolId, s.defaultAppId);
      const c = authClient({ appId: s.defaultAppId, appSecret: secret, host: s.url });
      expect(await c.signInByEmailPassword({ email, password: 'wrong' })).toMatchObject({ apiCode: 2333 });
      expect(await c.signInByEmailPassword({ email, password: pw })).toMatchObject({ statusCode: 200 });
      const row = await s.container.repos.users.findById(s.poolId, u.userId);
      expect(row!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      expect(await c.signInByEmailPassword({ email, password: pw })).toMatchObject({ statusCode: 200 });
    });
  }

  it('refuses an unrecognised hash format with a catalogued error', async () => {
    const u = await s.container.services.users.create(s.poolId, { email: 'junk@example.com' });
    const r = await s.mgmt().makeRequest({ method: 'POST', url: '/api/v3/import-user-password-hash', data: { userId: u.userId, passwordHash: 'plaintext-password' } });
    expect(r).toMatchObject({ apiCode: 2060016 });
  });

  it('refresh-password-hashes marks hashes so the next sign-in rehashes', async () => {
    const r = await s.mgmt().makeRequest({ method: 'POST', url: '/api/v3/refresh-password-hashes', data: {} });
    expect(r).toMatchObject({ statusCode: 200, data: { success: true } });
    expect((r as { data: { count: number } }).data.count).toBeGreaterThan(0);
  });
});
