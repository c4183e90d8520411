import type { Command } from 'commander';
import { out, printJson } from '../output.js';

/**
 * `gatehouse user import <file.json>` and `gatehouse user refresh-hashes`; `--password-stdin`
 * of `user create` reads with `readPasswordStdin`. Passwords are read from stdin or files,
 * never from arguments (which other local users can see in the process list).
 */

/** All of stdin, minus one trailing newline (as `docker login --password-stdin`): `echo` adds one. */
export async function readPasswordStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export function registerUserPasswordCommands(user: Command): void {
  user
    .command('import')
    .argument('<file>', 'JSON file: an array of users (or {"users": [...]})')
    .description('Import users in one transaction (all or none), with plain passwords or existing hashes.')
    .option('--pool <poolId>', 'user pool id (default: the default pool)')
    .option('--json', 'print the created users as JSON')
    .addHelpText(
      'after',
      `
Each user has the create-user fields (username, email, phone, name, customData, …) and at most
one of "password" (checked against the pool's policy, stored as argon2id) or "passwordHash" (an
existing hash, kept and upgraded to argon2id at the user's next sign-in). Hash formats: argon2,
bcrypt ($2a$/$2b$/$2y$), scrypt, pbkdf2 (passlib and Django), md5/sha1/sha256/sha512 with salt
(see docs/authentication.md). Every entry is checked before anything is written.

Example:
  $ cat users.json
  [{"email": "ann@example.com", "passwordHash": "$2b$10$..."},
   {"username": "bob", "name": "Bob", "password": "a long passphrase"}]
  $ gatehouse user import users.json`,
    )
    .action(async (file: string, opts: { pool?: string; json?: boolean }) => {
      const { parseImportFile } = await import('./user-import-file.js');
      const list = parseImportFile(file);
      const { withContainer, resolvePool } = await import('../context.js');
      const created = await withContainer(async (c) => c.accounts.users.importUsers((await resolvePool(c, opts.pool)).id, list));
      if (opts.json) return printJson(created);
      out(`Imported ${created.length} user${created.length === 1 ? '' : 's'}.`);
    });

  user
    .command('refresh-hashes')
    .description('Mark every password hash of the pool for replacement by a current argon2id hash at its owner\'s next sign-in (JitAi refreshDbPassword).')
    .option('--pool <poolId>', 'user pool id (default: the default pool)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', `
Example:
  $ gatehouse user refresh-hashes --pool staff`)
    .action(async (opts: { pool?: string; json?: boolean }) => {
      const { withContainer, resolvePool } = await import('../context.js');
      const count = await withContainer(async (c) => c.authn.passwords.markAllForRefresh((await resolvePool(c, opts.pool)).id));
      if (opts.json) return printJson({ count });
      out(`Marked ${count} password hash${count === 1 ? '' : 'es'} for refresh at the next sign-in.`);
    });
}
