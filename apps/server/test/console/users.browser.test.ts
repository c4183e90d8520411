import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { authClient, type TestServer } from '../support/server.js';
import { ok, prepareDefaultApp } from '../support/sign-in.js';
import { axe, createAdmin, rootMgmt, screenshotsAndAxe, signedInConsole, startConsoleServer } from './support.js';
import { data, field, go, remove, row, save } from './ui.js';

/**
 * The Users page in Chromium: search by any identifier, create, edit, block/unblock, reset the
 * password, force logout, and a user's login history, identities, MFA factors and roles — each
 * step checked through the vendor ManagementClient (or the user's own sign-in and token);
 * screenshots at 1440×900 in en and zh-CN with axe-core clean.
 */
let s: TestServer;
let browser: Browser;
let owner: { context: BrowserContext; page: Page; errors: string[] };
let appSecret = '';

beforeAll(async () => {
  s = await startConsoleServer();
  browser = await launchChromium();
  appSecret = await prepareDefaultApp(s);
  await createAdmin(s, 'owner@example.com', 'owner');
  owner = await signedInConsole(browser, s, 'owner@example.com');
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

const mc = () => rootMgmt(s);
const client = () => authClient({ appId: s.defaultAppId, appSecret, host: s.url });
/** The OIDC userinfo endpoint: 200 while the access token is live, 401 once revoked. */
const me = (token: string) => fetch(`${s.url}/oidc/me`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
type U = { userId: string; email: string; username: string; phone: string; name: string; status: string };
const user = async (userId: string) => data<U>(await mc().getUser({ userId } as never));

async function userAction(page: Page, name: string, item: string) {
  await page.getByRole('button', { name: `Actions ${name}`, exact: true }).click();
  await page.getByRole('menuitem', { name: item, exact: true }).click();
}

describe('users page', () => {
  it('creates, searches by any identifier, edits, blocks and unblocks, resets the password, forces logout, shows history, identities, MFA and roles, deletes', async () => {
    const { page } = owner;
    await go(page, 'Users');
    await page.getByRole('button', { name: 'Create' }).click();
    const form = page.getByRole('dialog');
    await form.getByLabel(field('Email')).fill('ada@example.com');
    await form.getByLabel(field('Username')).fill('ada_l');
    await form.getByLabel(field('Phone')).fill('13800138000');
    await form.getByLabel(field('Password')).fill('orchid lantern seventeen');
    await save(page);
    await row(page, 'ada@example.com').waitFor();
    const listed = data<{ list: U[] }>(await mc().listUsers({ options: { pagination: { page: 1, limit: 10 } } } as never)).list;
    const ada = listed.find((u) => u.email === 'ada@example.com')!;
    expect(ada).toMatchObject({ username: 'ada_l', phone: '13800138000', status: 'Activated' });
    data(await mc().createUser({ email: 'grace@example.com', username: 'grace_h' } as never));

    // Search by any identifier: username, phone, and the user id.
    const search = page.getByRole('textbox', { name: 'Search' });
    for (const q of ['ada_l', '138001', ada.userId]) {
      await search.fill(q);
      await row(page, 'ada@example.com').waitFor();
      await expect.poll(() => row(page, 'grace@example.com').count()).toBe(0);
    }
    await search.fill('');
    await row(page, 'grace@example.com').waitFor();

    await page.getByRole('button', { name: 'Edit ada@example.com' }).click();
    await page.getByRole('dialog').getByLabel(field('Name')).fill('Ada Lovelace');
    await save(page);
    await expect.poll(async () => (await user(ada.userId)).name).toBe('Ada Lovelace');

    // Block, then unblock.
    await userAction(page, 'ada@example.com', 'Block');
    await expect.poll(async () => (await user(ada.userId)).status).toBe('Suspended');
    await row(page, 'Suspended').waitFor();
    expect((await client().signInByEmailPassword({ email: 'ada@example.com', password: 'orchid lantern seventeen' })).statusCode).not.toBe(200);
    await userAction(page, 'ada@example.com', 'Unblock');
    await expect.poll(async () => (await user(ada.userId)).status).toBe('Activated');

    // Reset the password: the new one signs in, the old one no longer does.
    await userAction(page, 'ada@example.com', 'Reset password');
    await page.getByRole('dialog').getByLabel(field('New password')).fill('quartz meadow ninety two');
    await save(page);
    const signedIn = ok(await client().signInByEmailPassword({ email: 'ada@example.com', password: 'quartz meadow ninety two' }));
    expect((await client().signInByEmailPassword({ email: 'ada@example.com', password: 'orchid lantern seventeen' })).statusCode).not.toBe(200);

    // Force logout: the user's access token stops working.
    const token = signedIn.data.access_token as string;
    expect(await me(token)).toBe(200);
    await userAction(page, 'ada@example.com', 'Force logout');
    await page.getByRole('status').filter({ hasText: 'Done.' }).waitFor();
    await expect.poll(() => me(token)).toBe(401);

    // Details: login history, an identity linked through the API, MFA factors, roles.
    const idp = data<{ id: string }>(await mc().createExtIdp({ name: 'GitHub', type: 'github' } as never));
    data(await mc().createExtIdpConn({ extIdpId: idp.id, type: 'github', identifier: 'github', displayName: 'GitHub', fields: { clientId: 'gh-client', clientSecret: 'gh-secret-0123456789' } } as never));
    data(await mc().linkIdentity({ userId: ada.userId, extIdpId: idp.id, userIdInIdp: 'corp-4242' } as never));
    data(await mc().createRole({ code: 'auditors', name: 'Auditors' } as never));
    await page.getByRole('button', { name: 'Details ada@example.com' }).click();
    const details = page.getByRole('dialog');
    await details.getByRole('row', { name: /Succeeded/ }).first().waitFor();
    await details.getByRole('row', { name: /Failed/ }).first().waitFor();
    await details.getByRole('tab', { name: 'Identities' }).click();
    await details.getByRole('row', { name: /corp-4242/ }).waitFor();
    await details.getByRole('tab', { name: 'MFA factors' }).click();
    await details.getByRole('row', { name: /Authenticator app \(TOTP\)\s*Disabled/ }).waitFor();
    await details.getByRole('button', { name: /^Reset MFA/ }).click();
    await expect.poll(async () => data<{ list: Array<{ subject: string }> }>(await mc().makeRequest({ method: 'GET', url: '/api/v3/console/audit-logs', params: { type: 'mfa:reset' } } as never)).list.some((e) => e.subject === ada.userId)).toBe(true);
    await details.getByRole('tab', { name: 'Roles' }).click();
    await details.getByRole('textbox', { name: 'Role to assign' }).or(details.getByRole('combobox', { name: 'Role to assign' })).click();
    await page.getByRole('option', { name: 'Auditors (auditors)' }).click();
    await details.getByRole('button', { name: 'Assign' }).click();
    await details.getByRole('row', { name: /auditors/ }).waitFor();
    await expect.poll(async () => data<{ list: Array<{ code: string }> }>(await mc().getUserRoles({ userId: ada.userId } as never)).list.map((r) => r.code)).toEqual(['auditors']);
    // The details dialog's screenshots (en and zh-CN) are taken by user-details.browser.test.ts.
    expect(await axe(page)).toEqual([]);
    await details.getByRole('button', { name: 'Revoke auditors' }).click();
    await expect.poll(async () => data<{ list: unknown[] }>(await mc().getUserRoles({ userId: ada.userId } as never)).list).toEqual([]);
    await page.keyboard.press('Escape');
    await details.waitFor({ state: 'detached' });

    await screenshotsAndAxe(page, 'users', (p) => row(p, 'ada@example.com').waitFor());
    await remove(page, 'ada@example.com');
    await expect.poll(async () => ((await mc().getUser({ userId: ada.userId } as never)) as { statusCode: number }).statusCode).not.toBe(200);
    expect(owner.errors.filter((e) => !/^4\d\d /.test(e))).toEqual([]);
  });
});
