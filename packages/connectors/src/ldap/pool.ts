/**
 * Bounded concurrency and failover.
 *  - `Semaphore`: at most `poolSize` sign-ins talk to the directory at once; the rest wait up to
 *    `timeoutMs` and then fail as `connector.unavailable` (a flood of sign-ins must not become a
 *    flood of directory connections).
 *  - `EndpointSelector`: URLs are tried in the configured order; one that failed to connect is
 *    tried last for ENDPOINT_COOLDOWN_MS, so a dead primary does not cost every sign-in a timeout.
 *  - `ServicePool`: connections kept open between sign-ins (at most `poolSize`, closed after
 *    IDLE_CLOSE_MS idle): one pool bound as the service account for searches, one for user binds.
 *    A kept connection the server has meanwhile dropped is replaced once, transparently.
 */
import { ENDPOINT_COOLDOWN_MS, IDLE_CLOSE_MS } from './defaults.js';
import { DirectoryConnection, type ConnectionOptions } from './connection.js';
import type { Endpoint } from './endpoints.js';
import { DirectoryError, isConnectionFailure, toDirectoryError } from './errors.js';

export class Semaphore {
  private active = 0;
  private readonly queue: Array<{ grant: () => void; fail: (e: Error) => void }> = [];

  constructor(private readonly size: number) {}

  async run<T>(waitMs: number, fn: () => Promise<T>): Promise<T> {
    await this.acquire(waitMs);
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  /** Rejects everyone waiting (shutdown). */
  failWaiting(err: Error): void {
    for (const w of this.queue.splice(0)) w.fail(err);
  }

  private acquire(waitMs: number): Promise<void> {
    if (this.active < this.size) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const entry = {
        grant: () => {
          clearTimeout(timer);
          resolve();
        },
        fail: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const timer = setTimeout(() => {
        const i = this.queue.indexOf(entry);
        if (i >= 0) this.queue.splice(i, 1);
        reject(new DirectoryError('connector.unavailable', 'connect', `directory busy: ${this.size} operations in progress for ${waitMs} ms`));
      }, waitMs);
      this.queue.push(entry);
    });
  }

  private release(): void {
    const next = this.queue.shift();
    if (next) next.grant(); // the slot passes straight on
    else this.active--;
  }
}

export class EndpointSelector {
  private readonly failedUntil = new Map<string, number>();

  constructor(readonly endpoints: Endpoint[]) {}

  /** Healthy URLs first (the preferred one, then configured order), then those cooling down. */
  order(preferred?: Endpoint): Endpoint[] {
    const now = Date.now();
    const list = preferred ? [preferred, ...this.endpoints.filter((e) => e !== preferred)] : this.endpoints;
    const cooling = (e: Endpoint) => (this.failedUntil.get(e.label) ?? 0) > now;
    return [...list.filter((e) => !cooling(e)), ...list.filter(cooling)];
  }

  markFailed(ep: Endpoint): void {
    this.failedUntil.set(ep.label, Date.now() + ENDPOINT_COOLDOWN_MS);
  }

  markOk(ep: Endpoint): void {
    this.failedUntil.delete(ep.label);
  }
}

/**
 * Opens a connection and runs `prepare` (the service bind) on the first URL that works. Moves
 * on only for network and TLS failures; a refused bind is the same answer on every replica.
 * When every URL failed, a TLS failure wins over "unavailable" (it needs the administrator).
 */
export async function openWithFailover(
  selector: EndpointSelector,
  opts: ConnectionOptions,
  prepare: (conn: DirectoryConnection) => Promise<void>,
  preferred?: Endpoint,
): Promise<DirectoryConnection> {
  const failures: DirectoryError[] = [];
  for (const ep of selector.order(preferred)) {
    let conn: DirectoryConnection | undefined;
    try {
      conn = await DirectoryConnection.open(ep, opts);
      await prepare(conn);
      selector.markOk(ep);
      return conn;
    } catch (err) {
      await conn?.close();
      const mapped = toDirectoryError(err, 'connect', ep.label);
      if (!isConnectionFailure(mapped)) throw mapped;
      selector.markFailed(ep);
      failures.push(mapped);
    }
  }
  const worst = failures.find((f) => f.code === 'connector.tls_failed') ?? failures[0];
  if (!worst) throw new DirectoryError('connector.invalid_config', 'connect', 'no directory URL configured');
  if (failures.length === 1) throw worst;
  throw new DirectoryError(worst.code, worst.step, failures.map((f) => f.vendorDetail).join('; '), { cause: worst });
}

export class ServicePool {
  private readonly idle: DirectoryConnection[] = [];
  private readonly timers = new Map<DirectoryConnection, NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly open: () => Promise<DirectoryConnection>,
    private readonly maxIdle: number,
  ) {}

  /** Runs `fn` on a service-account connection. Only idempotent work (searches) belongs here. */
  async use<T>(fn: (conn: DirectoryConnection) => Promise<T>): Promise<T> {
    const kept = this.take();
    const conn = kept ?? (await this.open());
    try {
      const result = await fn(conn);
      this.give(conn);
      return result;
    } catch (err) {
      if (conn.usable) this.give(conn);
      else await conn.close();
      // A kept connection that the server dropped while idle (AD closes idle LDAP connections after
      // 15 minutes, MaxConnIdleTime): try once more on a fresh one.
      if (kept && isConnectionFailure(err)) {
        const fresh = await this.open();
        try {
          const result = await fn(fresh);
          this.give(fresh);
          return result;
        } catch (again) {
          if (fresh.usable) this.give(fresh);
          else await fresh.close();
          throw again;
        }
      }
      throw err;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = this.idle.splice(0);
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await Promise.all(all.map((c) => c.close()));
  }

  /**
   * An idle connection, the most recently used first; with `endpoint`, only one to that server.
   * Connections found unusable on the way are closed. Undefined: open one.
   */
  take(endpoint?: Endpoint): DirectoryConnection | undefined {
    for (let i = this.idle.length - 1; i >= 0; i--) {
      const conn = this.idle[i]!;
      if (conn.usable && endpoint && conn.endpoint !== endpoint) continue;
      this.idle.splice(i, 1);
      clearTimeout(this.timers.get(conn));
      this.timers.delete(conn);
      if (conn.usable) {
        conn.setIdle(false);
        return conn;
      }
      void conn.close();
    }
    return undefined;
  }

  /** Keeps a connection for later (closed instead when unusable, the pool is full or closed). */
  give(conn: DirectoryConnection): void {
    if (this.closed || !conn.usable || this.idle.length >= this.maxIdle) {
      void conn.close();
      return;
    }
    conn.setIdle(true);
    this.idle.push(conn);
    const timer = setTimeout(() => {
      const i = this.idle.indexOf(conn);
      if (i >= 0) this.idle.splice(i, 1);
      this.timers.delete(conn);
      void conn.close();
    }, IDLE_CLOSE_MS);
    timer.unref();
    this.timers.set(conn, timer);
  }
}
