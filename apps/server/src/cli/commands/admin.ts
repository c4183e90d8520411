import type { Command } from 'commander';
import { out, printFields, printJson, printTable } from '../output.js';

/** `gatehouse admin …`: administrators of the admin console (docs/console.md "Administrators"). */
export function registerAdmin(program: Command): void {
  const admin = program.command('admin').description('Manage administrators of the admin console (/console).');

  admin
    .command('create')
    .description('Create a console administrator: a user of the system pool with a role. They sign in at /console.')
    .requiredOption('--email <email>', 'the administrator\'s email; they sign in with it')
    .option('--password-stdin', 'read the password from stdin (one trailing newline is dropped); checked against the system pool\'s policy')
    .option('--role <role>', 'owner (every pool), pool-admin (the pools given with --pool) or auditor (read-only)', 'owner')
    .option('--pool <poolId...>', 'user pools a pool-admin manages, or an auditor reads (an auditor without --pool reads every pool)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Without --password-stdin a password is generated and printed once.

Examples:
  $ printf '%s' "$PASSWORD" | gatehouse admin create --email admin@example.com --password-stdin
  $ gatehouse admin create --email ops@example.com --role pool-admin --pool staff --pool partners
  $ gatehouse admin create --email audit@example.com --role auditor --json`,
    )
    .action(async (opts: { email: string; passwordStdin?: boolean; role: string; pool?: string[]; json?: boolean }, cmd: Command) => {
      const { readPasswordStdin } = await import('./user-passwords.js');
      const { randomBytes } = await import('node:crypto');
      let password = opts.passwordStdin ? await readPasswordStdin() : undefined;
      if (opts.passwordStdin && !password) cmd.error('error: --password-stdin: stdin is empty', { exitCode: 2 });
      const generated = !password;
      password ??= randomBytes(15).toString('base64url');
      const { withContainer } = await import('../context.js');
      const { created, url } = await withContainer(async (c) => ({
        created: await c.console.administrators.create({ email: opts.email, password: password!, role: opts.role, poolIds: opts.pool ?? [] }, 'cli'),
        url: `${c.config.publicUrl.replace(/\/+$/, '')}/console/`,
      }));
      if (opts.json) return printJson({ ...created, ...(generated ? { password } : {}), consoleUrl: url });
      out(`Created console administrator.${generated ? ' The password is shown only this once.' : ''}`);
      printFields([
        ['userId', created.userId],
        ['email', created.email],
        ['role', created.role],
        ['pools', created.role === 'owner' ? 'all' : created.poolIds.join(', ') || 'all (read-only)'],
        ...(generated ? ([['password', password]] as Array<[string, string]>) : []),
        ['console', url],
      ]);
    });

  admin
    .command('list')
    .description('List console administrators with their roles.')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  $ gatehouse admin list\n  $ gatehouse admin list --json')
    .action(async (opts: { json?: boolean }) => {
      const { withContainer } = await import('../context.js');
      const list = await withContainer((c) => c.console.administrators.list());
      if (opts.json) return printJson(list);
      if (list.length === 0) return out('No administrators. Create one with `gatehouse admin create --email <email> --password-stdin`.');
      printTable(['USER ID', 'EMAIL', 'ROLE', 'POOLS', 'CREATED'], list.map((a) => [a.userId, a.email ?? '-', a.role, a.role === 'owner' ? 'all' : a.poolIds.join(',') || 'all', a.createdAt]));
    });

  admin
    .command('delete')
    .argument('<userId>', 'the administrator to remove (their user in the system pool is kept, without a role)')
    .description('Remove a console administrator\'s role; their console sessions stop working at once. The last owner cannot be removed.')
    .addHelpText('after', '\nExample:\n  $ gatehouse admin delete 64f0c2d1a9e8b7f6a5d4c3b2')
    .action(async (userId: string) => {
      const { withContainer } = await import('../context.js');
      await withContainer((c) => c.console.administrators.remove(userId, 'cli'));
      out(`Administrator ${userId} removed.`);
    });
}
