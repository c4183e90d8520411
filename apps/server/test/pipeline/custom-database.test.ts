import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import { authClient, startServer, type TestServer } from '../support/server.js';
import { createPgDatabase } from '../support/services.js';
import { ok as okEnvelope, raw, type Envelope } from '../support/management.js';

const ok = (r: unknown): any => okEnvelope(r as Envelope);

/**
 * Custom database, lazy migration: a user present only in the test's own "legacy" PostgreSQL
 * database signs in with the vendor client, is created in Gatehouse with the password Gatehouse
 * hashed, and the second sign-in does not call the script.
 */
const LOGIN = `async function login(account, password) {
  const rows = await db.query('SELECT id, email, username, nickname, salt, hash FROM legacy_users WHERE email = $1 OR username = $1', [account]);
  if (rows.length === 0) return null;
  const u = rows[0];
  console.log('checking', account, password);
  if (crypto.sha256(u.salt + password) !== u.hash) return null;
  return { id: String(u.id), email: u.email, username: u.username, nickname: u.nickname };
}`;

describe('custom database: lazy migration from PostgreSQL', () => {
  let s: TestServer;
  let mc: ManagementClient;
  let legacy: { url: string; drop: () => Promise<void> };
  let appSecret: string;
  const sha = (t: string) => createHash('sha256').update(t).digest('hex');
  const api = () => authClient({ appId: s.defaultAppId, appSecret, host: s.url });
  const scriptRuns = async () => ((ok(await raw(mc, 'GET', '/api/v3/get-pipeline-logs', { page: 1, limit: 50 })) as { list: Array<{ funcId: string; result: string; logs: string[] }> }).list).filter((l) => l.funcId === 'custom-database:login');

  beforeAll(async () => {
    legacy = await createPgDatabase();
    const c = new pg.Client({ connectionString: legacy.url });
    await c.connect();
    await c.query('CREATE TABLE legacy_users (id serial PRIMARY KEY, email text, username text, nickname text, salt text, hash text)');
    await c.query('INSERT INTO legacy_users (email, username, nickname, salt, hash) VALUES ($1, $2, $3, $4, $5)', ['grace@legacy.example', 'grace', 'Amazing Grace', 's4lt', sha('s4lt' + 'cobol forever 1959')]);
    await c.query('INSERT INTO legacy_users (email, username, nickname, salt, hash) VALUES ($1, $2, $3, $4, $5)', ['ada@legacy.example', 'ada', 'Ada', 'p3pp3r', sha('p3pp3r' + 'analytical engine 1843')]);
    await c.end();
    // The legacy database is on loopback: the operator allows it, as a real deployment would allow its own network.
    s = await startServer({ config: { outboundAllow: '127.0.0.1' } });
    appSecret = await s.container.services.applications.getSecret(s.poolId, s.defaultAppId);
    mc = s.mgmt();
    ok(await raw(mc, 'POST', '/api/v3/set-pipeline-env', { key: 'LEGACY_DB_URL', value: legacy.url }));
    expect(ok(await raw(mc, 'POST', '/api/v3/set-custom-database', { enabled: true, loginScript: LOGIN, dbUrlEnv: 'LEGACY_DB_URL', timeout: 15 }))).toMatchObject({ enabled: true, mode: 'lazy', dbUrlEnv: 'LEGACY_DB_URL' });
  });
  afterAll(async () => {
    await s?.close();
    await legacy?.drop();
  });

  it('refuses a wrong password like any unknown account, and imports nobody', async () => {
    const r = (await api().signInByAccountPassword({ account: 'grace@legacy.example', password: 'wrong password' })) as { apiCode?: number };
    expect(r.apiCode).toBe(2333);
    expect(await s.container.repos.users.findBy(s.poolId, 'email', 'grace@legacy.example')).toBeFalsy();
    const runs = await scriptRuns();
    expect(runs[0]).toMatchObject({ result: 'not_found' });
    // The password never reaches the log, even when the script prints it.
    expect(runs[0]!.logs).toEqual(['checking grace@legacy.example [redacted]']);
  });

  it('imports the user at the first successful sign-in; the second does not call the script', async () => {
    const before = (await scriptRuns()).length;
    const r1 = (await api().signInByAccountPassword({ account: 'grace@legacy.example', password: 'cobol forever 1959' })) as { statusCode: number };
    expect(r1.statusCode, JSON.stringify(r1)).toBe(200);
    const row = await s.container.repos.users.findBy(s.poolId, 'email', 'grace@legacy.example');
    expect(row).toMatchObject({ username: 'grace', nickname: 'Amazing Grace', external_id: '1' });
    expect(row!.password_hash).toMatch(/^\$argon2id\$/);
    expect((await scriptRuns()).length).toBe(before + 1);

    // The legacy store changes (or goes away): Gatehouse now verifies with its own hash.
    const c = new pg.Client({ connectionString: legacy.url });
    await c.connect();
    await c.query('UPDATE legacy_users SET hash = $1', ['nothing matches this']);
    await c.end();
    const r2 = (await api().signInByAccountPassword({ account: 'grace', password: 'cobol forever 1959' })) as { statusCode: number };
    expect(r2.statusCode).toBe(200);
    expect((await scriptRuns()).length).toBe(before + 1);
  });

  it('asks the legacy store only after the attempt guard: once a captcha is due, the right password reaches neither the script nor an import', async () => {
    const settings = await s.container.authn.settings.get(s.poolId);
    const captchaAfter = settings.bruteForce.captchaAfter;
    expect(captchaAfter).toBeGreaterThan(0);
    const runsBefore = (await scriptRuns()).length;
    for (let i = 0; i < captchaAfter; i++) {
      const r = (await api().signInByAccountPassword({ account: 'ada@legacy.example', password: `wrong ${i}` })) as { apiCode?: number };
      expect(r.apiCode).toBe(2333);
    }
    expect((await scriptRuns()).length).toBe(runsBefore + captchaAfter);
    // The next try without a captcha answer is refused by the guard, before the script runs.
    const r = (await api().signInByAccountPassword({ account: 'ada@legacy.example', password: 'analytical engine 1843' })) as { apiCode?: number; statusCode: number };
    expect(r.statusCode).not.toBe(200);
    expect((await scriptRuns()).length).toBe(runsBefore + captchaAfter);
    expect(await s.container.repos.users.findBy(s.poolId, 'email', 'ada@legacy.example')).toBeFalsy();
  });

  it('refuses a login script that does not compile', async () => {
    const r = (await raw(mc, 'POST', '/api/v3/set-custom-database', { enabled: true, loginScript: 'function nope() {}', dbUrlEnv: 'LEGACY_DB_URL' })) as Envelope;
    expect(r).toMatchObject({ apiCode: 7000004 });
  });
});
