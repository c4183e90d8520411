import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { setPriority } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AppError } from '../../../errors/app-error.js';
import type { CompileRequest, FromSandbox, HostCall, RunOutcome, RunRequest, ToSandbox } from './protocol.js';

/** Answers a script's request for a capability (fetch, db.query); throws to refuse (the message reaches the script). */
export type HostHandler = (op: HostCall['op'], args: unknown[]) => Promise<unknown>;

export interface SandboxRun {
  outcome: RunOutcome;
  logs: string[];
}

export interface Sandbox {
  run(req: Omit<RunRequest, 'type' | 'id'>, host: HostHandler): Promise<SandboxRun>;
  /** null when the source compiles and defines `entry`; else the reason. */
  compile(source: string, entry: string): Promise<string | null>;
  close(): Promise<void>;
}

interface Pending {
  resolve: (r: FromSandbox) => void;
  host?: HostHandler;
  timer: NodeJS.Timeout;
}

interface Worker {
  child: ChildProcess;
  pending: Map<number, Pending>;
  /** Resolves when the process is up (true) or gave up starting (false). */
  ready: Promise<boolean>;
}

/** Beyond the script's own deadline, how long the server waits before it kills a silent sandbox process. */
const GRACE_MS = 2_000;
/** How long a new sandbox process may take to start (not counted against any script's timeout). */
const STARTUP_MS = 30_000;
/** OS priority of the sandbox processes (19 = lowest). */
const SANDBOX_NICE = 19;

/**
 * A small pool of sandbox processes (`worker.ts`), each holding one isolate per user pool. A user
 * pool always lands on the same process (by a hash of its id), so its compiled scripts stay
 * warm; a process that dies or stops answering is killed and replaced, and only the runs it held
 * fail. The processes start with an empty environment: the server's secrets never reach them.
 */
export function createSandboxPool(opts: { size: number; onCrash?: (err: unknown) => void }): Sandbox {
  const workerPath = fileURLToPath(new URL('./worker.ts', import.meta.url));
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const workers: Array<Worker | undefined> = new Array<Worker | undefined>(Math.max(1, opts.size)).fill(undefined);
  let nextId = 1;
  let closed = false;

  function start(slot: number): Worker {
    const child = fork(workerPath, [], {
      execArgv: ['--no-node-snapshot', '--import', tsx],
      env: {},
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      serialization: 'json',
    });
    // Scripts are tenants' code: they run at the lowest OS priority, like password hashing
    // (services/passwords/argon2-pool.ts), so a script that burns its whole CPU budget never
    // outranks the event loop or another pool's sign-in.
    try {
      if (child.pid) setPriority(child.pid, SANDBOX_NICE);
    } catch {
      // Not permitted on this platform: the CPU timeout still bounds each script.
    }
    let markReady: (ok: boolean) => void = () => undefined;
    const w: Worker = { child, pending: new Map(), ready: new Promise<boolean>((resolve) => (markReady = resolve)) };
    const startup = setTimeout(() => {
      markReady(false);
      child.kill('SIGKILL');
    }, STARTUP_MS);
    child.on('message', (m: FromSandbox) => {
      if (m.type === 'ready') {
        clearTimeout(startup);
        markReady(true);
        return;
      }
      const p = w.pending.get(m.id);
      if (!p) return;
      if (m.type === 'host') {
        const answer = (reply: ToSandbox) => {
          if (child.connected) child.send(reply);
        };
        (p.host ?? (() => Promise.reject(new Error('not available'))))(m.op, m.args).then(
          (value) => answer({ type: 'host-reply', callId: m.callId, ok: true, value: value ?? null }),
          (err: unknown) => answer({ type: 'host-reply', callId: m.callId, ok: false, error: err instanceof Error ? err.message : String(err) }),
        );
        return;
      }
      clearTimeout(p.timer);
      w.pending.delete(m.id);
      p.resolve(m);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(startup);
      markReady(false);
      if (workers[slot] === w) workers[slot] = undefined;
      for (const [id, p] of w.pending) {
        clearTimeout(p.timer);
        p.resolve({ type: 'result', id, outcome: { kind: 'unavailable' }, logs: [] });
      }
      w.pending.clear();
      if (!closed) opts.onCrash?.(new Error(`sandbox process exited (${signal ?? code})`));
    });
    child.on('error', (err) => opts.onCrash?.(err));
    workers[slot] = w;
    return w;
  }

  const slotOf = (key: string) => {
    let h = 0;
    for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) | 0;
    return Math.abs(h) % workers.length;
  };

  function request(slot: number, msg: RunRequest | CompileRequest, waitMs: number, host?: HostHandler): Promise<FromSandbox> {
    if (closed) return Promise.resolve({ type: 'result', id: msg.id, outcome: { kind: 'unavailable' }, logs: [] });
    const w = workers[slot] ?? start(slot);
    const failed: FromSandbox = { type: 'result', id: msg.id, outcome: { kind: 'unavailable' }, logs: [] };
    // The script's clock starts when the process can run it: a cold start is not the script's time.
    return w.ready.then((up) => (up && w.child.connected ? send(w, msg, waitMs, host) : failed));
  }

  function send(w: Worker, msg: RunRequest | CompileRequest, waitMs: number, host?: HostHandler): Promise<FromSandbox> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        // The process did not answer in time (stuck outside the isolate): replace it.
        w.pending.delete(msg.id);
        resolve({ type: 'result', id: msg.id, outcome: { kind: 'timeout' }, logs: [] });
        w.child.kill('SIGKILL');
      }, waitMs);
      w.pending.set(msg.id, { resolve, timer, ...(host ? { host } : {}) });
      w.child.send(msg);
    });
  }

  return {
    async run(req, host) {
      const id = nextId++;
      const r = await request(slotOf(req.poolId), { type: 'run', id, ...req }, req.timeoutMs + GRACE_MS, host);
      return r.type === 'result' ? { outcome: r.outcome, logs: r.logs } : { outcome: { kind: 'error', message: 'unexpected answer' }, logs: [] };
    },
    async compile(source, entry) {
      const id = nextId++;
      const r = await request(slotOf(source), { type: 'compile', id, source, entry }, 5_000 + GRACE_MS);
      if (r.type === 'compiled') return r.error;
      if (r.type === 'result' && r.outcome.kind === 'timeout') return 'compiling took too long';
      throw new AppError('pipeline.sandbox_unavailable');
    },
    async close() {
      closed = true;
      await Promise.all(
        workers.map(async (w) => {
          if (!w) return;
          const gone = new Promise<void>((resolve) => w.child.once('exit', () => resolve()));
          w.child.kill('SIGKILL');
          await gone;
        }),
      );
    },
  };
}
