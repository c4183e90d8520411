import type { bootstrap } from '../services/bootstrap.js';

type Boot = NonNullable<Awaited<ReturnType<typeof bootstrap>>>;

/**
 * The one-time first-start summary: what a developer needs next. Printed once (the caller
 * decides where: stdout for `start`, stderr for data commands whose stdout is their output),
 * never to the JSON log, so log shipping does not carry secrets.
 */
export function firstStartSummary(boot: Boot): string {
  const lines = [
    '',
    `  Gatehouse is set up. Shown once; also saved to ${boot.keyFile} (mode 0600, owner only):`,
    '',
  ];
  if (!boot.keyFromConfig) {
    lines.push(
      '  Root management access key (ManagementClient, the CLI, "Try it" in the API reference):',
      `    accessKeyId:     ${boot.key.accessKeyId}`,
      `    accessKeySecret: ${boot.key.accessKeySecret}`,
    );
  }
  lines.push(
    '  Default application (AuthenticationClient, OpenID Connect relying parties):',
    `    appId:           ${boot.app.appId}`,
    `    appSecret:       ${boot.app.appSecret ?? '(public client: no secret)'}`,
    '',
    `  Landing page:      ${boot.urls.landingPage}`,
    `  Hosted login:      ${boot.urls.hostedLogin}  (OpenID Connect; discovery: ${boot.urls.discovery})`,
    `  API reference:     ${boot.urls.apiReference}`,
    `  Console:           ${boot.urls.console ?? 'not available yet (coming soon)'}`,
    '  Getting started:   docs/getting-started.md',
    '',
  );
  return `${lines.join('\n')}\n`;
}
