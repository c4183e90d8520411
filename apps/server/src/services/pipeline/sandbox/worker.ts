/**
 * A sandbox process (docs/pipeline.md, "The sandbox"). Started by `sandbox/pool.ts` with
 * `--no-node-snapshot` (isolated-vm needs it on Node ≥ 20) and an empty environment, so it holds
 * no secret of the server. Each pool gets its own V8 isolate (its own heap, memory limit and
 * compiled-script cache); each run gets a fresh context in it, so nothing a script leaves behind
 * reaches the next run, and nothing reaches another pool. The boundary is the isolate, not
 * `node:vm` (whose escapes are many: Node's own docs say it is not a security mechanism).
 *
 * A script that loops is stopped by the CPU timeout and, for time spent across awaits, by the
 * wall-clock deadline, which disposes the pool's isolate; one that allocates past its limit has
 * its isolate disposed by V8. Both are rebuilt on the next run.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import ivm from 'isolated-vm';
import { PRELUDE } from './prelude.js';
import type { CompileRequest, FromSandbox, HostReply, RunOutcome, RunRequest, ToSandbox } from './protocol.js';

interface PoolIsolate {
  isolate: ivm.Isolate;
  prelude: ivm.Script;
  scripts: Map<string, ivm.Script>;
}

const isolates = new Map<string, PoolIsolate>();
const pendingHost = new Map<number, { resolve: (v: string) => void }>();
let nextCall = 1;
const MAX_CACHED_SCRIPTS = 200;

const send = (m: FromSandbox) => process.send?.(m);

async function isolateFor(poolId: string, memoryMb: number): Promise<PoolIsolate> {
  const have = isolates.get(poolId);
  if (have && !have.isolate.isDisposed) return have;
  const isolate = new ivm.Isolate({ memoryLimit: memoryMb });
  const made: PoolIsolate = { isolate, prelude: await isolate.compileScript(PRELUDE, { filename: 'gatehouse:prelude' }), scripts: new Map() };
  isolates.set(poolId, made);
  return made;
}

function dispose(poolId: string, p: PoolIsolate): void {
  if (isolates.get(poolId) === p) isolates.delete(poolId);
  if (!p.isolate.isDisposed) p.isolate.dispose();
}

/** The one bridge out of the isolate: a request to the server, answered by `host-reply`. */
function hostBridge(runId: number) {
  return new ivm.Reference(async (op: string, argsJson: string): Promise<string> => {
    const callId = nextCall++;
    const reply = new Promise<string>((resolve) => pendingHost.set(callId, { resolve }));
    send({ type: 'host', id: runId, callId, op: op === 'db.query' ? 'db.query' : 'fetch', args: JSON.parse(argsJson) as unknown[] });
    return reply;
  });
}

function hashOf(kind: string, text: string, key?: string): string {
  return kind === 'hmac-sha256' ? createHmac('sha256', key ?? '').update(text).digest('hex') : createHash('sha256').update(text).digest('hex');
}

function faultOf(err: unknown, p: PoolIsolate): RunOutcome {
  const message = err instanceof Error ? err.message : String(err);
  if (/memory limit/i.test(message)) return { kind: 'memory' };
  if (/timed out/i.test(message)) return { kind: 'timeout' };
  if (p.isolate.isDisposed) return { kind: 'error', message: 'the sandbox was reset' };
  return { kind: 'error', message: message.slice(0, 300) };
}

/**
 * At most this many runs of one pool share its isolate at once. Each run holds a context (its
 * globals, the prelude's objects, the input copy) until it ends, and they all count against the
 * isolate's one memory limit: 16 concurrent sign-ins with a function in each scene (the bench's
 * `pipeline` scenario) went past 64 MB, and V8 then disposed the isolate under every run in it
 * ("exceeded 64 MB", "the sandbox was reset"). The others wait in order; the wait is on their own
 * clock (the deadline starts when the run arrives), so a long queue ends in `timeout`, the
 * outcome the function's `terminate_on_timeout` governs, never in a reset of the neighbours.
 */
const MAX_RUNS_PER_ISOLATE = 8;
const active = new Map<string, number>();
const queued = new Map<string, Array<() => void>>();

function acquire(poolId: string): Promise<() => void> {
  const release = () => {
    const next = queued.get(poolId)?.shift();
    if (next) return next(); // the slot passes straight to the next run
    const n = (active.get(poolId) ?? 1) - 1;
    if (n > 0) active.set(poolId, n);
    else active.delete(poolId);
  };
  const n = active.get(poolId) ?? 0;
  if (n < MAX_RUNS_PER_ISOLATE) {
    active.set(poolId, n + 1);
    return Promise.resolve(release);
  }
  return new Promise((resolve) => {
    const q = queued.get(poolId) ?? [];
    q.push(() => resolve(release));
    queued.set(poolId, q);
  });
}

