import type { Command } from 'commander';
import { out, printJson } from './output.js';

/** `gatehouse keys …`: OIDC token signing keys (not management access keys, see `gatehouse key`). */
export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('Manage the OIDC signing keys of a user pool (ID and access tokens).');
  keys
    .command('rotate')
    .description('Create new active signing keys (ES256, RS256); the previous ones stay published for verification.')
    .option('--pool <poolId>', 'user pool id (default: the default pool)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Tokens signed with the old keys stay verifiable until they expire; with Redis configured every
node switches at once, otherwise within 10 s.

Examples:
  $ gatehouse keys rotate
  $ gatehouse keys rotate --pool partners --json`,
    )
    .action(async (opts: { pool?: string; json?: boolean }) => {
      const { withContainer, resolvePool } = await import('./context.js');
      const result = await withContainer(async (c) => c.oidc.rotateKeys((await resolvePool(c, opts.pool)).id));
      if (opts.json) return printJson(result);
      out(`Rotated: new active keys ${result.active.map((k) => `${k.kid} (${k.alg})`).join(', ')}; still published: ${result.retired.join(', ') || '-'}`);
    });
  keys
    .command('list')
    .description('List signing keys (ids, algorithms, status; never key material).')
    .option('--pool <poolId>', 'user pool id (default: the default pool)')
    .addHelpText('after', '\nExample:\n  $ gatehouse keys list --pool partners')
    .action(async (opts: { pool?: string }) => {
      const { withContainer, resolvePool } = await import('./context.js');
      printJson(await withContainer(async (c) => c.oidc.keys.list((await resolvePool(c, opts.pool)).id)));
    });
}
