import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot, VIEWPORTS } from '../support/browser.js';
import { boundManagementClient, startServer, type TestServer } from '../support/server.js';

/**
 * Profile completion in the embeddable element (docs/login-ui.md, docs/custom-fields.md "Profile
 * completion"): <gatehouse-login> on a page of another origin, a user who has never signed in
 * signs in, the element asks for the app's required custom field `school` (its display name in
 * the element's language) and the optional `nickname`, a value the field's rule refuses is
 * announced and the form stays, the completed answer makes the element emit `login` with the
 * token set, and the values are stored (read back with the vendor ManagementClient).
 */
const PASSWORD = 'Correct horse battery 42!';
let s: TestServer;
let browser: Browser;
let site: Server;
let siteUrl = '';

beforeAll(async () => {
  s = await startServer();
  site = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const appId = url.searchParams.get('app') ?? '';
    const lang = url.searchParams.get('lang') ?? 'en';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
      `<!doctype html><html lang="${lang}"><head><title>Shop</title><script type="module" src="${s.url}/login/element/gatehouse-login.js"></script></head><body>` +
        `<h1>Shop</h1><gatehouse-login app-id="${appId}" host="${s.url}" lang="${lang}"></gatehouse-login>` +
        `<script>window.events=[];for (const n of ['login','register','error','close']) document.addEventListener(n, (e) => { if (e.target.localName === 'gatehouse-login') window.events.push({ name: n, detail: e.detail }); });</script></body></html>`,
    );
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  // `localhost`: another origin than the server's 127.0.0.1.
  siteUrl = `http://localhost:${(site.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await s?.close();
  await new Promise((r) => site?.close(r));
});

const mgmt = () => boundManagementClient({ ...s.rootKey, host: s.url });
const LABELS = { 'en-US': 'School', 'zh-CN': '学校', 'zh-TW': '學校', 'ja-JP': '学校名' } as const;
const CASES = [
  { lang: 'en', field: 'en-US', account: 'Email, phone or username', password: 'Password', signIn: 'Sign in', title: 'Complete your profile', submit: 'Continue', nickname: 'Nickname (optional)' },
  { lang: 'ja', field: 'ja-JP', account: null, password: null, signIn: null, title: 'プロフィールを入力してください', submit: '続行', nickname: 'ニックネーム （任意）' },
] as const;

describe('<gatehouse-login>: profile completion', () => {
  let appId = '';
  beforeAll(async () => {
    const m = mgmt();
    const i18n = { label: Object.fromEntries(Object.entries(LABELS).map(([k, v]) => [k, { enabled: true, value: v }])) };
    expect(await m.setCustomFields({ list: [{ targetType: 'USER' as never, key: 'school', dataType: 'STRING' as never, label: 'School', validateRules: { minLength: 3 } as never, i18n: i18n as never }] })).toMatchObject({ statusCode: 200 });
    const app = (await m.createApplication({ appName: 'Shop', appType: 'spa', redirectUris: [`${siteUrl}/callback`] } as never)) as { statusCode: number; message: string; data: { appId: string } };
    expect(app.statusCode, app.message).toBe(200);
    appId = app.data.appId;
    const upd = await m.updateApplication({ appId, registerConfig: { completeProfile: { enabled: true, fields: [{ type: 'udf', key: 'school', required: true }, { type: 'user', key: 'nickname' }] } } } as never);
    expect(upd).toMatchObject({ statusCode: 200 });
  });

  it.each(CASES)('$lang: sign in → asked for school and nickname → a refused value announced → completed → `login` with tokens, values saved', async (c) => {
    const email = `element-${c.lang}@example.com`;
    const u = (await s.container.services.users.create(s.poolId, { email } as never)) as { userId: string };
    const row = (await s.container.repos.users.findById(s.poolId, u.userId))!;
    await s.container.authn.passwords.set(s.poolId, row, PASSWORD, { skipPolicy: true });

    const context = await browser.newContext({ viewport: VIEWPORTS.phone, locale: c.lang });
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    await page.goto(`${siteUrl}/?app=${appId}&lang=${c.lang}`);
    // The sign-in form inside the element's shadow root (Playwright's locators pierce it).
    const account = page.locator('gatehouse-login input[name="account"]');
    await account.waitFor();
    await account.fill(email);
    await page.locator('gatehouse-login input[name="password"]').fill(PASSWORD);
    if (c.signIn) await page.getByRole('button', { name: c.signIn, exact: true }).click();
    else await page.locator('gatehouse-login button[type="submit"].gh-primary').click();

    await expect.poll(() => page.locator('gatehouse-login h2').textContent(), { timeout: 30_000 }).toBe(c.title);
    const school = page.getByLabel(LABELS[c.field], { exact: true });
    const nickname = page.getByLabel(c.nickname, { exact: true });
    await school.waitFor();
    await nickname.waitFor();
    await screenshot(page, `login-ui/element-profile-completion-phone-${c.lang}`);
    // Not signed in yet: the element waits for the step.
    expect(((await page.evaluate('window.events')) as Array<{ name: string }>).map((e) => e.name)).toEqual([]);

    // Too short for the field's rule (minLength 3): announced, nothing stored, the form stays.
    await school.fill('MI');
    await page.getByRole('button', { name: c.submit, exact: true }).click();
    await expect.poll(async () => (await page.locator('gatehouse-login [role="alert"]').allTextContents()).join(' '), { timeout: 30_000 }).toContain('school');
    expect(JSON.parse((await s.container.repos.users.findById(s.poolId, u.userId))!.custom_data)).toEqual({});
    expect(((await page.evaluate('window.events')) as Array<{ name: string }>).some((e) => e.name === 'login')).toBe(false);

    await school.fill(`Univ ${c.lang}`);
    await nickname.fill(`nick-${c.lang}`);
    await page.getByRole('button', { name: c.submit, exact: true }).click();
    await page.waitForFunction('window.events.some((e) => e.name === "login")');
    const events = (await page.evaluate('window.events')) as Array<{ name: string; detail: { tokens: { access_token: string; id_token?: string }; userId: string } }>;
    const login = events.find((e) => e.name === 'login')!;
    expect(login.detail.userId).toBe(u.userId);
    // The only `error` event was the refused value's.
    expect(events.filter((e) => e.name === 'error').map((e) => (e.detail as unknown as { code: string }).code)).toEqual(['custom_field.invalid_value']);
    // The tokens are the user's: /oidc/me answers for them.
    const me = await fetch(`${s.url}/oidc/me`, { headers: { authorization: `Bearer ${login.detail.tokens.access_token}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { sub: string }).sub).toBe(u.userId);

    // Saved: read back through the vendor ManagementClient.
    const got = (await mgmt().getUser({ userId: u.userId, withCustomData: true })) as { statusCode: number; data: { nickname?: string; customData?: Record<string, unknown>; loginsCount?: number } };
    expect(got.statusCode).toBe(200);
    expect(got.data.customData).toMatchObject({ school: `Univ ${c.lang}` });
    expect(got.data.nickname).toBe(`nick-${c.lang}`);
    // One finished sign-in, counted once by the engine's finish.
    expect(got.data.loginsCount).toBe(1);
    await context.close();
  });
});
