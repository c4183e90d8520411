import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import type { TestServer } from '../support/server.js';
import { asAdmin, consoleToken, createAdmin, rootMgmt, screenshotsAndAxe, signedInConsole, startConsoleServer } from './support.js';
import { data, field, go, remove, row, save } from './ui.js';

/**
 * The Resources and grants page in Chromium: create, search, edit and delete a resource; grant
 * its actions to a role, a user and a group and revoke them, by clicking; "who has what"
 * (direct and a user's effective permissions) and "check a permission" — each step checked
 * through the vendor ManagementClient (listResources, getResource, getRoleAuthorizedResources,
 * getAuthorizedResources, getGroupAuthorizedResources, isActionAllowed). Also on this file's
 * browser: enum fields of a connector form are selects, and the sending limits of the message
 * services page. An auditor sees no write button and may still check a permission.
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
type Res = { code: string; name: string; type: string; description: string; apiIdentifier: string; actions: Array<{ name: string; description: string }> };
type Authorized = { resourceCode: string; actions: string[] };
const resources = async () => data<{ list: Res[] }>(await mc().listResources({ page: 1, limit: 50 } as never)).list;
const roleGrants = async (code: string) => data<{ list: Authorized[] }>(await mc().getRoleAuthorizedResources({ code } as never)).list;
const userGrants = async (userId: string) => data<{ list: Authorized[] }>(await mc().getAuthorizedResources({ targetType: 'USER', targetIdentifier: userId } as never)).list;
const groupGrants = async (code: string) => data<Authorized[]>(await mc().getGroupAuthorizedResources({ code } as never));
const allowed = async (userId: string, resource: string, action: string) => data<{ allowed: boolean }>(await mc().isActionAllowed({ userId, resource, action } as never)).allowed;
const sorted = (xs: string[] | undefined) => [...(xs ?? [])].sort();

/** A Mantine select inside `scope`: open it, click the option (listed in a portal of the page). */
async function pick(scope: Page | Locator, label: string, option: string | RegExp) {
  await scope.getByRole('combobox', { name: field(label) }).click();
  const page = 'goto' in scope ? scope : scope.page();
  await page.getByRole('option', { name: option, exact: typeof option === 'string' }).click();
}

/** The grant form of a resource: the target, then exactly the actions ticked. */
async function grant(page: Page, code: string, target: { type: 'User' | 'Role' | 'Group'; id: string }, actions: string[]) {
  await page.getByRole('button', { name: `Grant ${code}`, exact: true }).click();
  const form = page.getByRole('dialog');
  await pick(form, 'Granted to', target.type);
  if (target.type === 'User') await form.getByLabel(field('User ID')).fill(target.id);
  else await pick(form, target.type, new RegExp(`\\(${target.id}\\)$`));
  for (const name of ['read', 'write', 'export']) {
    const box = form.getByRole('checkbox', { name, exact: true });
    if (actions.includes(name)) await box.check();
    else await box.uncheck();
  }
  await save(page);
}

/** A fresh page load (the session is kept in the tab), so a test does not start inside another's dialog. */
async function fresh(page: Page) {
  await page.goto(`${s.url}/console/`);
  await page.getByRole('navigation').waitFor();
}

async function checkPermission(page: Page, userId: string, resource: string, action: string) {
  const box = page.getByRole('region', { name: 'Check a permission' });
  await box.getByLabel(field('User ID')).fill(userId);
  await pick(box, 'Resource', resource);
  await pick(box, 'Action', action);
  await box.getByRole('button', { name: 'Check' }).click();
  return box.getByRole('status');
}

