import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Headless Debian Chromium through playwright-core (no browser download): one browser per test
 * file. The flags keep it off the network this machine does not have (background services).
 * Tests select fields by their accessible labels and buttons by role, so a reworded hosted page
 * still works as long as it stays accessible.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.GATEHOUSE_TEST_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;
export type Viewport = keyof typeof VIEWPORTS;

/**
 * Issue 19's "Done when": every hosted flow at 1280×800 and 390×844, in English and Simplified
 * Chinese. Tests take it as `it.each(MATRIX)` (one browser per file, a new context per row).
 */
export const MATRIX = (['desktop', 'phone'] as const).flatMap((viewport) => (['en', 'zh-CN'] as const).map((lang) => ({ viewport, lang })));
export type MatrixLang = (typeof MATRIX)[number]['lang'];

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core in the page (evaluated over the DevTools protocol, so the page's CSP stays strict):
 * the serious and critical violations, as `id (impact)`; a clean page gives `[]`.
 */
export async function axe(page: Page): Promise<string[]> {
  await page.evaluate(`${AXE}\n;0`);
  const r = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as { violations: Array<{ id: string; impact: string; nodes: Array<{ target: unknown[] }> }> };
  // The elements are named so a failure says where to look.
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
}

/** Screenshots are kept as test artifacts (git-ignored `test-artifacts/`), for people to look at. */
export const ARTIFACTS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../test-artifacts');

export async function screenshot(page: Page, name: string): Promise<string> {
  const file = join(ARTIFACTS, `${name}.png`);
  mkdirSync(dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

const ACCOUNT_LABEL = /account|user ?name|e-?mail|phone|账号|用户名|邮箱|手机/i;
const PASSWORD_LABEL = /password|密码/i;
const SUBMIT = /sign in|log ?in|continue|next|登录|继续|下一步/i;

/** Fills the hosted login's password form (whatever its wording) and submits it. */
export async function signInOnHostedPage(page: Page, account: string, password: string): Promise<void> {
  await page.getByLabel(ACCOUNT_LABEL).first().fill(account);
  await page.getByLabel(PASSWORD_LABEL).first().fill(password);
  await page.getByRole('button', { name: SUBMIT }).first().click();
}

/** Clicks the first button whose accessible name matches. */
export const clickButton = (page: Page, name: RegExp) => page.getByRole('button', { name }).first().click();
