import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authClient, startServer, type TestServer } from '../support/server.js';
import { postgresAvailable } from '../support/services.js';
import { prepareDefaultApp } from '../support/sign-in.js';
import { freePort, freshEnv, runCli } from '../cli/run-cli.js';

/**
 * Redis outages (security.md §0 item 35). Authentication fails closed and fast with the
 * catalogued "temporarily unavailable" — 503 outside /api/v3, the envelope with statusCode 503
 * inside — while /health/ready is red, and recovers by itself when Redis is back. A Redis that
 * hangs instead of dying is bounded by the command timeout. Starting against a Redis that does
 * not answer says so in one sentence and exits non-zero. The Redis here is our own
 * `redis-server`, killed and restarted by the test.
 */
const hasPg = await postgresAvailable();

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

async function until(what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

class OwnRedis {
  child?: ChildProcess;
  constructor(readonly port: number) {}
  async start() {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: 'ignore' });
    await until('redis-server to listen', () => portOpen(this.port));
  }
  async kill() {
    const c = this.child!;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await exited;
    await until('redis port to close', async () => !(await portOpen(this.port)));
  }
}

describe('starting against an unreachable Redis', () => {
  it('prints "Redis at … is unreachable" and exits non-zero, without a reconnect loop', async () => {
    const port = await freePort();
    const { env } = freshEnv({ GATEHOUSE_REDIS_URL: `redis://:hunter2-secret@127.0.0.1:${port}`, GATEHOUSE_PORT: String(await freePort()), GATEHOUSE_HOST: '127.0.0.1' });
    const r = await runCli(['start'], env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`Redis at redis://:***@127.0.0.1:${port} is unreachable`);
    expect(r.stderr).not.toContain('hunter2-secret');
    expect(r.stderr).not.toMatch(/ioredis|MaxRetriesPerRequest|max retries/i);
  });
});

describe.skipIf(!hasPg)('a Redis outage on PostgreSQL + Redis', () => {
  let redis: OwnRedis;
  let s: TestServer;
  let appSecret: string;
  const PASSWORD = 'fail closed then recover';

  beforeAll(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    s = await startServer({ db: 'postgres', config: { redisUrl: `redis://127.0.0.1:${redis.port}`, redisCommandTimeoutMs: 300 } });
    appSecret = await prepareDefaultApp(s);
    const mc = s.mgmt();
    expect((await mc.createUser({ email: 'outage@example.com', password: PASSWORD } as never)).statusCode).toBe(200);
  });
  afterAll(async () => {
    await s?.close();
    redis?.child?.kill('SIGKILL');
  });

  const signIn = () => authClient({ appId: s.defaultAppId, appSecret, host: s.url }).signInByEmailPassword({ email: 'outage@example.com', password: PASSWORD });
  const ready = async () => (await fetch(`${s.url}/health/ready`)).status;

  it('signs in while Redis is up', async () => {
    expect(await signIn()).toMatchObject({ statusCode: 200 });
    expect(await ready()).toBe(200);
  });

  it('fails closed with the catalogued 503 while Redis is down; readiness is red; never a 500', async () => {
    await redis.kill();
    for (let i = 0; i < 4; i++) expect(await signIn()).toMatchObject({ statusCode: 503, apiCode: 1020001, data: null });
    const ready503 = await fetch(`${s.url}/health/ready`);
    expect(ready503.status).toBe(503);
    expect(await ready503.json()).toMatchObject({ status: 'unavailable', checks: { 'kv:redis': 'unavailable' } });
    // Outside /api/v3: a real 503 (hosted login / OIDC), and the management API's envelope.
    const auth = await fetch(`${s.url}/oidc/auth?client_id=${s.defaultAppId}&response_type=code&scope=openid&redirect_uri=https://app.example/cb`, { redirect: 'manual' });
    expect(auth.status).toBe(503);
    expect(await auth.json()).toMatchObject({ apiCode: 1020001 });
    expect(await s.mgmt().listUsers({} as never)).toMatchObject({ statusCode: 503, apiCode: 1020001 });
  });

  it('recovers by itself when Redis is back', async () => {
    await redis.start();
    await until('readiness to turn green', async () => (await ready()) === 200);
    expect(await signIn()).toMatchObject({ statusCode: 200 });
  });

  it('bounds a hung Redis by the command timeout, then recovers', async () => {
    process.kill(redis.child!.pid!, 'SIGSTOP');
    try {
      expect(await signIn()).toMatchObject({ statusCode: 503, apiCode: 1020001 });
      expect(await ready()).toBe(503);
    } finally {
      process.kill(redis.child!.pid!, 'SIGCONT');
    }
    await until('readiness to turn green', async () => (await ready()) === 200);
    expect(await signIn()).toMatchObject({ statusCode: 200 });
  });
});