describe('resources and grants page', () => {
  it('creates a resource with its actions, refuses a code taken, edits it and finds it by name', async () => {
    const { page } = owner;
    data(await mc().createResource({ code: 'invoices', type: 'DATA', name: 'Invoices', actions: [{ name: 'read', description: '' }] } as never));

    await go(page, 'Resources and grants');
    await page.getByRole('button', { name: 'Create' }).click();
    let form = page.getByRole('dialog');
    await form.getByLabel(field('Code')).fill('reports');
    await pick(form, 'Type', 'API');
    await form.getByLabel(field('Name')).fill('Reports');
    await form.getByLabel(field('Description')).fill('Monthly figures');
    await form.getByLabel(field('API identifier')).fill('https://api.example.com/reports');
    await form.getByLabel('Action 1', { exact: true }).fill('read');
    await form.getByRole('button', { name: 'Add an action' }).click();
    await form.getByLabel('Action 2', { exact: true }).fill('write');
    await form.getByLabel('Description of action 2').fill('Change figures');
    await save(page);
    await row(page, 'reports').waitFor();
    expect((await resources()).find((r) => r.code === 'reports')).toMatchObject({
      type: 'API',
      name: 'Reports',
      description: 'Monthly figures',
      apiIdentifier: 'https://api.example.com/reports',
      actions: [
        { name: 'read', description: '' },
        { name: 'write', description: 'Change figures' },
      ],
    });

    // A code taken is refused with the server's message, in the form.
    await page.getByRole('button', { name: 'Create' }).click();
    form = page.getByRole('dialog');
    await form.getByLabel(field('Code')).fill('invoices');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('alert').waitFor();
    await form.getByRole('button', { name: 'Cancel' }).click();
    await form.waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Edit reports' }).click();
    form = page.getByRole('dialog');
    await form.getByLabel(field('Name')).fill('Quarterly reports');
    await form.getByRole('button', { name: 'Add an action' }).click();
    await form.getByLabel('Action 3', { exact: true }).fill('export');
    await save(page);
    await expect.poll(async () => data<Res>(await mc().getResource({ code: 'reports' } as never))).toMatchObject({ name: 'Quarterly reports', actions: [{ name: 'read' }, { name: 'write' }, { name: 'export' }] });

    // Search by name (list-common-resource matches code, name or description).
    await page.getByRole('textbox', { name: 'Search' }).fill('quarterly');
    await expect.poll(() => row(page, 'invoices').count()).toBe(0);
    await row(page, 'reports').waitFor();
    await page.getByRole('textbox', { name: 'Search' }).fill('');
    await row(page, 'invoices').waitFor();

  });

  // The browser's page carries on from the test above (the resources it made).
  it('grants to a role, a user and a group by clicking, shows who has what, checks a permission, revokes, and deletes the resource with its grants', async () => {
    const { page } = owner;
    const userId = data<{ userId: string }>(await mc().createUser({ email: 'analyst@example.com' } as never)).userId;
    data(await mc().createRole({ code: 'analyst', name: 'Analyst' } as never));
    data(await mc().assignRole({ code: 'analyst', targets: [{ targetType: 'USER', targetIdentifier: userId }] } as never));
    data(await mc().createGroup({ code: 'finance', name: 'Finance', description: '', type: 'STATIC' } as never));
    let form = page.getByRole('dialog');
    // Grants by clicking: read + export to the role, write to the user, read to the group.
    await grant(page, 'reports', { type: 'Role', id: 'analyst' }, ['read', 'export']);
    await expect.poll(async () => (await roleGrants('analyst')).map((g) => [g.resourceCode, sorted(g.actions)])).toEqual([['reports', ['export', 'read']]]);
    await grant(page, 'reports', { type: 'User', id: userId }, ['write']);
    await expect.poll(async () => (await userGrants(userId)).map((g) => [g.resourceCode, g.actions])).toEqual([['reports', ['write']]]);
    await grant(page, 'reports', { type: 'Group', id: 'finance' }, ['read']);
    await expect.poll(async () => (await groupGrants('finance')).map((g) => [g.resourceCode, g.actions])).toEqual([['reports', ['read']]]);
    // Opening the grant form again shows what the role has (what is saved replaces it).
    await page.getByRole('button', { name: 'Grant reports', exact: true }).click();
    form = page.getByRole('dialog');
    await pick(form, 'Granted to', 'Role');
    await pick(form, 'Role', /\(analyst\)$/);
    await expect.poll(() => form.getByRole('checkbox', { name: 'export', exact: true }).isChecked()).toBe(true);
    expect(await form.getByRole('checkbox', { name: 'write', exact: true }).isChecked()).toBe(false);
    await form.getByRole('button', { name: 'Cancel' }).click();

    // Who has what: the role's grants; the user's own and effective ones.
    const who = page.getByRole('region', { name: 'Who has what' });
    await pick(who, 'Role', /\(analyst\)$/);
    await who.getByRole('button', { name: 'Show' }).click();
    await who.getByRole('row', { name: /reports\s*API\s*export, read/ }).waitFor();

    // Check a permission: allowed through the role; denied on a resource nobody was granted.
    const status = await checkPermission(page, userId, 'reports', 'export');
    await status.filter({ hasText: `Allowed: ${userId} may export reports.` }).waitFor();
    expect(await allowed(userId, 'reports', 'export')).toBe(true);
    await checkPermission(page, userId, 'invoices', 'read');
    await status.filter({ hasText: `Denied: ${userId} may not read invoices.` }).waitFor();
    expect(await allowed(userId, 'invoices', 'read')).toBe(false);

    await screenshotsAndAxe(page, 'resources', (p) => p.getByRole('row', { name: /reports\s*API\s*export, read/ }).waitFor());

    // Revoke the role's grant: the user keeps only their own "write".
    await who.getByRole('button', { name: 'Revoke reports' }).click();
    await expect.poll(async () => roleGrants('analyst')).toEqual([]);
    await who.getByText('Nothing here yet.').waitFor();
    await checkPermission(page, userId, 'reports', 'export');
    await status.filter({ hasText: `Denied: ${userId} may not export reports.` }).waitFor();
    expect(await allowed(userId, 'reports', 'export')).toBe(false);
    expect(await allowed(userId, 'reports', 'write')).toBe(true);

    // The user's effective permissions: own grant and (back in the group) the group's.
    data(await mc().addGroupMembers({ code: 'finance', userIds: [userId] } as never));
    await pick(who, 'Granted to', 'User');
    await who.getByLabel(field('User ID')).fill(userId);
    await who.getByRole('button', { name: 'Show' }).click();
    await who.getByRole('row', { name: /reports\s*API\s*write/ }).waitFor();
    await who.getByLabel(/^Everything the user may do/).check();
    await who.getByRole('button', { name: 'Show' }).click();
    await who.getByRole('row', { name: /reports\s*API\s*read, write/ }).waitFor();
    const effective = data<{ list: Authorized[] }>(await mc().getUserAuthorizedResources({ userId } as never)).list;
    expect(effective.map((g) => [g.resourceCode, sorted(g.actions)])).toEqual([['reports', ['read', 'write']]]);
    // Effective permissions are not grants of the user: nothing to revoke there.
    expect(await who.getByRole('button', { name: 'Revoke reports' }).count()).toBe(0);

    // Deleting the resource takes every grant on it.
    await remove(page, 'reports');
    await expect.poll(async () => (await resources()).map((r) => r.code)).toEqual(['invoices']);
    expect(await userGrants(userId)).toEqual([]);
    expect(await groupGrants('finance')).toEqual([]);
    expect(owner.errors.filter((e) => !/^4\d\d /.test(e))).toEqual([]);
  }, 240_000);
});

