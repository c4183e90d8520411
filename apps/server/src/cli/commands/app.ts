import { Option, type Command } from 'commander';
import { out, printFields, printJson } from '../output.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function registerApp(program: Command): void {
  const app = program.command('app').description('Manage applications (OIDC/OAuth clients) of a user pool.');

  app
    .command('create')
    .description('Create an application and print its appId and appSecret (the secret only this once).')
    .option('--pool <poolId>', 'user pool id (default: the default pool)')
    .requiredOption('--name <name>', 'application name')
    .addOption(new Option('--type <type>', 'application type: web (server-side, confidential), spa, native, api').choices(['web', 'spa', 'native', 'api']).default('web'))
    .option('--redirect-uri <uri>', 'allowed login callback URL; repeat for several', collect, [])
    .option('--logout-redirect-uri <uri>', 'allowed post-logout URL; repeat for several', collect, [])
    .option('--description <text>', 'free-text description')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ gatehouse app create --name "Shop" --redirect-uri https://shop.example.com/callback \\
      --logout-redirect-uri https://shop.example.com/
  $ gatehouse app create --pool staff --name "Admin SPA" --type spa \\
      --redirect-uri http://localhost:5173/callback --json`,
    )
    .action(
      async (opts: { pool?: string; name: string; type: 'web' | 'spa' | 'native' | 'api'; redirectUri: string[]; logoutRedirectUri: string[]; description?: string; json?: boolean }) => {
        const { withContainer, resolvePool } = await import('../context.js');
        const created = await withContainer(async (c) => {
          const pool = await resolvePool(c, opts.pool);
          return c.services.applications.create(pool.id, {
            appName: opts.name,
            appType: opts.type,
            ...(opts.description ? { appDescription: opts.description } : {}),
            ...(opts.redirectUri.length ? { redirectUris: opts.redirectUri } : {}),
            ...(opts.logoutRedirectUri.length ? { logoutRedirectUris: opts.logoutRedirectUri } : {}),
          });
        });
        // The service's DTO (what the management API would return), plus the one-time secret.
        const view = {
          userPoolId: created.userPoolId,
          appId: created.appId,
          appName: created.appName,
          appType: created.appType,
          appSecret: created.appSecret,
          redirectUris: created.redirectUris,
          logoutRedirectUris: created.logoutRedirectUris,
        };
        if (opts.json) return printJson(view);
        out(`Created application "${view.appName}".`);
        printFields([
          ['userPoolId', view.userPoolId],
          ['appId', view.appId],
          ['appSecret', view.appSecret],
          ['type', view.appType],
          ['redirectUris', view.redirectUris.join(' ')],
          ['logoutRedirectUris', view.logoutRedirectUris.join(' ')],
        ]);
        out();
        out('The appSecret is shown only this once.');
      },
    );
}
