import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerStart } from './commands/start.js';
import { registerMigrate } from './commands/migrate.js';
import { registerPool } from './commands/pool.js';
import { registerAccessKey } from './commands/access-key.js';
import { registerUser } from './commands/user.js';
import { registerApp } from './commands/app.js';
import { registerConfig } from './commands/config.js';
import { registerSigningKey } from './commands/signing-key.js';
import { registerSamlKey } from './commands/saml-key.js';
import { registerAdmin } from './commands/admin.js';
import { EXIT_USAGE } from './output.js';

const CONFIG_HELP = `
Configuration:
  Every command reads the same settings as the server: defaults, then the JSON file named by
  GATEHOUSE_CONFIG, then GATEHOUSE_* environment variables (later wins). The ones that matter
  most here:
    GATEHOUSE_DATABASE_URL   sqlite:<path> (default sqlite:<dataDir>/gatehouse.db) or postgres://…
    GATEHOUSE_DATA_DIR       data directory (default ./data): master secret, root key file
    GATEHOUSE_SECRET         master key, 32+ characters, encrypts stored secrets
    GATEHOUSE_CONFIG         path of a JSON config file
  All settings: \`gatehouse config docs\` or docs/configuration.md.

  Data commands (pool, key, user, app) apply pending migrations and, on an empty database,
  create the default user pool and root key first, so they work on a fresh install.

Exit status:
  0 success, 1 the operation was refused or failed, 2 usage error (unknown command or option),
  78 invalid configuration. Every list command takes --json for scripts.

Examples:
  $ export GATEHOUSE_DATABASE_URL=sqlite:/var/lib/gatehouse/gatehouse.db
  $ gatehouse migrate
  $ gatehouse start
  $ gatehouse access-key create --name ci
  $ gatehouse app create --name "My web app" --redirect-uri https://app.example.com/callback
`;

/** The `gatehouse` command tree. Building it has no side effects; actions load what they need lazily. */
export function buildProgram(): Command {
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  const program = new Command('gatehouse')
    .version(version, '-V, --version', 'print the Gatehouse version')
    .description('Gatehouse: self-hosted identity server (GenAuth/Authing V3 compatible). Run the server and manage it from the shell.')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', CONFIG_HELP)
    // Usage errors exit 2 (docs/cli.md); help and --version exit 0. Inherited by every subcommand.
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : EXIT_USAGE));
  registerStart(program);
  registerMigrate(program);
  registerPool(program);
  registerAccessKey(program);
  registerUser(program);
  registerApp(program);
  registerConfig(program);
  registerSigningKey(program);
  registerSamlKey(program);
  registerAdmin(program);
  return program;
}
