import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { DbHandle } from './connect.js';
import * as m0001 from './migrations/0001_initial.js';
import * as m0002 from './migrations/0002_oidc.js';
import * as m0003 from './migrations/0003_passwords.js';
import * as m0004 from './migrations/0004_messaging.js';

/** Migrations are listed here explicitly (no directory scan), in order; never edit a shipped one. */
const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_oidc': m0002,
  '0003_passwords': m0003,
  '0004_messaging': m0004,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export interface MigrationReport {
  applied: string[];
}

/** Brings the schema to the latest version. Safe to run concurrently: Kysely takes a lock. */
export async function migrateToLatest(handle: DbHandle): Promise<MigrationReport> {
  const migrator = new Migrator({ db: handle.db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
