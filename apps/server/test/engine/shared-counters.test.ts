import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authClient, startServer, type TestServer } from '../support/server.js';
import { ok } from '../passcode/support.js';

/**
 * The shared attempt counters are keyed by the normalised identifier, not by "known account or
 * not": no sequence of requests tells a known account from an unknown one (security.md §0 items
 * 10, 11). And every place that checks a password draws on them — the current password of a
 * signed-in user too (item 9).
 */
const PASSWORD = 'amber canyon drift 42';

describe('shared attempt counters', () => {
  let s: TestServer;
  let secret: string;
  beforeAll(async () => {
    s = await startServer();
    secret = await s.container.services.applications.getSecret(s.poolId, s.defaultAppId);
  });
  afterAll(async () => s?.close());
  const client = () => authClient({ appId: s.defaultAppId, appSecret: secret, host: s.url });
  const code = (r: unknown) => (r as { apiCode?: number }).apiCode;

  async function probe(email: string): Promise<number[]> {
    const c = client();
    const answers: number[] = [];
    // Three wrong tries naming the email field, then the account field, then a case variant: one counter.
    for (let i = 0; i < 3; i++) answers.push(code(await c.signInByEmailPassword({ email, password: `wrong ${i}` }))!);
    answers.push(code(await c.signInByAccountPassword({ account: email, password: 'wrong 3' }))!);
    answers.push(code(await c.signInByAccountPassword({ account: email.toUpperCase(), password: 'wrong 4' }))!);
    return answers;
  }

  it('answer a known and an unknown account identically through any mix of identifier fields', async () => {
    const u = await s.container.services.users.create(s.poolId, { email: 'known@example.com' });
    await s.container.authn.passwords.set(s.poolId, (await s.container.repos.users.findById(s.poolId, u.userId))!, PASSWORD);
    const known = await probe('known@example.com');
    const unknown = await probe('unknown@example.com');
    expect(known).toEqual(unknown);
    expect(known).toEqual([2333, 2333, 2333, 2060001, 2060001]);
  });

  it('count wrong current passwords on update-password and unbind-password, and lock the account', async () => {
    await s.container.authn.settings.update(s.poolId, { bruteForce: { captchaAfter: 0, lockAfter: 5 } });
    try {
      const u = await s.container.services.users.create(s.poolId, { email: 'owner@example.com', emailVerified: true });
      await s.container.authn.passwords.set(s.poolId, (await s.container.repos.users.findById(s.poolId, u.userId))!, PASSWORD);
      const c = client();
      const token = ok(await c.signInByEmailPassword({ email: 'owner@example.com', password: PASSWORD })).data.access_token as string;
      const call = (path: string, body: Record<string, unknown>) =>
        fetch(`${s.url}/api/v3/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-authing-app-id': s.defaultAppId }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<{ apiCode?: number; statusCode: number }>);
      const answers: Array<number | undefined> = [];
      for (let i = 0; i < 3; i++) answers.push((await call('update-password', { oldPassword: `wrong ${i}`, newPassword: 'another long phrase 7' })).apiCode);
      for (let i = 0; i < 3; i++) answers.push((await call('unbind-password', { password: `wrong ${i}` })).apiCode);
      expect(answers).toEqual([2006, 2006, 2006, 2006, 2006, 2005]);
      // Locked: the right current password is refused too, and so is signing in.
      expect((await call('update-password', { oldPassword: PASSWORD, newPassword: 'another long phrase 7' })).apiCode).toBe(2005);
      expect(code(await c.signInByEmailPassword({ email: 'owner@example.com', password: PASSWORD }))).toBe(2005);
      // The admin unlock clears every counter of the account.
      ok(await s.mgmt().makeRequest({ method: 'POST', url: '/api/v3/unlock-user', data: { userId: u.userId } }));
      ok(await c.signInByEmailPassword({ email: 'owner@example.com', password: PASSWORD }));
      // The failures are security events.
      const events = await s.container.services.audit.list(s.poolId, 100, 'user:password-change-failed');
      expect(events.filter((e) => e.subject === u.userId).length).toBeGreaterThanOrEqual(3);
    } finally {
      await s.container.authn.settings.update(s.poolId, { bruteForce: { captchaAfter: 3, lockAfter: 10 } });
    }
  });
});
