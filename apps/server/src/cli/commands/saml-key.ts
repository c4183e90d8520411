import type { Command } from 'commander';
import { out, printJson, printTable } from '../output.js';

/** `gatehouse saml-key …`: the SAML signing keys of a user pool (docs/saml.md, "Signing keys"). */
export function registerSamlKey(program: Command): void {
  const keys = program.command('saml-key').description('Manage the SAML signing keys of a user pool (they sign SAML responses and assertions).');
  const pool = (c: Command) => c.option('--pool <poolId>', 'user pool id (default: the default pool)').option('--json', 'print the result as JSON');
  const examples = (c: Command, ...lines: string[]) => c.addHelpText('after', `\nExamples:\n${lines.map((l) => `  $ gatehouse saml-key ${l}`).join('\n')}`);
  examples(pool(keys.command('list').description('List SAML keys (ids, status: active, next, retired; never key material).')), 'list', 'list --pool partners --json').action(async (opts: { pool?: string; json?: boolean }) => {
    const { withContainer, resolvePool } = await import('../context.js');
    const list = await withContainer(async (c) => c.ssoProtocols.samlKeys.list((await resolvePool(c, opts.pool)).id));
    if (opts.json) return printJson(list);
    printTable(['KID', 'STATUS', 'CREATED', 'ACTIVATED', 'RETIRED'], list.map((k) => [k.kid, k.status, k.createdAt, k.activatedAt ?? '-', k.retiredAt ?? '-']));
  });
  examples(pool(keys.command('stage').description('Publish the next key in metadata (not used yet), so service providers can pick it up before a rotation.')), 'stage', 'stage --pool partners').action(async (opts: { pool?: string; json?: boolean }) => {
    const { withContainer, resolvePool } = await import('../context.js');
    const k = await withContainer(async (c) => c.ssoProtocols.samlKeys.stage((await resolvePool(c, opts.pool)).id));
    if (opts.json) return printJson({ kid: k.kid, status: k.status });
    out(`Staged ${k.kid}: published in metadata, signing starts at the next rotate.`);
  });
  examples(pool(keys.command('rotate').description('Sign with the staged key (or a new one); the previous key stays in metadata until the next rotation.')), 'rotate', 'rotate --pool partners --json').action(async (opts: { pool?: string; json?: boolean }) => {
    const { withContainer, resolvePool } = await import('../context.js');
    const r = await withContainer(async (c) => c.ssoProtocols.samlKeys.rotate((await resolvePool(c, opts.pool)).id));
    if (opts.json) return printJson(r);
    out(`Now signing with ${r.active}; still published: ${r.retired.join(', ') || '-'}; removed: ${r.deleted.join(', ') || '-'}`);
  });
  examples(pool(keys.command('remove').argument('<kid>', 'a staged or retired key').description('Remove a staged or retired key from metadata.')), 'remove saml-mxbg9g9u-3nsiJmfx').action(async (kid: string, opts: { pool?: string; json?: boolean }) => {
    const { withContainer, resolvePool } = await import('../context.js');
    await withContainer(async (c) => c.ssoProtocols.samlKeys.remove((await resolvePool(c, opts.pool)).id, kid));
    if (opts.json) return printJson({ removed: kid });
    out(`Removed ${kid}.`);
  });
}
