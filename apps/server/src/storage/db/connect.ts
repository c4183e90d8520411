import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';
import { startSqliteCheckpointer, type SqliteCheckpointer } from './sqlite-checkpointer.js';
import { createWriteGroup, type WriteGroup } from './write-group.js';

export type Dialect = 'sqlite' | 'postgres';

/** The part of a better-sqlite3 Database the storage layer uses directly. */
export interface SqliteConnection {
  readonly inTransaction: boolean;
  prepare(source: string): SqliteStatement;
  /** better-sqlite3's transaction wrapper: BEGIN, the function, COMMIT (ROLLBACK when it throws). */
  transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
  /** The connection's group commit (write-group.ts): the KV's and the compiled writes queue here. */
  readonly writes: WriteGroup;
}
export interface SqliteStatement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

export interface DbHandle {
  db: Kysely<Database>;
  dialect: Dialect;
  /**
   * SQLite only: the better-sqlite3 connection under Kysely, for storage code on a hot path
   * (storage/kv/sql-kv.ts) that runs one synchronous prepared statement instead of a Kysely
   * round trip. Check `inTransaction` first: a Kysely transaction holds this same connection
   * across awaits, and a statement run meanwhile would become part of it.
   */
  sqlite?: SqliteConnection;
  /** SQLite file databases: the background WAL checkpointer (sqlite-checkpointer.ts). */
  checkpointer?: SqliteCheckpointer;
  /** Cheap reachability check for /health/ready. */
  ping(): Promise<void>;
  close(): Promise<void>;
}


/**
 * Kysely's SQLite driver calls `prepare()` for every query; compiling the same SQL again and
 * again was ~7 % of the server's CPU on the token endpoint (issue #7 profile, see
 * docs/performance.md). Statements are reusable, so keep the most recent ones per SQL text
 * (bounded; SQLite re-prepares a cached statement itself after a schema change). Nothing here
 * iterates a statement (`.stream()`), which is the one use a shared statement would not allow.
 */
function cachePreparedStatements(sqlite: { prepare: (source: string) => unknown }, max = 500): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, unknown>();
  sqlite.prepare = (source: string) => {
    let stmt = cache.get(source);
    if (stmt === undefined) {
      stmt = prepare(source);
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
      cache.set(source, stmt);
    }
    return stmt;
  };
}

/**
 * Opens the database named by GATEHOUSE_DATABASE_URL. `sqlite:<path>` is relative to the
 * working directory (or absolute); the directory is created. `postgres://` uses a pg pool.
 */
export async function connectDb(url: string): Promise<DbHandle> {
  if (url.startsWith('sqlite:')) {
    const { default: SQLite } = await import('better-sqlite3');
    const target = url.slice('sqlite:'.length);
    const file = target === ':memory:' ? ':memory:' : resolve(target);
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const sqlite = new SQLite(file);
    // WAL lets readers run while one writer commits; busy_timeout makes a second process
    // (the CLI while the server runs) wait for the write lock instead of failing at once.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('synchronous = NORMAL');
    // Token paths read the KV table (token records, revocation tombstones) on every request:
    // a 64 MiB page cache instead of the default 2 MiB keeps its hot pages in memory.
    sqlite.pragma('cache_size = -65536');
    cachePreparedStatements(sqlite);
    // Checkpoints run on a worker thread, never inside a request's COMMIT (sqlite-checkpointer.ts).
    let checkpointer: SqliteCheckpointer | undefined;
    if (file !== ':memory:') {
      sqlite.pragma('wal_autocheckpoint = 0');
      checkpointer = startSqliteCheckpointer(file);
    }
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    const conn: SqliteConnection = Object.assign(sqlite as unknown as Omit<SqliteConnection, 'writes'>, { writes: createWriteGroup(sqlite as unknown as SqliteConnection) });
    return {
      db,
      dialect: 'sqlite',
      sqlite: conn,
      ...(checkpointer ? { checkpointer } : {}),
      ping: async () => {
        sqlite.prepare('select 1').get();
      },
      close: async () => {
        // Writes already queued are committed before the connection closes.
        await conn.writes.pending();
        await db.destroy();
        await checkpointer?.stop();
      },
    };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const pg = await import('pg');
    // int8 (counts, epoch milliseconds) as JS numbers: all our values are far below 2^53.
    pg.default.types.setTypeParser(20, (v: string) => Number(v));
    const pool = new pg.default.Pool({ connectionString: url, max: 10 });
    pool.on('error', () => undefined); // idle-client errors surface on the next query instead
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      dialect: 'postgres',
      ping: async () => {
        await pool.query('select 1');
      },
      close: () => db.destroy(),
    };
  }
  throw new Error(`Unsupported database URL scheme: ${url.split(':')[0]}`);
}
