import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import type { TestServer } from '../support/server.js';
import { ADMIN_PASSWORD, asAdmin, consoleToken, createAdmin, rootMgmt, screenshotsAndAxe, signedInConsole, startConsoleServer } from './support.js';
import { field, go, remove, row, save } from './ui.js';

/**
 * The Administrators page (docs/console.md "Administrators"), owners only: an owner creates a
 * pool administrator by clicking, who signs in, does not see the page and is refused by the API
 * (console.owner_only), as an auditor is; the owner changes the role and removes them; the last
 * owner can be neither demoted nor removed. Each change is in the system pool's audit log with
 * the owner's id as the actor.
 */
let s: TestServer;
let browser: Browser;
let owner: { context: BrowserContext; page: Page; errors: string[]; token: string; userId: string };

beforeAll(async () => {
  s = await startConsoleServer();
  browser = await launchChromium();
  const created = await rootMgmt(s).makeRequest({ method: 'POST', url: '/api/v3/create-userpool', data: { name: 'Partners', userPoolId: 'partners' } });
  expect((created as { statusCode: number }).statusCode).toBe(200);
  const { userId } = await createAdmin(s, 'owner@example.com', 'owner');
  await createAdmin(s, 'auditor@example.com', 'auditor');
  const signedIn = await signedInConsole(browser, s, 'owner@example.com');
  owner = { ...signedIn, token: await consoleToken(signedIn.page), userId };
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

type Admin = { userId: string; email: string; role: string; poolIds: string[] };
const admins = async () => {
  const r = await asAdmin(s, owner.token, 'GET', 'console/list-administrators');
  expect(r.statusCode, r.message).toBe(200);
  return r.data.list as Admin[];
};
const audit = async (type: string) => {
  const r = await asAdmin(s, owner.token, 'GET', `console/audit-logs?type=${type}`, undefined, 'gatehouse-admin');
  expect(r.statusCode, r.message).toBe(200);
  return r.data.list as Array<{ actor: string; subject: string; data: Record<string, unknown> }>;
};

describe('administrators page', () => {
  it('an owner creates a pool administrator, who neither sees the page nor may call its API; the owner changes the role and removes them', async () => {
    const { page } = owner;
    await go(page, 'Administrators');
    await row(page, 'owner@example.com').waitFor();
    await page.getByRole('button', { name: 'Create' }).click();
    const form = page.getByRole('dialog');
    await form.getByLabel(field('Email')).fill('ops@example.com');
    await form.getByLabel(/^Password/).fill(ADMIN_PASSWORD);
    await form.getByRole('radio', { name: 'Pool administrator' }).check();
    await form.getByRole('checkbox', { name: 'Partners (partners)' }).check();
    await save(page);
    await row(page, 'ops@example.com').waitFor();
    const ops = (await admins()).find((a) => a.email === 'ops@example.com')!;
    expect(ops).toMatchObject({ role: 'pool-admin', poolIds: ['partners'] });
    await expect.poll(async () => (await audit('administrator:created')).find((e) => e.subject === ops.userId)?.actor).toBe(`admin:${owner.userId}`);

    await page.getByRole('textbox', { name: 'Search' }).fill('ops@');
    await expect.poll(() => page.getByRole('row').count()).toBe(2); // the header and ops
    await screenshotsAndAxe(page, 'administrators', (p) => row(p, 'ops@example.com').waitFor());
    await page.getByRole('textbox', { name: 'Search' }).fill('');

    // The pool administrator signs in: no Administrators link, and the API refuses them.
    const opsConsole = await signedInConsole(browser, s, 'ops@example.com');
    await opsConsole.page.getByRole('navigation').getByRole('link', { name: 'Users', exact: true }).waitFor();
    expect(await opsConsole.page.getByRole('navigation').getByRole('link', { name: 'Administrators' }).count()).toBe(0);
    const opsToken = await consoleToken(opsConsole.page);
    for (const [method, path, body] of [
      ['GET', 'console/list-administrators', undefined],
      ['POST', 'console/create-administrator', { email: 'sneaky@example.com', role: 'owner' }],
      ['POST', 'console/update-administrator', { userId: ops.userId, role: 'owner' }],
      ['POST', 'console/delete-administrator', { userId: owner.userId }],
    ] as const) {
      expect(await asAdmin(s, opsToken, method, path, body, 'partners')).toMatchObject({ statusCode: 403, apiCode: 7500010 });
    }
    await opsConsole.context.close();

    // The owner makes them an auditor of every pool, then removes them: their token stops working at once.
    await page.getByRole('button', { name: 'Edit ops@example.com' }).click();
    await page.getByRole('dialog').getByRole('radio', { name: 'Auditor (read-only)' }).check();
    await page.getByRole('dialog').getByRole('checkbox', { name: 'Partners (partners)' }).uncheck();
    await save(page);
    await row(page, 'Auditor').filter({ hasText: 'ops@example.com' }).waitFor();
    expect((await admins()).find((a) => a.userId === ops.userId)).toMatchObject({ role: 'auditor', poolIds: [] });
    await expect.poll(async () => (await audit('administrator:updated')).find((e) => e.subject === ops.userId)).toMatchObject({ actor: `admin:${owner.userId}`, data: { role: 'auditor' } });
    await remove(page, 'ops@example.com');
    await expect.poll(async () => (await admins()).some((a) => a.userId === ops.userId)).toBe(false);
    expect((await audit('administrator:deleted')).find((e) => e.subject === ops.userId)?.actor).toBe(`admin:${owner.userId}`);
    expect(await asAdmin(s, opsToken, 'GET', 'console/me', undefined, 'partners')).toMatchObject({ statusCode: 403, apiCode: 7500002 });
  });

  it('a generated password is shown once and signs the new administrator in', async () => {
    const { page } = owner;
    await go(page, 'Administrators');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('dialog').getByLabel(field('Email')).fill('generated@example.com');
    await page.getByRole('dialog').getByRole('radio', { name: 'Owner (every pool)' }).check();
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    const password = (await page.getByTestId('secret').textContent())!;
    expect(password.length).toBeGreaterThanOrEqual(16);
    await page.keyboard.press('Escape');
    expect((await admins()).find((a) => a.email === 'generated@example.com')?.role).toBe('owner');
    const context = await browser.newContext();
    const p = await context.newPage();
    await p.goto(`${s.url}/console/`);
    await p.waitForURL((u) => u.pathname.includes('/interaction/'));
    await p.getByLabel(/email, phone or username/i).fill('generated@example.com');
    await p.getByLabel(/^password$/i).fill(password);
    await p.getByRole('button', { name: /^sign in$/i }).click();
    await p.getByRole('navigation').getByRole('link', { name: 'Administrators' }).waitFor();
    await context.close();
    await remove(page, 'generated@example.com');
    await expect.poll(async () => (await admins()).some((a) => a.email === 'generated@example.com')).toBe(false);
  });

  it('a removed administrator is invited again: the same user gets the role back with a new password; a current one is admin_exists', async () => {
    const first = await asAdmin(s, owner.token, 'POST', 'console/create-administrator', { email: 'again@example.com', role: 'owner' });
    expect(first.statusCode, first.message).toBe(200);
    const userId = first.data.userId as string;
    expect(await asAdmin(s, owner.token, 'POST', 'console/create-administrator', { email: 'again@example.com', role: 'auditor' })).toMatchObject({ statusCode: 409, apiCode: 7500005 });
    expect((await asAdmin(s, owner.token, 'POST', 'console/delete-administrator', { userId })).statusCode).toBe(200);
    expect((await admins()).some((a) => a.userId === userId)).toBe(false);

    // Invited again without a password: the kept user, a generated password shown once, the new role.
    const again = await asAdmin(s, owner.token, 'POST', 'console/create-administrator', { email: 'again@example.com', role: 'pool-admin', poolIds: ['partners'] });
    expect(again.statusCode, again.message).toBe(200);
    expect(again.data).toMatchObject({ userId, email: 'again@example.com', role: 'pool-admin', poolIds: ['partners'] });
    expect((again.data.password as string).length).toBeGreaterThanOrEqual(16);
    expect((await admins()).find((a) => a.userId === userId)).toMatchObject({ role: 'pool-admin', poolIds: ['partners'] });
    await expect.poll(async () => (await audit('administrator:created')).filter((e) => e.subject === userId).length).toBe(2);
    // The generated password signs them in to the console.
    const context = await browser.newContext();
    const p = await context.newPage();
    await p.goto(`${s.url}/console/`);
    await p.waitForURL((u) => u.pathname.includes('/interaction/'));
    await p.getByLabel(/email, phone or username/i).fill('again@example.com');
    await p.getByLabel(/^password$/i).fill(again.data.password as string);
    await p.getByRole('button', { name: /^sign in$/i }).click();
    await p.getByRole('navigation').getByRole('link', { name: 'Users', exact: true }).waitFor();
    await context.close();
    expect(await asAdmin(s, owner.token, 'POST', 'console/create-administrator', { email: 'again@example.com', role: 'owner' })).toMatchObject({ statusCode: 409, apiCode: 7500005 });

    // Removed and invited once more with a password chosen by the owner: that one is set.
    expect((await asAdmin(s, owner.token, 'POST', 'console/delete-administrator', { userId })).statusCode).toBe(200);
    const third = await asAdmin(s, owner.token, 'POST', 'console/create-administrator', { email: 'again@example.com', role: 'auditor', password: ADMIN_PASSWORD });
    expect(third.statusCode, third.message).toBe(200);
    expect(third.data).toMatchObject({ userId, role: 'auditor' });
    expect(third.data.password).toBeUndefined();
    const auditor = await signedInConsole(browser, s, 'again@example.com');
    await auditor.page.getByText('Read-only (auditor)').waitFor();
    await auditor.context.close();
    expect((await asAdmin(s, owner.token, 'POST', 'console/delete-administrator', { userId })).statusCode).toBe(200);
  });

  it('the last owner can be neither demoted nor removed', async () => {
    const { page } = owner;
    await go(page, 'Administrators');
    await page.getByRole('button', { name: 'Edit owner@example.com' }).click();
    await page.getByRole('dialog').getByRole('radio', { name: 'Auditor (read-only)' }).check();
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await page.getByRole('dialog').getByRole('alert').filter({ hasText: 'The last owner cannot be removed or given another role.' }).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Delete owner@example.com', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('alert').filter({ hasText: 'The last owner' }).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    expect((await admins()).find((a) => a.userId === owner.userId)?.role).toBe('owner');
    expect(await asAdmin(s, owner.token, 'POST', 'console/delete-administrator', { userId: owner.userId })).toMatchObject({ statusCode: 409, apiCode: 7500011 });
  });

  it('an auditor is refused by the API and has no Administrators page', async () => {
    const auditor = await signedInConsole(browser, s, 'auditor@example.com');
    await auditor.page.getByText('Read-only (auditor)').waitFor();
    expect(await auditor.page.getByRole('navigation').getByRole('link', { name: 'Administrators' }).count()).toBe(0);
    const token = await consoleToken(auditor.page);
    expect(await asAdmin(s, token, 'GET', 'console/list-administrators')).toMatchObject({ statusCode: 403, apiCode: 7500010 });
    expect(await asAdmin(s, token, 'POST', 'console/create-administrator', { email: 'x@example.com', role: 'owner' })).toMatchObject({ statusCode: 403 });
    await auditor.context.close();
    expect(owner.errors.filter((e) => !/^(4\d\d) /.test(e))).toEqual([]);
  });
});
