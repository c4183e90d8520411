import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { notice } from '../output.js';

export function registerConfig(program: Command): void {
  const config = program.command('config').description('Configuration reference.');
  config
    .command('docs')
    .description('Print every setting (key, environment variable, type, default, description) as Markdown.')
    .option('--out <file>', 'write to a file instead of stdout')
    .addHelpText(
      'after',
      `
docs/configuration.md is this output; regenerate it after changing the config schema.

Example:
  $ gatehouse config docs --out docs/configuration.md`,
    )
    .action(async (opts: { out?: string }) => {
      const { renderConfigDocs } = await import('../config-docs.js');
      const text = renderConfigDocs();
      if (opts.out) {
        writeFileSync(opts.out, text);
        notice(`wrote ${opts.out}`);
      } else process.stdout.write(text);
    });
}
