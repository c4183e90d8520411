import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axe, launchChromium } from '../support/browser.js';
import type { TestServer } from '../support/server.js';
import { createAdmin, rootMgmt, screenshotsAndAxe, signedInConsole, startConsoleServer } from './support.js';
import { data, field, go, remove, row, save } from './ui.js';

/**
 * The Applications page in Chromium: create with settings, redirect URIs and login methods,
 * search, edit, the secret shown on request, the per-application MFA policy, delete — each step
 * checked through the vendor ManagementClient; screenshots at 1440×900 in en and zh-CN with
 * axe-core clean.
 */
let s: TestServer;
let browser: Browser;
let owner: { context: BrowserContext; page: Page; errors: string[] };

beforeAll(async () => {
  s = await startConsoleServer();
  browser = await launchChromium();
  await createAdmin(s, 'owner@example.com', 'owner');
  owner = await signedInConsole(browser, s, 'owner@example.com');
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

const mc = () => rootMgmt(s);
type App = { appId: string; appName: string; appDescription?: string; redirectUris: string[]; loginConfig: { enabledBasicLoginMethods: string[] } };
const apps = async () => data<{ list: App[] }>(await mc().listApplications({ page: 1, limit: 50 } as never)).list;

describe('applications page', () => {
  it('creates an app with redirect URIs and login methods, searches, edits, shows the secret, sets its MFA policy, deletes', async () => {
    const { page } = owner;
    await go(page, 'Applications');
    await page.getByRole('button', { name: 'Create' }).click();
    const form = page.getByRole('dialog');
    await form.getByLabel(field('Name')).fill('Billing portal');
    await form.getByLabel(field('Description')).fill('Invoices and payments');
    await form.getByLabel(/^Redirect URIs/).fill('https://billing.example/callback\nhttps://billing.example/alt');
    await form.getByRole('checkbox', { name: 'USERNAME_PASSWORD' }).uncheck();
    await form.getByRole('checkbox', { name: 'EMAIL_CODE' }).check();
    await save(page);
    await row(page, 'Billing portal').waitFor();
    const app = (await apps()).find((a) => a.appName === 'Billing portal')!;
    expect(app).toMatchObject({ appDescription: 'Invoices and payments', redirectUris: ['https://billing.example/callback', 'https://billing.example/alt'] });
    expect([...app.loginConfig.enabledBasicLoginMethods].sort()).toEqual(['EMAIL_CODE', 'EMAIL_PASSWORD', 'PHONE_PASSWORD']);

    // Search (list-applications keywords: the name or appIdentifier, case-insensitive).
    await page.getByRole('textbox', { name: 'Search' }).fill('billing');
    await row(page, 'Billing portal').waitFor();
    await expect.poll(() => row(page, 'Default').count()).toBe(0);
    await page.getByRole('textbox', { name: 'Search' }).fill('no-such-application');
    await page.getByText('Nothing here yet.').waitFor();
    await expect.poll(() => row(page, 'Billing portal').count()).toBe(0);
    await page.getByRole('textbox', { name: 'Search' }).fill('');
    await row(page, 'Billing portal').waitFor();
    // The pool's default application cannot be deleted (the server refuses it): no button for it.
    await page.getByRole('button', { name: 'Edit Default application', exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Delete Default application', exact: true }).count()).toBe(0);

    await page.getByRole('button', { name: 'Edit Billing portal' }).click();
    // The open dialog is accessible too (its close button has a name).
    await page.getByRole('dialog').getByLabel(/^Redirect URIs/).waitFor();
    await expect.poll(() => axe(page)).toEqual([]); // polled: the dialog fades in, and mid-fade its text has low contrast
    await page.getByRole('dialog').getByLabel(/^Redirect URIs/).fill('https://billing.example/callback');
    await page.getByRole('dialog').getByRole('checkbox', { name: 'PHONE_PASSWORD' }).uncheck();
    await save(page);
    await expect.poll(async () => (await apps()).find((a) => a.appId === app.appId)?.redirectUris).toEqual(['https://billing.example/callback']);
    expect([...(await apps()).find((a) => a.appId === app.appId)!.loginConfig.enabledBasicLoginMethods].sort()).toEqual(['EMAIL_CODE', 'EMAIL_PASSWORD']);

    // The secret, on request, is the application's.
    await page.getByRole('button', { name: 'Show secret Billing portal' }).click();
    const secret = await s.container.services.applications.getSecret(s.poolId, app.appId);
    await expect.poll(() => page.getByRole('dialog').getByTestId('secret').textContent()).toBe(secret);
    await expect.poll(() => axe(page)).toEqual([]); // polled: the dialog fades in, and mid-fade its text has low contrast
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });

    // The application's own MFA policy.
    const mfa = async () => data<{ enabledFactors: string[]; mode: string; rememberDeviceDays: number }>(await mc().makeRequest({ method: 'GET', url: '/api/v3/get-application-mfa-settings', params: { appId: app.appId } } as never));
    expect((await mfa()).mode).toBe('off');
    await page.getByRole('button', { name: 'MFA policy Billing portal' }).click();
    const policy = page.getByRole('dialog');
    await policy.getByRole('checkbox', { name: 'Authenticator app (TOTP)' }).check();
    await policy.getByRole('checkbox', { name: 'SMS code' }).check();
    await policy.getByText('Required', { exact: true }).click();
    await policy.getByLabel(/^Remember a device/).fill('3');
    await save(page);
    await expect.poll(mfa).toMatchObject({ enabledFactors: expect.arrayContaining(['OTP', 'SMS']), mode: 'required', rememberDeviceDays: 3 });
    await page.getByRole('button', { name: 'MFA policy Billing portal' }).click();
    await page.getByRole('dialog').getByRole('checkbox', { name: 'SMS code' }).uncheck();
    await page.getByRole('dialog').getByText('When enrolled', { exact: true }).click();
    await save(page);
    await expect.poll(mfa).toMatchObject({ enabledFactors: ['OTP'], mode: 'optional' });

    await screenshotsAndAxe(page, 'applications', (p) => row(p, 'Billing portal').waitFor());
    await remove(page, 'Billing portal');
    await expect.poll(async () => (await apps()).some((a) => a.appId === app.appId)).toBe(false);
    expect(owner.errors.filter((e) => !/^4\d\d /.test(e))).toEqual([]);
  });
});
