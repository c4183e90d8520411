import type { Command } from 'commander';
import { out, printJson, printTable } from '../output.js';

/** `gatehouse signing-key …` (formerly `keys`): OIDC token signing keys, not management access keys. */
export function registerSigningKey(program: Command): void {
  const keys = program
    .command('signing-key')
    .alias('keys')
    .description('Manage the OIDC signing keys of a user pool (they sign ID and access tokens). Old name: keys.');
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
  $ gatehouse signing-key rotate
  $ gatehouse signing-key rotate --pool partners --json`,
    )
    .action(async (opts: { pool?: string; json?: boolean }) => {
      const { withContainer, resolvePool } = await import('../context.js');
      const result = await withContainer(async (c) => c.oidc.rotateKeys((await resolvePool(c, opts.pool)).id));
      if (opts.json) return printJson(result);
      out(`Rotated: new active keys ${result.active.map((k) => `${k.kid} (${k.alg})`).join(', ')}; still published: ${result.retired.join(', ') || '-'}`);
    });
  keys
    .command('list')
    .description('List signing keys (ids, algorithms, status; never key material).')
    .option('--pool <poolId>', 'user pool id (default: the default pool)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  $ gatehouse signing-key list\n  $ gatehouse signing-key list --pool partners --json')
    .action(async (opts: { pool?: string; json?: boolean }) => {
      const { withContainer, resolvePool } = await import('../context.js');
      const list = await withContainer(async (c) => c.oidc.keys.list((await resolvePool(c, opts.pool)).id));
      if (opts.json) return printJson(list);
      if (list.length === 0) return out('No signing keys yet (they are created on first use).');
      printTable(['KID', 'ALG', 'STATUS', 'CREATED', 'RETIRED'], list.map((k) => [k.kid, k.alg, k.status, k.createdAt, k.retiredAt ?? '-']));
    });
}
