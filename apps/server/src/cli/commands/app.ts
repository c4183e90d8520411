import { Option, type Command } from 'commander';
import { out, printFields, printJson, printTable } from '../output.js';

/*
 * `gatehouse app …`. Bodies are validated with the management API's own schemas and passed to
 * the same applications service, so the CLI accepts and refuses what create-application and
 * update-application do.
 */

const collect = (value: string, previous: string[]): string[] => [...previous, value];
type Dto = Awaited<ReturnType<import('../../container/index.js').Container['services']['applications']['get']>>;

interface AppFieldOpts {
  name?: string;
  description?: string;
  redirectUri: string[];
  logoutRedirectUri: string[];
  grantType: string[];
}
const appFields = (o: AppFieldOpts) => ({
  ...(o.name !== undefined ? { appName: o.name } : {}),
  ...(o.description !== undefined ? { appDescription: o.description } : {}),
  ...(o.redirectUri.length ? { redirectUris: o.redirectUri } : {}),
  ...(o.logoutRedirectUri.length ? { logoutRedirectUris: o.logoutRedirectUri } : {}),
  ...(o.grantType.length ? { oidcConfig: { grant_types: o.grantType } } : {}),
});
const withAppFieldOptions = (cmd: Command) =>
  cmd
    .option('--description <text>', 'free-text description')
    .option('--redirect-uri <uri>', 'allowed login callback URL; repeat for several (replaces the list)', collect, [])
    .option('--logout-redirect-uri <uri>', 'allowed post-logout URL; repeat for several (replaces the list)', collect, [])
    .option('--grant-type <grant>', 'OAuth grant: authorization_code, refresh_token, client_credentials, urn:ietf:params:oauth:grant-type:device_code; repeat for several (replaces the list)', collect, []);

function printApp(a: Dto, secret?: string): void {
  printFields([
    ['userPoolId', a.userPoolId],
    ['appId', a.appId],
    ['appSecret', secret],
    ['name', a.appName],
    ['type', a.appType],
    ['default', a.isDefault ? 'yes' : undefined],
    ['redirectUris', a.redirectUris.join(' ')],
    ['logoutRedirectUris', a.logoutRedirectUris.join(' ')],
    ['grantTypes', a.oidcConfig.grant_types.join(' ')],
    ['tokenEndpointAuthMethod', a.oidcConfig.token_endpoint_auth_method],
  ]);
}

