import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * SQLite WAL checkpoints off the request path.
 *
 * By default SQLite checkpoints inside the COMMIT that pushes the WAL past 1,000 pages
 * (`wal_autocheckpoint`): that commit copies the WAL back into the database file — milliseconds
 * to tens of milliseconds — on the event loop (better-sqlite3 is synchronous), so every request
 * waiting behind it sees the stall in its p99 (the 64-connection flood of issue #22).
 *
 * Here the server's connection runs with `wal_autocheckpoint = 0`, and a worker thread with its
 * own connection to the same file runs `PRAGMA wal_checkpoint(PASSIVE)` every `intervalMs`
 * (https://www.sqlite.org/pragma.html#pragma_wal_checkpoint, https://www.sqlite.org/wal.html
 * "Checkpointing"). PASSIVE never waits for a lock and never blocks readers or the writer: it
 * copies as many frames as it can without disturbing them, and SQLite restarts the WAL from its
 * beginning at the next write once everything was copied. The worker never runs a TRUNCATE
 * (or RESTART) checkpoint while the server runs: those take the write lock, and a server
 * transaction that had read before wanting to write then got SQLITE_BUSY ("database is locked")
 * on a large import (seen in the organisation-sync test). The WAL file keeps its high-water
 * size between resets; `stop()` truncates it.
 *
 * Crash safety is SQLite's own: the WAL is the journal, a checkpoint only moves committed pages;
 * a crash at any point leaves a database that SQLite recovers from the WAL at the next open.
 * `stop()` runs one last TRUNCATE checkpoint so a cleanly stopped server leaves an empty WAL.
 */
export interface CheckpointStats {
  /** Checkpoints run. */
  runs: number;
  /** Runs that found frames in the WAL and copied all of them back into the database file. */
  complete: number;
  /** WAL size in frames at the last run, and how many of them are in the database file now. */
  lastLogFrames: number;
  lastCheckpointed: number;
}

export interface SqliteCheckpointer {
  stats(): CheckpointStats;
  /** Final TRUNCATE checkpoint, then the worker ends. */
  stop(): Promise<void>;
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.driver);
const db = new SQLite(workerData.file);
db.pragma('busy_timeout = 5000');
const run = (mode) => {
  try {
    const r = db.pragma('wal_checkpoint(' + mode + ')')[0];
    parentPort.postMessage({ kind: 'ran', log: r.log, checkpointed: r.checkpointed });
  } catch (err) {
    parentPort.postMessage({ kind: 'error', message: String(err && err.message || err) });
  }
};
const tick = () => run('PASSIVE');
const timer = setInterval(() => { try { tick(); } catch (err) { parentPort.postMessage({ kind: 'error', message: String(err && err.message || err) }); } }, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  run('TRUNCATE');
  db.close();
  parentPort.postMessage({ kind: 'stopped' });
});
`;

export function startSqliteCheckpointer(file: string, opts: { intervalMs?: number; onError?: (message: string) => void } = {}): SqliteCheckpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER, { name: 'gh-sqlite-ckpt', eval: true, workerData: { file, driver, intervalMs: opts.intervalMs ?? 1000 } });
  // Never keeps the process alive on its own; the database's close() stops it.
  worker.unref();
  const stats: CheckpointStats = { runs: 0, complete: 0, lastLogFrames: 0, lastCheckpointed: 0 };
  let stopped: (() => void) | undefined;
  worker.on('message', (m: { kind: string; log?: number; checkpointed?: number; message?: string }) => {
    if (m.kind === 'ran') {
      stats.runs++;
      stats.lastLogFrames = m.log ?? 0;
      stats.lastCheckpointed = m.checkpointed ?? 0;
      if (stats.lastLogFrames > 0 && stats.lastCheckpointed === stats.lastLogFrames) stats.complete++;
    } else if (m.kind === 'error') opts.onError?.(m.message ?? 'checkpoint failed');
    else if (m.kind === 'stopped') stopped?.();
  });
  worker.on('error', (err: Error) => opts.onError?.(err.message));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    stats: () => ({ ...stats }),
    async stop() {
      const done = new Promise<void>((resolve) => (stopped = resolve));
      worker.postMessage('stop');
      // A worker that died already (error) never answers: its exit is enough.
      await Promise.race([done, exited]);
      await worker.terminate();
    },
  };
}