describe('connector forms and message services', () => {
  it('shows an enum field of a connector schema (WeCom display) as a select, and saves the chosen value', async () => {
    const { page } = owner;
    await fresh(page);
    await go(page, 'Identity sources');
    await page.getByRole('button', { name: 'Create' }).click();
    const form = page.getByRole('dialog');
    await pick(form, 'Provider', /\(wechatwork:corp:qrconnect\)$/);
    // A select, not a text box: its choices are the schema's literals, the default shown.
    expect(await form.getByRole('textbox', { name: field('display') }).count()).toBe(0);
    const display = form.getByRole('combobox', { name: field('display') });
    expect(await display.inputValue()).toBe('redirect');
    await display.click();
    expect(await page.getByRole('option').allInnerTexts()).toEqual(['redirect', 'embedded']);
    await page.getByRole('option', { name: 'embedded', exact: true }).click();
    await form.getByLabel(field('corpId')).fill('ww0123456789');
    await form.getByLabel(field('agentId')).fill('1000002');
    await form.getByLabel(field('secret')).fill('wecom-secret-0123456789');
    await save(page);
    const list = data<{ list: Array<{ id: string; type: string }> }>(await mc().listExtIdp({} as never)).list;
    const detail = data<{ connections: Array<{ fields: Record<string, unknown> }> }>(await mc().getExtIdp({ id: list[0]!.id } as never));
    expect(detail.connections[0]!.fields).toMatchObject({ corpId: 'ww0123456789', agentId: '1000002', display: 'embedded' });
  });

  it('edits the sending limits of codes (per recipient, IP and pool) and shows the server message for a bad one', async () => {
    const { page } = owner;
    const settings = async () => data<{ codeLength: number; quotas: Record<string, number> }>(await mc().makeRequest({ method: 'GET', url: '/api/v3/get-messaging-settings' } as never));
    const before = await settings();
    await fresh(page);
    await go(page, 'Message services');
    const box = page.getByRole('region', { name: 'Codes and sending' });
    await box.getByLabel(field('Per recipient, per hour')).fill('7');
    await box.getByLabel(field('Per user pool, per day')).fill('5000');
    await box.getByRole('button', { name: 'Save' }).click();
    await box.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect(await settings()).toEqual({ ...before, quotas: { ...before.quotas, recipientPerHour: 7, poolPerDay: 5000 } });
    await box.getByLabel(field('Per client IP, per hour')).fill('0');
    await box.getByRole('button', { name: 'Save' }).click();
    await box.getByRole('alert').filter({ hasText: 'quotas.ipPerHour' }).waitFor();
    expect((await settings()).quotas.ipPerHour).toBe(before.quotas.ipPerHour);
  });

  it('keeps what the user types while the saved settings are fetched again', async () => {
    const { page } = owner;
    const settings = async () => data<{ quotas: Record<string, number> }>(await mc().makeRequest({ method: 'GET', url: '/api/v3/get-messaging-settings' } as never));
    await fresh(page);
    await go(page, 'Message services');
    const box = page.getByRole('region', { name: 'Codes and sending' });
    // The save invalidates the settings and the console fetches them again: that answer is held
    // here until the user has typed into the form, then let through (the race the console lost
    // when the refetch landed after "Saved.": it overwrote the typing, src/server-form.ts).
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let requested!: () => void;
    const refetch = new Promise<void>((r) => (requested = r));
    await page.route('**/get-messaging-settings*', async (route) => {
      requested();
      await held;
      await route.continue();
    });
    try {
      await box.getByLabel(field('Per recipient, per hour')).fill('8');
      await box.getByRole('button', { name: 'Save' }).click();
      await box.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      await refetch;
      await box.getByLabel(field('Per user pool, per day')).fill('4000');
      const answered = page.waitForResponse((r) => r.url().includes('get-messaging-settings'));
      release();
      await answered;
      // Let the page apply the answer before looking.
      await page.evaluate(() => new Promise((r) => setTimeout(r, 100)));
      expect(await box.getByLabel(field('Per user pool, per day')).inputValue()).toBe('4000');
      expect(await box.getByLabel(field('Per recipient, per hour')).inputValue()).toBe('8');
      await box.getByRole('button', { name: 'Save' }).click();
      await box.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      expect((await settings()).quotas).toMatchObject({ recipientPerHour: 8, poolPerDay: 4000 });
    } finally {
      release();
      await page.unroute('**/get-messaging-settings*');
    }
  });
});

