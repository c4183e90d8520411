import { sql, type Expression, type ExpressionBuilder, type Kysely, type Selectable, type SqlBool, type Updateable } from 'kysely';
import type { SqliteConnection } from '../db/connect.js';
import { compiledQuery } from '../db/compiled-query.js';
import type { Database, UserTable } from '../db/schema.js';
import { likePattern } from './list-queries.js';

/**
 * The only place with SQL on `users`. Every query is scoped by `pool_id`: a caller can never
 * reach a user of another pool, whatever id it passes.
 */
export type UserRow = Selectable<UserTable>;
export type UserPatch = Omit<Updateable<UserTable>, 'id' | 'pool_id' | 'created_at'>;

/** Columns a user can be looked up by; each is unique per pool (migration 0001). */
const LOOKUP_COLUMN_LIST = ['id', 'email', 'phone', 'username', 'external_id'] as const;
export type UserLookupColumn = (typeof LOOKUP_COLUMN_LIST)[number];
const LOOKUP_COLUMNS: ReadonlySet<string> = new Set(LOOKUP_COLUMN_LIST);
/** Columns that may be searched, filtered and sorted on (never `password_hash` or `pool_id`). */
export type UserQueryColumn = Exclude<keyof UserTable, 'pool_id' | 'password_hash' | 'custom_data'>;

export interface UserCondition {
  column: UserQueryColumn;
  op: 'eq' | 'ne' | 'contains' | 'not_contains' | 'is_null' | 'not_null' | 'in' | 'gte' | 'lte' | 'between';
  /** Scalar for eq/ne/contains/gte/lte, a list for in, a pair for between; absent for the null checks. */
  value?: string | number | Array<string | number>;
}

export interface UserListQuery {
  offset: number;
  limit: number;
  /** Case-insensitive substring match over `keywordColumns` (any of them). */
  keyword?: string;
  keywordColumns?: UserQueryColumn[];
  /** All must hold. */
  conditions?: UserCondition[];
  sort?: Array<{ column: UserQueryColumn; direction: 'asc' | 'desc' }>;
}

type Eb = ExpressionBuilder<Database, 'users'>;

/**
 * LIKE is case-insensitive on SQLite and case-sensitive on PostgreSQL; comparing lower() on
 * both sides gives the same answer on both.
 */
const ilike = (column: UserQueryColumn, needle: string) =>
  sql<boolean>`lower(${sql.ref(column)}) like ${likePattern(needle)} escape '\\'`;

function conditionExpr(eb: Eb, c: UserCondition) {
  const col = eb.ref(c.column);
  const scalar = c.value as string | number;
  switch (c.op) {
    case 'eq':
      return eb(col, '=', scalar);
    // "Not equal" includes users that have no value at all, as a person reading the filter expects.
    case 'ne':
      return eb.or([eb(col, 'is', null), eb(col, '<>', scalar)]);
    case 'contains':
      return eb.and([eb(col, 'is not', null), ilike(c.column, String(scalar))]);
    case 'not_contains':
      return eb.or([eb(col, 'is', null), eb.not(ilike(c.column, String(scalar)))]);
    case 'is_null':
      return eb(col, 'is', null);
    case 'not_null':
      return eb(col, 'is not', null);
    case 'in': {
      const list = c.value as Array<string | number>;
      return list.length === 0 ? sql<boolean>`1 = 0` : eb(col, 'in', list);
    }
    case 'gte':
      return eb(col, '>=', scalar);
    case 'lte':
      return eb(col, '<=', scalar);
    case 'between': {
      const [lo, hi] = c.value as [string | number, string | number];
      return eb.and([eb(col, '>=', lo), eb(col, '<=', hi)]);
    }
  }
}

