import { Option, type Command } from 'commander';
import { out, printFields, printJson, printTable } from '../output.js';
import { readPasswordStdin, registerUserPasswordCommands } from './user-passwords.js';

/*
 * `gatehouse user …`. Every command builds the body the management API would receive,
 * validates it with the API's own schema (`validateLikeTheApi`) and calls the same service, so
 * the CLI accepts and refuses exactly what `/api/v3/create-user`, `update-user`, … do.
 */

const USER_ID_TYPES = ['user_id', 'email', 'phone', 'username', 'external_id'] as const;
type UserIdType = (typeof USER_ID_TYPES)[number];
const byOption = () => new Option('--by <type>', 'what <user> is: user_id (default), email, phone, username, external_id').choices(USER_ID_TYPES).default('user_id');

interface ProfileOpts {
  pool?: string;
  username?: string;
  email?: string;
  phone?: string;
  phoneCountryCode?: string;
  name?: string;
  nickname?: string;
  json?: boolean;
}
const profile = (o: ProfileOpts) => ({
  ...(o.username !== undefined ? { username: o.username } : {}),
  ...(o.email !== undefined ? { email: o.email } : {}),
  ...(o.phone !== undefined ? { phone: o.phone } : {}),
  ...(o.phoneCountryCode !== undefined ? { phoneCountryCode: o.phoneCountryCode } : {}),
  ...(o.name !== undefined ? { name: o.name } : {}),
  ...(o.nickname !== undefined ? { nickname: o.nickname } : {}),
});
const withProfileOptions = (cmd: Command) =>
  cmd
    .option('--username <username>', 'login name')
    .option('--email <email>', 'email address')
    .option('--phone <phone>', 'phone number (without the country code)')
    .option('--phone-country-code <code>', 'country calling code for --phone, e.g. +86')
    .option('--name <name>', 'display name')
    .option('--nickname <nickname>', 'nickname');

function printUser(u: { userId: string; username?: string | null; email?: string | null; phone?: string | null; name?: string | null; status?: string | null; createdAt?: string | null }): void {
  printFields([
    ['userId', u.userId],
    ['username', u.username],
    ['email', u.email],
    ['phone', u.phone],
    ['name', u.name],
    ['status', u.status],
    ['createdAt', u.createdAt],
  ]);
}

