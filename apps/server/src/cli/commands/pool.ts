import type { Command } from 'commander';
import { out, printFields, printJson } from '../output.js';

export function registerPool(program: Command): void {
  const pool = program.command('pool').description('Manage user pools (tenants).');

  pool
    .command('create')
    .description('Create a user pool with its default application and a first management access key.')
    .requiredOption('--name <name>', 'display name of the pool')
    .option('--id <id>', 'pool id (letters, digits, _ and -; 2–63 characters); generated when omitted')
    .option('--description <text>', 'free-text description')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
The access key secret (and the default application's secret) are shown once; store them now.

Examples:
  $ gatehouse pool create --name "Customers"
  $ gatehouse pool create --name "Staff" --id staff --json`,
    )
    .action(async (opts: { name: string; id?: string; description?: string; json?: boolean }) => {
      const { withContainer } = await import('../context.js');
      const { provisionPool } = await import('../../services/bootstrap.js');
      const result = await withContainer((c) => provisionPool(c, { name: opts.name, id: opts.id, description: opts.description }));
      const view = {
        userPoolId: result.pool.id,
        name: result.pool.name,
        appId: result.app.appId,
        ...(result.app.appSecret ? { appSecret: result.app.appSecret } : {}),
        accessKeyId: result.key.accessKeyId,
        accessKeySecret: result.key.accessKeySecret,
      };
      if (opts.json) return printJson(view);
      out(`Created user pool "${view.name}".`);
      printFields([
        ['userPoolId', view.userPoolId],
        ['default appId', view.appId],
        ['default appSecret', view.appSecret],
        ['accessKeyId', view.accessKeyId],
        ['accessKeySecret', view.accessKeySecret],
      ]);
      out();
      out('The secrets above are shown only this once.');
    });

  pool
    .command('list')
    .description('List user pools.')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  $ gatehouse pool list')
    .action(async (opts: { json?: boolean }) => {
      const { withContainer } = await import('../context.js');
      const { toPoolDto } = await import('../../services/pools.js');
      const pools = (await withContainer((c) => c.services.pools.list())).map(toPoolDto);
      if (opts.json) return printJson(pools);
      for (const p of pools) out(`${p.userPoolId}\t${p.name}${p.isDefault ? '\t(default)' : ''}`);
    });
}
