import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot } from '../support/browser.js';
import type { TestServer } from '../support/server.js';
import { signedFetch } from '../support/signed-fetch.js';
import { axe, createAdmin, rootMgmt, setLanguage, signedInConsole, startConsoleServer } from './support.js';

/**
 * The console's live branding preview (docs/branding.md "Live preview") in Chromium, by clicking:
 * an owner edits an application's colour and custom CSS and sees the framed login page change
 * before saving, while the saved application (vendor ManagementClient) and the real hosted page
 * stay as they were; hostile CSS is neutralised in the preview exactly as when saved; Save
 * changes the real hosted page. Then the pool's login page the same way.
 */
let s: TestServer;
let browser: Browser;
let owner: { context: BrowserContext; page: Page; errors: string[] };
let appId = '';
const APP = 'Branded portal';
const RED = '#b91c1c';
const GOOD_CSS = '.gh-card { border-top: 7px solid rgb(1, 2, 3) }';
const HOSTILE_CSS = `@import url(https://evil.example/x.css);\n.gh-card { border-top: 9px solid rgb(1, 2, 3) }\n.gh-head { background: url(javascript:alert(1)) }\n.gh-logo { behavior: url(https://evil.example/x.htc) }\n</style><script>parent.pwned = 1</script>`;
/** Requests any page of the browser made to the hostile CSS's host (there must be none). */
const evil: string[] = [];

