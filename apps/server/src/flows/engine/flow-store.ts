import { createHash } from 'node:crypto';
import { AppError } from '../../errors/app-error.js';
import type { KvStore } from '../../storage/kv/types.js';
import { scopedKv } from '../../storage/kv/scoped.js';
import { urlSafeSecret } from '../../utils/ids.js';
import type { FlowRecord } from './types.js';

/**
 * Waiting flows in the shared KV (any node continues them). The flow token is 256 random bits
 * given to the caller; only its SHA-256 is a key, so a KV dump yields no usable tokens. A token
 * is bound to its pool (the KV prefix) and, by the caller, to its app and channel.
 *
 * A flow token is not an access token: no other API accepts it.
 */
export const FLOW_TTL_MS = 10 * 60 * 1000;

const key = (token: string) => `flow:${createHash('sha256').update(token, 'utf8').digest('base64url')}`;
const looksLikeToken = (t: unknown): t is string => typeof t === 'string' && /^[A-Za-z0-9_-]{32,64}$/.test(t);

export function createFlowStore(kv: KvStore) {
  return {
    /** A new flow token and the record id derived from it (logs and events carry the id, never the token). */
    newToken(): { token: string; id: string } {
      const token = urlSafeSecret(32);
      return { token, id: createHash('sha256').update(`id:${token}`, 'utf8').digest('base64url').slice(0, 22) };
    },

    async save(token: string, flow: FlowRecord): Promise<void> {
      const ttl = flow.expiresAt - Date.now();
      if (ttl <= 0) throw new AppError('flow.invalid');
      await scopedKv(kv, flow.poolId).set(key(token), JSON.stringify(flow), ttl);
    },

    /** The waiting flow of a token in this pool, or flow.invalid (unknown, expired or another pool's). */
    async load(poolId: string, token: unknown): Promise<FlowRecord> {
      if (!looksLikeToken(token)) throw new AppError('flow.invalid');
      const raw = await scopedKv(kv, poolId).get(key(token));
      if (!raw) throw new AppError('flow.invalid');
      const flow = JSON.parse(raw) as FlowRecord;
      if (flow.expiresAt <= Date.now()) throw new AppError('flow.invalid');
      return flow;
    },

    /** Ends a flow (completed, or killed by a lock); true when this call removed it. */
    async end(poolId: string, token: string): Promise<boolean> {
      return scopedKv(kv, poolId).del(key(token));
    },

    /** Takes a flow atomically (single use at completion: two parallel answers cannot both finish it). */
    async take(poolId: string, token: string): Promise<FlowRecord | null> {
      if (!looksLikeToken(token)) return null;
      const raw = await scopedKv(kv, poolId).take(key(token));
      return raw ? (JSON.parse(raw) as FlowRecord) : null;
    },
  };
}
export type FlowStore = ReturnType<typeof createFlowStore>;
