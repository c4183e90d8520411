import type { Command } from 'commander';
import { out, printFields, printJson, printTable } from '../output.js';

/** `gatehouse access-key …` (formerly `key`): the AK/SK pairs that sign /api/v3 management requests. */
export function registerAccessKey(program: Command): void {
  const key = program
    .command('access-key')
    .alias('key')
    .description('Manage management access keys (AK/SK that sign /api/v3 management requests). Old name: key.');

  key
    .command('create')
    .description('Create a management access key for a user pool and print its secret once.')
    .option('--pool <poolId>', 'user pool id (default: the default pool)')
    .option('--name <name>', 'label to recognise the key by, e.g. "ci" or "billing-service"')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
The secret cannot be shown again; if it is lost, create a new key and delete the old one.

Examples:
  $ gatehouse access-key create --name ci
  $ gatehouse access-key create --pool staff --name provisioning --json`,
    )
    .action(async (opts: { pool?: string; name?: string; json?: boolean }) => {
      const { withContainer, resolvePool } = await import('../context.js');
      const created = await withContainer(async (c) => c.services.accessKeys.create((await resolvePool(c, opts.pool)).id, { name: opts.name }));
      const view = { userPoolId: created.poolId, accessKeyId: created.accessKeyId, accessKeySecret: created.accessKeySecret, name: created.name };
      if (opts.json) return printJson(view);
      out('Created access key (the secret is shown only this once):');
      printFields([
        ['userPoolId', view.userPoolId],
        ['name', view.name],
        ['accessKeyId', view.accessKeyId],
        ['accessKeySecret', view.accessKeySecret],
      ]);
    });

  key
    .command('list')
    .description('List the access keys of a user pool with when each last signed a request (secrets are never shown).')
    .option('--pool <poolId>', 'user pool id (default: the default pool)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\n"LAST USED" is accurate to about a minute.\n\nExamples:\n  $ gatehouse access-key list\n  $ gatehouse access-key list --pool staff --json')
    .action(async (opts: { pool?: string; json?: boolean }) => {
      const { withContainer, resolvePool } = await import('../context.js');
      const keys = await withContainer(async (c) => c.services.accessKeys.list((await resolvePool(c, opts.pool)).id));
      if (opts.json) return printJson(keys);
      if (keys.length === 0) return out('No access keys.');
      printTable(
        ['ACCESS KEY ID', 'NAME', 'ENABLED', 'CREATED', 'LAST USED'],
        keys.map((k) => [k.accessKeyId, k.name ?? '-', k.enabled ? 'yes' : 'no', k.createdAt, k.lastUsedAt ?? 'never']),
      );
    });

  for (const [name, description, enabled] of [
    ['disable', 'Disable an access key: every node refuses it at once (with Redis; otherwise within 30 s). The last enabled key of a pool cannot be disabled.', false],
    ['enable', 'Enable a disabled access key again.', true],
  ] as const) {
    key
      .command(name)
      .argument('<accessKeyId>', 'the key to change')
      .description(description)
      .option('--pool <poolId>', 'user pool id (default: the default pool)')
      .option('--json', 'print the result as JSON')
      .addHelpText('after', `\nExample:\n  $ gatehouse access-key ${name} ak_0123456789ab`)
      .action(async (accessKeyId: string, opts: { pool?: string; json?: boolean }) => {
        const { withContainer, resolvePool } = await import('../context.js');
        const view = await withContainer(async (c) => c.services.accessKeys.setEnabled((await resolvePool(c, opts.pool)).id, accessKeyId, enabled));
        if (opts.json) return printJson(view);
        out(`Access key ${accessKeyId} ${enabled ? 'enabled' : 'disabled'}.`);
      });
  }

  key
    .command('delete')
    .argument('<accessKeyId>', 'the key to delete')
    .description('Delete an access key for good. The last enabled key of a pool cannot be deleted.')
    .option('--pool <poolId>', 'user pool id (default: the default pool)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  $ gatehouse access-key delete ak_0123456789ab')
    .action(async (accessKeyId: string, opts: { pool?: string; json?: boolean }) => {
      const { withContainer, resolvePool } = await import('../context.js');
      await withContainer(async (c) => c.services.accessKeys.delete((await resolvePool(c, opts.pool)).id, accessKeyId));
      if (opts.json) return printJson({ accessKeyId, deleted: true });
      out(`Access key ${accessKeyId} deleted.`);
    });
}
