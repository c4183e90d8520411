/**
 * `npm run bench:nodes` — the 3-node scaling simulation (issue #22): PostgreSQL + Redis, 1 node
 * and then 3 `gatehouse start` processes behind ONE loopback port (a round-robin TCP proxy in
 * this process), password sign-in and client credentials driven through that port.
 *
 *   npm run bench:nodes -- [--users N] [--duration S] [--quick] [--runs N]
 *
 * How each node gets "its own core budget" on a machine that has fewer cores than nodes: per-node
 * CPU accounting. Every node's CPU seconds are read from /proc/<pid>/stat over the measured
 * window; the efficiency of a configuration is requests ÷ (CPU seconds of all nodes). A node
 * given one core of its own serves at most `efficiency` requests per second, so N nodes with one
 * core each serve N × efficiency(N). The scaling figure is
 *
 *     scale(1 → 3) = 3 × efficiency(3 nodes) ÷ (1 × efficiency(1 node))
 *
 * which is 3.0 when adding nodes costs nothing per request, and less by exactly what the
 * coordination between nodes (shared KV in Redis, shared database, invalidation bus, cold caches
 * spread over three processes) adds per request. What this cannot show — a shared PostgreSQL or
 * Redis running out of capacity at 3× the load — is reported beside it: the CPU seconds the
 * database backends of this run and the Redis server used per 1,000 requests, i.e. how many
 * cores they would need at the projected rate. On a bigger machine the same figure is measured
 * directly with `taskset -c <core> gatehouse start` per node (docs/performance.md).
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createConnection, createServer, type Server } from 'node:net';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { cannon, envelopeOk, type LoadResult, type RequestSpec } from './lib/load.js';
import { contextSwitches, cpuSeconds, machineLoad } from './lib/proc.js';
import { freePort, freshPg, PASSWORD, ROOT, seed, startGatehouse, type Child, type ServerEnv } from './lib/gatehouse.js';

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '10000' },
    duration: { type: 'string' },
    quick: { type: 'boolean', default: false },
    runs: { type: 'string', default: '3' },
  },
});
const DURATION = Number(args.duration ?? (args.quick ? 3 : 10));
const WARMUP = args.quick ? 1 : 2;
const USERS = Number(args.users);
const RUNS = Number(args.runs);
const REDIS = process.env.GATEHOUSE_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = (s: string) => process.stderr.write(`${s}\n`);

/** Round-robin TCP proxy: each new client connection goes to the next node (HTTP keep-alive stays on it). */
function proxy(port: number, targets: () => number[]): Promise<Server> {
  let next = 0;
  const server = createServer((client) => {
    const list = targets();
    const up = createConnection({ host: '127.0.0.1', port: list[next++ % list.length]! });
    client.pipe(up).pipe(client);
    const end = () => {
      client.destroy();
      up.destroy();
    };
    client.on('error', end);
    up.on('error', end);
  });
  return new Promise((res) => server.listen(port, '127.0.0.1', () => res(server)));
}

/**
 * CPU seconds of the PostgreSQL backends serving `db` and of the Redis server (shared: noisy on a
 * shared machine), per process id: a window's figure is taken per process (`cpuDelta`), so a
 * backend that ends or starts during the window does not make it negative. (The CPU of a backend
 * that ended within the window is not counted: the figure is a lower bound.)
 */
async function sharedCpu(adminUrl: string, db: string): Promise<{ pg: Map<number, number>; redis: Map<number, number> }> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  const pids = (await c.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [db])).rows.map((r) => r.pid);
  await c.end();
  const each = (ps: number[]) => {
    const m = new Map<number, number>();
    for (const p of ps) {
      try {
        m.set(p, cpuSeconds(p));
      } catch {
        /* ended since the listing */
      }
    }
    return m;
  };
  let redisPids: number[] = [];
  try {
    redisPids = execFileSync('pidof', ['redis-server']).toString().trim().split(/\s+/).map(Number);
  } catch {
    /* no local redis-server process visible */
  }
  return { pg: each(pids), redis: each(redisPids) };
}

/** CPU seconds used between two readings by the processes alive at the second (new ones from 0). */
const cpuDelta = (before: Map<number, number>, after: Map<number, number>) => [...after].reduce((n, [pid, cpu]) => n + cpu - (before.get(pid) ?? 0), 0);

interface Run {
  rps: number;
  nodeCpuS: number;
  wallS: number;
  efficiency: number;
  pgCpuS: number;
  redisCpuS: number;
  /**
   * The nodes' event loops' context switches per request, voluntary (slept and woken) and
   * involuntary (preempted): what sharing two cores between more processes adds per request.
   */
  switchesPerRequest: { voluntary: number; involuntary: number };
  requests: number;
  p99ms: number;
  errors: number;
}

