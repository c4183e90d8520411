import type { Command } from 'commander';
import { out, printFields, printJson } from '../output.js';

export function registerKey(program: Command): void {
  const key = program.command('key').description('Manage management access keys (AK/SK for the signed /api/v3 management API).');

  key
    .command('create')
    .description('Create a management access key for a user pool and print its secret once.')
    .option('--pool <poolId>', 'user pool id (default: the default pool)')
    .option('--name <name>', 'label to recognise the key by, e.g. "ci" or "billing-service"')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
The secret cannot be shown again; if it is lost, create a new key.

Examples:
  $ gatehouse key create --name ci
  $ gatehouse key create --pool staff --name provisioning --json`,
    )
    .action(async (opts: { pool?: string; name?: string; json?: boolean }) => {
      const { withContainer, resolvePool } = await import('../context.js');
      const created = await withContainer(async (c) => {
        const pool = await resolvePool(c, opts.pool);
        return c.services.accessKeys.create(pool.id, { name: opts.name });
      });
      const view = { userPoolId: created.poolId, accessKeyId: created.accessKeyId, accessKeySecret: created.accessKeySecret, ...(opts.name ? { name: opts.name } : {}) };
      if (opts.json) return printJson(view);
      out('Created access key (the secret is shown only this once):');
      printFields([
        ['userPoolId', view.userPoolId],
        ['name', opts.name],
        ['accessKeyId', view.accessKeyId],
        ['accessKeySecret', view.accessKeySecret],
      ]);
    });

  key
    .command('list')
    .description('List the access keys of a user pool (ids and metadata; secrets are never shown).')
    .option('--pool <poolId>', 'user pool id (default: the default pool)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  $ gatehouse key list --pool staff')
    .action(async (opts: { pool?: string; json?: boolean }) => {
      const { withContainer, resolvePool } = await import('../context.js');
      const rows = await withContainer(async (c) => {
        const pool = await resolvePool(c, opts.pool);
        return c.services.accessKeys.list(pool.id);
      });
      // Built field by field from the listing (which has no secret column) so a secret cannot leak in.
      const keys = rows.map((r) => ({
        accessKeyId: r.id,
        userPoolId: r.pool_id,
        name: r.name,
        enabled: r.enabled === 1,
        createdAt: r.created_at,
        lastUsedAt: r.last_used_at,
      }));
      if (opts.json) return printJson(keys);
      if (keys.length === 0) return out('No access keys.');
      out(['ACCESS KEY ID', 'NAME', 'ENABLED', 'CREATED', 'LAST USED'].join('\t'));
      for (const k of keys) out([k.accessKeyId, k.name ?? '-', k.enabled ? 'yes' : 'no', k.createdAt, k.lastUsedAt ?? 'never'].join('\t'));
    });
}
