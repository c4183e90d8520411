import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../../apps/server/src/config/load.js';
import { createContainer } from '../../apps/server/src/container/index.js';
import { bootstrap } from '../../apps/server/src/services/bootstrap.js';
import { createPasswordHasher } from '../../apps/server/src/services/passwords/hasher.js';
import { sortableId } from '../../apps/server/src/utils/ids.js';
import { connectDb } from '../../apps/server/src/storage/db/connect.js';
import type { UserRow } from '../../apps/server/src/storage/repositories/users.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'apps/server/bin/gatehouse.js');
export const PASSWORD = 'bench passphrase 0123456789';
export const CB = 'http://127.0.0.1:9/cb';

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

/** A fresh PostgreSQL database on 127.0.0.1:5432 (user postgres, trust auth); dropped at the end. */
export async function freshPg(adminUrl = process.env.GATEHOUSE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres') {
  const name = `gh_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export interface Fixture {
  poolId: string;
  web: { appId: string; appSecret: string };
  m2m: { appId: string; appSecret: string };
  users: number;
  seedSeconds: number;
}

export interface ServerEnv {
  env: Record<string, string>;
  url: string;
  port: number;
}

/**
 * Seeds the database the way an operator's import would, but fast: the pool and apps through
 * the services; users through the users repository in 1,000-row transactions, all sharing one
 * real argon2id hash (m=19456, t=2, p=1) computed once, so every sign-in still verifies a real
 * hash with the production parameters. Then closes the connection: the server is a separate process.
 */
export async function seed(server: ServerEnv, users: number, log: (s: string) => void): Promise<Fixture> {
  const e = server.env;
  const config = loadConfig({}, {
    dataDir: e.GATEHOUSE_DATA_DIR!,
    databaseUrl: e.GATEHOUSE_DATABASE_URL!,
    redisUrl: e.GATEHOUSE_REDIS_URL ?? '',
    secret: e.GATEHOUSE_SECRET!,
    accessKeyId: e.GATEHOUSE_ACCESS_KEY_ID!,
    accessKeySecret: e.GATEHOUSE_ACCESS_KEY_SECRET!,
    publicUrl: server.url,
    logLevel: 'silent',
  });
  const c = await createContainer(config);
  try {
    const t0 = Date.now();
    const boot = (await bootstrap(c))!;
    const poolId = boot.pool.id;
    const apps = c.services.applications;
    const web = await apps.create(poolId, { appName: 'Bench web', appType: 'web', redirectUris: [CB] } as never);
    const m2m = await apps.create(poolId, { appName: 'Bench worker', appType: 'api', oidcConfig: { scope: 'read:things' } } as never);
    // The passcode scenario floods send-sms from one loopback address to many recipients: raise
    // this pool's send quotas (pool settings, as `update-messaging-settings` would) so the bench
    // measures the send + verify path, not the abuse limits (those are proven by
    // apps/server/test/passcode/parallel.test.ts, not here).
    const q = 1_000_000;
    await c.passcodes.settings.update(poolId, { quotas: { recipientPerMinute: q, recipientPerHour: q, recipientPerDay: q, ipPerHour: q, poolPerHour: q, poolPerDay: q } });
    // The captcha step off (0): under a saturated machine a directory bind that times out counts
    // as a failure, and three of them would put a captcha in front of the LDAP scenario's user.
    // Lockouts stay (lockAfter 10): a run with failures shows them as errors.
    await c.authn.settings.update(poolId, { bruteForce: { captchaAfter: 0 } });
    const hash = await createPasswordHasher({ concurrency: 1 }).hash(PASSWORD);
    // One user through the service gives a row with every column as the service fills it.
    const first = await c.services.users.create(poolId, { email: 'u0@bench.example', username: 'u0', phone: '13000000000' } as never);
    const template = (await c.repos.users.findById(poolId, (first as { userId: string }).userId))!;
    await c.repos.users.update(poolId, template.id, { password_hash: hash, password_last_set_at: template.created_at });
    const now = new Date().toISOString();
    const batch = 1000;
    const parallel = c.db.dialect === 'postgres' ? 4 : 1;
    let next = 1;
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        while (next < users) {
          const from = next;
          next = Math.min(users, next + batch);
          const rows: UserRow[] = [];
          for (let i = from; i < next; i++) {
            rows.push({ ...template, id: sortableId(), email: `u${i}@bench.example`, username: `u${i}`, phone: `130${String(i).padStart(8, '0')}`, password_hash: hash, password_last_set_at: now, created_at: now, updated_at: now, signed_up: now } as UserRow);
          }
          await c.repos.users.insertMany(rows);
          if (next % 100_000 < batch) log(`  seeded ${next} users`);
        }
      }),
    );
    // PostgreSQL plans from statistics gathered when the tables were nearly empty until
    // autovacuum's autoanalyze catches up (up to a minute or more after a bulk load); with them,
    // the planner reads a 1M-user pool through users_pool_created and filters every row (~1 s
    // per sign-in lookup). An operator's bulk import should be followed by ANALYZE; so is this one.
    if (c.db.dialect === 'postgres') await sql`analyze`.execute(c.db.db);
    return { poolId, web: { appId: web.appId, appSecret: web.appSecret! }, m2m: { appId: m2m.appId, appSecret: m2m.appSecret! }, users, seedSeconds: (Date.now() - t0) / 1000 };
  } finally {
    await c.close();
  }
}

/** Ids of the seeded users with these emails, in that order (read from the server's database while it runs; WAL allows the concurrent reader). */
export async function userIds(databaseUrl: string, poolId: string, emails: string[]): Promise<Array<{ id: string; email: string }>> {
  const h = await connectDb(databaseUrl);
  try {
    const found = new Map<string, string>();
    for (let i = 0; i < emails.length; i += 500) {
      const rows = await h.db.selectFrom('users').select(['id', 'email']).where('pool_id', '=', poolId).where('email', 'in', emails.slice(i, i + 500)).execute();
      for (const r of rows) found.set(r.email!, r.id);
    }
    return emails.flatMap((email) => (found.has(email) ? [{ id: found.get(email)!, email }] : []));
  } finally {
    await h.close();
  }
}

export interface Child {
  child: ChildProcess;
  pid: number;
  url: string;
  /** Date.now() when the process was spawned (a CPU profile's clock starts about then). */
  startedAt: number;
  output: () => string;
  stop: () => Promise<void>;
}

async function waitReady(child: ChildProcess, probe: string, out: () => string, timeoutMs = 300_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`process exited early (${child.exitCode ?? child.signalCode}):\n${out()}`);
    if ((await fetch(probe).then((r) => r.status, () => 0)) === 200) return;
    if (Date.now() > until) throw new Error(`not ready after ${timeoutMs} ms:\n${out()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function track(child: ChildProcess, url: string, probe: string, onLine?: (line: string) => void): Promise<Child> {
  const startedAt = Date.now();
  let out = '';
  let partial = '';
  child.stdout!.on('data', (d: Buffer) => {
    const s = d.toString();
    out = (out + s).slice(-20_000);
    if (!onLine) return;
    const lines = (partial + s).split('\n');
    partial = lines.pop()!;
    for (const l of lines) onLine(l);
  });
  child.stderr!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  const output = () => out;
  return waitReady(child, probe, output).then(() => ({
    child,
    pid: child.pid!,
    url,
    startedAt,
    output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await done;
      clearTimeout(t);
    },
  }));
}

/** `gatehouse start` as a real child process (the installed launcher), optionally under --cpu-prof. */
export function startGatehouse(server: ServerEnv, opts: { cpuProfDir?: string; onLine?: (line: string) => void } = {}): Promise<Child> {
  const nodeArgs: string[] = [];
  if (opts.cpuProfDir) {
    mkdirSync(opts.cpuProfDir, { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`);
  }
  const child = spawn(process.execPath, [...nodeArgs, BIN, 'start'], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...server.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return track(child, server.url, `${server.url}/health/ready`, opts.onLine);
}

/** A peer (bench/peers/*.mjs) as its own process on its own port. */
export async function startPeer(script: string, probePath: string, args: string[] = []): Promise<Child> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'bench/peers', script), String(port), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = `http://127.0.0.1:${port}`;
  return track(child, url, probePath.startsWith('http') ? probePath : `${url}${probePath}`);
}

/** A tiny cookie jar with manual redirects, to drive the hosted login with plain HTTP requests. */
export class Browser {
  private cookies = new Map<string, string>();
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(cookie ? { cookie } : {}), ...(init.headers as Record<string, string>) } });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (/expires=Thu, 01 Jan 1970/i.test(c) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }
  async follow(url: string, stopAt: string): Promise<{ res: Response; url: string }> {
    let res = await this.fetch(url);
    let current = url;
    for (let i = 0; i < 20 && res.status >= 300 && res.status < 400; i++) {
      const next = new URL(res.headers.get('location')!, current).toString();
      if (next.startsWith(stopAt)) {
        await res.body?.cancel();
        return { res, url: next };
      }
      await res.body?.cancel();
      current = next;
      res = await this.fetch(next);
    }
    return { res, url: current };
  }
}

/**
 * One authorization-code flow through the hosted login: /oidc/auth → login page → POST
 * credentials (skipped when the browser already has an SSO session) → callback → /oidc/token.
 * Returns the token response or throws with what went wrong.
 */
export async function codeFlow(base: string, browser: Browser, app: { appId: string; appSecret: string }, account: string | null, scope = 'openid profile email offline_access', prompt?: string): Promise<Record<string, string>> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const q = new URLSearchParams({ client_id: app.appId, response_type: 'code', redirect_uri: CB, scope, code_challenge: challenge, code_challenge_method: 'S256', state: randomBytes(8).toString('hex'), nonce: randomBytes(8).toString('hex') });
  if (!account) q.set('prompt', 'none');
  else if (prompt) q.set('prompt', prompt);
  let { res, url } = await browser.follow(`${base}/oidc/auth?${q}`, CB);
  if (!url.startsWith(CB)) {
    const html = await res.text();
    if (!account || !html.includes('name="password"')) throw new Error(`expected the login page, got ${res.status} at ${url}: ${html.slice(0, 200)}`);
    const post = await browser.fetch(`${url}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ account, password: PASSWORD }).toString() });
    if (post.status !== 303) throw new Error(`login POST answered ${post.status}: ${(await post.text()).slice(0, 200)}`);
    await post.body?.cancel();
    ({ res, url } = await browser.follow(new URL(post.headers.get('location')!, url).toString(), CB));
    if (!url.startsWith(CB)) throw new Error(`flow ended at ${url} (${res.status})`);
  }
  const code = new URL(url).searchParams.get('code');
  if (!code) throw new Error(`no code in ${url}`);
  const tok = await fetch(`${base}/oidc/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: CB, code_verifier: verifier, client_id: app.appId, client_secret: app.appSecret }).toString(),
  });
  const body = (await tok.json()) as Record<string, string>;
  if (tok.status !== 200) throw new Error(`token endpoint ${tok.status}: ${JSON.stringify(body).slice(0, 200)}`);
  return body;
}