beforeAll(async () => {
  s = await startConsoleServer();
  browser = await launchChromium();
  const app = (await rootMgmt(s).createApplication({ appName: APP, appType: 'web', redirectUris: ['http://127.0.0.1:9/cb'] } as never)) as { statusCode: number; data: { appId: string } };
  expect(app.statusCode).toBe(200);
  appId = app.data.appId;
  await createAdmin(s, 'owner@example.com', 'owner');
  owner = await signedInConsole(browser, s, 'owner@example.com');
  await owner.context.route(/evil\.example/, (r) => {
    evil.push(r.request().url());
    return r.abort();
  });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

const savedBranding = async () => ((await rootMgmt(s).getApplication({ appId })) as { data: { brandingConfig: Record<string, unknown> } }).data.brandingConfig;

/** What the login page looks like: the primary button's colour, the card's top border, and every custom CSS rule. */
async function looks(root: Page | FrameLocator) {
  const card = root.locator('.gh-card:not(.gh-fallback)');
  await card.waitFor();
  // Runs in the page; `any`, as the server's tsconfig has no DOM types.
  /* eslint-disable @typescript-eslint/no-explicit-any */
  return card.evaluate((el: any) => {
    const doc = el.ownerDocument;
    const win = doc.defaultView;
    const button = doc.querySelector('button[type="submit"]');
    const preview = doc.adoptedStyleSheets.at(-1);
    const saved = doc.getElementById('gh-custom-css')?.sheet;
    const rules = (sheet: any): string[] => (sheet && !sheet.disabled ? [...sheet.cssRules].map((r: any) => r.cssText as string) : []);
    return {
      button: win.getComputedStyle(button).backgroundColor as string,
      border: win.getComputedStyle(el).borderTopWidth as string,
      css: [...rules(saved), ...rules(preview)],
      scripts: doc.querySelectorAll('script:not([type="module"]):not([type="application/json"])').length as number,
      pwned: (win.pwned ?? win.parent.pwned ?? null) as unknown,
    };
  });
}

/** The real hosted page of the app, as a visitor gets it (a new context, no console). */
async function hostedLooks() {
  const context = await browser.newContext({ locale: 'en' });
  try {
    const page = await context.newPage();
    await page.goto(`${s.url}/login?app_id=${appId}`);
    return await looks(page);
  } finally {
    await context.close();
  }
}

describe('branding with a live preview in the console', () => {
  const preview = () => owner.page.frameLocator('iframe[title="Login page preview"]');
  const dialog = () => owner.page.getByRole('dialog');

  it('an application: the preview follows unsaved colour and CSS; the saved app and its hosted page change only on Save', async () => {
    const { page } = owner;
    const before = await hostedLooks();
    expect(before.border).not.toBe('7px');
    expect(before.button).not.toBe('rgb(185, 28, 28)');
    await page.getByRole('navigation').getByRole('link', { name: 'Applications', exact: true }).click();
    await page.getByRole('button', { name: `Branding ${APP}`, exact: true }).click();
    // Polled: each preview message renders the page anew (an element of the old tree has no style).
    const seen = async () => {
      const l = await looks(preview());
      return { button: l.button, border: l.border, css: l.css };
    };
    await expect.poll(seen, { timeout: 15_000 }).toEqual({ button: before.button, border: before.border, css: [] });

    await dialog().getByLabel('Primary colour').fill(RED);
    await dialog().getByLabel('Use custom CSS').check();
    await dialog().getByRole('textbox', { name: 'Custom CSS' }).fill(GOOD_CSS);
    await expect.poll(async () => (await looks(preview())).button, { timeout: 15_000 }).toBe('rgb(185, 28, 28)');
    await expect.poll(async () => (await looks(preview())).border, { timeout: 15_000 }).toBe('7px');
    // The framed page did not take the focus from the field being edited.
    expect(await page.evaluate('document.activeElement?.tagName')).toBe('TEXTAREA');
    expect(await axe(page)).toEqual([]);
    await screenshot(page, 'console/branding-preview-en');
    // Nothing saved yet: not through the API, not on the page visitors get.
    expect(await savedBranding()).not.toHaveProperty('primaryColor');
    expect(await savedBranding()).not.toHaveProperty('customCSS');
    expect(await hostedLooks()).toMatchObject({ button: before.button, border: before.border, css: [] });

    // Hostile CSS: what reaches the preview is what the server's sanitiser leaves.
    await dialog().getByRole('textbox', { name: 'Custom CSS' }).fill(HOSTILE_CSS);
    await expect.poll(async () => (await looks(preview())).border, { timeout: 15_000 }).toBe('9px');
    const hostile = await looks(preview());
    expect(hostile.css.join('\n')).not.toMatch(/@import|javascript:|behavior|evil\.example|script|pwned/i);
    expect(hostile).toMatchObject({ scripts: 0, pwned: null });
    expect(await page.evaluate('window.pwned ?? null')).toBeNull();

    // Save: now the API and the hosted page have it, and the saved CSS is neutralised to the same rules.
    await dialog().getByRole('button', { name: 'Save' }).click();
    await dialog().getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    expect(await savedBranding()).toMatchObject({ primaryColor: RED, customCSSEnabled: true, customCSS: HOSTILE_CSS });
    const after = await hostedLooks();
    expect(after).toMatchObject({ button: 'rgb(185, 28, 28)', border: '9px', scripts: 0, pwned: null });
    expect(after.css).toEqual(hostile.css);
    // The preview frame reloads with the saved page.
    await expect.poll(async () => (await looks(preview())).css, { timeout: 15_000 }).toEqual(hostile.css);
    expect(evil).toEqual([]);
    expect(owner.errors.filter((e) => !/evil\.example/.test(e))).toEqual([]);
    await dialog().getByRole('button', { name: 'Close' }).last().click();
    await dialog().waitFor({ state: 'detached' });
  });

  it('an invalid colour is refused in the preview with the save\'s message; nothing changes', async () => {
    const { page } = owner;
    await page.getByRole('button', { name: `Branding ${APP}`, exact: true }).click();
    await looks(preview());
    await dialog().getByLabel('Primary colour').fill('red; background: url(https://evil.example/)');
    await dialog().getByRole('alert').filter({ hasText: /primaryColor/ }).waitFor({ timeout: 15_000 });
    expect((await looks(preview())).button).toBe('rgb(185, 28, 28)');
    expect(await savedBranding()).toMatchObject({ primaryColor: RED });
    await dialog().getByRole('button', { name: 'Close' }).last().click();
    await dialog().waitFor({ state: 'detached' });
  });

  it('the pool login page: previewed as an app without its own branding inherits it, saved with update-login-page-config', async () => {
    const { page } = owner;
    await page.getByRole('button', { name: 'Pool login page', exact: true }).click();
    await looks(preview());
    await dialog().getByLabel('Primary colour').fill('#047857');
    await expect.poll(async () => (await looks(preview())).button, { timeout: 15_000 }).toBe('rgb(4, 120, 87)');
    // A Gatehouse read (the vendor SDK has no getter for it): a signed request with the root key.
    const cfg = async () => (await signedFetch(s.url, { path: '/api/v3/get-login-page-config', key: s.rootKey })).body.data as { brandingConfig?: Record<string, unknown> };
    expect((await cfg()).brandingConfig?.primaryColor).toBeUndefined();
    await dialog().getByRole('button', { name: 'Save' }).click();
    await dialog().getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    expect((await cfg()).brandingConfig?.primaryColor).toBe('#047857');
    // The application keeps its own colour (its branding overrides the pool's).
    expect((await hostedLooks()).button).toBe('rgb(185, 28, 28)');
  });
  it('in Chinese: the editor beside its live preview (axe, screenshot)', async () => {
    const { page } = owner;
    if (await dialog().count()) {
      await dialog().getByRole('button', { name: 'Close' }).last().click();
      await dialog().waitFor({ state: 'detached' });
    }
    await setLanguage(page, 'zh-CN');
    await page.getByRole('button', { name: `品牌 ${APP}`, exact: true }).click();
    await dialog().getByText(`登录页品牌：${APP}`).waitFor();
    expect((await looks(page.frameLocator('iframe[title="登录页预览"]'))).button).toBe('rgb(185, 28, 28)');
    expect(await axe(page)).toEqual([]);
    await screenshot(page, 'console/branding-preview-zh-CN');
    await dialog().getByRole('button', { name: '关闭' }).last().click();
    await dialog().waitFor({ state: 'detached' });
    await setLanguage(page, 'en');
  });
});
