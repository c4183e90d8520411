import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCredentialsRepo } from '../../src/storage/repositories/credentials.js';
import { createLoginWrites } from '../../src/services/credentials/login-writes.js';
import { startServer, authClient, type TestServer } from '../support/server.js';
import { ok } from '../support/sign-in.js';

/**
 * Issue #22: a sign-in's login count / last login / last IP and its login-history row are
 * written in batches off the request path (services/credentials/login-writes.ts). What must
 * hold: counts and history stay exact (N sign-ins of one user in one batch add N, the latest
 * login wins), this node reads its own writes at once (profile and history right after a
 * sign-in), nothing is lost on close, and a failed batch is kept and written later.
 */
let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(async () => s?.close());

describe('batched login writes (storage)', () => {
  let repo: ReturnType<typeof createCredentialsRepo>;
  let POOL: string;
  const ids: Record<string, string> = {};
  let h: { db: TestServer['container']['db']['db'] };

  beforeAll(async () => {
    h = { db: s.container.db.db };
    repo = createCredentialsRepo(h.db);
    POOL = s.poolId;
    for (const name of ['u1', 'u2']) ids[name] = (await s.container.services.users.create(POOL, { email: `${name}-writes@example.com` })).userId;
  });

  const user = (name: string) => h.db.selectFrom('users').select(['logins_count', 'last_login', 'last_ip']).where('id', '=', ids[name]!).executeTakeFirstOrThrow();
  const events = async (name: string) => (await h.db.selectFrom('login_events').select('id').where('user_id', '=', ids[name]!).execute()).length;
  const event = (name: string, i: number) => ({ id: `${name}-e${i}-${Math.random()}`, pool_id: POOL, user_id: ids[name]!, app_id: null, at: new Date().toISOString(), ip: '127.0.0.1', user_agent: null, method: 'password', success: 1, code: null, request_id: null });

  it('waits in memory, then close() writes every count and history row; the latest login wins', async () => {
    const w = createLoginWrites(repo, { flushDelayMs: 60_000 });
    await w.recordLogin(POOL, ids.u1!, '2026-01-01T00:00:01.000Z', '10.0.0.1');
    await w.recordLogin(POOL, ids.u1!, '2026-01-01T00:00:03.000Z', '10.0.0.3');
    await w.recordLogin(POOL, ids.u1!, '2026-01-01T00:00:02.000Z', '10.0.0.2');
    await w.recordLogin(POOL, ids.u2!, '2026-01-01T00:00:05.000Z', null);
    for (let i = 0; i < 4; i++) await w.insertLoginEvent(event('u1', i));
    expect(w.pendingFor(POOL, ids.u1!)).toBe(true);
    expect((await user('u1')).logins_count).toBe(0); // not on the request path
    expect(await events('u1')).toBe(0);
    await w.close();
    expect(await user('u1')).toEqual({ logins_count: 3, last_login: '2026-01-01T00:00:03.000Z', last_ip: '10.0.0.3' });
    expect(await user('u2')).toMatchObject({ logins_count: 1 });
    expect(await events('u1')).toBe(4);
    expect(w.pendingFor(POOL, ids.u1!)).toBe(false);
  });

  it('writes on its own within the delay, and a full batch at once', async () => {
    const w = createLoginWrites(repo, { flushDelayMs: 20, batchSize: 10 });
    const before = (await user('u2')).logins_count;
    for (let i = 0; i < 25; i++) await w.insertLoginEvent(event('u2', i));
    await w.recordLogin(POOL, ids.u2!, new Date().toISOString(), null);
    const deadline = Date.now() + 60_000;
    while (((await events('u2')) < 25 || (await user('u2')).logins_count !== before + 1) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await events('u2')).toBe(25);
    expect((await user('u2')).logins_count).toBe(before + 1);
    await w.close();
  });

  it('keeps a failed batch and writes it at the next flush', async () => {
    let fail = true;
    const flaky = { writeLogins: (c: Parameters<typeof repo.writeLogins>[0], e: Parameters<typeof repo.writeLogins>[1]) => (fail ? Promise.reject(new Error('database busy')) : repo.writeLogins(c, e)) };
    const failures: number[] = [];
    const w = createLoginWrites(flaky, { flushDelayMs: 60_000, onError: (_e, n) => failures.push(n) });
    const before = (await user('u1')).logins_count;
    await w.recordLogin(POOL, ids.u1!, new Date().toISOString(), null);
    await expect(w.flush()).rejects.toThrow('database busy');
    expect(failures).toEqual([1]);
    expect(w.pendingFor(POOL, ids.u1!)).toBe(true);
    await w.recordLogin(POOL, ids.u1!, new Date().toISOString(), null); // merged with the kept one
    fail = false;
    await w.close();
    expect((await user('u1')).logins_count).toBe(before + 2);
  });
});

describe('batched login writes through the HTTP surface', () => {
  it('the profile and the history read right after sign-ins show every one of them (this node reads its own writes)', async () => {
    const { container, poolId } = s;
    const u = await container.services.users.create(poolId, { email: 'batched@example.com' });
    const row = (await container.repos.users.findById(poolId, u.userId))!;
    await container.authn.passwords.set(poolId, row, 'amber canyon drift 42 zebra');
    const appSecret = await container.services.applications.getSecret(poolId, s.defaultAppId);
    const c = authClient({ appId: s.defaultAppId, appSecret, host: s.url, tokenEndPointAuthMethod: 'client_secret_post' });
    let token = '';
    for (let i = 0; i < 3; i++) token = ok(await c.signInByEmailPassword({ email: 'batched@example.com', password: 'amber canyon drift 42 zebra' })).data.access_token as string;
    expect(await c.signInByEmailPassword({ email: 'batched@example.com', password: 'not the passphrase' })).toMatchObject({ apiCode: 2333 });
    // Read at once, no wait: management view, own profile, own history.
    const mu = (await s.mgmt().makeRequest({ method: 'GET', url: '/api/v3/get-user', params: { userId: u.userId } })) as { data: { loginsCount: number; lastLogin?: string } };
    expect(mu.data.loginsCount).toBe(3);
    expect(mu.data.lastLogin).toEqual(expect.any(String));
    c.setAccessToken(token);
    expect(ok(await c.getProfile({})).data).toMatchObject({ loginsCount: 3 });
    const hist = ok(await c.getLoginHistory({})).data as { totalCount: number; list: Array<{ success: boolean }> };
    expect(hist.totalCount).toBe(4);
    expect(hist.list.filter((x) => x.success)).toHaveLength(3);
  });
});
