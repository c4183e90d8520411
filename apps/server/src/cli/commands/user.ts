import type { Command } from 'commander';
import { out, printFields, printJson } from '../output.js';
import { readPasswordStdin, registerUserPasswordCommands } from './user-passwords.js';

export function registerUser(program: Command): void {
  const user = program.command('user').description('Manage users of a user pool.');

  user
    .command('create')
    .description('Create a user. Give at least one of --username, --email, --phone.')
    .option('--pool <poolId>', 'user pool id (default: the default pool)')
    .option('--username <username>', 'login name')
    .option('--email <email>', 'email address')
    .option('--phone <phone>', 'phone number (without the country code)')
    .option('--phone-country-code <code>', 'country calling code for --phone, e.g. +86')
    .option('--name <name>', 'display name')
    .option('--password-stdin', 'read the password from stdin (one trailing newline is dropped); checked against the pool policy, stored as argon2id')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ gatehouse user create --email alice@example.com --name "Alice"
  $ gatehouse user create --pool staff --username bob --phone 13800000000 --phone-country-code +86 --json
  $ printf '%s' "$PASSWORD" | gatehouse user create --email carol@example.com --password-stdin`,
    )
    .action(
      async (
        opts: { pool?: string; username?: string; email?: string; phone?: string; phoneCountryCode?: string; name?: string; passwordStdin?: boolean; json?: boolean },
        cmd: Command,
      ) => {
        // A usage error (commander prints it with the usage hint, exit 1), not a server-side refusal.
        if (!opts.username && !opts.email && !opts.phone) cmd.error('error: give at least one of --username, --email, --phone');
        const password = opts.passwordStdin ? await readPasswordStdin() : undefined;
        if (opts.passwordStdin && !password) cmd.error('error: --password-stdin: stdin is empty');
        const { withContainer, resolvePool } = await import('../context.js');
        const created = await withContainer(async (c) => {
          const pool = await resolvePool(c, opts.pool);
          return c.services.users.create(pool.id, {
            ...(opts.username ? { username: opts.username } : {}),
            ...(opts.email ? { email: opts.email } : {}),
            ...(opts.phone ? { phone: opts.phone } : {}),
            ...(opts.phoneCountryCode ? { phoneCountryCode: opts.phoneCountryCode } : {}),
            ...(opts.name ? { name: opts.name } : {}),
            ...(password ? { password } : {}),
          });
        });
        if (opts.json) return printJson(created);
        out('Created user.');
        printFields([
          ['userId', created.userId],
          ['username', created.username],
          ['email', created.email],
          ['phone', created.phone],
          ['name', created.name],
        ]);
      },
    );
  registerUserPasswordCommands(user);
}
