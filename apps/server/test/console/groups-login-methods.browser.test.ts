import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import type { TestServer } from '../support/server.js';
import { asAdmin, consoleToken, createAdmin, rootMgmt, screenshotsAndAxe, signedInConsole, startConsoleServer } from './support.js';
import { data, field, go, remove, row, save } from './ui.js';

/**
 * The Groups page and the JitAi login-methods page in Chromium. Groups: create (the server's
 * validation message in the form), search, edit, members added by searching users and removed,
 * delete — each checked through the vendor ManagementClient. Login methods: the `loginTypesDir`
 * folders (one valid and loaded, one made invalid on disk after the start, shown with the
 * server's file#field message), an API instance created, edited and deleted with the JSON
 * editors (an invalid Config.json gets the server's field-naming message), checked over HTTP
 * with the signed vendor client. An auditor sees no write button on either page and the server
 * refuses their writes. Screenshots at 1440×900 in en and zh-CN, axe-core clean.
 */
const E_JSON = JSON.stringify({ title: 'Account Password Login', type: 'auths.loginTypes.PasswordType', default: 1, allowRegister: 1, backendBundleEntry: '.', frontBundleEntry: './Config.json' });
const CONFIG_JSON = JSON.stringify({ authConfig: { salt: 'your_custom_salt_32_chars_long' }, isActive: true, limit: { minLength: 6, maxLength: 20 } });

let s: TestServer;
let browser: Browser;
let owner: { context: BrowserContext; page: Page; errors: string[] };
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-console-jitai-'));
  const folder = (name: string, config: string) => {
    mkdirSync(join(dir, 'auths', 'loginTypes', name), { recursive: true });
    writeFileSync(join(dir, 'auths', 'loginTypes', name, 'e.json'), E_JSON);
    writeFileSync(join(dir, 'auths', 'loginTypes', name, 'Config.json'), config);
  };
  folder('MyPasswordAuth', CONFIG_JSON);
  s = await startConsoleServer({ loginTypesDir: dir });
  // The start refuses an invalid directory, so the invalid folder appears afterwards, as when an
  // operator edits the files of a running server (the next start would fail on it).
  folder('BrokenAuth', JSON.stringify({ isActive: true, limit: { minLength: 0 }, colour: 'red' }));
  browser = await launchChromium();
  await createAdmin(s, 'owner@example.com', 'owner');
  await createAdmin(s, 'auditor@example.com', 'auditor');
  owner = await signedInConsole(browser, s, 'owner@example.com');
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await s?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const mc = () => rootMgmt(s);
type G = { code: string; name: string; description?: string };
const group = async (code: string) => (await mc().getGroup({ code } as never)) as unknown as { statusCode: number; data: G };
const memberIds = async (code: string) => data<{ list: Array<{ userId: string }> }>(await mc().listGroupMembers({ code, page: 1, limit: 50 } as never)).list.map((u) => u.userId).sort();
/** A signed request of the vendor client (the management API over HTTP). */
const signed = (method: 'GET' | 'POST', url: string, body?: Record<string, unknown>) =>
  mc().makeRequest((method === 'GET' ? { method, url, params: body } : { method, url, data: body }) as never) as Promise<{ statusCode: number; apiCode?: number; message: string; data: any }>;

