import type { Kysely } from 'kysely';

/**
 * Subtree pages in index order (docs/organizations.md "How the tree is stored"): the subtree
 * listing orders a department's descendants by depth, then id, and reads them through this index,
 * so a page of 1,000 stops after 1,000 index entries instead of sorting the whole subtree
 * (measured on 100,000 departments, docs/performance.md).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('department_closure_ancestor_depth').on('department_closure').columns(['ancestor_id', 'depth', 'descendant_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('department_closure_ancestor_depth').execute();
}
