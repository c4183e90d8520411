import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axe, launchChromium, screenshot, VIEWPORTS } from '../support/browser.js';
import { boundManagementClient, startServer, type TestServer } from '../support/server.js';

/**
 * Profile completion on the hosted registration in Debian's Chromium (docs/custom-fields.md,
 * "Profile completion"): register → the page asks for the app's required custom field `school`
 * (its display name in the page's language) → a value the field's rules refuse is shown in
 * words → the completed answer brings the browser back to the app with a code. In en, zh-CN,
 * zh-TW and ja at 1280×800 (en and zh-CN also at 390×844), axe-core finding no serious or critical violation.
 */
const PASSWORD = 'Correct horse battery 42!';
let CB = '';
let callbackServer: Server;
let s: TestServer;
let browser: Browser;
let appId = '';

const LABELS = { 'zh-CN': '学校', 'en-US': 'School', 'zh-TW': '學校', 'ja-JP': '学校名' } as const;
const LANGS = [
  { lang: 'en', field: 'en-US', register: 'Create an account', email: 'Email', password: 'Password', again: 'Repeat the password', create: 'Create account', title: 'Complete your profile', submit: 'Continue' },
  { lang: 'zh-CN', field: 'zh-CN', register: '注册账号', email: '邮箱', password: '密码', again: '再次输入密码', create: '注册', title: '补全个人信息', submit: '继续' },
  { lang: 'zh-TW', field: 'zh-TW', register: null, email: null, password: null, again: null, create: null, title: '補全個人資訊', submit: '繼續' },
  { lang: 'ja', field: 'ja-JP', register: null, email: null, password: null, again: null, create: null, title: 'プロフィールを入力してください', submit: '続行' },
] as const;

beforeAll(async () => {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  s = await startServer({ config: { port, publicUrl: `http://127.0.0.1:${port}` } as never });
  callbackServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('callback'));
  await new Promise<void>((r) => callbackServer.listen(0, '127.0.0.1', r));
  CB = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/cb`;
  const m = boundManagementClient({ ...s.rootKey, host: s.url });
  const i18n = { label: Object.fromEntries(Object.entries(LABELS).map(([k, v]) => [k, { enabled: true, value: v }])) };
  expect(await m.setCustomFields({ list: [{ targetType: 'USER' as never, key: 'school', dataType: 'STRING' as never, label: 'School', validateRules: { minLength: 3 } as never, i18n: i18n as never }] })).toMatchObject({ statusCode: 200 });
  const app = (await m.createApplication({ appName: 'Campus', appType: 'web', redirectUris: [CB] } as never)) as { data: { appId: string } };
  appId = app.data.appId;
  const upd = await m.updateApplication({ appId, registerConfig: { enabledBasicRegisterMethods: ['EMAIL_PASSWORD'], completeProfile: { enabled: true, fields: [{ type: 'udf', key: 'school', required: true }] } } } as never);
  expect(upd).toMatchObject({ statusCode: 200 });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await s?.close();
  await new Promise((r) => callbackServer?.close(r));
});

describe('profile completion on the hosted login', () => {
  const cases = [...LANGS.map((l) => ({ viewport: 'desktop' as const, l })), ...LANGS.filter((l) => l.register).map((l) => ({ viewport: 'phone' as const, l }))];
  it.each(cases)('$viewport $l.lang: register → asked for school → a refused value in words → completed → back at the app with a code', async ({ viewport, l }) => {
    {
      {
        const email = `${viewport}-${l.lang.toLowerCase()}@example.com`;
        const context = await browser.newContext({ viewport: VIEWPORTS[viewport], locale: l.lang, extraHTTPHeaders: { 'accept-language': l.lang } });
        const page = await context.newPage();
        if (l.register) {
          await page.goto(`${s.url}/login?app_id=${appId}`);
          await page.locator('.gh-card:not(.gh-fallback)').waitFor();
          await page.getByRole('button', { name: l.register }).click();
          await page.getByLabel(l.email, { exact: true }).fill(email);
          await page.getByLabel(l.password, { exact: true }).fill(PASSWORD);
          await page.getByLabel(l.again).fill(PASSWORD);
          await page.getByRole('button', { name: l.create, exact: true }).click();
        } else {
          // zh-TW and ja: the account exists already (registered, never signed in); the first sign-in asks.
          const u = await s.container.services.users.create(s.poolId, { email } as never);
          const row = (await s.container.repos.users.findById(s.poolId, (u as { userId: string }).userId))!;
          await s.container.authn.passwords.set(s.poolId, row, PASSWORD, { skipPolicy: true });
          await page.goto(`${s.url}/login?app_id=${appId}`);
          await page.locator('.gh-card:not(.gh-fallback)').waitFor();
          await page.locator('input[name="account"]').fill(email);
          await page.locator('input[name="password"]').fill(PASSWORD);
          await page.locator('button[type="submit"].gh-primary').click();
        }
        await expect.poll(() => page.locator('h2').textContent()).toBe(l.title);
        const school = page.getByLabel(LABELS[l.field], { exact: true });
        expect(await school.evaluate((el) => el === (el.getRootNode() as unknown as { activeElement: unknown }).activeElement)).toBe(true);
        expect(await axe(page)).toEqual([]);
        await screenshot(page, `login-ui/profile-completion-${viewport}-${l.lang}`);

        // Too short for the field's rule (minLength 3): refused in words, nothing stored, the step stays.
        await school.fill('MI');
        const refused = page.waitForResponse((r) => r.url().endsWith('/continue') && r.request().method() === 'POST');
        await page.getByRole('button', { name: l.submit, exact: true }).click();
        expect((await refused).status()).toBe(400);
        await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('school');
        expect(await axe(page)).toEqual([]);
        const before = (await s.container.repos.users.findBy(s.poolId, 'email', email))!;
        expect(JSON.parse(before.custom_data)).toEqual({});

        await school.fill(`Univ ${viewport} ${l.lang}`);
        await page.getByRole('button', { name: l.submit, exact: true }).click();
        await page.waitForURL((u) => u.toString().startsWith(CB));
        expect(new URL(page.url()).searchParams.get('code')).toBeTruthy();
        const after = (await s.container.repos.users.findBy(s.poolId, 'email', email))!;
        expect(JSON.parse(after.custom_data)).toEqual({ school: `Univ ${viewport} ${l.lang}` });
        await context.close();
      }
    }
  });
});
