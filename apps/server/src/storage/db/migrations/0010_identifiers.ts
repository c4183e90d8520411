import type { Kysely } from 'kysely';
import { foldIdentifier } from '../../../utils/identifiers.js';

/**
 * Hardening: usernames and emails are stored in the identifier profile's form (NFKC, lower case,
 * trimmed; docs/security.md "Identifiers") and looked up in it. Rows written before are brought
 * into that form here, except where two rows of one pool would collide (they differed only in
 * case or width): those keep their spelling, are still found by it, and need an administrator to
 * rename one of them. No schema change.
 */
const BATCH = 1000;

export async function up(db: Kysely<any>): Promise<void> {
  let after = '';
  for (;;) {
    const rows: Array<{ id: string; pool_id: string; username: string | null; email: string | null }> = await db
      .selectFrom('users')
      .select(['id', 'pool_id', 'username', 'email'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH)
      .execute();
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.id;
    for (const r of rows) {
      for (const column of ['username', 'email'] as const) {
        const v = r[column];
        if (!v) continue;
        const folded = foldIdentifier(v);
        if (folded === v || folded === '') continue;
        const taken = await db.selectFrom('users').select('id').where('pool_id', '=', r.pool_id).where(column, '=', folded).executeTakeFirst();
        if (taken) continue;
        await db.updateTable('users').set({ [column]: folded }).where('id', '=', r.id).execute();
      }
    }
  }
}

export async function down(): Promise<void> {
  // The original spellings are not kept; lookups accept both forms, so nothing to undo.
}
