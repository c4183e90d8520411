import { CompiledQuery, sql, type Compilable, type Kysely, type RawBuilder } from 'kysely';
import type { SqliteConnection } from './connect.js';
import type { Database } from './schema.js';

/**
 * A repository's hot read, built and compiled by Kysely once, then run with new arguments.
 *
 * Kysely builds an immutable operation tree, compiles it to SQL and queues for its connection
 * on every call; for a point lookup that is several times the statement's own cost (issue #22:
 * about 300 µs of the event loop's 2.8 ms per password sign-in went to Kysely for three
 * reads). Here the query is written once with Kysely as usual, its arguments replaced by
 * markers; the compiled SQL is kept, and each call only substitutes its arguments into the
 * parameter list. The SQL text never changes between calls (arguments stay bound parameters),
 * so this adds no injection surface.
 *
 * Run on SQLite as one synchronous prepared better-sqlite3 statement (the connection caches it
 * by SQL text, connect.ts), as the KV does (storage/kv/sql-kv.ts) — a write queued in the
 * connection's group commit (write-group.ts); while a Kysely transaction
 * holds the connection, and on PostgreSQL, through `db.executeQuery`, which queues for a
 * connection like any Kysely query. The rows are what Kysely would return: its SQLite driver
 * also calls `all()` on the same statement, and no plugin transforms results.
 */
const MARK = 'gatehouse.compiled-query.argument:';

type Param = { arg: number } | { value: unknown };
/** A runtime argument: bound as a parameter wherever the builder used its placeholder. */
export type Arg = string | number | null;
/** The placeholders the builder receives, typed as the values the columns hold. */
type Build<R> = (db: Kysely<Database>, ...args: never[]) => Compilable<R>;

/** A read: the rows, as Kysely would return them. */
export function compiledQuery<R>(db: Kysely<Database>, direct: SqliteConnection | undefined, arity: number, build: Build<R>): (...args: Arg[]) => Promise<R[]> {
  const run = prepare(db, arity, build);
  return async (...args) => {
    const { sql, params } = run(args);
    if (direct && !direct.inTransaction) return direct.prepare(sql).all(...params) as R[];
    return (await db.executeQuery<R>(CompiledQuery.raw(sql, params))).rows;
  };
}

/**
 * A write (UPDATE/DELETE/INSERT without RETURNING): the number of rows it changed. On SQLite it
 * joins the connection's group commit (write-group.ts) with the KV's writes: it runs at the next
 * turn of the event loop inside the group's transaction, or through Kysely when a transaction
 * holds the connection then, and answers after the COMMIT.
 */
export function compiledWrite(db: Kysely<Database>, direct: SqliteConnection | undefined, arity: number, build: Build<unknown>): (...args: Arg[]) => Promise<number> {
  const run = prepare(db, arity, build);
  const viaKysely = async (sql: string, params: unknown[]) => Number((await db.executeQuery(CompiledQuery.raw(sql, params))).numAffectedRows ?? 0);
  return async (...args) => {
    const { sql, params } = run(args);
    if (direct) return direct.writes(() => direct.prepare(sql).run(...params).changes, () => viaKysely(sql, params));
    return viaKysely(sql, params);
  };
}

/** Compiles on first use; then maps each call's arguments onto the parameter list. */
function prepare(db: Kysely<Database>, arity: number, build: Build<unknown>) {
  let compiled: { sql: string; params: Param[] } | undefined;
  const compile = () => {
    const markers = Array.from({ length: arity }, (_, i) => `${MARK}${i}`);
    const q = build(db, ...(markers as never[])).compile();
    const params: Param[] = q.parameters.map((v) => (typeof v === 'string' && v.startsWith(MARK) ? { arg: Number(v.slice(MARK.length)) } : { value: v }));
    // Each argument must reach the SQL as a bound parameter (once or more): a builder that
    // transformed or dropped one would otherwise run without it, or with the marker text.
    const used = new Set(params.flatMap((p) => ('arg' in p ? [p.arg] : [])));
    if (used.size !== arity) throw new Error('compiledQuery: every argument must be bound as a parameter');
    return { sql: q.sql, params };
  };
  return (args: Arg[]) => {
    if (args.length !== arity) throw new Error(`compiledQuery: expected ${arity} arguments`);
    compiled ??= compile();
    return { sql: compiled.sql, params: compiled.params.map((p) => ('arg' in p ? args[p.arg] : p.value)) };
  };
}

/**
 * A column a hot read filters on without letting SQLite choose an index for that term: on
 * SQLite `+column` (sqlite.org optoverview.html, "Disqualifying WHERE clause terms using
 * unary-+"), elsewhere the column itself (PostgreSQL has no unary `+` for text). For an
 * `id in (select …)` read whose other terms would otherwise lead the planner, without
 * statistics, to scan a whole pool's rows through a (pool, …) index instead of reading the few
 * ids through the primary key (docs/performance.md, session 12).
 */
export function unindexed(direct: SqliteConnection | undefined, column: string): RawBuilder<string> {
  return direct ? sql<string>`+${sql.ref(column)}` : sql<string>`${sql.ref(column)}`;
}