describe('groups page', () => {
  it('creates (showing the server validation message), searches, edits, adds members by searching and removes them, deletes', async () => {
    const { page } = owner;
    const ada = data<{ userId: string }>(await mc().createUser({ email: 'ada@example.com', username: 'ada_l', phone: '13800138001' } as never));
    const grace = data<{ userId: string }>(await mc().createUser({ email: 'grace@example.com', username: 'grace_h' } as never));
    data(await mc().createGroup({ code: 'sales', name: 'Sales' } as never));

    await go(page, 'Groups');
    await row(page, 'Sales').waitFor();
    await page.getByRole('button', { name: 'Create' }).click();
    const form = page.getByRole('dialog');
    await form.getByLabel(field('Code')).fill('bad code!');
    await form.getByLabel(field('Name')).fill('Engineering');
    await form.getByRole('button', { name: 'Save' }).click();
    // The server's validation message, naming the field, in the form; nothing was created.
    await expect.poll(async () => (await form.getByRole('alert').textContent()) ?? '').toContain('body/code: must match pattern');
    // A taken code: the service's message.
    await form.getByLabel(field('Code')).fill('sales');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => (await form.getByRole('alert').textContent()) ?? '').toMatch(/already exists/i);
    expect(data<{ list: G[] }>(await mc().listGroups({ page: 1, limit: 50 } as never)).list.map((g) => g.code)).toEqual(['sales']);
    await form.getByLabel(field('Code')).fill('engineering');
    await form.getByLabel(field('Description')).fill('Builds things');
    await save(page);
    await row(page, 'Engineering').waitFor();
    expect((await group('engineering')).data).toMatchObject({ code: 'engineering', name: 'Engineering', description: 'Builds things', type: 'STATIC' });

    // Search (the server's keywords).
    const search = page.getByRole('textbox', { name: 'Search' });
    await search.fill('engin');
    await expect.poll(() => row(page, 'Sales').count()).toBe(0);
    await row(page, 'Engineering').waitFor();
    await search.fill('');
    await row(page, 'Sales').waitFor();

    // Edit name and description; the code is the group's key and stays.
    await page.getByRole('button', { name: 'Edit engineering', exact: true }).click();
    await expect(page.getByRole('dialog').getByLabel(field('Code')).isDisabled()).resolves.toBe(true);
    await page.getByRole('dialog').getByLabel(field('Name')).fill('Engineering team');
    await page.getByRole('dialog').getByLabel(field('Description')).fill('Builds and runs things');
    await save(page);
    await expect.poll(async () => (await group('engineering')).data).toMatchObject({ name: 'Engineering team', description: 'Builds and runs things' });

    // Members: found by the server's search (username, then phone — not in the option's label), added, removed.
    await page.getByRole('button', { name: 'Members engineering', exact: true }).click();
    const members = page.getByRole('dialog');
    const picker = members.getByRole('textbox', { name: /^User to add/ }).or(members.getByRole('combobox', { name: /^User to add/ }));
    await picker.fill('ada_l');
    await page.getByRole('option', { name: `ada@example.com (${ada.userId})` }).click();
    await members.getByRole('button', { name: 'Add', exact: true }).click();
    await members.getByRole('row', { name: /ada@example.com/ }).waitFor();
    await picker.fill('grace_h');
    await page.getByRole('option', { name: `grace@example.com (${grace.userId})` }).click();
    await members.getByRole('button', { name: 'Add', exact: true }).click();
    await members.getByRole('row', { name: /grace@example.com/ }).waitFor();
    expect(await memberIds('engineering')).toEqual([ada.userId, grace.userId].sort());
    await members.getByRole('button', { name: 'Remove ada@example.com', exact: true }).click();
    await expect.poll(() => members.getByRole('row', { name: /ada@example.com/ }).count()).toBe(0);
    expect(await memberIds('engineering')).toEqual([grace.userId]);
    // Search by phone: the server matched it though the option shows the email.
    await picker.fill('13800138001');
    await page.getByRole('option', { name: `ada@example.com (${ada.userId})` }).waitFor();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await members.waitFor({ state: 'detached' });

    await screenshotsAndAxe(page, 'groups', (p) => row(p, 'Engineering team').waitFor());
    await remove(page, 'engineering');
    await expect.poll(async () => (await group('engineering')).statusCode).not.toBe(200);
    expect(data<{ list: G[] }>(await mc().listGroups({ page: 1, limit: 50 } as never)).list.map((g) => g.code)).toEqual(['sales']);
    expect(owner.errors.filter((e) => !/^4\d\d /.test(e))).toEqual([]);
  });
});

