import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Logger } from '../../src/container/logger.js';
import { screenshot } from '../support/browser.js';
import { boundManagementClient, startServer, type TestServer } from '../support/server.js';

/**
 * The admin console against a real Gatehouse: a server whose public URL is its own loopback
 * port (the console's redirect URI is derived from it), administrators created as
 * `gatehouse admin create` does, and a signed-in browser context per administrator.
 */
const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const ADMIN_PASSWORD = 'Console admin passphrase 42!';

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as AddressInfo;
  await new Promise((r) => probe.close(r));
  return port;
}

export async function startConsoleServer(config: Record<string, unknown> = {}, logger?: Logger): Promise<TestServer> {
  const port = await freePort();
  return startServer({ config: { port, publicUrl: `http://127.0.0.1:${port}`, ...config } as never, ...(logger ? { logger } : {}) });
}

export const rootMgmt = (s: TestServer) => boundManagementClient({ ...s.rootKey, host: s.url });

export async function createAdmin(s: TestServer, email: string, role: 'owner' | 'pool-admin' | 'auditor', poolIds: string[] = []) {
  return s.container.console.administrators.create({ email, password: ADMIN_PASSWORD, role, poolIds }, 'test');
}

/** Opens /console in a new context: the console sends the browser to the hosted login, which sends it back signed in. */
export async function signedInConsole(browser: Browser, s: TestServer, email: string, opts: { lang?: 'en' | 'zh-CN'; path?: string } = {}): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const lang = opts.lang ?? 'en';
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: lang, extraHTTPHeaders: { 'accept-language': lang } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    // Failed loads are reported below with their URL (the hosted login's favicon request is not a page resource).
    if ((m.type() === 'error' && !m.text().startsWith('Failed to load resource')) || /Content Security Policy/i.test(m.text())) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(`${s.url}${opts.path ?? '/console/'}`);
  await page.waitForURL((u) => u.pathname.includes('/interaction/'));
  await page.getByLabel(/email, phone or username|邮箱、手机号或用户名/i).fill(email);
  await page.getByLabel(/^(password|密码)$/i).fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: /^(sign in|登录)$/i }).click();
  await page.waitForURL((u) => u.pathname.startsWith('/console') && !u.pathname.startsWith('/console/callback'));
  await page.getByRole('navigation').waitFor();
  return { context, page, errors };
}

/** The administrator's access token, as the console holds it (sessionStorage of its tab). */
export async function consoleToken(page: Page): Promise<string> {
  const raw = await page.evaluate(() => sessionStorage.getItem('gatehouse.console.session'));
  return (JSON.parse(raw!) as { accessToken: string }).accessToken;
}

/**
 * axe-core in the page (evaluated over the DevTools protocol, so the page's CSP stays strict): serious or critical violations.
 * `within`: a CSS selector to check only that part (an open modal dialog, whose background is inert and dimmed by the overlay).
 */
export async function axe(page: Page, within?: string): Promise<string[]> {
  await page.evaluate(`${AXE}\n;0`);
  const r = (await page.evaluate(`axe.run(${within ? `document.querySelector(${JSON.stringify(within)})` : 'document'}, { resultTypes: ["violations"] })`)) as { violations: Array<{ id: string; impact: string; nodes: Array<{ target: unknown }> }> };
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}) ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`);
}

/** Switches the console's language from its header (as a person would). */
export async function setLanguage(page: Page, lang: 'en' | 'zh-CN'): Promise<void> {
  await page.getByRole('combobox', { name: /^(language|语言)$/i }).click();
  await page.getByRole('option', { name: lang === 'en' ? 'English' : '简体中文' }).click();
}

/** A page's screenshot at 1440×900 in en and zh-CN, with axe-core clean in both. */
export async function screenshotsAndAxe(page: Page, name: string, ready: (p: Page) => Promise<unknown>): Promise<void> {
  for (const lang of ['en', 'zh-CN'] as const) {
    await setLanguage(page, lang);
    await ready(page);
    expect(await axe(page)).toEqual([]);
    await screenshot(page, `console/${name}-${lang}`);
  }
  await setLanguage(page, 'en');
}

/** Calls the management API with an administrator's bearer token (as the console does). */
export async function asAdmin(s: TestServer, token: string, method: 'GET' | 'POST', path: string, body?: unknown, pool?: string) {
  const res = await fetch(`${s.url}/api/v3/${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(pool ? { 'x-authing-userpool-id': pool } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return (await res.json()) as { statusCode: number; apiCode?: number; message: string; data: any };
}
