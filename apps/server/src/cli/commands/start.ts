import type { Command } from 'commander';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('Start the server: load config, apply migrations, initialise an empty database, listen. SIGTERM/SIGINT shut down gracefully.')
    .addHelpText(
      'after',
      `
On the first start against an empty database Gatehouse creates the default user pool, its
default application and a root management access key. Unless GATEHOUSE_ACCESS_KEY_ID and
GATEHOUSE_ACCESS_KEY_SECRET are set, the key is generated, printed once on stdout and saved to
<dataDir>/root-access-key.json (mode 0600).

Example:
  $ GATEHOUSE_PORT=8080 GATEHOUSE_PUBLIC_URL=https://id.example.com gatehouse start`,
    )
    .action(async () => {
      // Lazy: the HTTP stack is only loaded by the command that serves.
      const { main } = await import('../../main.js');
      await main();
    });
}
