import pg from 'pg';

/**
 * `gatehouse migrate --create-database`: creates the PostgreSQL database named in the URL when
 * it does not exist, connecting to the server's `postgres` maintenance database with the same
 * credentials (which need the CREATEDB privilege). SQLite creates its file on its own.
 * Returns whether it created the database.
 */
export async function createPostgresDatabaseIfMissing(databaseUrl: string): Promise<boolean> {
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) return false;
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name) throw new Error('the database URL names no database');
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount) return false;
    // Identifiers cannot be bound parameters: quote it (double any double quote).
    await client.query(`create database "${name.replace(/"/g, '""')}"`);
    return true;
  } finally {
    await client.end();
  }
}
