import autocannon from 'autocannon';
import { HASH_THREAD_NAME } from '../../apps/server/src/services/passwords/argon2-pool.js';
import { cpuSeconds, memory, namedThreadsCpuSeconds } from './proc.js';

/** One measured scenario, as written to the JSON file and the table. */
export interface ScenarioResult {
  name: string;
  /** What one "request" is (an HTTP request, or a whole flow of several). */
  unit: string;
  connections: number;
  durationS: number;
  requests: number;
  rps: number;
  /** Server CPU seconds / wall seconds over the measured window (from /proc/<pid>/stat). */
  busyCores: number;
  rpsPerBusyCore: number;
  /** Server CPU milliseconds per unit: the whole process, and its main thread (the event loop) alone. */
  cpuMsPerReq: number;
  eventLoopMsPerReq: number;
  /** Server CPU milliseconds per unit of the password-hashing threads (named HASH_THREAD_NAME, `gh-argon2`). */
  hashMsPerReq: number;
  /** CPU milliseconds per unit of the bench process itself: the load generator. */
  benchMsPerReq: number;
  p50ms: number;
  p99ms: number;
  p999ms: number;
  errors: number;
  /** A few error samples (status / apiCode / message) so a failure can be read from the report. */
  errorSamples: string[];
  rssMiB: number;
  hwmMiB: number;
  skipped?: string;
  note?: string;
  /** Every measured run (the figures above are the median run's, by req/s per busy core). */
  runs?: Array<{ rps: number; busyCores: number; rpsPerBusyCore: number; cpuMsPerReq: number; eventLoopMsPerReq: number; hashMsPerReq: number; benchMsPerReq: number; p99ms: number; errors: number }>;
}

export interface RequestSpec {
  method?: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Builds the request per call (per-request bodies); `ctx` is per connection. */
  setup?: (ctx: Record<string, unknown>) => { path?: string; body?: string; headers?: Record<string, string> } | undefined;
  /**
   * Checks a response; return an error description to count it as an error (e.g. an
   * envelope whose statusCode is not 200). Also the place to take values for the next request.
   */
  check?: (status: number, body: string, ctx: Record<string, unknown>) => string | undefined;
}

export interface LoadOptions {
  url: string;
  connections: number;
  durationS: number;
  requests: RequestSpec[];
  /** Total requests per second across connections (a probe rather than a flood). */
  overallRate?: number;
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50ms: number;
  p99ms: number;
  p999ms: number;
  errors: number;
  errorSamples: string[];
}

/** autocannon, programmatic: bounded in time, loopback only, every response checked. */
export async function cannon(opts: LoadOptions): Promise<LoadResult> {
  const u = new URL(opts.url);
  if (u.hostname !== '127.0.0.1') throw new Error(`load tests only target 127.0.0.1, not ${u.hostname}`);
  let checkErrors = 0;
  const samples: string[] = [];
  const note = (s: string) => {
    checkErrors++;
    if (samples.length < 5) samples.push(s.slice(0, 300));
  };
  const requests = opts.requests.map((r) => {
    // autocannon treats a present-but-undefined key as set: only add what is defined.
    const q: Record<string, unknown> = { method: r.method ?? 'GET', path: r.path };
    if (r.headers) q.headers = r.headers;
    if (r.body !== undefined) q.body = r.body;
    if (r.setup) {
      q.setupRequest = (req: Record<string, unknown>, ctx: Record<string, unknown>) => {
        const over = r.setup!(ctx);
        return over ? { ...req, ...over, headers: { ...(req.headers as object), ...over.headers } } : req;
      };
    }
    q.onResponse = (status: number, body: string, ctx: Record<string, unknown>) => {
      if (status < 200 || status >= 300) {
        if (samples.length < 5) samples.push(`${status} ${String(body).slice(0, 200)}`);
        return; // counted by autocannon as non2xx
      }
      const err = r.check?.(status, body, ctx);
      if (err) note(err);
    };
    return q;
  });
  const res = await autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.durationS,
    requests: requests as never,
    ...(opts.overallRate ? { overallRate: opts.overallRate } : {}),
    timeout: 30,
  });
  const lat = res.latency as unknown as Record<string, number>;
  const total = res.requests.total;
  return {
    requests: total,
    rps: total / opts.durationS,
    p50ms: lat.p50 ?? 0,
    p99ms: lat.p99 ?? 0,
    p999ms: lat.p99_9 ?? 0,
    errors: res.errors + res.timeouts + res.non2xx + checkErrors,
    errorSamples: samples,
  };
}

/** Envelope check for /api/v3: HTTP 200 is not enough, `statusCode` must be 200 too. */
export function envelopeOk(body: string): string | undefined {
  try {
    const j = JSON.parse(body) as { statusCode?: number; apiCode?: number; message?: string };
    return j.statusCode === 200 ? undefined : `envelope ${j.statusCode} ${j.apiCode ?? ''} ${j.message ?? ''}`;
  } catch {
    return `not JSON: ${body.slice(0, 100)}`;
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * For flows that autocannon cannot express (cookies, redirects, several steps): `workers`
 * concurrent loops running `iteration` until the deadline. Latency is per whole iteration.
 */
export async function loop(workers: number, durationS: number, iteration: (worker: number) => Promise<string | undefined>): Promise<LoadResult> {
  const deadline = Date.now() + durationS * 1000;
  const lat: number[] = [];
  let errors = 0;
  const samples: string[] = [];
  const t0 = Date.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      while (Date.now() < deadline) {
        const s = process.hrtime.bigint();
        let err: string | undefined;
        try {
          err = await iteration(w);
        } catch (e) {
          err = String((e as Error).message ?? e);
        }
        lat.push(Number(process.hrtime.bigint() - s) / 1e6);
        if (err) {
          errors++;
          if (samples.length < 5) samples.push(err.slice(0, 300));
        }
      }
    }),
  );
  const wall = (Date.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  return { requests: lat.length, rps: lat.length / wall, p50ms: percentile(lat, 50), p99ms: percentile(lat, 99), p999ms: percentile(lat, 99.9), errors, errorSamples: samples };
}

