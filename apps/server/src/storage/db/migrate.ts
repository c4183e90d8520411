import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { DbHandle } from './connect.js';
import * as m0001 from './migrations/0001_initial.js';
import * as m0002 from './migrations/0002_oidc.js';
import * as m0003 from './migrations/0003_passwords.js';
import * as m0004 from './migrations/0004_messaging.js';
import * as m0010 from './migrations/0010_identifiers.js';
import * as m0055 from './migrations/0055_organizations.js';
import * as m0056 from './migrations/0056_permissions.js';
import * as m0057 from './migrations/0057_department_subtree_order.js';
import * as m0020 from './migrations/0020_federation.js';
import * as m0035 from './migrations/0035_mfa.js';
import * as m0036 from './migrations/0036_mfa_user_settings.js';
import * as m0040 from './migrations/0040_pipeline.js';
import * as m0041 from './migrations/0041_custom_database.js';
import * as m0042 from './migrations/0042_custom_database_users.js';
import * as m0045 from './migrations/0045_webhooks.js';
import * as m0050 from './migrations/0050_custom_fields.js';
import * as m0060 from './migrations/0060_branding.js';
import * as m0065 from './migrations/0065_saml.js';
import * as m0070 from './migrations/0070_console.js';

/**
 * Migrations are listed here explicitly (no directory scan); never edit a shipped one. Each
 * feature area owns a number range (docs/architecture.md, "Storage"), so areas built side by side
 * add their own files; a database that already ran a higher number still gets a lower one that
 * arrives later (allowUnorderedMigrations), and a fresh database runs them in name order.
 */
const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_oidc': m0002,
  '0003_passwords': m0003,
  '0004_messaging': m0004,
  '0010_identifiers': m0010,
  '0055_organizations': m0055,
  '0056_permissions': m0056,
  '0057_department_subtree_order': m0057,
  '0020_federation': m0020,
  '0035_mfa': m0035,
  '0036_mfa_user_settings': m0036,
  '0040_pipeline': m0040,
  '0041_custom_database': m0041,
  '0042_custom_database_users': m0042,
  '0045_webhooks': m0045,
  '0050_custom_fields': m0050,
  '0060_branding': m0060,
  '0065_saml': m0065,
  '0070_console': m0070,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export interface MigrationReport {
  applied: string[];
}

/** Brings the schema to the latest version. Safe to run concurrently: Kysely takes a lock. */
export async function migrateToLatest(handle: DbHandle): Promise<MigrationReport> {
  const migrator = new Migrator({ db: handle.db, provider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
