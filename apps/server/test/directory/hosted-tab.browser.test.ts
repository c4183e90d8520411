import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slapdAvailable, startSlapd, type SlapdFixture } from '../../../../packages/connectors/test/fixtures/directories/index.js';
import { launchChromium, screenshot } from '../support/browser.js';
import { startServer, type TestServer } from '../support/server.js';
import { createApp, createDirectoryConnection } from './support.js';

/**
 * Issue 14: the hosted login's directory tab, named after the connection, signs a directory user
 * in inside an OIDC authorization request (/login?app_id → /oidc/auth → interaction) in Debian's
 * Chromium, and the browser arrives at the relying party's callback with a code.
 */
const hasSlapd = slapdAvailable();

describe.skipIf(!hasSlapd)('hosted login directory tab (Chromium, slapd)', () => {
  let dir: SlapdFixture;
  let s: TestServer;
  let browser: Browser;
  let cb: Server;
  let CB = '';
  beforeAll(async () => {
    dir = await startSlapd();
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    s = await startServer({ config: { port, publicUrl: `http://127.0.0.1:${port}`, outboundAllow: '127.0.0.1' } as never });
    cb = createServer((_q, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('callback'));
    await new Promise<void>((r) => cb.listen(0, '127.0.0.1', r));
    CB = `http://127.0.0.1:${(cb.address() as AddressInfo).port}/cb`;
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
    await dir?.stop();
    await new Promise((r) => cb?.close(r));
  });

  it('shows the tab with the connection name and signs in inside an OIDC request', async () => {
    const app = await createApp(s, { redirectUris: [CB] });
    await createDirectoryConnection(s, {
      type: 'ldap',
      displayName: 'Example Corp Directory',
      fields: { ldapUrl: dir.url, startTls: true, tlsCaCert: dir.caPem, bindDn: dir.service.dn, bindPassword: dir.service.password, baseDn: dir.peopleDn },
      appIds: [app.appId],
    });
    const context = await browser.newContext({ locale: 'en', extraHTTPHeaders: { 'accept-language': 'en' } });
    const page = await context.newPage();
    await page.goto(`${s.url}/login?app_id=${app.appId}`);
    await page.getByRole('tab', { name: 'Example Corp Directory' }).click();
    await page.getByLabel('Directory account').fill('alice');
    await page.getByLabel('Password', { exact: true }).fill(dir.users.alice.password);
    await screenshot(page, 'directory/hosted-tab');
    await page.getByRole('button', { name: /sign in/i }).first().click();
    await page.waitForURL((u) => u.toString().startsWith(CB), { timeout: 60_000 });
    expect(new URL(page.url()).searchParams.get('code')).toBeTruthy();
    await context.close();
  }, 180_000);
});
