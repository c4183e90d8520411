import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export interface DbHandle {
  db: Kysely<Database>;
  dialect: Dialect;
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
    cachePreparedStatements(sqlite);
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    return {
      db,
      dialect: 'sqlite',
      ping: async () => {
        sqlite.prepare('select 1').get();
      },
      close: () => db.destroy(),
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