export function registerApp(program: Command): void {
  const app = program.command('app').description('Manage applications (OIDC/OAuth clients) of a user pool.');

  withAppFieldOptions(
    app
      .command('create')
      .description('Create an application and print its appId and appSecret.')
      .option('--pool <poolId>', 'user pool id (default: the default pool)')
      .requiredOption('--name <name>', 'application name')
      .addOption(new Option('--type <type>', 'application type: web (server-side, confidential), spa, native, api').choices(['web', 'spa', 'native', 'api']).default('web')),
  )
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Input is checked exactly as the management API's create-application checks it.
\`gatehouse app secret <appId>\` shows the secret again later.

Examples:
  $ gatehouse app create --name "Shop" --redirect-uri https://shop.example.com/callback \\
      --logout-redirect-uri https://shop.example.com/
  $ gatehouse app create --pool staff --name "Admin SPA" --type spa \\
      --redirect-uri http://localhost:5173/callback --json
  $ gatehouse app create --name "TV" --grant-type urn:ietf:params:oauth:grant-type:device_code --grant-type refresh_token`,
    )
    .action(async (opts: AppFieldOpts & { pool?: string; name: string; type: string; json?: boolean }) => {
      const { validateLikeTheApi } = await import('../../http/validation.js');
      const { CreateApplicationBody } = await import('../../http/routes/management/applications.js');
      const body = validateLikeTheApi<Parameters<import('../../container/index.js').Container['services']['applications']['create']>[1]>(CreateApplicationBody, { ...appFields(opts), appType: opts.type });
      const { withContainer, resolvePool } = await import('../context.js');
      const created = await withContainer(async (c) => c.services.applications.create((await resolvePool(c, opts.pool)).id, body));
      const { appSecret, ...dto } = created;
      if (opts.json) return printJson({ ...dto, appSecret });
      out(`Created application "${dto.appName}".`);
      printApp(dto as Dto, appSecret);
    });

  app
    .command('list')
    .description('List the applications of a user pool.')
    .option('--pool <poolId>', 'user pool id (default: the default pool)')
    .option('--keywords <text>', 'substring of the name or appIdentifier')
    .option('--page <n>', 'page number, from 1', (v) => Number(v), 1)
    .option('--limit <n>', 'applications per page, at most 100', (v) => Number(v), 100)
    .option('--json', 'print the result ({list, totalCount}) as JSON')
    .addHelpText('after', '\nExamples:\n  $ gatehouse app list\n  $ gatehouse app list --keywords shop --json')
    .action(async (opts: { pool?: string; keywords?: string; page: number; limit: number; json?: boolean }) => {
      const { withContainer, resolvePool } = await import('../context.js');
      const page = await withContainer(async (c) => c.services.applications.list((await resolvePool(c, opts.pool)).id, { page: opts.page, limit: opts.limit, keywords: opts.keywords || undefined }));
      if (opts.json) return printJson(page);
      if (page.list.length === 0) return out('No applications.');
      printTable(
        ['APP ID', 'NAME', 'TYPE', 'DEFAULT', 'REDIRECT URIS'],
        page.list.map((a) => [a.appId, a.appName, a.appType, a.isDefault ? 'yes' : '', a.redirectUris.join(' ') || '-']),
      );
    });

  app
    .command('get')
    .argument('<appId>', 'the application')
    .description('Show one application (never its secret; see `app secret`).')
    .option('--pool <poolId>', 'user pool id (default: the default pool)')
    .option('--json', 'print the application as JSON')
    .addHelpText('after', '\nExample:\n  $ gatehouse app get 65f0c1d2e3a4b5c6d7e8f901 --json')
    .action(async (appId: string, opts: { pool?: string; json?: boolean }) => {
      const { withContainer, resolvePool } = await import('../context.js');
      const a = await withContainer(async (c) => c.services.applications.get((await resolvePool(c, opts.pool)).id, appId));
      if (opts.json) return printJson(a);
      printApp(a);
    });

  withAppFieldOptions(
    app
      .command('update')
      .argument('<appId>', 'the application')
      .description('Change an application; options not given keep their value.')
      .option('--pool <poolId>', 'user pool id (default: the default pool)')
      .option('--name <name>', 'application name'),
  )
    .option('--json', 'print the updated application as JSON')
    .addHelpText('after', "\nInput is checked exactly as the management API's update-application checks it.\n\nExamples:\n  $ gatehouse app update 65f0… --redirect-uri https://shop.example.com/callback --redirect-uri http://localhost:3001/callback\n  $ gatehouse app update 65f0… --name \"Shop (staging)\"")
    .action(async (appId: string, opts: AppFieldOpts & { pool?: string; json?: boolean }, cmd: Command) => {
      const changes = appFields(opts);
      if (Object.keys(changes).length === 0) cmd.error('error: nothing to change: give at least one option (see --help)', { exitCode: 2 });
      const { validateLikeTheApi } = await import('../../http/validation.js');
      const { UpdateApplicationBody } = await import('../../http/routes/management/applications.js');
      const { appId: _id, ...body } = validateLikeTheApi<{ appId: string } & Parameters<import('../../container/index.js').Container['services']['applications']['update']>[2]>(UpdateApplicationBody, { appId, ...changes });
      const { withContainer, resolvePool } = await import('../context.js');
      const a = await withContainer(async (c) => {
        const poolId = (await resolvePool(c, opts.pool)).id;
        await c.services.applications.update(poolId, appId, body);
        return c.services.applications.get(poolId, appId);
      });
      if (opts.json) return printJson(a);
      out('Updated application.');
      printApp(a);
    });

  app
    .command('delete')
    .argument('<appId>', 'the application')
    .description('Delete an application (not the default one); its tokens stop working.')
    .option('--pool <poolId>', 'user pool id (default: the default pool)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  $ gatehouse app delete 65f0c1d2e3a4b5c6d7e8f901')
    .action(async (appId: string, opts: { pool?: string; json?: boolean }) => {
      const { withContainer, resolvePool } = await import('../context.js');
      await withContainer(async (c) => c.services.applications.delete((await resolvePool(c, opts.pool)).id, appId));
      if (opts.json) return printJson({ appId, deleted: true });
      out(`Deleted application ${appId}.`);
    });

  app
    .command('secret')
    .argument('<appId>', 'the application')
    .description("Print an application's client secret (appSecret), for the vendor AuthenticationClient or an OIDC relying party.")
    .option('--pool <poolId>', 'user pool id (default: the default pool)')
    .option('--json', 'print {appId, appSecret} as JSON')
    .addHelpText('after', '\nExample:\n  $ gatehouse app secret 65f0c1d2e3a4b5c6d7e8f901')
    .action(async (appId: string, opts: { pool?: string; json?: boolean }) => {
      const { withContainer, resolvePool } = await import('../context.js');
      const appSecret = await withContainer(async (c) => c.services.applications.getSecret((await resolvePool(c, opts.pool)).id, appId));
      if (opts.json) return printJson({ appId, appSecret });
      out(appSecret);
    });
}
