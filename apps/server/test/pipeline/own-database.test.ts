import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import { authClient, startServer, type TestServer } from '../support/server.js';
import { createPgDatabase } from '../support/services.js';
import { ok as okEnvelope, raw, type Envelope } from '../support/management.js';

const ok = (r: unknown): any => okEnvelope(r as Envelope);

/**
 * Custom database, "own database" mode (docs/pipeline.md): the users live in the test's own
 * PostgreSQL database, reached only through the pool's script. Every password sign-in (through
 * the sign-in engine) asks `login`; Gatehouse keeps an account without a password; sign-up asks
 * `getUser` then `create`; a password set by the administrator goes to `changePassword`; a
 * verified email is passed on (`verify`); a deleted account is removed from the store (`remove`).
 */
const SCRIPT = `
async function login(account, password) {
  const rows = await db.query('SELECT id, email, username, nickname, salt, hash FROM app_users WHERE email = $1 OR username = $1', [account]);
  if (rows.length === 0) return null;
  const u = rows[0];
  console.log('login', account, password);
  if (crypto.sha256(u.salt + password) !== u.hash) return null;
  return { id: u.id, email: u.email, username: u.username, nickname: u.nickname };
}
async function getUser(query) {
  const rows = await db.query('SELECT id, email, username FROM app_users WHERE email = $1 OR username = $2', [query.email || null, query.username || null]);
  return rows[0] || null;
}
async function create(user) {
  if (user.email && user.email.endsWith('@blocked.example')) throw new Error('This domain cannot register.');
  const salt = crypto.randomUUID();
  const rows = await db.query('INSERT INTO app_users (email, username, nickname, salt, hash) VALUES ($1, $2, $3, $4, $5) RETURNING id, email, username, nickname', [user.email || null, user.username || null, user.nickname || null, salt, crypto.sha256(salt + user.password)]);
  return rows[0];
}
async function changePassword(user, password) {
  const salt = crypto.randomUUID();
  await db.query('UPDATE app_users SET salt = $1, hash = $2 WHERE id = $3', [salt, crypto.sha256(salt + password), user.id]);
  return true;
}
async function verify(user) {
  await db.query('UPDATE app_users SET email_verified = true WHERE id = $1', [user.id]);
}
async function remove(user) {
  await db.query('DELETE FROM app_users WHERE id = $1', [user.id]);
}
`;

