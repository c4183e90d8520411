import { schedStat } from './proc.js';

/**
 * The server's own view of a time window, read from its Prometheus metrics (prom-client's
 * default metrics, http/plugins/metrics.ts): the event loop's delay and the garbage collector's
 * pauses. The isolation scenario reads it around each phase so a probe's tail can be set
 * against what the server's event loop itself went through (docs/performance.md, "The flood
 * tail"). prom-client resets its event-loop histogram at every scrape, so a scrape right before
 * a phase starts the window and one right after reads it; the GC figures are cumulative and are
 * taken as differences.
 */
export interface ServerWindow {
  /**
   * Event-loop delay in the window (ms): how late prom-client's 10-ms sampling timer ran, i.e.
   * each sample minus the window's shortest one (which is the interval itself).
   */
  loopP99ms: number;
  loopMaxMs: number;
  /** Garbage collection in the window: total pause time (ms), pauses, and pauses longer than 10 ms. */
  gcMs: number;
  gcPauses: number;
  gcOver10ms: number;
  /**
   * The probes as the server timed them (Fastify's elapsed time, from the request's headers
   * parsed to the response handed to the socket; http/plugins/metrics.ts): requests in the
   * window and the p99 as the upper bound of its histogram bucket (ms). Set against the probe's
   * own p99 (the load generator's clock), it separates time spent inside the server's handling
   * from time spent before the server read the request or after it wrote the answer.
   */
  routes: Record<string, { requests: number; p99AtMostMs: number }>;
  /**
   * The event-loop thread in the window, from the kernel's scheduler statistics (with the
   * server's pid): ms on a CPU, and ms it was ready to run but waited for a CPU.
   */
  loopCpuMs?: number;
  loopWaitMs?: number;
}

/** A route of the duration histogram, by method and Fastify route pattern (e.g. GET /oidc/*). */
export interface RouteKey {
  method: string;
  route: string;
}

type Scrape = Map<string, number>;

async function scrape(url: string): Promise<Scrape> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out: Scrape = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

const sumOf = (s: Scrape, prefix: string, has = '') => [...s].filter(([k]) => k.startsWith(prefix) && k.includes(has)).reduce((a, [, v]) => a + v, 0);

const BUCKET = 'gatehouse_http_request_duration_seconds_bucket{';

/** Requests per bucket bound (seconds, cumulative as Prometheus keeps them) of one route, every status. */
function buckets(s: Scrape, key: RouteKey): Map<number, number> {
  const out = new Map<number, number>();
  for (const [k, v] of s) {
    if (!k.startsWith(BUCKET) || !k.includes(`method="${key.method}"`) || !k.includes(`route="${key.route}"`)) continue;
    const le = /le="([^"]+)"/.exec(k)?.[1];
    if (!le) continue;
    const bound = le === '+Inf' ? Infinity : Number(le);
    out.set(bound, (out.get(bound) ?? 0) + v);
  }
  return out;
}

/** Starts a window (resets the event-loop histogram); `end()` reads it. */
export async function serverWindow(url: string, routes: Record<string, RouteKey> = {}, pid?: number): Promise<{ end: () => Promise<ServerWindow> }> {
  const before = await scrape(url);
  const s0 = pid === undefined ? undefined : schedStat(pid);
  return {
    async end() {
      const s1 = pid === undefined ? undefined : schedStat(pid);
      const after = await scrape(url);
      const interval = after.get('nodejs_eventloop_lag_min_seconds') ?? NaN;
      const d = (prefix: string, has = '') => sumOf(after, prefix, has) - sumOf(before, prefix, has);
      return {
        loopP99ms: ((after.get('nodejs_eventloop_lag_p99_seconds') ?? NaN) - interval) * 1000,
        loopMaxMs: ((after.get('nodejs_eventloop_lag_max_seconds') ?? NaN) - interval) * 1000,
        gcMs: d('nodejs_gc_duration_seconds_sum') * 1000,
        gcPauses: d('nodejs_gc_duration_seconds_count'),
        gcOver10ms: d('nodejs_gc_duration_seconds_count') - d('nodejs_gc_duration_seconds_bucket{', 'le="0.01"'),
        routes: Object.fromEntries(
          Object.entries(routes).map(([name, key]) => {
            const b0 = buckets(before, key);
            const inWindow = [...buckets(after, key)].map(([bound, n]) => [bound, n - (b0.get(bound) ?? 0)] as const).sort((x, y) => x[0] - y[0]);
            const requests = inWindow.at(-1)?.[1] ?? 0;
            const p99 = inWindow.find(([, n]) => n >= requests * 0.99)?.[0] ?? NaN;
            return [name, { requests, p99AtMostMs: p99 * 1000 }];
          }),
        ),
        ...(s0 && s1 ? { loopCpuMs: s1.cpuMs - s0.cpuMs, loopWaitMs: s1.waitMs - s0.waitMs } : {}),
      };
    },
  };
}
