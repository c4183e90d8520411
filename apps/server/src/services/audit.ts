import type { AuditRepo, AuditRow } from '../storage/repositories/audit.js';
import { sortableId } from '../utils/ids.js';
import { nowIso } from '../utils/time.js';

export interface AuditEvent {
  poolId: string;
  type: string;
  result: 'success' | 'failure';
  actor?: string | null;
  subject?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
  /** Never put passwords, codes, tokens or secrets here. */
  data?: Record<string, unknown>;
}

export interface AuditOptions {
  /** Longest time an event waits in memory before it is written (ms); default 50. */
  flushDelayMs?: number;
  /** Rows per INSERT; a full batch is written at once; default 500 (within SQLite's and PostgreSQL's parameter limits). */
  batchSize?: number;
  /** Events queued beyond this make record() wait for the writes (backpressure, never dropping); default 10,000. */
  maxQueued?: number;
  /** A batch that failed to write, after one retry (the events are kept in the queue for the next flush). */
  onError?: (err: unknown, events: number) => void;
}

/**
 * Security events (ASVS V16): who did what to whom, from where, with what result, in UTC.
 *
 * Events are written off the request path: record() stamps the event (id and time are taken
 * when it happens) and queues it; a writer inserts queued events in batches (one multi-row
 * INSERT per ≤ batchSize events) at most `flushDelayMs` later. On the token endpoint this was
 * one autocommit INSERT per issued token (issue #7 profile); batched, it is one per ~100.
 *  - Nothing is dropped: when more than `maxQueued` events wait, record() waits for the writer.
 *  - A failed batch stays queued and is retried on the next flush.
 *  - Reads (list) and close() flush first, so this node reads its own writes and a graceful
 *    shutdown (SIGTERM → app.close → container.close) loses nothing. A hard kill loses at most
 *    the last `flushDelayMs` of events of that node.
 */
export function createAuditService(repo: AuditRepo, opts: AuditOptions = {}) {
  const delay = opts.flushDelayMs ?? 50;
  const batchSize = opts.batchSize ?? 500;
  const maxQueued = opts.maxQueued ?? 10_000;
  let queue: AuditRow[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> | undefined;

  /** Writes everything queued (batch by batch); one writer at a time. */
  const flush = (): Promise<void> => {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    writing ??= (async () => {
      // Yield first: with an empty queue the body would otherwise finish synchronously, its
      // `finally` clearing `writing` before `??=` stores this (settled) promise — which then
      // stayed in `writing` for good, and no later event was ever written.
      await Promise.resolve();
      try {
        while (queue.length) {
          const batch = queue.slice(0, batchSize);
          try {
            await repo.insertMany(batch);
          } catch (err) {
            // A unique-id clash cannot happen (sortable random ids); retry once for a busy database.
            try {
              await repo.insertMany(batch);
            } catch (err2) {
              opts.onError?.(err2 ?? err, batch.length);
              throw err2;
            }
          }
          queue = queue.slice(batch.length);
        }
      } finally {
        writing = undefined;
      }
    })();
    return writing;
  };
  const schedule = () => {
    if (queue.length >= batchSize) void flush().catch(() => undefined);
    else timer ??= setTimeout(() => void flush().catch(() => undefined), delay);
  };

  return {
    async record(e: AuditEvent): Promise<void> {
      queue.push({
        id: sortableId(),
        pool_id: e.poolId,
        at: nowIso(),
        type: e.type,
        actor: e.actor ?? null,
        subject: e.subject ?? null,
        ip: e.ip ?? null,
        user_agent: e.userAgent ? e.userAgent.slice(0, 512) : null,
        result: e.result,
        request_id: e.requestId ?? null,
        data: JSON.stringify(e.data ?? {}),
      });
      if (queue.length > maxQueued) await flush();
      else schedule();
    },
    /** Writes every queued event now. */
    flush,
    async list(poolId: string, limit = 50, type?: string) {
      await flush();
      return repo.listByPool(poolId, Math.min(Math.max(limit, 1), 500), type);
    },
    /** Flushes and stops the timer; call before closing the database. */
    async close(): Promise<void> {
      await flush();
    },
  };
}
export type AuditService = ReturnType<typeof createAuditService>;
