import { createServer, type Server } from 'node:http';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import { PASSWORD, seedUser } from '../oidc/support.js';
import { authClient, startServer, type TestServer } from '../support/server.js';
import { createPool, ok as okEnvelope, raw, type Envelope } from '../support/management.js';

/** The vendor client's response types differ per method; all are the one envelope. */
const ok = (r: unknown): any => okEnvelope(r as Envelope);

/**
 * Issue #16, "Done when" 2: escape and abuse attempts each fail closed, are logged, and another
 * pool keeps signing in meanwhile; a pool's env is its own; fetch reaches only allow-listed
 * hosts, through the outbound guard.
 */
type Pool = { poolId: string; mc: ManagementClient; app: { appId: string; appSecret: string } };

describe('the sandbox contains what a script tries', () => {
  let s: TestServer;
  let a: Pool;
  let b: Pool;
  let fake: Server;
  let fakeUrl: string;
  const fakeHits: Array<{ url: string; auth: string | undefined }> = [];
  const internalHits: string[] = [];
  let internal: Server;
  let internalPort: number;

  const signIn = (p: Pool) => authClient({ appId: p.app.appId, appSecret: p.app.appSecret, host: s.url }).signInByAccountPassword({ account: 'ada@example.com', password: PASSWORD }) as Promise<{ statusCode: number; apiCode?: number; message: string; data: { id_token: string } }>;
  // A generous budget unless a test is about time: the shared test machine is heavily loaded, and scripts run at the lowest priority.
  const create = async (p: Pool, body: Record<string, unknown>) => ok(await raw(p.mc, 'POST', '/api/v3/create-pipeline-function', { timeout: 15, ...body })) as { funcId: string };
  const logsOf = async (p: Pool, funcId: string) => (ok(await p.mc.getPipelineLogs({ funcId, page: 1, limit: 10 })) as { list: Array<{ result: string; message: string | null; logs: string[] }> }).list;

  beforeAll(async () => {
    fake = createServer((req, res) => {
      fakeHits.push({ url: req.url ?? '', auth: req.headers.authorization });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ allowed: req.url?.includes('ada%40example.com') ?? false }));
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    fakeUrl = `http://127.0.0.1:${(fake.address() as { port: number }).port}`;
    internal = createServer((req, res) => {
      internalHits.push(req.url ?? '');
      res.end('internal');
    });
    await new Promise<void>((r) => internal.listen(0, '127.0.0.1', r));
    internalPort = (internal.address() as { port: number }).port;

    s = await startServer({ config: { upstreamOverrides: JSON.stringify({ 'https://hooks.example.com': fakeUrl }) } });
    const make = async (name: string): Promise<Pool> => {
      const { pool, client } = await createPool(s, s.mgmt(), name);
      const app = (await s.container.services.applications.create(pool.userPoolId ?? pool.id, { appName: `${name} app`, appType: 'web', redirectUris: ['https://app.example/cb'] } as never)) as never as Pool['app'];
      const poolId = (pool.userPoolId ?? pool.id) as string;
      await seedUser({ container: s.container, poolId } as never, { email: 'ada@example.com', username: 'ada', poolId });
      return { poolId, mc: client, app };
    };
    a = await make('Pool A');
    b = await make('Pool B');
  });
  afterAll(async () => {
    await s?.close();
    fake?.close();
    internal?.close();
  });

  it('fetch reaches an allow-listed host through the outbound guard, with a secret from env; other hosts are refused', async () => {
    ok(await raw(a.mc, 'POST', '/api/v3/set-pipeline-env', { key: 'HOOK_TOKEN', value: 'tok-a-0123456789' }));
    const fn = await create(a, {
      funcName: 'Remote check',
      scene: 'PRE_AUTHENTICATION',
      fetchAllowList: ['hooks.example.com'],
      sourceCode: `async function pipe(user, context, callback) {
        console.log('token is', env.HOOK_TOKEN);
        const r = await fetch('https://hooks.example.com/check?email=' + encodeURIComponent(context.request.body.account), { headers: { authorization: 'Bearer ' + env.HOOK_TOKEN } });
        const { allowed } = await r.json();
        if (!allowed) return callback(new Error('Not on the list.'));
        callback(null, user, context);
      }`,
    });
    expect((await signIn(a)).statusCode).toBe(200);
    expect(fakeHits.at(-1)).toEqual({ url: '/check?email=ada%40example.com', auth: 'Bearer tok-a-0123456789' });
    const logs = await logsOf(a, fn.funcId);
    // The console line is kept, the secret in it is not.
    expect(logs[0]!.logs).toEqual(['token is [redacted]']);
    expect(JSON.stringify(await raw(a.mc, 'GET', '/api/v3/list-pipeline-env', {}))).not.toContain('tok-a-0123456789');
    ok(await a.mc.deletePipelineFunction({ funcId: fn.funcId }));
  });

  // Allocation ends either at the heap limit (7000011) or, when V8 collects garbage near the
  // limit for longer than the budget, at the deadline (7000012): contained either way.
  const attempts: Array<[string, string, number | number[], string[]?]> = [
    ['while(true){}', 'async function pipe(user, context, callback) { while (true) {} }', 7000012],
    ['allocating 1 GiB', 'async function pipe(user, context, callback) { const a = []; for (let i = 0; i < 1024; i++) a.push(new Array(1024 * 128).fill(i + 0.5)); callback(null, user, context); }', [7000011, 7000012]],
    ['a 1 GiB ArrayBuffer', 'async function pipe(user, context, callback) { const b = new Uint8Array(1024 * 1024 * 1024); b.fill(1); callback(null, user, context); }', [7000011, 7000012]],
    ['process.exit()', 'async function pipe(user, context, callback) { process.exit(1); }', 7000011],
    ["require('fs')", "async function pipe(user, context, callback) { require('fs').readFileSync('/etc/passwd'); }", 7000011],
    ["this.constructor.constructor('return process')()", "async function pipe(user, context, callback) { const p = this.constructor.constructor('return process')(); p.exit(1); }", 7000011],
    ['the constructor of a host value', "async function pipe(user, context, callback) { const F = context.constructor.constructor; const g = F('return this')(); g.process.mainModule.require('child_process').execSync('id'); }", 7000011],
    ['fetch to 127.0.0.1', '', 7000011, ['127.0.0.1']],
    ['fetch to 169.254.169.254', "async function pipe(user, context, callback) { await fetch('http://169.254.169.254/latest/meta-data/'); callback(null, user, context); }", 7000011, ['169.254.169.254']],
    ['fetch to a host not on the allow-list', "async function pipe(user, context, callback) { await fetch('https://example.org/'); callback(null, user, context); }", 7000011],
  ];

  it('escape and abuse attempts each fail closed and are logged, while another pool keeps signing in', async () => {
    // Pool B runs a function of its own on every sign-in, so it uses the sandbox too.
    await create(b, { funcName: 'B claims', scene: 'PRE_OIDC_ID_TOKEN_ISSUED', sourceCode: "function pipe(user) { user.addIdToken('pool', 'b'); }" });
    // Warm: the first run of a pool starts its sandbox process.
    expect((await signIn(b)).statusCode).toBe(200);
    for (const [name, source0, apiCode, allow] of attempts) {
      const source = source0 || `async function pipe(user, context, callback) { await fetch('http://127.0.0.1:${internalPort}/admin'); callback(null, user, context); }`;
      const fn = await create(a, { funcName: name.slice(0, 60), scene: 'PRE_AUTHENTICATION', timeout: [apiCode].flat().includes(7000012) ? 2 : 15, sourceCode: source, ...(allow ? { fetchAllowList: allow } : {}) });
      const bTimes: number[] = [];
      let stop = false;
      const other = (async () => {
        while (!stop) {
          const t0 = Date.now();
          const r = await signIn(b);
          expect(r.statusCode, `pool B during "${name}": ${JSON.stringify(r)}`).toBe(200);
          expect(decodeJwt(r.data.id_token).pool).toBe('b');
          bTimes.push(Date.now() - t0);
        }
      })();
      const r = await signIn(a);
      const doneWhileAWaited = bTimes.length;
      stop = true;
      await other;
      expect([apiCode].flat(), `${name}: ${JSON.stringify(r)}`).toContain(r.apiCode);
      expect(bTimes.length, name).toBeGreaterThan(0);
      // Pool B does not wait for pool A's script: while A's loop burns its 2 s, B signs in again
      // and again (timings are not asserted tightly: the CI machine is shared and loaded).
      if (apiCode === 7000012) expect(doneWhileAWaited, `pool B sign-ins while A looped: ${bTimes.join(',')} ms`).toBeGreaterThanOrEqual(2);
      expect(Math.max(...bTimes), `pool B sign-in times during "${name}": ${bTimes.join(',')}`).toBeLessThan(5000);
      const logs = await logsOf(a, fn.funcId);
      expect(logs[0], name).toMatchObject({ result: r.apiCode === 7000012 ? 'timeout' : expect.stringMatching(/^(error|memory)$/) });
      ok(await a.mc.deletePipelineFunction({ funcId: fn.funcId }));
    }
    expect(internalHits).toEqual([]);
    // The server is still up and pool A signs in again once its function is gone.
    expect((await signIn(a)).statusCode).toBe(200);
  }, 120_000);

  it("a pool's env and leftovers are its own", async () => {
    ok(await raw(a.mc, 'POST', '/api/v3/set-pipeline-env', { key: 'SECRET_A', value: 'only-for-pool-a' }));
    ok(await raw(b.mc, 'POST', '/api/v3/set-pipeline-env', { key: 'SECRET_B', value: 'only-for-pool-b' }));
    const fa = await create(a, { funcName: 'stash', scene: 'PRE_OIDC_ID_TOKEN_ISSUED', sourceCode: "function pipe(user) { globalThis.stash = env.SECRET_A; Object.prototype.polluted = env.SECRET_A; user.addIdToken('keys', Object.keys(env).sort().join(',')); }" });
    const fb = await create(b, { funcName: 'look', scene: 'PRE_OIDC_ID_TOKEN_ISSUED', sourceCode: "function pipe(user) { user.addIdToken('keys', Object.keys(env).sort().join(',')); user.addIdToken('seen', String(globalThis.stash) + '/' + String(({}).polluted)); }" });
    const ra = await signIn(a);
    expect(decodeJwt(ra.data.id_token).keys).toBe('HOOK_TOKEN,SECRET_A');
    const rb = await signIn(b);
    expect(decodeJwt(rb.data.id_token)).toMatchObject({ keys: 'SECRET_B', seen: 'undefined/undefined' });
    // Not even a later run of the same pool sees what the last one left behind.
    const ra2 = await signIn(a);
    expect(ra2.statusCode).toBe(200);
    ok(await a.mc.deletePipelineFunction({ funcId: fa.funcId }));
    ok(await b.mc.deletePipelineFunction({ funcId: fb.funcId }));
    // Sealed at rest.
    const rows = await s.container.db.db.selectFrom('pipeline_env').selectAll().execute();
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.value_enc).not.toContain('only-for-pool');
  });
});
