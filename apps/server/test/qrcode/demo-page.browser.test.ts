import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot, VIEWPORTS } from '../support/browser.js';
import { startServer, type TestServer } from '../support/server.js';

/**
 * The QR demo page's commands work when copied: the page shows a code, the test copies the two
 * command blocks into bash as a reader would (filling in the user, password and app secret the
 * first block asks for), and the page signs in. In English and Chinese, at phone width.
 */
const exec = promisify(execFile);
const PASSWORD = "correct horse battery staple's";

describe('the QR demo page', () => {
  let s: TestServer;
  let browser: Browser;
  let secret: string;

  beforeAll(async () => {
    s = await startServer();
    await s.container.authn.settings.update(s.poolId, { qrcode: { allowBrowserExchange: true } });
    secret = await s.container.services.applications.getSecret(s.poolId, s.defaultAppId);
    const u = await s.container.services.users.create(s.poolId, { email: 'scanner@example.com', name: 'Scanner' });
    await s.container.authn.passwords.set(s.poolId, (await s.container.repos.users.findById(s.poolId, u.userId))!, PASSWORD);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  for (const lang of ['en', 'zh-CN'] as const) {
    it(`${lang}: copied commands scan and confirm, and the page signs in`, async () => {
      const context = await browser.newContext({ locale: lang, viewport: VIEWPORTS.phone, extraHTTPHeaders: { 'accept-language': lang } });
      const page = await context.newPage();
      try {
        await page.goto(`${s.url}/demo/qrcode?appId=${s.defaultAppId}`);
        await page.locator('#qr img').waitFor();
        const tokenCommands = (await page.locator('#token').textContent())!;
        const phoneCommands = (await page.locator('#phone').textContent())!;
        // The reader fills in the first line: an existing user, its password, the app's secret.
        const [first, ...rest] = tokenCommands.split('\n');
        expect(first).toMatch(/^ACCOUNT=\S+ PASSWORD='[^']*' APP_SECRET='[^']*'$/);
        const filled = `ACCOUNT=scanner@example.com PASSWORD='correct horse battery staple'"'"'s' APP_SECRET='${secret}'`;
        const script = [filled, ...rest, phoneCommands].join('\n');
        await exec('bash', ['-euo', 'pipefail', '-c', script], { env: { PATH: process.env.PATH!, HOME: process.env.HOME! } });
        await page.locator('#result pre').waitFor();
        const result = (await page.locator('#result').textContent())!;
        expect(result).toContain(lang === 'en' ? 'Signed in as Scanner' : '已登录：Scanner');
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(width).toBeLessThanOrEqual(VIEWPORTS.phone.width); // nothing cut off on a phone
        await screenshot(page, `qrcode-demo/${lang}-phone`);
      } finally {
        await context.close();
      }
    });
  }
});