export function registerUser(program: Command): void {
  const user = program.command('user').description('Manage users of a user pool.');

  withProfileOptions(
    user
      .command('create')
      .description('Create a user. Give at least one of --username, --email, --phone.')
      .option('--pool <poolId>', 'user pool id (default: the default pool)'),
  )
    .option('--password-stdin', 'read the password from stdin (one trailing newline is dropped); checked against the pool policy, stored as argon2id')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Input is checked exactly as the management API's create-user checks it.

Examples:
  $ gatehouse user create --email alice@example.com --name "Alice"
  $ gatehouse user create --pool staff --username bob --phone 13800000000 --phone-country-code +86 --json
  $ printf '%s' "$PASSWORD" | gatehouse user create --email carol@example.com --password-stdin`,
    )
    .action(async (opts: ProfileOpts & { passwordStdin?: boolean }, cmd: Command) => {
      // A usage error (exit 2), not a server-side refusal.
      if (!opts.username && !opts.email && !opts.phone) cmd.error('error: give at least one of --username, --email, --phone', { exitCode: 2 });
      const password = opts.passwordStdin ? await readPasswordStdin() : undefined;
      if (opts.passwordStdin && !password) cmd.error('error: --password-stdin: stdin is empty', { exitCode: 2 });
      const { validateLikeTheApi } = await import('../../http/validation.js');
      const { CreateUserBody } = await import('../../http/routes/management/users.js');
      const body = validateLikeTheApi<Parameters<import('../../container/index.js').Container['services']['users']['create']>[1]>(CreateUserBody, { ...profile(opts), ...(password ? { password } : {}) });
      const { withContainer, resolvePool } = await import('../context.js');
      const created = await withContainer(async (c) => c.services.users.create((await resolvePool(c, opts.pool)).id, body));
      if (opts.json) return printJson(created);
      out('Created user.');
      printUser(created);
    });

  user
    .command('list')
    .description('List users, newest first, a page at a time.')
    .option('--pool <poolId>', 'user pool id (default: the default pool)')
    .option('--keywords <text>', 'search username, email, phone and name')
    .option('--page <n>', 'page number, from 1', (v) => Number(v), 1)
    .option('--limit <n>', 'users per page, at most 50', (v) => Number(v), 50)
    .option('--json', 'print the result ({totalCount, list}) as JSON')
    .addHelpText('after', '\nExamples:\n  $ gatehouse user list\n  $ gatehouse user list --keywords example.com --limit 100 --json')
    .action(async (opts: { pool?: string; keywords?: string; page: number; limit: number; json?: boolean }) => {
      const { validateLikeTheApi } = await import('../../http/validation.js');
      const { ListUsersBody } = await import('../../http/routes/management/users.js');
      const body = validateLikeTheApi<{ keywords?: string; options: { pagination: { page: number; limit: number } } }>(ListUsersBody, {
        ...(opts.keywords ? { keywords: opts.keywords } : {}),
        options: { pagination: { page: opts.page, limit: opts.limit } },
      });
      const { withContainer, resolvePool } = await import('../context.js');
      const page = await withContainer(async (c) => c.services.users.list((await resolvePool(c, opts.pool)).id, body));
      if (opts.json) return printJson(page);
      if (page.list.length === 0) return out(page.totalCount ? `No users on page ${opts.page} (${page.totalCount} in all).` : 'No users.');
      printTable(
        ['USER ID', 'USERNAME', 'EMAIL', 'PHONE', 'NAME', 'STATUS', 'CREATED'],
        page.list.map((u) => [u.userId, u.username ?? '-', u.email ?? '-', u.phone ?? '-', u.name ?? '-', u.status ?? '-', u.createdAt ?? '-']),
      );
      if (page.totalCount > page.list.length) out(`(${page.list.length} of ${page.totalCount}; --page and --limit show more)`);
    });

  user
    .command('get')
    .argument('<user>', 'the user id (or email, phone … with --by)')
    .description('Show one user.')
    .option('--pool <poolId>', 'user pool id (default: the default pool)')
    .addOption(byOption())
    .option('--json', 'print the user as JSON')
    .addHelpText('after', '\nExamples:\n  $ gatehouse user get 6f0c…\n  $ gatehouse user get ada@example.com --by email --json')
    .action(async (id: string, opts: { pool?: string; by: UserIdType; json?: boolean }) => {
      const { withContainer, resolvePool } = await import('../context.js');
      const u = await withContainer(async (c) => c.services.users.get((await resolvePool(c, opts.pool)).id, { userId: id, userIdType: opts.by }));
      if (opts.json) return printJson(u);
      printUser(u);
    });

  withProfileOptions(
    user
      .command('update')
      .argument('<user>', 'the user id (or email, phone … with --by)')
      .description('Change profile fields of a user; options not given keep their value.')
      .option('--pool <poolId>', 'user pool id (default: the default pool)')
      .addOption(byOption()),
  )
    .option('--json', 'print the updated user as JSON')
    .addHelpText('after', '\nInput is checked exactly as the management API\'s update-user checks it.\n\nExamples:\n  $ gatehouse user update ada@example.com --by email --name "Ada Lovelace"\n  $ gatehouse user update 6f0c… --phone 13800000000 --phone-country-code +86')
    .action(async (id: string, opts: ProfileOpts & { by: UserIdType }, cmd: Command) => {
      const changes = profile(opts);
      if (Object.keys(changes).length === 0) cmd.error('error: nothing to change: give at least one field option (see --help)', { exitCode: 2 });
      const { validateLikeTheApi } = await import('../../http/validation.js');
      const { UpdateUserBody } = await import('../../http/routes/management/users.js');
      const body = validateLikeTheApi<Parameters<import('../../container/index.js').Container['services']['users']['update']>[1]>(UpdateUserBody, { userId: id, ...changes, options: { userIdType: opts.by } });
      const { withContainer, resolvePool } = await import('../context.js');
      const u = await withContainer(async (c) => c.services.users.update((await resolvePool(c, opts.pool)).id, body));
      if (opts.json) return printJson(u);
      out('Updated user.');
      printUser(u);
    });

  user
    .command('delete')
    .argument('<user>', 'the user id (or email, phone … with --by)')
    .description('Delete a user and everything attached to it (sessions, credentials, role assignments).')
    .option('--pool <poolId>', 'user pool id (default: the default pool)')
    .addOption(byOption())
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  $ gatehouse user delete bob --by username')
    .action(async (id: string, opts: { pool?: string; by: UserIdType; json?: boolean }) => {
      const { withContainer, resolvePool } = await import('../context.js');
      await withContainer(async (c) => c.services.users.deleteBatch((await resolvePool(c, opts.pool)).id, { userIds: [id], options: { userIdType: opts.by } }));
      if (opts.json) return printJson({ user: id, deleted: true });
      out(`Deleted user ${id}.`);
    });

  user
    .command('set-password')
    .argument('<user>', 'the user id (or email, phone … with --by)')
    .description("Set a user's password, read from stdin (never from an argument: other local users can see those).")
    .option('--pool <poolId>', 'user pool id (default: the default pool)')
    .addOption(byOption())
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
The password is checked against the pool's policy and stored as argon2id; the user's sessions
and refresh tokens are revoked, as with the management API's update-user.

Example:
  $ printf '%s' "$NEW_PASSWORD" | gatehouse user set-password ada@example.com --by email`,
    )
    .action(async (id: string, opts: { pool?: string; by: UserIdType; json?: boolean }, cmd: Command) => {
      const password = await readPasswordStdin();
      if (!password) cmd.error('error: stdin is empty: pipe the new password in', { exitCode: 2 });
      const { validateLikeTheApi } = await import('../../http/validation.js');
      const { UpdateUserBody } = await import('../../http/routes/management/users.js');
      const body = validateLikeTheApi<Parameters<import('../../container/index.js').Container['services']['users']['update']>[1]>(UpdateUserBody, { userId: id, password, options: { userIdType: opts.by } });
      const { withContainer, resolvePool } = await import('../context.js');
      const u = await withContainer(async (c) => c.services.users.update((await resolvePool(c, opts.pool)).id, body));
      if (opts.json) return printJson({ userId: u.userId, passwordSet: true });
      out(`Password set for user ${u.userId}.`);
    });

  user
    .command('unlock')
    .argument('<user>', 'the user id (or email, phone … with --by)')
    .description('Clear the failed-attempt counter and temporary lock of a user (as the management API\'s unlock-user).')
    .option('--pool <poolId>', 'user pool id (default: the default pool)')
    .addOption(byOption())
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  $ gatehouse user unlock ada@example.com --by email')
    .action(async (id: string, opts: { pool?: string; by: UserIdType; json?: boolean }) => {
      const { withContainer, resolvePool } = await import('../context.js');
      const userId = await withContainer(async (c) => {
        const poolId = (await resolvePool(c, opts.pool)).id;
        const u = await c.services.users.get(poolId, { userId: id, userIdType: opts.by });
        await c.accounts.unlockUser(poolId, u.userId);
        await c.services.events.emit('user:unlocked', { poolId, actor: null, subject: u.userId, data: { userId: u.userId } });
        return u.userId;
      });
      if (opts.json) return printJson({ userId, unlocked: true });
      out(`Unlocked user ${userId}.`);
    });

  registerUserPasswordCommands(user);
}
