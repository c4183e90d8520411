import type { Command } from 'commander';
import { out, printJson } from '../output.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('Apply pending database migrations and exit. Safe to run while servers are up and from several machines at once (it takes a lock).')
    .option('--create-database', 'PostgreSQL: create the database named in GATEHOUSE_DATABASE_URL first if it does not exist (needs the CREATEDB privilege)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
\`gatehouse start\` also migrates; run this separately to upgrade the schema before rolling
out a new version.

Examples:
  $ GATEHOUSE_DATABASE_URL=postgres://gatehouse@db:5432/gatehouse gatehouse migrate
  $ GATEHOUSE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/gatehouse gatehouse migrate --create-database`,
    )
    .action(async (opts: { json?: boolean; createDatabase?: boolean }) => {
      const { loadConfig } = await import('../../config/load.js');
      const { connectDb } = await import('../../storage/db/connect.js');
      const { migrateToLatest } = await import('../../storage/db/migrate.js');
      // Migrations need only the database: no master secret, no KV, no bootstrap.
      const config = loadConfig();
      let created = false;
      if (opts.createDatabase) {
        const { createPostgresDatabaseIfMissing } = await import('../../storage/db/create-database.js');
        created = await createPostgresDatabaseIfMissing(config.databaseUrl);
        if (created && !opts.json) out('Created the database.');
      }
      const db = await connectDb(config.databaseUrl);
      try {
        const { applied } = await migrateToLatest(db);
        if (opts.json) printJson({ database: db.dialect, ...(opts.createDatabase ? { created } : {}), applied });
        else if (applied.length === 0) out('Database schema is up to date; no migrations applied.');
        else {
          out(`Applied ${applied.length} migration${applied.length === 1 ? '' : 's'} (${db.dialect}):`);
          for (const name of applied) out(`  ${name}`);
        }
      } finally {
        await db.close();
      }
    });
}