describe('a read-only auditor on the resources page', () => {
  it('sees resources and grants without a write button, may check a permission, and is refused writes', async () => {
    const userId = data<{ userId: string }>(await mc().createUser({ email: 'seen@example.com' } as never)).userId;
    data(await mc().createResource({ code: 'ledger', type: 'DATA', actions: [{ name: 'read', description: '' }] } as never));
    data(await mc().authorizeResources({ list: [{ targetType: 'USER', targetIdentifiers: [userId], resources: [{ code: 'ledger', actions: ['read'] }] }] } as never));
    await createAdmin(s, 'auditor@example.com', 'auditor');
    const { context, page } = await signedInConsole(browser, s, 'auditor@example.com');
    await go(page, 'Resources and grants');
    await row(page, 'ledger').waitFor();
    const who = page.getByRole('region', { name: 'Who has what' });
    await pick(who, 'Granted to', 'User');
    await who.getByLabel(field('User ID')).fill(userId);
    await who.getByRole('button', { name: 'Show' }).click();
    await who.getByRole('row', { name: /ledger\s*DATA\s*read/ }).waitFor();
    for (const name of [/^Create$/, /^Edit\b/, /^Delete\b/, /^Grant\b/, /^Revoke\b/, /^Change\b/, /^Save$/]) expect([String(name), await page.getByRole('button', { name }).count()]).toEqual([String(name), 0]);
    const status = await checkPermission(page, userId, 'ledger', 'read');
    await status.filter({ hasText: `Allowed: ${userId} may read ledger.` }).waitFor();
    const token = await consoleToken(page);
    for (const [path, body] of [
      ['create-resource', { code: 'nope', type: 'DATA' }],
      ['delete-resource', { code: 'ledger' }],
      ['authorize-resources', { list: [{ targetType: 'USER', targetIdentifiers: [userId], resources: [{ code: 'ledger', actions: [] }] }] }],
    ] as const) expect([path, (await asAdmin(s, token, 'POST', path, body)).apiCode]).toEqual([path, 7500003]);
    expect(await allowed(userId, 'ledger', 'read')).toBe(true);
    await context.close();
  });
});