describe('JitAi login-methods page', () => {
  it('shows the loaded folders with their validation errors; creates, edits and deletes an API instance with the JSON editors', async () => {
    const { page } = owner;
    await go(page, 'Login methods (JitAi)');
    // The directory's instance: listed, read-only (no edit or delete).
    await row(page, 'MyPasswordAuth.*Folder \\(read-only\\)').waitFor();
    expect(await page.getByRole('button', { name: 'Edit MyPasswordAuth' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Delete MyPasswordAuth' }).count()).toBe(0);
    // The folders as they are on disk: the valid one loaded, the invalid one with the loader's messages.
    const folders = page.getByRole('table', { name: 'Folders of loginTypesDir' });
    await folders.getByRole('row', { name: /auths\/loginTypes\/MyPasswordAuth\s*Valid\s*Yes/ }).waitFor();
    const broken = folders.getByRole('row', { name: /auths\/loginTypes\/BrokenAuth/ });
    await expect.poll(async () => (await broken.textContent()) ?? '').toContain('2 problem(s)');
    const brokenText = (await broken.textContent())!;
    expect(brokenText).toContain('Loaded at the next start');
    expect(brokenText).toContain('auths/loginTypes/BrokenAuth/Config.json: limit.minLength must be an integer from 1 to 64');
    expect(brokenText).toContain('colour is not a known field');

    // Create with an invalid Config.json: the server's message names each field; nothing is stored.
    await page.getByRole('button', { name: 'Create' }).click();
    const form = page.getByRole('dialog');
    await form.getByLabel(field('Instance name')).fill('ApiAuth');
    await form.getByLabel(field('Element (e.json)')).fill(JSON.stringify({ title: 'API login', type: 'auths.loginTypes.PasswordType', allowRegister: 0 }));
    await form.getByLabel(field('Configuration (Config.json)')).fill(JSON.stringify({ isActive: true, limit: { minLength: 0 }, colour: 'red' }));
    await form.getByRole('button', { name: 'Save' }).click();
    const alert = form.getByRole('alert');
    await expect.poll(async () => (await alert.textContent()) ?? '').toContain('config: limit.minLength must be an integer from 1 to 64');
    expect(await alert.textContent()).toContain('config: colour is not a known field');
    expect(await signed('GET', '/api/v3/get-login-method-instance', { name: 'ApiAuth' })).toMatchObject({ apiCode: 2060014 });
    await form.getByLabel(field('Configuration (Config.json)')).fill(JSON.stringify({ isActive: true, limit: { minLength: 10 }, requireCaptcha: false }));
    await save(page);
    await row(page, 'ApiAuth.*API').waitFor();
    expect(await signed('GET', '/api/v3/get-login-method-instance', { name: 'ApiAuth' })).toMatchObject({
      statusCode: 200,
      data: { source: 'api', element: { title: 'API login', allowRegister: 0 }, config: { isActive: true, limit: { minLength: 10 }, requireCaptcha: false, authConfig: { saltSet: true } } },
    });

    // Edit: the editors hold the stored JSON (without the write-only salt); change the title and deactivate.
    await page.getByRole('button', { name: 'Edit ApiAuth', exact: true }).click();
    const edit = page.getByRole('dialog');
    expect(JSON.parse(await edit.getByLabel(field('Configuration (Config.json)')).inputValue())).toEqual({ isActive: true, limit: { minLength: 10 }, md5Password: false, requireCaptcha: false });
    const element = JSON.parse(await edit.getByLabel(field('Element (e.json)')).inputValue()) as Record<string, unknown>;
    await edit.getByLabel(field('Element (e.json)')).fill(JSON.stringify({ ...element, title: 'API login (renamed)' }));
    await edit.getByLabel(field('Configuration (Config.json)')).fill(JSON.stringify({ isActive: false, limit: { minLength: 10 }, requireCaptcha: false }));
    await save(page);
    await expect.poll(async () => (await signed('GET', '/api/v3/get-login-method-instance', { name: 'ApiAuth' })).data).toMatchObject({ element: { title: 'API login (renamed)' }, config: { isActive: false, authConfig: { saltSet: true } } });

    await screenshotsAndAxe(page, 'login-methods', (p) => p.getByRole('table', { name: /^(Folders of loginTypesDir|loginTypesDir 中的目录)$/ }).getByRole('row', { name: /BrokenAuth/ }).waitFor());
    await remove(page, 'ApiAuth');
    await expect.poll(async () => (await signed('GET', '/api/v3/get-login-method-instance', { name: 'ApiAuth' })).apiCode).toBe(2060014);
    expect(owner.errors.filter((e) => !/^4\d\d /.test(e))).toEqual([]);
  });
});

describe('a read-only auditor', () => {
  it('sees both pages without a write button, and the server refuses the writes behind them', async () => {
    data(await mc().createGroup({ code: 'seen', name: 'Seen group' } as never));
    expect(await signed('POST', '/api/v3/create-login-method-instance', { name: 'SeenAuth', element: { title: 'Seen', type: 'auths.loginTypes.PasswordType' }, config: {} })).toMatchObject({ statusCode: 200 });
    const { context, page } = await signedInConsole(browser, s, 'auditor@example.com');
    await page.getByText('Read-only (auditor)').waitFor();
    const noWrites = async (where: string) => {
      for (const name of [/^Create$/, /^Edit\b/, /^Delete\b/, /^Save$/, /^Add$/, /^Remove\b/]) expect([where, String(name), await page.getByRole('button', { name }).count()]).toEqual([where, String(name), 0]);
    };
    await go(page, 'Groups');
    await row(page, 'Seen group').waitFor();
    await noWrites('groups');
    await page.getByRole('button', { name: 'Members seen', exact: true }).click();
    await page.getByRole('dialog').getByText('Nothing here yet.').waitFor();
    await noWrites('group members');
    expect(await page.getByRole('dialog').getByLabel(/^User to add/).count()).toBe(0);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await go(page, 'Login methods (JitAi)');
    await row(page, 'SeenAuth').waitFor();
    await page.getByRole('table', { name: 'Folders of loginTypesDir' }).getByRole('row', { name: /BrokenAuth/ }).waitFor();
    await noWrites('login methods');
    const token = await consoleToken(page);
    for (const [path, body] of [
      ['create-group', { code: 'nope', name: 'Nope' }],
      ['update-group', { code: 'seen', name: 'Renamed' }],
      ['delete-groups-batch', { codeList: ['seen'] }],
      ['add-group-members', { code: 'seen', userIds: ['u1'] }],
      ['create-login-method-instance', { name: 'Nope', element: { title: 'Nope', type: 'auths.loginTypes.PasswordType' }, config: {} }],
      ['update-login-method-instance', { name: 'SeenAuth', config: { isActive: false } }],
      ['delete-login-method-instance', { name: 'SeenAuth' }],
    ] as const) expect([path, (await asAdmin(s, token, 'POST', path, body)).apiCode]).toEqual([path, 7500003]);
    expect((await group('seen')).data).toMatchObject({ name: 'Seen group' });
    await context.close();
  });
});
