import type { SqliteConnection } from './connect.js';

/**
 * The group commit of a SQLite connection's hot writes: the KV's (storage/kv/sql-kv.ts) and the
 * repositories' compiled writes (compiled-query.ts, `compiledWrite`) share it.
 *
 * A write is queued; the first one queued schedules a run at the next turn of the event loop
 * (`setImmediate`); the run executes every write queued by then, in queue order, inside one
 * transaction, and settles each caller with its own statement's result after the COMMIT. An
 * autocommit write pays its own transaction (locks, WAL frames, the WAL index): ~32 µs for a
 * KV upsert that costs ~9 µs inside a shared one (docs/performance.md, sessions 10-12).
 *
 * What this keeps: each write is still one statement, atomic on its own; one caller's awaited
 * writes run in order (its next write is queued after the previous one resolved); a caller
 * learns of success only after the COMMIT. A statement that fails inside the group (SQLite
 * undoes that statement only) fails its own caller alone; an error that ends the transaction
 * (SQLite rolled it back, or the COMMIT failed) fails every write of the group, none of which
 * then took effect. A write alone runs without BEGIN/COMMIT (they would only add two statements).
 *
 * What it does not change: a write becomes visible when its group commits, so a read by another
 * request in between sees the value from before, as it would have before the write's turn. The
 * connection is checked when the group runs: while a Kysely transaction holds it, each queued
 * write goes through Kysely instead (`viaKysely`), in order, so a write never joins someone
 * else's transaction. No user code runs inside the transaction: callers are settled after it.
 */
export interface WriteGroup {
  /** Queues a write: `direct` runs the prepared statement inside the group's transaction. */
  <T>(direct: () => T, viaKysely: () => Promise<T>): Promise<T>;
  /** Settles when every write queued so far is done (for close()). */
  pending(): Promise<void>;
}

interface QueuedWrite {
  direct: () => unknown;
  viaKysely: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export function createWriteGroup(conn: Pick<SqliteConnection, 'inTransaction' | 'transaction'>): WriteGroup {
  let queue: QueuedWrite[] = [];
  let scheduled: Promise<void> | undefined;
  /** Writes handed to Kysely because a transaction held the connection, still running. */
  let viaKysely: Promise<void> = Promise.resolve();
  type Outcome = { ok: true; value: unknown } | { ok: false; err: unknown };
  const runEach = (writes: QueuedWrite[], out: Outcome[]) => {
    for (const w of writes) {
      try {
        out.push({ ok: true, value: w.direct() });
      } catch (err) {
        // SQLite undid this statement only; an error that ended the transaction ends the group.
        if (!conn.inTransaction) throw err;
        out.push({ ok: false, err });
      }
    }
  };
  const inOneTransaction = conn.transaction(runEach);
  const run = () => {
    scheduled = undefined;
    const writes = queue;
    queue = [];
    if (conn.inTransaction) {
      // A Kysely transaction holds the connection: each write waits for it through Kysely, in order.
      viaKysely = viaKysely.then(async () => {
        for (const w of writes) await w.viaKysely().then(w.resolve, w.reject);
      });
      return;
    }
    const out: Outcome[] = [];
    try {
      (writes.length === 1 ? runEach : inOneTransaction)(writes, out);
    } catch (err) {
      // Rolled back (or the COMMIT failed): none of the group took effect.
      for (const w of writes) w.reject(err);
      return;
    }
    writes.forEach((w, i) => {
      const o = out[i]!;
      if (o.ok) w.resolve(o.value);
      else w.reject(o.err);
    });
  };
  const write = <T>(direct: () => T, viaKysely: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      queue.push({ direct, viaKysely, resolve: resolve as (v: unknown) => void, reject });
      scheduled ??= new Promise<void>((done) =>
        setImmediate(() => {
          run();
          done();
        }),
      );
    });
  const pending = async () => {
    await scheduled;
    await viaKysely;
  };
  return Object.assign(write, { pending });
}
