import type { AuditRepo } from '../storage/repositories/audit.js';
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

/** Security events (ASVS V16): who did what to whom, from where, with what result, in UTC. */
export function createAuditService(repo: AuditRepo) {
  return {
    async record(e: AuditEvent): Promise<void> {
      await repo.insert({
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
    },
    list: (poolId: string, limit = 50, type?: string) => repo.listByPool(poolId, Math.min(Math.max(limit, 1), 500), type),
  };
}
export type AuditService = ReturnType<typeof createAuditService>;