async function main() {
  const loadBefore = machineLoad();
  const db = await freshPg();
  const dbName = new URL(db.url).pathname.slice(1);
  const adminUrl = process.env.GATEHOUSE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-nodes-'));
  const nodes: Child[] = [];
  let front: Server | undefined;
  try {
    const frontPort = await freePort();
    const url = `http://127.0.0.1:${frontPort}`;
    const base = (port: number): ServerEnv => ({
      url: `http://127.0.0.1:${port}`,
      port,
      env: {
        GATEHOUSE_PORT: String(port),
        GATEHOUSE_HOST: '127.0.0.1',
        // One issuer for all nodes: the address clients use (the proxy).
        GATEHOUSE_PUBLIC_URL: url,
        GATEHOUSE_DATA_DIR: dir,
        GATEHOUSE_DATABASE_URL: db.url,
        GATEHOUSE_REDIS_URL: REDIS,
        GATEHOUSE_SECRET: 'bench-master-secret-0123456789abcdefghijkl',
        GATEHOUSE_ACCESS_KEY_ID: 'ak_bench_root',
        GATEHOUSE_ACCESS_KEY_SECRET: 'bench-root-secret-0123456789abcdef',
        GATEHOUSE_LOG_LEVEL: 'warn',
      },
    });
    const first = base(await freePort());
    log(`nodes bench: ${availableParallelism()} cores, load ${loadBefore.loadavg1}; PostgreSQL + Redis, ${USERS} users, ${DURATION}s × ${RUNS} runs per configuration`);
    const fx = await seed({ ...first, url }, USERS, log);
    const ports: number[] = [];
    front = await proxy(frontPort, () => ports);
    const startNode = async () => {
      const env = nodes.length === 0 ? first : base(await freePort());
      const n = await startGatehouse({ ...env, url: env.url });
      nodes.push(n);
      ports.push(env.port);
    };

    const randomUser = () => Math.floor(Math.random() * USERS);
    const specs: Record<string, { conns: number; spec: RequestSpec[] }> = {
      signin: {
        conns: 18,
        spec: [
          {
            method: 'POST',
            path: '/api/v3/signin',
            headers: { 'content-type': 'application/json', 'x-authing-app-id': fx.web.appId },
            setup: () => ({ body: JSON.stringify({ connection: 'PASSWORD', passwordPayload: { email: `u${randomUser()}@bench.example`, password: PASSWORD }, client_id: fx.web.appId, client_secret: fx.web.appSecret }) }),
            check: (_s, b) => envelopeOk(b),
          },
        ],
      },
      cc: {
        conns: 30,
        spec: [
          {
            method: 'POST',
            path: '/oidc/token',
            headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${fx.m2m.appId}:${fx.m2m.appSecret}`).toString('base64')}` },
            body: 'grant_type=client_credentials',
            check: (_s, b) => (b.includes('"access_token"') ? undefined : b),
          },
        ],
      },
    };

    const measureOnce = async (conns: number, spec: RequestSpec[]): Promise<Run> => {
      const pids = nodes.map((n) => n.pid);
      const c0 = pids.reduce((s, p) => s + cpuSeconds(p), 0);
      const switches = () => pids.map(contextSwitches).reduce((a, b) => ({ voluntary: a.voluntary + b.voluntary, involuntary: a.involuntary + b.involuntary }));
      const x0 = switches();
      const s0 = await sharedCpu(adminUrl, dbName);
      const t0 = process.hrtime.bigint();
      const r: LoadResult = await cannon({ url, connections: conns, durationS: DURATION, requests: spec });
      const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
      const nodeCpuS = pids.reduce((s, p) => s + cpuSeconds(p), 0) - c0;
      const x1 = switches();
      const per = (n: number) => n / Math.max(r.requests, 1);
      const switchesPerRequest = { voluntary: per(x1.voluntary - x0.voluntary), involuntary: per(x1.involuntary - x0.involuntary) };
      const s1 = await sharedCpu(adminUrl, dbName);
      return { rps: r.rps, nodeCpuS, wallS, efficiency: r.requests / Math.max(nodeCpuS, 1e-9), pgCpuS: cpuDelta(s0.pg, s1.pg), redisCpuS: cpuDelta(s0.redis, s1.redis), switchesPerRequest, requests: r.requests, p99ms: r.p99ms, errors: r.errors };
    };
    const measure = async (name: string) => {
      const { conns, spec } = specs[name]!;
      await cannon({ url, connections: conns, durationS: WARMUP, requests: spec });
      const runs: Run[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await measureOnce(conns, spec));
      const sorted = [...runs].sort((a, b) => a.efficiency - b.efficiency);
      return { median: sorted[Math.floor((sorted.length - 1) / 2)]!, runs };
    };

    const out: Record<string, Record<number, Awaited<ReturnType<typeof measure>>>> = { signin: {}, cc: {} };
    for (const count of [1, 3]) {
      while (nodes.length < count) await startNode();
      log(`${count} node(s) on ports ${ports.join(', ')} behind ${url}`);
      for (const name of ['signin', 'cc']) {
        const m = await measure(name);
        out[name]![count] = m;
        log(`  ${name}: ${m.median.rps.toFixed(0)} req/s, ${m.median.efficiency.toFixed(0)} req per node CPU-s (runs: ${m.runs.map((r) => r.efficiency.toFixed(0)).join(', ')}), errors ${m.runs.reduce((n, r) => n + r.errors, 0)}`);
      }
    }

    const rows = ['signin', 'cc'].map((name) => {
      const one = out[name]![1]!;
      const three = out[name]![3]!;
      const scale = (3 * three.median.efficiency) / one.median.efficiency;
      const perRun = three.runs.map((r) => (3 * r.efficiency) / one.median.efficiency);
      const per1k = (x: number, reqs: number) => (1000 * x) / Math.max(reqs, 1);
      return {
        scenario: name === 'signin' ? 'password sign-in' : 'client credentials (ES256 JWT)',
        oneNode: { rps: one.median.rps, perNodeCpuS: one.median.efficiency, switchesPerRequest: one.median.switchesPerRequest },
        threeNodes: { rps: three.median.rps, perNodeCpuS: three.median.efficiency, switchesPerRequest: three.median.switchesPerRequest },
        scale,
        scaleSpread: [Math.min(...perRun), Math.max(...perRun)],
        sharedCpuPer1kRequests: { pg: per1k(three.median.pgCpuS, three.median.requests), redis: per1k(three.median.redisCpuS, three.median.requests) },
        errors: [...one.runs, ...three.runs].reduce((n, r) => n + r.errors, 0),
        met: scale >= 2.5,
      };
    });
    const loadAfter = machineLoad();
    const report = { machine: { cores: availableParallelism(), cpu: cpus()[0]?.model, node: process.version, loadBefore, loadAfter }, options: { users: USERS, durationS: DURATION, runs: RUNS }, rows, raw: out };
    const f = (n: number, d = 0) => n.toFixed(d);
    const md = [
      `### 3-node scaling simulation (PostgreSQL + Redis, per-node CPU accounting)`,
      '',
      `${report.machine.cores} cores (${report.machine.cpu}), Node ${process.version}; load average ${loadBefore.loadavg1} before, ${loadAfter.loadavg1} after; ${USERS} users; ${DURATION} s × ${RUNS} runs per configuration, median by efficiency.`,
      '',
      '| scenario | 1 node req/s | 1 node req per CPU-s | 3 nodes req/s | 3 nodes req per node CPU-s | scale 1→3 (goal ≥ 2.5) | spread | PostgreSQL / Redis CPU-ms per request | event-loop context switches per request, voluntary / involuntary: 1 node → 3 nodes | errors |',
      '|---|---|---|---|---|---|---|---|---|---|',
      ...rows.map((r) => `| ${r.scenario} | ${f(r.oneNode.rps, 1)} | ${f(r.oneNode.perNodeCpuS, 1)} | ${f(r.threeNodes.rps, 1)} | ${f(r.threeNodes.perNodeCpuS, 1)} | **${f(r.scale, 2)}×** ${r.met ? 'met' : 'not met'} | ${f(r.scaleSpread[0]!, 2)}–${f(r.scaleSpread[1]!, 2)} | ${f(r.sharedCpuPer1kRequests.pg, 2)} / ${f(r.sharedCpuPer1kRequests.redis, 2)} | ${f(r.oneNode.switchesPerRequest.voluntary, 2)} / ${f(r.oneNode.switchesPerRequest.involuntary, 2)} → ${f(r.threeNodes.switchesPerRequest.voluntary, 2)} / ${f(r.threeNodes.switchesPerRequest.involuntary, 2)} | ${r.errors} |`),
      '',
    ].join('\n');
    const resultsDir = join(ROOT, 'bench/results');
    mkdirSync(resultsDir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    writeFileSync(join(resultsDir, `${stamp}-nodes.json`), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(resultsDir, `${stamp}-nodes.md`), md);
    process.stdout.write(md);
    if (rows.some((r) => r.errors > 0)) process.exitCode = 1;
  } finally {
    front?.close();
    for (const n of nodes) await n.stop().catch(() => undefined);
    await db.drop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