/** Runs a load against a server process and attaches its CPU and memory figures. */
let RUNS = 1;

/** A measured window in seconds since a profiled process started (for `bench/profile-summary.ts --from/--to`). */
export interface ProfileWindow { name: string; run: number; fromS: number; toS: number }
const profiled = new Map<number, number>();
export const profileWindows: ProfileWindow[] = [];
/** Records the windows of every later measurement of process `pid`, started (spawned) at `startedAtMs`. */
export function trackProfile(pid: number, startedAtMs: number): void {
  profiled.set(pid, startedAtMs);
}
/** How many times `measure` runs each scenario (issue #22: 3, reported as the median and the spread). */
export function setRuns(n: number): void {
  if (!(Number.isInteger(n) && n >= 1 && n <= 9)) throw new Error('--runs must be an integer in [1, 9]');
  RUNS = n;
}

export function runs(): number {
  return RUNS;
}

/**
 * Runs the scenario RUNS times back to back and reports the median run (by req/s per busy core)
 * with every run listed, so the spread is visible; errors add up over all runs.
 */
export async function measure(name: string, unit: string, pid: number, connections: number, durationS: number, run: () => Promise<LoadResult>, note?: string, opts: { beforeEach?: (run: number) => Promise<void>; afterEach?: (run: number) => Promise<void> } = {}): Promise<ScenarioResult> {
  const all: ScenarioResult[] = [];
  for (let i = 0; i < RUNS; i++) {
    // A reference measured right before each run (raw argon2id, the peer) sees the same machine as
    // that run; one measured right after it too brackets a machine whose speed drifts meanwhile.
    await opts.beforeEach?.(i);
    const from = Date.now();
    all.push(await measureOnce(name, unit, pid, connections, durationS, run, note));
    const t0 = profiled.get(pid);
    if (t0 !== undefined) profileWindows.push({ name, run: i + 1, fromS: (from - t0) / 1000, toS: (Date.now() - t0) / 1000 });
    await opts.afterEach?.(i);
  }
  const sorted = [...all].sort((a, b) => a.rpsPerBusyCore - b.rpsPerBusyCore);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return {
    ...median,
    errors: all.reduce((n, r) => n + r.errors, 0),
    errorSamples: all.flatMap((r) => r.errorSamples).slice(0, 10),
    hwmMiB: Math.max(...all.map((r) => r.hwmMiB)),
    runs: all.map((r) => ({ rps: r.rps, busyCores: r.busyCores, rpsPerBusyCore: r.rpsPerBusyCore, cpuMsPerReq: r.cpuMsPerReq, eventLoopMsPerReq: r.eventLoopMsPerReq, hashMsPerReq: r.hashMsPerReq, benchMsPerReq: r.benchMsPerReq, p99ms: r.p99ms, errors: r.errors })),
  };
}

async function measureOnce(
  name: string,
  unit: string,
  pid: number,
  connections: number,
  durationS: number,
  run: () => Promise<LoadResult>,
  note?: string,
): Promise<ScenarioResult> {
  const c0 = cpuSeconds(pid);
  const m0 = cpuSeconds(pid, pid);
  const h0 = namedThreadsCpuSeconds(pid, HASH_THREAD_NAME);
  const b0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const r = await run();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = cpuSeconds(pid) - c0;
  const mainCpu = cpuSeconds(pid, pid) - m0;
  const hashCpu = namedThreadsCpuSeconds(pid, HASH_THREAD_NAME) - h0;
  const b = process.cpuUsage(b0);
  const benchCpu = (b.user + b.system) / 1e6;
  const busyCores = cpu / wall;
  const mem = memory(pid);
  return {
    name,
    unit,
    connections,
    durationS,
    requests: r.requests,
    rps: r.rps,
    busyCores,
    rpsPerBusyCore: busyCores > 0 ? r.rps / busyCores : 0,
    cpuMsPerReq: r.requests > 0 ? (1000 * cpu) / r.requests : 0,
    eventLoopMsPerReq: r.requests > 0 ? (1000 * mainCpu) / r.requests : 0,
    hashMsPerReq: r.requests > 0 ? (1000 * hashCpu) / r.requests : 0,
    benchMsPerReq: r.requests > 0 ? (1000 * benchCpu) / r.requests : 0,
    p50ms: r.p50ms,
    p99ms: r.p99ms,
    p999ms: r.p999ms,
    errors: r.errors,
    errorSamples: r.errorSamples,
    rssMiB: mem.rssMiB,
    hwmMiB: mem.hwmMiB,
    ...(note ? { note } : {}),
  };
}

export function skipped(name: string, reason: string): ScenarioResult {
  return { name, unit: '-', connections: 0, durationS: 0, requests: 0, rps: 0, busyCores: 0, rpsPerBusyCore: 0, cpuMsPerReq: 0, eventLoopMsPerReq: 0, hashMsPerReq: 0, benchMsPerReq: 0, p50ms: 0, p99ms: 0, p999ms: 0, errors: 0, errorSamples: [], rssMiB: 0, hwmMiB: 0, skipped: reason };
}
