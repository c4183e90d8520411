import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeClient } from '../../../../packages/connectors/test/fakes/oauth-core.js';
import { startGithubFake, type GithubFake } from '../../../../packages/connectors/test/fakes/github.js';
import { captureLog } from '../passcode/support.js';
import { launchChromium, screenshot } from '../support/browser.js';
import type { TestServer } from '../support/server.js';
import { axe, createAdmin, rootMgmt, screenshotsAndAxe, setLanguage, signedInConsole, startConsoleServer } from './support.js';

/**
 * The first "Done when", all by clicking in Chromium: a new administrator opens
 * /console, signs in, creates an application, enables SMS code and GitHub login on it (GitHub
 * against the local fake, reached through GATEHOUSE_UPSTREAM_OVERRIDES; the connection's form is
 * generated from the github connector's manifest), creates a user and signs that user in with
 * "Try sign-in" — by SMS code, then a GitHub user by the GitHub button — each step checked
 * through the vendor ManagementClient.
 */
const log = captureLog();
const clients: FakeClient[] = [];
let fake: GithubFake;
let s: TestServer;
let browser: Browser;
let callback: Server;
let CB = '';
/** A mainland-China number without its country code (+86 is the default: SendSMSDto); the console connector logs it in E.164. */
const PHONE = '13812345678';
const E164 = '+8613812345678';

beforeAll(async () => {
  fake = await startGithubFake({ clients, users: [{ id: 201, login: 'octo', name: 'Octo', email: 'octo@example.com', avatar_url: 'https://avatars.example/201', emails: [{ email: 'octo@example.com', primary: true, verified: true, visibility: 'public' }] }] });
  s = await startConsoleServer({ upstreamOverrides: JSON.stringify(fake.overrides), smsProvider: 'console', sendLimitIpPerHour: 100000 }, log.logger);
  clients.push({ clientId: 'gh-console-client', clientSecret: 'gh-console-secret-0123456789', redirectUris: [`${s.url}/connections/social/github/callback`] });
  callback = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('callback'));
  await new Promise<void>((r) => callback.listen(0, '127.0.0.1', r));
  CB = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/cb`;
  browser = await launchChromium();
  await createAdmin(s, 'first@example.com', 'owner');
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await s?.close();
  await fake?.close();
  await new Promise((r) => callback?.close(r));
});

const mc = () => rootMgmt(s);
const data = <T,>(r: unknown): T => {
  const env = r as { statusCode: number; message: string; data: T };
  expect(env.statusCode, env.message).toBe(200);
  return env.data;
};

/** A form field by its label, with or without the required mark. */
const field = (label: string) => new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\*?$`);

async function go(page: Page, nav: string) {
  await page.getByRole('navigation').getByRole('link', { name: nav, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: nav }).waitFor();
}

/** Submits the open modal's form and waits for it to close (the API accepted it). */
async function save(page: Page) {
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached' });
}

/** "Try sign-in" on the application's row opens the hosted login in a new tab. */
async function trySignIn(page: Page): Promise<Page> {
  await go(page, 'Applications');
  const [login] = await Promise.all([page.context().waitForEvent('page'), page.getByRole('row', { name: /Shop/ }).getByRole('link', { name: 'Try sign-in' }).click()]);
  await login.waitForURL((u) => u.pathname.includes('/interaction/'));
  return login;
}

