import type { EmittedEvent } from '@gatehouse/contracts';
import type { AuditService } from '../audit.js';

/** Every event becomes one audit row (type = the event name); the audit service batches the writes. */
export function auditSubscriber(audit: Pick<AuditService, 'record'>) {
  return (e: EmittedEvent) =>
    audit.record({
      poolId: e.poolId,
      type: e.name,
      result: e.result,
      actor: e.actor ?? null,
      subject: e.subject ?? null,
      ip: e.ip ?? null,
      userAgent: e.userAgent ?? null,
      requestId: e.requestId ?? null,
      data: e.data as Record<string, unknown>,
    });
}
