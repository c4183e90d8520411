import { AppError } from '../../errors/app-error.js';
import type { KvStore } from '../../storage/kv/types.js';
import { scopedKv } from '../../storage/kv/scoped.js';
import type { SendQuotas } from './settings.js';

/**
 * Send quotas against SMS pumping and mail bombing (security.md §0 item 12; ASVS 2.4.1, 6.6.3).
 * Fixed windows in the shared KV: `incr` is atomic on memory, SQL and Redis, so N parallel
 * requests get N distinct counts and only the first `limit` pass, on one node or many.
 *
 * A refused request gives its increments back, so refusals do not push a recipient further
 * out; the answer names the seconds until the tightest window that refused it reopens.
 * They apply before anything is looked up, to known and unknown recipients alike, so a quota
 * answer says nothing about whether an account exists.
 */
const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

export interface QuotaSubject {
  kind: 'sms' | 'email';
  channel: string;
  recipient: string;
  ip: string;
}

export function createSendQuotas(kv: KvStore) {
  return {
    async take(poolId: string, s: QuotaSubject, q: SendQuotas): Promise<void> {
      const store = scopedKv(kv, poolId);
      const windows: Array<{ key: string; limit: number; ttl: number }> = [
        { key: `sq:r:${s.kind}:${s.recipient}:${s.channel}:m`, limit: q.recipientPerMinute, ttl: MIN },
        { key: `sq:r:${s.kind}:${s.recipient}:h`, limit: q.recipientPerHour, ttl: HOUR },
        { key: `sq:r:${s.kind}:${s.recipient}:d`, limit: q.recipientPerDay, ttl: DAY },
        { key: `sq:ip:${s.ip}:h`, limit: q.ipPerHour, ttl: HOUR },
        { key: `sq:pool:h`, limit: q.poolPerHour, ttl: HOUR },
        { key: `sq:pool:d`, limit: q.poolPerDay, ttl: DAY },
      ];
      const taken: typeof windows = [];
      for (const w of windows) {
        const n = await store.incr(w.key, w.ttl);
        taken.push(w);
        if (n > w.limit) {
          const retryMs = (await store.ttl(w.key)) ?? w.ttl;
          await Promise.all(taken.map((t) => store.incr(t.key, t.ttl, -1)));
          throw new AppError('passcode.send_limited', { params: { retryAfter: Math.max(1, Math.ceil(retryMs / 1000)) } });
        }
      }
    },
  };
}
export type SendQuotasService = ReturnType<typeof createSendQuotas>;
