import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * argon2id on dedicated worker threads at a lower OS priority (issue #7, hashing isolation).
 *
 * Why not @node-rs/argon2's own async API on the libuv pool: (1) each call spends ~0.3–1 ms
 * synchronously on the calling (event-loop) thread before the pool takes over (measured with
 * `--cpu-prof` under a sign-in flood), and (2) libuv pool threads run at the event loop's
 * priority, so on a machine whose cores are all hashing, token and userinfo requests wait for
 * CPU behind the hashes. Here each worker thread runs the synchronous API and lowers its own
 * scheduling priority (Linux nice values are per thread): when the event loop has work it gets
 * the CPU first, and when it is idle the hashes use every core as before.
 *
 * One job per worker at a time; the caller (hasher.ts) bounds concurrency to the number of
 * workers. A worker is referenced only while it has a job, so an idle pool never keeps the
 * process alive. A crashed worker fails its job and is replaced on the next one.
 */

/** Nice value of the hashing threads (0 = event loop's priority, 19 = lowest). */
export const HASH_THREAD_NICE = 19;

/**
 * The hashing threads' name (Linux caps a thread name at 15 bytes): `top -H`, `ps -L` and
 * `/proc/<pid>/task/<tid>/comm` show it, so an operator sees where the hashing CPU goes, and
 * `npm run bench` charges those threads' CPU to hashing (docs/performance.md).
 */
export const HASH_THREAD_NAME = 'gh-argon2';

/**
 * How far below the event loop the hashing threads run:
 *  - `low` (default): nice 19. The event loop gets the CPU first, but a hashing thread that is
 *    running keeps its slice when the event loop wakes (EEVDF's run-to-parity), which is the
 *    tail a token request sees during a sign-in flood.
 *  - `idle`: Linux `SCHED_IDLE` (sched(7)) through util-linux's `chrt --idle` on the thread's own
 *    id; such a thread is preempted as soon as any normal thread wakes. Measured on a quiet
 *    2-core VM, the flood tail did not move reliably (docs/performance.md, "The flood tail and
 *    SCHED_IDLE"): the tail is the event loop's own work, not the hashes. What it does not
 *    protect against: on a host whose cores are busy with anything else, idle-class hashing gets
 *    almost no CPU and sign-ins queue (hence not the default). Where `chrt` or `/proc/thread-self`
 *    is missing, the thread stays at nice 19.
 */
export type HashThreadPriority = 'low' | 'idle';

type Job = { op: 'hash'; password: string; options: object } | { op: 'verify'; hashed: string; password: string };
interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
try { require('node:os').setPriority(0, workerData.nice); } catch {}
if (workerData.idle) {
  try {
    const tid = require('node:fs').readlinkSync('/proc/thread-self').split('/').pop();
    require('node:child_process').execFileSync('chrt', ['--idle', '-p', '0', tid], { stdio: 'ignore', timeout: 5000 });
  } catch {}
}
const argon2 = require(workerData.argon2Path);
parentPort.on('message', ({ id, job }) => {
  try {
    const result = job.op === 'hash' ? argon2.hashSync(job.password, job.options) : argon2.verifySync(job.hashed, job.password);
    parentPort.postMessage({ id, result });
  } catch (err) {
    parentPort.postMessage({ id, error: String((err && err.message) || err) });
  }
});
`;

class HashWorker {
  private worker: Worker | undefined;
  private pending: Map<number, Pending> = new Map();
  private seq = 0;
  constructor(
    private readonly argon2Path: string,
    private readonly nice: number,
    private readonly idle: boolean,
  ) {}

  private spawn(): Worker {
    const w = new Worker(WORKER_SOURCE, { name: HASH_THREAD_NAME, eval: true, execArgv: [], workerData: { argon2Path: this.argon2Path, nice: this.nice, idle: this.idle } });
    w.unref();
    w.on('message', (m: { id: number; result?: unknown; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) w.unref();
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m.result);
    });
    const fail = (err: Error) => {
      if (this.worker === w) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`argon2 worker exited (${code})`)));
    return w;
  }

  run<T>(job: Job): Promise<T> {
    this.worker ??= this.spawn();
    const w = this.worker;
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      w.ref();
      w.postMessage({ id, job });
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }
}

export interface Argon2Pool {
  /** Number of worker threads (= the concurrency the caller should allow). */
  readonly size: number;
  hash(password: string, options: object): Promise<string>;
  verify(hashed: string, password: string): Promise<boolean>;
  close(): Promise<void>;
}

/** `size` workers; jobs go to a free worker (the caller keeps at most `size` in flight). */
export function createArgon2Pool(size: number, priority: HashThreadPriority = 'low'): Argon2Pool {
  const argon2Path = createRequire(import.meta.url).resolve('@node-rs/argon2');
  const workers = Array.from({ length: size }, () => new HashWorker(argon2Path, HASH_THREAD_NICE, priority === 'idle'));
  const free = [...workers];
  const waiting: Array<(w: HashWorker) => void> = [];
  const take = (): Promise<HashWorker> => (free.length ? Promise.resolve(free.pop()!) : new Promise((r) => waiting.push(r)));
  const give = (w: HashWorker) => {
    const next = waiting.shift();
    if (next) next(w);
    else free.push(w);
  };
  const run = async <T>(job: Job): Promise<T> => {
    const w = await take();
    try {
      return await w.run<T>(job);
    } finally {
      give(w);
    }
  };
  return {
    size,
    hash: (password, options) => run<string>({ op: 'hash', password, options }),
    verify: (hashed, password) => run<boolean>({ op: 'verify', hashed, password }),
    close: async () => {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
