import type { Kysely, Selectable } from 'kysely';
import type { SqliteConnection } from '../db/connect.js';
import type { AuditEventTable, Database } from '../db/schema.js';

export type AuditRow = Selectable<AuditEventTable>;

const COLUMNS = ['id', 'pool_id', 'at', 'type', 'actor', 'subject', 'ip', 'user_agent', 'result', 'request_id', 'data'] as const satisfies ReadonlyArray<keyof AuditRow>;

/**
 * On SQLite a batch is written directly: one cached single-row INSERT run per row inside one
 * transaction (all or nothing, one commit). Through Kysely a batch of N rows was a new N-row
 * statement to build, compile and prepare every time (the batches vary in size), which showed
 * on the client-credentials path, where every token writes an event. While a Kysely
 * transaction holds the connection the Kysely path is used, as in the SQL KV (sql-kv.ts).
 */
function directInsert(conn: SqliteConnection) {
  let write: ((rows: AuditRow[]) => void) | undefined;
  return (rows: AuditRow[]): boolean => {
    if (conn.inTransaction) return false;
    if (!write) {
      const stmt = conn.prepare(`insert into "audit_events" (${COLUMNS.map((c) => `"${c}"`).join(', ')}) values (${COLUMNS.map(() => '?').join(', ')})`);
      write = conn.transaction((batch: AuditRow[]) => {
        for (const r of batch) stmt.run(...COLUMNS.map((c) => r[c]));
      });
    }
    write(rows);
    return true;
  };
}

export function createAuditRepo(db: Kysely<Database>, sqlite?: SqliteConnection) {
  const direct = sqlite ? directInsert(sqlite) : undefined;
  return {
    insert: (row: AuditRow) => db.insertInto('audit_events').values(row).execute(),
    /** One transaction (SQLite) or one multi-row INSERT: one commit, all or nothing (callers keep batches ≤ 500 rows). */
    insertMany: async (rows: AuditRow[]) => {
      if (!rows.length || direct?.(rows)) return;
      await db.insertInto('audit_events').values(rows).execute();
    },
    listByPool: (poolId: string, limit: number, type?: string) => {
      let q = db.selectFrom('audit_events').selectAll().where('pool_id', '=', poolId);
      if (type) q = q.where('type', '=', type);
      return q.orderBy('id', 'desc').limit(limit).execute();
    },
  };
}
export type AuditRepo = ReturnType<typeof createAuditRepo>;