describe('custom database: own database mode (PostgreSQL)', () => {
  let s: TestServer;
  let mc: ManagementClient;
  let store: { url: string; drop: () => Promise<void> };
  let secret = '';
  const sha = (t: string) => createHash('sha256').update(t).digest('hex');
  const api = () => authClient({ appId: s.defaultAppId, appSecret: secret, host: s.url });
  const sql = async (text: string, params: unknown[] = []) => {
    const c = new pg.Client({ connectionString: store.url });
    await c.connect();
    try {
      return (await c.query(text, params)).rows as Array<Record<string, unknown>>;
    } finally {
      await c.end();
    }
  };
  const runs = async (entry: string) =>
    ((ok(await raw(mc, 'GET', '/api/v3/get-pipeline-logs', { page: 1, limit: 100 })) as { list: Array<{ funcId: string; result: string; logs: string[] }> }).list).filter((l) => l.funcId === `custom-database:${entry}`);
  const signIn = (account: string, password: string) => api().signInByAccountPassword({ account, password }) as Promise<any>;

  beforeAll(async () => {
    store = await createPgDatabase();
    await sql('CREATE TABLE app_users (id serial PRIMARY KEY, email text UNIQUE, username text UNIQUE, nickname text, salt text, hash text, email_verified boolean NOT NULL DEFAULT false)');
    await sql('INSERT INTO app_users (email, username, nickname, salt, hash) VALUES ($1, $2, $3, $4, $5)', ['lin@own.example', 'lin', 'Lin', 'abc', sha('abc' + 'first password 1')]);
    await sql('INSERT INTO app_users (email, username, nickname, salt, hash) VALUES ($1, $2, $3, $4, $5)', ['taken@own.example', 'taken', 'Taken', 'xyz', sha('xyz' + 'whatever 123')]);
    s = await startServer({ config: { outboundAllow: '127.0.0.1' } });
    secret = await s.container.services.applications.getSecret(s.poolId, s.defaultAppId);
    mc = s.mgmt();
    ok(await raw(mc, 'POST', '/api/v3/set-pipeline-env', { key: 'APP_DB_URL', value: store.url }));
    expect(ok(await raw(mc, 'POST', '/api/v3/set-custom-database', { enabled: true, mode: 'own', loginScript: SCRIPT, dbUrlEnv: 'APP_DB_URL', timeout: 15 }))).toMatchObject({ enabled: true, mode: 'own' });
  });
  afterAll(async () => {
    await s?.close();
    await store?.drop();
  });

  it('every password sign-in asks the store; the Gatehouse account holds no password and follows the store', async () => {
    expect(await signIn('lin@own.example', 'wrong password 0')).toMatchObject({ apiCode: 2333 });
    expect(await s.container.repos.users.findBy(s.poolId, 'email', 'lin@own.example')).toBeFalsy();

    const r = await signIn('lin@own.example', 'first password 1');
    expect(r.statusCode, JSON.stringify(r)).toBe(200);
    const row = await s.container.repos.users.findBy(s.poolId, 'email', 'lin@own.example');
    expect(row).toMatchObject({ username: 'lin', nickname: 'Lin', password_hash: null });
    // The password is redacted from the script's console output.
    expect((await runs('login'))[0]!.logs).toEqual(['login lin@own.example [redacted]']);

    // The store changes the password and the nickname: the old password stops working at once, the profile follows.
    await sql('UPDATE app_users SET salt = $1, hash = $2, nickname = $3 WHERE email = $4', ['def', sha('def' + 'second password 2'), 'Lin Y.', 'lin@own.example']);
    expect(await signIn('lin', 'first password 1')).toMatchObject({ apiCode: 2333 });
    expect((await signIn('lin', 'second password 2')).statusCode).toBe(200);
    const again = await s.container.repos.users.findBy(s.poolId, 'email', 'lin@own.example');
    expect(again).toMatchObject({ id: row!.id, nickname: 'Lin Y.', password_hash: null });
    expect((await runs('login')).length).toBe(4);
  });

  it('sign-up creates the user in the store (getUser, then create); refusals leave no account behind', async () => {
    const r = (await api().signUpByEmailPassword({ email: 'new@own.example', password: 'brand new pass 9' })) as any;
    expect(r.statusCode, JSON.stringify(r)).toBe(200);
    const stored = await sql('SELECT salt, hash FROM app_users WHERE email = $1', ['new@own.example']);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.hash).toBe(sha(String(stored[0]!.salt) + 'brand new pass 9'));
    expect(await s.container.repos.users.findBy(s.poolId, 'email', 'new@own.example')).toMatchObject({ password_hash: null });
    expect((await signIn('new@own.example', 'brand new pass 9')).statusCode).toBe(200);

    // The script refuses: its message, and no account in Gatehouse.
    expect(await api().signUpByEmailPassword({ email: 'x@blocked.example', password: 'brand new pass 9' })).toMatchObject({ apiCode: 7000010, message: 'This domain cannot register.' });
    expect(await s.container.repos.users.findBy(s.poolId, 'email', 'x@blocked.example')).toBeFalsy();

    // Already in the store (not yet in Gatehouse): refused like any existing account.
    const taken = (await api().signUpByEmailPassword({ email: 'taken@own.example', password: 'brand new pass 9' })) as any;
    expect(taken.statusCode).not.toBe(200);
    expect(taken.apiCode).toBe(((await api().signUpByEmailPassword({ email: 'new@own.example', password: 'brand new pass 9' })) as any).apiCode);
    expect(await s.container.repos.users.findBy(s.poolId, 'email', 'taken@own.example')).toBeFalsy();
    expect(await sql('SELECT id FROM app_users WHERE email = $1', ['taken@own.example'])).toHaveLength(1);
  });

  /** The store hears of some changes after the fact (events): wait for them. */
  const until = async (what: string, cond: () => Promise<boolean>) => {
    for (let i = 0; !(await cond()); i++) {
      if (i > 600) throw new Error(what);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it('a password set by the administrator goes to the store (changePassword); a verified email is passed on (verify); a deleted account is removed there (remove)', async () => {
    const row = (await s.container.repos.users.findBy(s.poolId, 'email', 'new@own.example'))!;
    ok(await mc.updateUser({ userId: row.id, emailVerified: true } as never));
    await until('the store did not mark the email verified', async () => (await sql('SELECT email_verified FROM app_users WHERE email = $1', ['new@own.example']))[0]?.email_verified === true);

    ok(await mc.updateUser({ userId: row.id, password: 'set by admin 77' } as never));
    expect(await s.container.repos.users.findBy(s.poolId, 'email', 'new@own.example')).toMatchObject({ password_hash: null });
    expect(await signIn('new@own.example', 'brand new pass 9')).toMatchObject({ apiCode: 2333 });
    expect((await signIn('new@own.example', 'set by admin 77')).statusCode).toBe(200);
    expect((await runs('changePassword'))[0]).toMatchObject({ result: 'success' });

    ok(await mc.deleteUsersBatch({ userIds: [row.id] }));
    await until('the store still holds the deleted user', async () => (await sql('SELECT id FROM app_users WHERE email = $1', ['new@own.example'])).length === 0);
    expect(await signIn('new@own.example', 'set by admin 77')).toMatchObject({ apiCode: 2333 });
  });

  it('an account with a Gatehouse password (made before the mode) keeps signing in with it', async () => {
    ok(await mc.createUser({ email: 'native@example.com', password: 'rose garden 5512' }));
    expect((await signIn('native@example.com', 'rose garden 5512')).statusCode).toBe(200);
    expect((await runs('login')).some((l) => l.logs.some((x) => x.includes('native@example.com')))).toBe(false);
  });
});
