import type { SelectQueryBuilder } from 'kysely';

/*
 * Helpers the list queries of several repositories share: keyword search and offset pages.
 */

/** `%`, `_` and the escape character itself match literally (used with `escape '\'`). */
export const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * `%`, `_` and the escape character itself are literal in a user's search text. SQLite has no
 * default LIKE escape character, so the ESCAPE clause is spelled out (PostgreSQL accepts it too).
 */
export const likePattern = (text: string) => `%${escapeLike(text.toLowerCase())}%`;

/**
 * One page (`page` from 1) of the rows `where` selects, in the order `ordered` gives, with the
 * total count of those rows.
 */
export async function pageOf<DB, TB extends keyof DB, Row>(
  where: SelectQueryBuilder<DB, TB, object>,
  ordered: (q: SelectQueryBuilder<DB, TB, object>) => SelectQueryBuilder<DB, TB, Row>,
  q: { page: number; limit: number },
): Promise<{ rows: Row[]; totalCount: number }> {
  // Kysely cannot name the selection's columns for a generic table; the alias is 'n'.
  const { n } = (await where.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()) as { n: string | number | bigint };
  const rows = await ordered(where)
    .limit(q.limit)
    .offset((q.page - 1) * q.limit)
    .execute();
  return { rows, totalCount: Number(n) };
}