/** `direct`: the SQLite connection under `db`, for the lookups every sign-in makes (compiled-query.ts). */
export function createUsersRepo(db: Kysely<Database>, direct?: SqliteConnection) {
  const inPool = (poolId: string) => db.selectFrom('users').selectAll().where('pool_id', '=', poolId);
  // One compiled lookup per column: the column is part of the SQL text, the values are parameters.
  const lookups = new Map<UserLookupColumn, (poolId: string, value: string) => Promise<UserRow[]>>();
  const lookup = (column: UserLookupColumn) => {
    let q = lookups.get(column);
    if (!q) {
      // Callers map vendor id types to these columns; anything else is a bug, never a new statement.
      if (!LOOKUP_COLUMNS.has(column)) throw new Error(`users.findBy: not a lookup column: ${String(column)}`);
      q = compiledQuery<UserRow>(db, direct, 2, (k, poolId: string, value: string) => k.selectFrom('users').selectAll().where('pool_id', '=', poolId).where(column, '=', value));
      lookups.set(column, q);
    }
    return q;
  };

  const listWhere = (poolId: string, q: UserListQuery) => (eb: Eb) => {
    const parts: Array<Expression<SqlBool>> = [eb('pool_id', '=', poolId)];
    const keyword = q.keyword?.trim();
    if (keyword && q.keywordColumns?.length) {
      parts.push(eb.or(q.keywordColumns.map((c) => ilike(c, keyword))));
    }
    for (const c of q.conditions ?? []) parts.push(conditionExpr(eb, c));
    return eb.and(parts);
  };

  return {
    insert: (row: UserRow) => db.insertInto('users').values(row).execute(),
    /**
     * Inserts and runs `then` in the same transaction (the `user:created` event's outbox rows:
     * they commit with the user or not at all). `then` receives the transaction handle.
     */
    insertWithin: (row: UserRow, then: (trx: unknown) => Promise<void>) =>
      db.transaction().execute(async (trx) => {
        await trx.insertInto('users').values(row).execute();
        await then(trx);
      }),

    /**
     * Refreshes the planner's statistics for the users table (ANALYZE, the same statement on
     * SQLite and PostgreSQL). After a bulk import PostgreSQL still plans with the empty table's
     * statistics until autovacuum runs, and picked a pool-wide scan instead of the email index:
     * ~1 s per sign-in at 1M users (docs/performance.md).
     */
    refreshStatistics: async () => {
      await sql`analyze users`.execute(db);
    },
    /** All or nothing: one transaction, so a failing row (e.g. a unique violation) leaves no others behind. */
    insertMany: (rows: UserRow[]) =>
      db.transaction().execute(async (trx) => {
        for (const row of rows) await trx.insertInto('users').values(row).execute();
      }),

    findBy: async (poolId: string, column: UserLookupColumn, value: string): Promise<UserRow | undefined> => (await lookup(column)(poolId, value))[0],

    findById: async (poolId: string, id: string): Promise<UserRow | undefined> => (await lookup('id')(poolId, id))[0],

    findManyBy: (poolId: string, column: UserLookupColumn, values: string[]) =>
      values.length === 0 ? Promise.resolve([] as UserRow[]) : inPool(poolId).where(column, 'in', values).execute(),

    /**
     * Users of the pool holding any of the given identifiers, other than `exceptId`. Used to
     * name the conflicting field before a write and to answer is-user-exists.
     */
    findHoldersOfAny: (poolId: string, ids: Partial<Record<Exclude<UserLookupColumn, 'id'>, string>>, exceptId?: string) => {
      const entries = Object.entries(ids).filter((e): e is [Exclude<UserLookupColumn, 'id'>, string] => typeof e[1] === 'string');
      if (entries.length === 0) return Promise.resolve([] as UserRow[]);
      let q = inPool(poolId).where((eb) => eb.or(entries.map(([c, v]) => eb(c, '=', v))));
      if (exceptId) q = q.where('id', '<>', exceptId);
      return q.limit(entries.length * 2).execute();
    },

    /** One page and the total count of the same filter. Ties are broken by id, so pages never overlap. */
    list: async (poolId: string, q: UserListQuery): Promise<{ rows: UserRow[]; total: number }> => {
      const where = listWhere(poolId, q);
      let rowsQ = db.selectFrom('users').selectAll().where(where);
      const sort = q.sort?.length ? q.sort : [{ column: 'created_at' as const, direction: 'asc' as const }];
      for (const s of sort) {
        // NULLs last in both directions on both databases (they disagree on the default).
        rowsQ = rowsQ.orderBy(sql`case when ${sql.ref(s.column)} is null then 1 else 0 end`).orderBy(s.column, s.direction);
      }
      rowsQ = rowsQ.orderBy('id', 'asc');
      const [rows, count] = await Promise.all([
        rowsQ.limit(q.limit).offset(q.offset).execute(),
        db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).where(where).executeTakeFirstOrThrow(),
      ]);
      return { rows, total: Number(count.n) };
    },

    /** Returns the updated row, or undefined when the user is not in the pool. */
    update: async (poolId: string, id: string, patch: UserPatch): Promise<UserRow | undefined> => {
      const res = await db.updateTable('users').set(patch).where('pool_id', '=', poolId).where('id', '=', id).executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) return undefined;
      return inPool(poolId).where('id', '=', id).executeTakeFirst();
    },

    /**
     * Deletes the users only if every id is in the pool; otherwise deletes nothing and returns
     * the ids that were not found. Runs in one transaction so a concurrent delete cannot make
     * it half-succeed. Role assignments go with the user (ON DELETE CASCADE).
     */
    deleteAllOrNothing: (poolId: string, ids: string[]) =>
      db.transaction().execute(async (trx) => {
        const found = await trx.selectFrom('users').select('id').where('pool_id', '=', poolId).where('id', 'in', ids).execute();
        const have = new Set(found.map((r) => r.id));
        const missing = ids.filter((id) => !have.has(id));
        if (missing.length > 0) return { deleted: 0, missing };
        const res = await trx.deleteFrom('users').where('pool_id', '=', poolId).where('id', 'in', ids).executeTakeFirst();
        return { deleted: Number(res.numDeletedRows), missing };
      }),

    countInPool: async (poolId: string) =>
      Number((await db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).where('pool_id', '=', poolId).executeTakeFirstOrThrow()).n),
  };
}
export type UsersRepo = ReturnType<typeof createUsersRepo>;
