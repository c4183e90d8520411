import type { Kysely, Selectable } from 'kysely';
import type { AuditEventTable, Database } from '../db/schema.js';

export type AuditRow = Selectable<AuditEventTable>;

export function createAuditRepo(db: Kysely<Database>) {
  return {
    insert: (row: AuditRow) => db.insertInto('audit_events').values(row).execute(),
    /** One multi-row INSERT: one statement, one commit, all or nothing (callers keep batches ≤ 500 rows). */
    insertMany: async (rows: AuditRow[]) => {
      if (rows.length) await db.insertInto('audit_events').values(rows).execute();
    },
    listByPool: (poolId: string, limit: number, type?: string) => {
      let q = db.selectFrom('audit_events').selectAll().where('pool_id', '=', poolId);
      if (type) q = q.where('type', '=', type);
      return q.orderBy('id', 'desc').limit(limit).execute();
    },
  };
}
export type AuditRepo = ReturnType<typeof createAuditRepo>;
