import type { KvStore } from '../../storage/kv/types.js';
import type { QrRecord, QrTicket } from './types.js';

/**
 * QR-code state in the shared KV (issue #6), so a page can poll one node while the phone talks
 * to another (design.md §2: nothing that matters lives in one process's memory).
 *
 * Keys are global, not pool-prefixed: the seed's status query (`GET /api/qrcode/check?random=`)
 * identifies a code by its id alone. The pool is inside every value and the service checks it
 * on each operation; ids and tickets carry 256 random bits, so they cannot be guessed.
 *
 * Each transition is ONE atomic write that can succeed once (`setIfAbsent`), so there is no
 * read-modify-write race and no window where a crash leaves half a transition:
 *   qrcode:<id>            the immutable base (pool, app, times, customData)
 *   qrcode:<id>:scan       written by the first scan    → SCANNED
 *   qrcode:<id>:decide     written by confirm or cancel → AUTHORIZED | CANCELLED
 *   qrcode-ticket:<ticket> the ticket, consumed by `take` (single use)
 * Confirm can only write `decide` after it has read `scan` with its own user id, so the order
 * scan → decide holds even across nodes.
 */
type Base = Pick<QrRecord, 'id' | 'poolId' | 'appId' | 'scene' | 'createdAt' | 'expiresAt' | 'customData'>;
interface Scan {
  userId: string;
  brief: QrRecord['brief'];
}
interface Decision {
  kind: 'AUTHORIZED' | 'CANCELLED';
  ticket: string | null;
  at: number;
}

const baseKey = (id: string) => `qrcode:${id}`;
const scanKey = (id: string) => `qrcode:${id}:scan`;
const decideKey = (id: string) => `qrcode:${id}:decide`;
const ticketKey = (t: string) => `qrcode-ticket:${t}`;

const parse = <T>(v: string | null): T | null => (v === null ? null : (JSON.parse(v) as T));

export function createQrStore(kv: KvStore) {
  return {
    /** Stores a new code; `retainMs` keeps it readable after expiry so pollers see "expired", not "unknown". */
    async create(base: Base, retainMs: number): Promise<void> {
      const ok = await kv.setIfAbsent(baseKey(base.id), JSON.stringify(base), retainMs);
      if (!ok) throw new Error('QR id collision'); // 256 random bits: never in practice
    },

    async read(id: string): Promise<QrRecord | null> {
      const [b, s, d] = await Promise.all([kv.get(baseKey(id)), kv.get(scanKey(id)), kv.get(decideKey(id))]);
      const base = parse<Base>(b);
      if (!base) return null;
      const scan = parse<Scan>(s);
      const decision = parse<Decision>(d);
      return {
        ...base,
        status: decision ? decision.kind : scan ? 'SCANNED' : 'PENDING',
        scannedUserId: scan?.userId ?? null,
        brief: scan?.brief ?? null,
        ticket: decision?.ticket ?? null,
        authorizedAt: decision?.kind === 'AUTHORIZED' ? decision.at : null,
      };
    },

    /** true when this call made the scan; false when somebody scanned first. */
    claimScan: (id: string, scan: Scan, ttlMs: number) => kv.setIfAbsent(scanKey(id), JSON.stringify(scan), ttlMs),

    /**
     * Confirm or cancel, once. For a confirmation the ticket is stored first, so a poller that
     * sees AUTHORIZED can always exchange it; when the decision is lost the ticket is deleted.
     */
    async decide(id: string, decision: Decision, ttlMs: number, ticket?: { value: QrTicket; ttlMs: number }): Promise<boolean> {
      if (ticket && decision.ticket) await kv.set(ticketKey(decision.ticket), JSON.stringify(ticket.value), ticket.ttlMs);
      const ok = await kv.setIfAbsent(decideKey(id), JSON.stringify(decision), ttlMs);
      if (!ok && decision.ticket) await kv.del(ticketKey(decision.ticket));
      return ok;
    },

    peekTicket: async (ticket: string) => parse<QrTicket>(await kv.get(ticketKey(ticket))),
    /** Atomic read-and-delete: a ticket is exchanged at most once, whichever node is asked. */
    takeTicket: async (ticket: string) => parse<QrTicket>(await kv.take(ticketKey(ticket))),
  };
}
export type QrStore = ReturnType<typeof createQrStore>;
