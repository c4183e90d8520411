import type { ConsoleAuditRepo } from '../../storage/repositories/console.js';
import type { AuditRow } from '../../storage/repositories/audit.js';

export interface AuditQuery {
  actor?: string;
  type?: string;
  from?: string;
  to?: string;
  page: number;
  limit: number;
}

export interface AuditEntry {
  id: string;
  at: string;
  type: string;
  result: string;
  actor: string | null;
  subject: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  data: Record<string, unknown>;
}

const toEntry = (r: AuditRow): AuditEntry => ({
  id: r.id,
  at: r.at,
  type: r.type,
  result: r.result,
  actor: r.actor,
  subject: r.subject,
  ip: r.ip,
  userAgent: r.user_agent,
  requestId: r.request_id,
  data: JSON.parse(r.data) as Record<string, unknown>,
});

/** Most rows one CSV export holds. */
export const CSV_MAX_ROWS = 10_000;

/**
 * One CSV field (RFC 4180 §2: quoted when it holds a comma, quote or line break; quotes doubled).
 * A leading = + - @ or tab/CR is prefixed with a quote so a spreadsheet does not run it as a
 * formula (OWASP "CSV Injection"): audit rows carry user-controlled text such as user agents.
 */
export function csvField(v: unknown): string {
  let s = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const CSV_COLUMNS = ['at', 'type', 'result', 'actor', 'subject', 'ip', 'userAgent', 'requestId', 'data'] as const;

/** The audit log as the console reads it: filtered pages, a CSV export, sign-ins per day. */
export function createConsoleAuditService(d: { repo: ConsoleAuditRepo; flush: () => Promise<void> }) {
  return {
    async search(poolId: string, q: AuditQuery): Promise<{ list: AuditEntry[]; totalCount: number }> {
      // This node's queued events first, so an action shows up in the log right after it.
      await d.flush();
      const filter = { poolId, actor: q.actor, type: q.type, from: q.from, to: q.to };
      const [rows, totalCount] = await Promise.all([d.repo.search({ ...filter, limit: q.limit, offset: (q.page - 1) * q.limit }), d.repo.count(filter)]);
      return { list: rows.map(toEntry), totalCount };
    },

    async csv(poolId: string, q: Omit<AuditQuery, 'page' | 'limit'>): Promise<string> {
      await d.flush();
      const rows = await d.repo.search({ poolId, actor: q.actor, type: q.type, from: q.from, to: q.to, limit: CSV_MAX_ROWS, offset: 0 });
      const lines = [CSV_COLUMNS.join(',')];
      for (const e of rows.map(toEntry)) lines.push(CSV_COLUMNS.map((c) => csvField(e[c])).join(','));
      return `${lines.join('\r\n')}\r\n`;
    },

    /** Successful and failed sign-ins per UTC day over the last `days` days (oldest first, every day present). */
    async signInsPerDay(poolId: string, days: number, now = new Date()): Promise<Array<{ day: string; success: number; failure: number }>> {
      await d.flush();
      const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (days - 1)));
      const out = new Map<string, { day: string; success: number; failure: number }>();
      for (let i = 0; i < days; i++) {
        const day = new Date(start.getTime() + i * 86_400_000).toISOString().slice(0, 10);
        out.set(day, { day, success: 0, failure: 0 });
      }
      for (const r of await d.repo.since(poolId, ['login', 'login:failed'], start.toISOString())) {
        const bucket = out.get(r.at.slice(0, 10));
        if (!bucket) continue;
        if (r.type === 'login' && r.result === 'success') bucket.success++;
        else bucket.failure++;
      }
      return [...out.values()];
    },
  };
}
export type ConsoleAuditService = ReturnType<typeof createConsoleAuditService>;