describe('a new administrator, by clicking', () => {
  it('creates an application, enables SMS code and GitHub on it, creates a user and signs them in with "Try sign-in"', async () => {
    const { context, page, errors } = await signedInConsole(browser, s, 'first@example.com');

    // 1. An application with SMS code among its login methods.
    await go(page, 'Applications');
    await page.getByRole('button', { name: 'Create' }).click();
    const appForm = page.getByRole('dialog');
    await appForm.getByLabel(field('Name')).fill('Shop');
    await appForm.getByLabel(/Redirect URIs/).fill(CB);
    await appForm.getByRole('checkbox', { name: 'PHONE_CODE' }).check();
    await save(page);
    await page.getByRole('row', { name: /Shop/ }).waitFor();
    const apps = data<{ list: Array<{ appId: string; appName: string }> }>(await mc().listApplications({ page: 1, limit: 100 } as never)).list;
    const appId = apps.find((a) => a.appName === 'Shop')!.appId;
    const app = data<{ redirectUris: string[]; loginConfig: { enabledBasicLoginMethods: string[] } }>(await mc().getApplication({ appId }));
    expect(app.redirectUris).toEqual([CB]);
    expect(app.loginConfig.enabledBasicLoginMethods).toContain('PHONE_CODE');

    // 2. GitHub as an identity source, enabled for the application: the form is the connector's schema.
    await go(page, 'Identity sources');
    await page.getByRole('button', { name: 'Create' }).click();
    const idpForm = page.getByRole('dialog');
    await idpForm.getByLabel(field('Provider')).click();
    await page.getByRole('option', { name: 'GitHub (github)', exact: true }).click();
    await expect.poll(() => idpForm.getByLabel(field('Identifier')).inputValue()).toBe('github');
    await idpForm.getByLabel(field('clientId')).fill('gh-console-client');
    await idpForm.getByLabel(field('clientSecret')).fill('gh-console-secret-0123456789');
    await idpForm.getByRole('checkbox', { name: 'Shop' }).check();
    await screenshot(page, 'console/identity-source-form-en');
    await save(page);
    await page.getByRole('row', { name: /GitHub/ }).waitFor();
    const sources = data<{ list: Array<{ id: string; type: string }> }>(await mc().listExtIdp({} as never)).list;
    const gh = sources.find((x) => x.type === 'github')!;
    const detail = data<{ connections: Array<{ identifier: string; enabled: boolean; fields: Record<string, unknown> }> }>(await mc().getExtIdp({ id: gh.id, appId } as never));
    expect(detail.connections).toEqual([expect.objectContaining({ identifier: 'github', enabled: true, fields: expect.objectContaining({ clientId: 'gh-console-client', clientSecret: '********' }) })]);
    await screenshotsAndAxe(page, 'identity-sources', (p) => p.getByRole('row', { name: /GitHub/ }).waitFor());
    // The generated form in Chinese too: the stored source's edit form (labels from the console's
    // strings, field names from the connector's schema).
    await setLanguage(page, 'zh-CN');
    await page.getByRole('row', { name: /GitHub/ }).getByRole('button').first().click();
    await page.getByRole('dialog').getByLabel(field('clientId')).waitFor();
    expect(await axe(page)).toEqual([]);
    await screenshot(page, 'console/identity-source-form-zh-CN');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await setLanguage(page, 'en');

    // 3. A user with a phone number.
    await go(page, 'Users');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('dialog').getByLabel(field('Phone')).fill(PHONE);
    await page.getByRole('dialog').getByLabel(field('Name')).fill('Shopper');
    await save(page);
    await page.getByRole('row', { name: new RegExp(PHONE) }).waitFor();
    const user = data<{ userId: string; phone: string }>(await mc().getUser({ userId: PHONE, userIdType: 'phone' } as never));
    expect(user.phone).toBe(PHONE);

    // 4. "Try sign-in": the user signs in by SMS code and arrives at the application.
    const login = await trySignIn(page);
    await login.getByRole('tab', { name: 'SMS code' }).click();
    await login.getByLabel('Phone number', { exact: true }).fill(PHONE);
    await login.getByRole('button', { name: 'Send code' }).click();
    await expect.poll(() => log.messagesTo(E164).length).toBeGreaterThan(0);
    await login.getByLabel('Verification code', { exact: true }).fill(log.lastCode(E164));
    await login.getByRole('button', { name: 'Sign in', exact: true }).click();
    await login.waitForURL((u) => u.toString().startsWith(CB));
    expect(new URL(login.url()).searchParams.get('code')).toBeTruthy();
    await login.close();
    await expect
      .poll(async () => data<{ list: Array<{ appId?: string }> }>(await mc().getUserLoginHistory({ userId: user.userId, page: 1, limit: 10 } as never)).list.length)
      .toBeGreaterThan(0);

    // 5. "Try sign-in" again: the GitHub button, through the fake, signs a GitHub user in.
    const gLogin = await trySignIn(page);
    await gLogin.getByRole('button', { name: 'GitHub' }).click();
    await gLogin.waitForURL((u) => u.toString().startsWith(CB));
    await gLogin.close();
    const octo = data<{ userId: string }>(await mc().getUser({ userId: 'octo@example.com', userIdType: 'email' } as never));
    expect(data<Array<{ provider: string; userIdInIdp: string }>>(await mc().getUserIdentities({ userId: octo.userId }))).toEqual([expect.objectContaining({ provider: 'github', userIdInIdp: '201' })]);

    expect(errors).toEqual([]);
    await context.close();
  });
});
