import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot, VIEWPORTS } from '../support/browser.js';
import { startOidcServer, type OidcTestServer } from '../oidc/support.js';

/**
 * The API reference at /docs carries Gatehouse's name and logo, is readable on a phone, and its
 * "Try it out" signs a management request in the browser with an access key the reader pastes.
 */
describe('the API reference page', () => {
  let s: OidcTestServer;
  let key: { accessKeyId: string; accessKeySecret: string };
  let browser: Browser;
  beforeAll(async () => {
    // publicUrl = the real address: the page's "Try it out" calls the server its OpenAPI document names.
    s = await startOidcServer();
    key = await s.container.services.accessKeys.create(s.poolId, { name: 'docs page' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('signs and sends a management request from the page', { timeout: 90_000 }, async () => {
    const page = await browser.newPage({ viewport: VIEWPORTS.desktop });
    try {
      await page.goto(`${s.url}/docs`);
      expect(await page.title()).toBe('Gatehouse API reference');
      await page.getByLabel('Access key ID').fill(key.accessKeyId);
      await page.getByLabel('Access key secret').fill(key.accessKeySecret);
      await page.getByRole('button', { name: 'Use this key' }).click();
      // "Try it out" hands every request to the page's interceptor before sending it; send one
      // through the same interceptor from the page, as Swagger UI does.
      const initializer = await fetch(`${s.url}/docs/static/swagger-initializer.js`).then((r) => r.text());
      expect(initializer).toMatch(/"requestInterceptor":[^}]*__gatehouseSign/s);
      const send = (path: string, init: { method: string; body?: string }) =>
        page.evaluate(
          `(async () => { const req = await window.__gatehouseSign({ url: ${JSON.stringify(s.url)} + ${JSON.stringify(path)}, method: ${JSON.stringify(init.method)}, headers: { 'content-type': 'application/json' }, body: ${JSON.stringify(init.body ?? '')} }); const r = await fetch(req.url, { method: req.method, headers: req.headers, body: req.method === 'GET' ? undefined : req.body }); return r.json(); })()`,
        ) as Promise<{ statusCode: number; apiCode?: number; data: Record<string, unknown> }>;
      const settings = await send('/api/v3/get-authentication-settings', { method: 'GET' });
      expect(settings.statusCode).toBe(200);
      expect((settings.data.bruteForce as { lockAfter: number }).lockAfter).toBe(10);
      const created = await send('/api/v3/create-role', { method: 'POST', body: JSON.stringify({ code: 'docs-page-role', description: 'made from /docs' }) });
      expect(created.statusCode).toBe(200);
      const roles = (await s.mgmt().listRoles({} as never)) as unknown as { data: { list: Array<{ code: string }> } };
      expect(roles.data.list.map((r) => r.code)).toContain('docs-page-role');
      // Without the key the same request is refused with the signing family's code.
      await page.getByRole('button', { name: 'Forget' }).click();
      expect(await send('/api/v3/get-authentication-settings', { method: 'GET' })).toMatchObject({ apiCode: 1300003 });
    } finally {
      await page.close();
    }
  });

  it('is readable on a phone: no horizontal scrolling, the logo in place', { timeout: 90_000 }, async () => {
    const page = await browser.newPage({ viewport: VIEWPORTS.phone });
    try {
      await page.goto(`${s.url}/docs`);
      await page.locator('.opblock').first().waitFor({ timeout: 45_000 });
      const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
      expect(width).toBeLessThanOrEqual(VIEWPORTS.phone.width);
      expect(await page.locator('.topbar img').getAttribute('src')).toContain('data:image/svg+xml');
      await screenshot(page, 'api-reference/phone');
    } finally {
      await page.close();
    }
  });
});
