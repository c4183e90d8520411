import type { CredentialsRepo, LoginEventRow } from '../../storage/repositories/credentials.js';
import type { UsersRepo } from '../../storage/repositories/users.js';

export interface LoginWritesOptions {
  /** Longest time a login waits in memory before it is written (ms); default 100. */
  flushDelayMs?: number;
  /** Pending logins (counts + history rows) that trigger a write at once; default 500. */
  batchSize?: number;
  /** Pending beyond this make record calls wait for the writer (backpressure, never dropping); default 10,000. */
  maxQueued?: number;
  /** A batch that failed twice; its rows stay queued for the next flush. */
  onError?: (err: unknown, rows: number) => void;
}

interface Count {
  poolId: string;
  userId: string;
  n: number;
  at: string;
  ip: string | null;
}

/**
 * The two writes every sign-in makes besides its tokens — the user's login count / last login /
 * last IP, and the login-history row — taken off the request path and written in batches, like
 * the audit log (services/audit.ts): a sign-in queues them and returns; a writer commits
 * everything queued in ONE transaction at most `flushDelayMs` later (N sign-ins of one user in a
 * batch become one UPDATE adding N). On SQLite that is one commit per batch instead of two per
 * sign-in, which also keeps WAL growth (and its checkpoints) off the sign-in.
 *
 * Semantics (docs/performance.md, "Batched login writes"):
 *  - Nothing is dropped: a failed batch stays queued and is retried; past `maxQueued` a sign-in
 *    waits for the writer.
 *  - Read-your-writes on this node: `pendingFor(userId)` tells readers (the users repository
 *    wrapper in container/authentication.ts) to `flush()` before reading that user, and the
 *    history list flushes first — so a profile read right after a sign-in shows the new count.
 *    Other nodes see the count and history at most `flushDelayMs` later.
 *  - `close()` (graceful shutdown: SIGTERM → app.close → container.close) flushes everything. A
 *    hard kill (SIGKILL, power loss) loses at most the last `flushDelayMs` of login counts and
 *    history rows of that node; the sign-ins themselves, their tokens and audit events are not
 *    affected by that loss (tokens are already issued; the audit log has its own batch).
 */
export function createLoginWrites(repo: Pick<CredentialsRepo, 'writeLogins'>, opts: LoginWritesOptions = {}) {
  const delay = opts.flushDelayMs ?? 100;
  const batchSize = opts.batchSize ?? 500;
  const maxQueued = opts.maxQueued ?? 10_000;
  let counts = new Map<string, Count>();
  let events: LoginEventRow[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> | undefined;
  /** Users whose counts are in the batch being written (not committed yet). */
  let inFlight = new Set<string>();
  const queued = () => counts.size + events.length;

  const flush = (): Promise<void> => {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    writing ??= (async () => {
      // Yield first so `writing` is stored before the body can finish (see services/audit.ts).
      await Promise.resolve();
      try {
        while (queued() > 0) {
          const takenCounts = [...counts.values()];
          const takenEvents = events;
          inFlight = new Set(counts.keys());
          counts = new Map();
          events = [];
          try {
            await repo.writeLogins(takenCounts, takenEvents);
          } catch {
            try {
              await repo.writeLogins(takenCounts, takenEvents);
            } catch (err) {
              // Put them back in front of what arrived meanwhile; the next flush retries.
              for (const c of takenCounts) merge(c);
              events = [...takenEvents, ...events];
              opts.onError?.(err, takenCounts.length + takenEvents.length);
              throw err;
            }
          }
        }
      } finally {
        inFlight = new Set();
        writing = undefined;
      }
    })();
    return writing;
  };

  const merge = (c: Count) => {
    const key = `${c.poolId}/${c.userId}`;
    const had = counts.get(key);
    if (!had) return void counts.set(key, { ...c });
    had.n += c.n;
    // The latest login wins for last_login / last_ip (ISO strings compare in time order).
    if (c.at >= had.at) {
      had.at = c.at;
      had.ip = c.ip;
    }
  };

  const schedule = async () => {
    if (queued() > maxQueued) await flush();
    else if (queued() >= batchSize) void flush().catch(() => undefined);
    else timer ??= setTimeout(() => void flush().catch(() => undefined), delay);
  };

  return {
    /** Queues one successful sign-in's count, last login and last IP. */
    async recordLogin(poolId: string, userId: string, at: string, ip: string | null): Promise<void> {
      merge({ poolId, userId, n: 1, at, ip });
      await schedule();
    },
    /** Queues one login-history row. */
    async insertLoginEvent(row: LoginEventRow): Promise<void> {
      events.push(row);
      await schedule();
    },
    /** Whether a login of this user waits in memory (its row in the database is not current yet). */
    pendingFor(poolId: string, userId: string): boolean {
      const key = `${poolId}/${userId}`;
      return counts.has(key) || inFlight.has(key);
    },
    hasPending: () => queued() > 0,
    /** Writes everything queued now. */
    flush,
    /** Flushes and stops the timer; call before closing the database. */
    close: () => flush(),
  };
}
export type LoginWrites = ReturnType<typeof createLoginWrites>;

/**
 * Read-your-writes for this node: a read of a user whose login still waits in memory flushes
 * first, so the profile or the management view right after a sign-in shows the new count. The
 * repository's methods are replaced in place (everyone holding it reads through this). The
 * token paths read users through the claims cache with the plain `findById` (container), since
 * login counts are not claims and a flush there would put the write back on the sign-in.
 */
export function readingOwnLogins(users: UsersRepo, writes: Pick<LoginWrites, 'pendingFor' | 'hasPending' | 'flush'>): void {
  const { findById, findBy, findManyBy, list } = { findById: users.findById.bind(users), findBy: users.findBy.bind(users), findManyBy: users.findManyBy.bind(users), list: users.list.bind(users) };
  users.findById = async (poolId, id) => {
    if (writes.pendingFor(poolId, id)) await writes.flush();
    return findById(poolId, id);
  };
  users.findBy = async (poolId, column, value) => {
    const row = await findBy(poolId, column, value);
    if (!row || !writes.pendingFor(poolId, row.id)) return row;
    await writes.flush();
    return findBy(poolId, column, value);
  };
  users.findManyBy = async (poolId, column, values) => {
    if (writes.hasPending()) await writes.flush();
    return findManyBy(poolId, column, values);
  };
  users.list = async (poolId, q) => {
    if (writes.hasPending()) await writes.flush();
    return list(poolId, q);
  };
}
