/**
 * The isolation scenario's probes in a process of their own (started by bench/lib/probes.ts).
 *
 * Why a process: the probes measure the server's latency with the load generator's clock. Run
 * inside the bench process, beside the 64-connection flood's load generator and that process's
 * own garbage collection, they measured the bench process too: in the session-14 runs the server
 * timed every probe at ≤ 1-2.5 ms (its duration histogram) and its event loop was never late by
 * more than 16-24 ms, while the probes saw p99s of 21-82 ms (docs/performance.md, session 14). Here they have an event loop and a heap to themselves, in the idle phase and the flood
 * phase alike.
 *
 * Protocol: one JSON line on stdin ({ url, accessTokens, client, connections, rate, durationS });
 * "ready" on stdout; "go" on stdin starts both probes at once; one JSON line on stdout
 * ({ userinfo, introspection }: LoadResult each, and waitMs: how long this process's main thread waited for a CPU in the window); then it exits.
 */
import { createInterface } from 'node:readline';
import { cannon } from './lib/load.js';
import { schedStat } from './lib/proc.js';
import { tokenSpecs } from './lib/token-specs.js';

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const cfg = JSON.parse((await lines.next()).value as string) as { url: string; accessTokens: string[]; client: { appId: string; appSecret: string }; connections: number; rate: number; durationS: number };
const specs = tokenSpecs(cfg.accessTokens, cfg.client);
process.stdout.write('ready\n');
// The bench process ended without saying "go" (its stdin closed): nothing to measure.
if ((await lines.next()).done) process.exit(1);
const probe = (requests: typeof specs.userinfo) => cannon({ url: cfg.url, connections: cfg.connections, durationS: cfg.durationS, requests, overallRate: cfg.rate });
// This process's own wait for a CPU over the window (its main thread runs both load generators).
const s0 = schedStat('self');
const [userinfo, introspection] = await Promise.all([probe(specs.userinfo), probe(specs.introspection)]);
const s1 = schedStat('self');
process.stdout.write(`${JSON.stringify({ userinfo, introspection, waitMs: s1.waitMs - s0.waitMs })}\n`);
process.exit(0);