/** Releases a handle into the isolate; one already released (or whose isolate went) is fine. */
function releaseQuietly(r: { release(): void } | undefined): void {
  try {
    r?.release();
  } catch {
    // released already
  }
}

async function run(req: RunRequest): Promise<{ outcome: RunOutcome; logs: string[] }> {
  const deadline = Date.now() + req.timeoutMs;
  const release = await acquire(req.poolId);
  try {
    if (Date.now() >= deadline) return { outcome: { kind: 'timeout' }, logs: [] };
    return await runInIsolate(req, deadline);
  } finally {
    release();
  }
}

async function runInIsolate(req: RunRequest, deadline: number): Promise<{ outcome: RunOutcome; logs: string[] }> {
  const p = await isolateFor(req.poolId, req.memoryMb);
  const remaining = () => Math.max(1, deadline - Date.now());
  let context: ivm.Context | undefined;
  // References into the context (its global, the prelude's runner) keep the whole context alive
  // until they are released: left to the Node-side garbage collector, which runs rarely in this
  // small process, finished contexts piled up in the isolate until it passed its memory limit.
  let g: ivm.Reference<Record<string, unknown>> | undefined;
  let runner: ivm.Reference<(entry: string) => Promise<string>> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  try {
    context = await p.isolate.createContext();
    g = context.global;
    await g.set('globalThis', g.derefInto());
    await g.set('__gh_host', hostBridge(req.id));
    await g.set('__gh_uuid', new ivm.Callback(() => randomUUID()));
    await g.set('__gh_hash', new ivm.Callback(hashOf));
    await g.set('__gh_input', new ivm.ExternalCopy({ mode: req.mode, ...req.input }).copyInto());
    runner = (await p.prelude.run(context, { reference: true, timeout: remaining() })) as ivm.Reference<(entry: string) => Promise<string>>;
    let script = p.scripts.get(req.cacheKey);
    if (!script) {
      script = await p.isolate.compileScript(req.source, { filename: 'pipeline-function.js' });
      if (p.scripts.size >= MAX_CACHED_SCRIPTS) p.scripts.clear();
      p.scripts.set(req.cacheKey, script);
    }
    await script.run(context, { timeout: remaining() });
    const wall = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        // Time spent across awaits is not CPU time: only disposing the isolate stops it.
        dispose(req.poolId, p);
        reject(new Error('Script execution timed out.'));
      }, remaining());
    });
    const raw = await Promise.race([runner.apply(undefined, [req.entry], { timeout: remaining(), result: { promise: true, copy: true } }), wall]);
    const parsed = JSON.parse(raw) as { outcome: RunOutcome; logs: string[] };
    return parsed;
  } catch (err) {
    if (timedOut) return { outcome: { kind: 'timeout' }, logs: [] };
    const outcome = faultOf(err, p);
    // A CPU timeout leaves the isolate usable, but a script stopped half-way may have left
    // promises behind: start the pool afresh either way.
    if (outcome.kind !== 'error' || p.isolate.isDisposed) dispose(req.poolId, p);
    return { outcome, logs: [] };
  } finally {
    clearTimeout(timer);
    if (!p.isolate.isDisposed) for (const r of [runner, g, context]) releaseQuietly(r);
  }
}

/** Syntax check at create/update time: compiles in a throw-away isolate and looks for the entry. */
async function compile(req: CompileRequest): Promise<string | null> {
  const isolate = new ivm.Isolate({ memoryLimit: 16 });
  try {
    const context = await isolate.createContext();
    await (await isolate.compileScript(req.source, { filename: 'pipeline-function.js' })).run(context, { timeout: 100 }).catch((err: unknown) => {
      // Top-level code that throws at load is the script's business at run time; only the entry matters here.
      if (err instanceof Error && /timed out/.test(err.message)) throw err;
    });
    const kind = (await context.eval(`typeof ${req.entry}`, { timeout: 50 })) as string;
    return kind === 'function' ? null : `no function ${req.entry} is defined`;
  } catch (err) {
    return (err instanceof Error ? err.message : String(err)).slice(0, 300);
  } finally {
    isolate.dispose();
  }
}

process.on('message', (m: ToSandbox) => {
  if (m.type === 'host-reply') {
    const r = m as HostReply;
    pendingHost.get(r.callId)?.resolve(JSON.stringify(r.ok ? { ok: true, value: r.value } : { ok: false, error: r.error }));
    pendingHost.delete(r.callId);
    return;
  }
  if (m.type === 'compile') {
    void compile(m).then((error) => send({ type: 'compiled', id: m.id, error }));
    return;
  }
  void run(m).then((r) => send({ type: 'result', id: m.id, outcome: r.outcome, logs: r.logs }));
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', id: 0 });
