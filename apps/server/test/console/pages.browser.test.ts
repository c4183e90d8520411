import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot } from '../support/browser.js';
import { boundManagementClient, type TestServer } from '../support/server.js';
import { axe, createAdmin, rootMgmt, screenshotsAndAxe, signedInConsole, startConsoleServer } from './support.js';
import { data, field, go, remove, row, save } from './ui.js';

/**
 * The console's pages in Chromium, one test each: create, edit and delete through the UI, each
 * result checked through the vendor ManagementClient (or a signed call where the SDK has no
 * method); a screenshot at 1440×900 in en and zh-CN with axe-core clean. Then a read-only
 * auditor on every page: no write button anywhere (the server refuses them too:
 * sign-in.browser.test.ts). One server, one browser, one signed-in owner for the file.
 */
let s: TestServer;
let browser: Browser;
let owner: { context: BrowserContext; page: Page; errors: string[] };
let receiver: Server;
const received: Array<{ event: string }> = [];
let HOOK = '';

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      try {
        received.push(JSON.parse(body) as { event: string });
      } catch {
        received.push({ event: 'unparsed' });
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  HOOK = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  // Webhook deliveries go to loopback in this test: the operator allows it (GATEHOUSE_OUTBOUND_ALLOW).
  s = await startConsoleServer({ outboundAllow: '127.0.0.1' });
  browser = await launchChromium();
  await createAdmin(s, 'owner@example.com', 'owner');
  await createAdmin(s, 'auditor@example.com', 'auditor');
  owner = await signedInConsole(browser, s, 'owner@example.com');
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await s?.close();
  await new Promise((r) => receiver?.close(r));
});

const mc = () => rootMgmt(s);

describe('console pages (owner)', () => {
  it('user pools: an owner creates one and its first access key is shown once (and works for that pool)', async () => {
    const { page } = owner;
    await go(page, 'User pools');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('dialog').getByLabel(field('Name')).fill('Branch office');
    await page.getByRole('dialog').getByLabel(field('Pool ID')).fill('branch');
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    const secret = (await page.getByTestId('secret').textContent())!;
    const keyId = (await page.getByRole('dialog').getByText(/^Access key ID: /).textContent())!.replace('Access key ID: ', '');
    await page.keyboard.press('Escape');
    await row(page, 'Branch office').waitFor();
    const branch = boundManagementClient({ accessKeyId: keyId, accessKeySecret: secret, host: s.url });
    const apps = (await branch.listApplications({ page: 1, limit: 10 } as never)) as { statusCode: number; data: { list: Array<{ userPoolId: string }> } };
    expect(apps.statusCode).toBe(200);
    for (const a of apps.data.list) expect(a.userPoolId).toBe('branch');
    await screenshotsAndAxe(page, 'pools', (p) => row(p, 'Branch office').waitFor());
  });

  it('webhooks: create (secret shown once), test delivery and redeliver, edit, delete', async () => {
    const { page } = owner;
    await go(page, 'Webhooks');
    await page.getByRole('button', { name: 'Create' }).click();
    const form = page.getByRole('dialog');
    await form.getByLabel(field('Name')).fill('Audit sink');
    await form.getByLabel(field('URL')).fill(HOOK);
    await form.getByRole('checkbox', { name: 'user:created' }).check();
    await form.getByRole('button', { name: 'Save' }).click();
    // The generated signing secret is shown once.
    await expect.poll(() => page.getByTestId('secret').textContent()).toMatch(/^whsec_/);
    await page.getByRole('dialog').getByRole('button', { name: 'Copy' }).waitFor();
    await page.keyboard.press('Escape');
    await row(page, 'Audit sink').waitFor();
    const hooks = data<{ list: Array<{ webhookId: string; name: string; url: string; events: string[] }> }>(await mc().listWebhooks({ page: 1, limit: 10 } as never)).list;
    expect(hooks).toEqual([expect.objectContaining({ name: 'Audit sink', url: HOOK, events: ['user:created'] })]);

    // A test delivery reaches the receiver and is listed; redelivering it sends it again.
    await page.getByRole('button', { name: 'Deliveries Audit sink' }).click();
    await page.getByRole('button', { name: 'Send a test event' }).click();
    await expect.poll(() => received.length).toBe(1);
    await page.getByRole('dialog').getByRole('button', { name: 'Redeliver' }).first().click();
    await expect.poll(() => received.length).toBe(2);
    await page.keyboard.press('Escape');

    await screenshotsAndAxe(page, 'webhooks', (p) => row(p, 'Audit sink').waitFor());
    await page.getByRole('button', { name: 'Edit Audit sink' }).click();
    await page.getByRole('dialog').getByLabel(field('Name')).fill('Audit sink 2');
    await save(page);
    await row(page, 'Audit sink 2').waitFor();
    expect(data<{ name: string }>(await mc().getWebhook({ webhookId: hooks[0]!.webhookId } as never)).name).toBe('Audit sink 2');
    await remove(page, 'Audit sink 2');
    await expect.poll(async () => data<{ list: unknown[] }>(await mc().listWebhooks({ page: 1, limit: 10 } as never)).list).toEqual([]);
  });

  it('custom fields: create an enum field of users, edit its label, delete it', async () => {
    const { page } = owner;
    await go(page, 'Custom fields');
    await page.getByRole('button', { name: 'Create' }).click();
    const form = page.getByRole('dialog');
    await form.getByLabel(field('Key')).fill('tier');
    await form.getByLabel(field('Label')).fill('Tier');
    await form.getByRole('textbox', { name: 'Data type' }).or(form.getByRole('combobox', { name: 'Data type' })).click();
    await page.getByRole('option', { name: 'ENUM', exact: true }).click();
    await form.getByLabel(/^Options/).fill('gold=Gold\nsilver=Silver');
    await save(page);
    await row(page, 'tier').waitFor();
    const fields = data<Array<{ key: string; dataType: string; options: unknown[] }>>(await mc().getCustomFields({ targetType: 'USER' } as never));
    expect(fields).toEqual([expect.objectContaining({ key: 'tier', dataType: 'ENUM', options: [{ value: 'gold', label: 'Gold' }, { value: 'silver', label: 'Silver' }] })]);
    await screenshotsAndAxe(page, 'custom-fields', (p) => row(p, 'tier').waitFor());
    await page.getByRole('button', { name: 'Edit tier' }).click();
    await page.getByRole('dialog').getByLabel(field('Label')).fill('Loyalty tier');
    await save(page);
    await row(page, 'Loyalty tier').waitFor();
    expect(data<Array<{ label: string }>>(await mc().getCustomFields({ targetType: 'USER' } as never))[0]!.label).toBe('Loyalty tier');
    await remove(page, 'tier');
    await expect.poll(async () => data<unknown[]>(await mc().getCustomFields({ targetType: 'USER' } as never))).toEqual([]);
  });

  it('MFA: require OTP and SMS for the pool, then turn it off again', async () => {
    const { page } = owner;
    const read = async () => data<{ enabledFactors: string[]; mode: string; rememberDeviceDays: number }>(await mc().makeRequest({ method: 'GET', url: '/api/v3/get-global-mfa-settings' }));
    await go(page, 'Multi-factor authentication');
    await page.getByRole('checkbox', { name: 'Authenticator app (TOTP)' }).check();
    await page.getByRole('checkbox', { name: 'SMS code' }).check();
    await page.getByText('Required', { exact: true }).click();
    await page.getByLabel(/^Remember a device/).fill('7');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect(await read()).toMatchObject({ enabledFactors: expect.arrayContaining(['OTP', 'SMS']), mode: 'required', rememberDeviceDays: 7 });
    await screenshotsAndAxe(page, 'mfa', (p) => p.getByRole('checkbox', { name: /TOTP|TOTP）/ }).waitFor());
    await page.getByText('Off', { exact: true }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect((await read()).mode).toBe('off');
  });

  it('pipeline: create a function, a syntax error is refused with the compiler message, edit, runs, delete', async () => {
    const { page } = owner;
    const list = async () => data<{ list: Array<{ funcId: string; funcName: string; sourceCode: string; scene: string }> }>(await mc().makeRequest({ method: 'GET', url: '/api/v3/list-pipeline-functions' })).list;
    await go(page, 'Pipeline');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('dialog').getByLabel(field('Name')).fill('Allow all');
    await save(page);
    await row(page, 'Allow all').waitFor();
    expect(await list()).toEqual([expect.objectContaining({ funcName: 'Allow all', scene: 'PRE_AUTHENTICATION', sourceCode: expect.stringContaining('async function pipe') })]);
    await screenshotsAndAxe(page, 'pipeline', (p) => row(p, 'Allow all').waitFor());
    await page.getByRole('button', { name: 'Edit Allow all' }).click();
    const form = page.getByRole('dialog');
    await form.getByLabel(field('Source code')).fill('async function pipe(user, context, callback) { return callback(null, user, context) ');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('alert').waitFor();
    expect((await list())[0]!.sourceCode).toContain('return callback(null, user, context);');
    await form.getByLabel(field('Source code')).fill('async function pipe(user, context, callback) {\n  console.log("checked", user.userId);\n  return callback(null, user, context);\n}\n');
    // Highlighted as typed: keywords, strings and comments are coloured in the copy under the field.
    await expect.poll(() => form.locator('.gh-code-keyword').allTextContents()).toEqual(['async', 'function', 'return', 'null']);
    await expect.poll(() => form.locator('.gh-code-string').allTextContents()).toEqual(['"checked"']);
    expect(await axe(page)).toEqual([]);
    await screenshot(page, 'console/pipeline-editor-en');
    await form.getByLabel(field('Name')).fill('Log and allow');
    await save(page);
    await row(page, 'Log and allow').waitFor();
    expect((await list())[0]).toMatchObject({ funcName: 'Log and allow', sourceCode: expect.stringContaining('console.log') });
    await page.getByRole('button', { name: 'Runs Log and allow' }).click();
    await page.getByRole('dialog').getByText('Nothing here yet.').waitFor();
    await page.keyboard.press('Escape');
    await remove(page, 'Log and allow');
    await expect.poll(list).toEqual([]);
  });

  it('access keys: create (the secret shown once works for a signed call), disable, delete', async () => {
    const { page } = owner;
    const keys = async () => data<Array<{ accessKeyId: string; enable: boolean }>>(await mc().getAccessKeyList({} as never));
    const before = (await keys()).map((k) => k.accessKeyId);
    await go(page, 'Access keys');
    await page.getByRole('button', { name: 'Create' }).click();
    const secret = (await page.getByTestId('secret').textContent())!;
    await page.keyboard.press('Escape');
    const created = (await keys()).find((k) => !before.includes(k.accessKeyId))!;
    expect(created.enable).toBe(true);
    const signed = boundManagementClient({ accessKeyId: created.accessKeyId, accessKeySecret: secret, host: s.url });
    expect(((await signed.listApplications({ page: 1, limit: 1 } as never)) as { statusCode: number }).statusCode).toBe(200);
    await row(page, created.accessKeyId).waitFor();
    await screenshotsAndAxe(page, 'access-keys', (p) => row(p, created.accessKeyId).waitFor());
    await page.getByRole('button', { name: `Disable ${created.accessKeyId}` }).click();
    await expect.poll(async () => (await keys()).find((k) => k.accessKeyId === created.accessKeyId)?.enable).toBe(false);
    await remove(page, created.accessKeyId);
    await expect.poll(async () => (await keys()).some((k) => k.accessKeyId === created.accessKeyId)).toBe(false);
  });

  it('organizations: create, search, rename, delete', async () => {
    const { page } = owner;
    await go(page, 'Organizations');
    await page.getByRole('button', { name: 'Create' }).click();
    const form = page.getByRole('dialog');
    await form.getByLabel(field('Code')).fill('acme');
    await form.getByLabel(field('Name')).fill('Acme Corp');
    await save(page);
    await row(page, 'Acme Corp').waitFor();
    expect(data<{ organizationName: string }>(await mc().getOrganization({ organizationCode: 'acme' } as never)).organizationName).toBe('Acme Corp');
    await page.getByRole('textbox', { name: 'Search' }).fill('acm');
    await row(page, 'Acme Corp').waitFor();
    await screenshotsAndAxe(page, 'organizations', (p) => row(p, 'Acme').waitFor());
    await page.getByRole('button', { name: 'Edit Acme Corp' }).click();
    await page.getByRole('dialog').getByLabel(field('Name')).fill('Acme Group');
    await save(page);
    await row(page, 'Acme Group').waitFor();
    expect(data<{ organizationName: string }>(await mc().getOrganization({ organizationCode: 'acme' } as never)).organizationName).toBe('Acme Group');
    await remove(page, 'Acme Group');
    await expect.poll(async () => ((await mc().getOrganization({ organizationCode: 'acme' } as never)) as { statusCode: number }).statusCode).not.toBe(200);
    expect(owner.errors.filter((e) => !/^4\d\d /.test(e))).toEqual([]);
  });
});

describe('a read-only auditor', () => {
  it('sees every page without a single write button', async () => {
    // Something to list on each page, made through the API.
    data(await mc().createOrganization({ organizationCode: 'seen', organizationName: 'Seen Org' } as never));
    data(await mc().createWebhook({ name: 'Seen hook', url: HOOK, events: ['user:created'], contentType: 'application/json' } as never));
    const { context, page } = await signedInConsole(browser, s, 'auditor@example.com');
    await page.getByText('Read-only (auditor)').waitFor();
    const pages: Array<[string, string]> = [
      ['Applications', 'Default'],
      ['Identity sources', ''],
      ['Users', ''],
      ['Roles', ''],
      ['Organizations', 'Seen Org'],
      ['Custom fields', ''],
      ['Access keys', ''],
      ['Webhooks', 'Seen hook'],
      ['Multi-factor authentication', ''],
      ['Pipeline', ''],
    ];
    for (const [nav, text] of pages) {
      await go(page, nav);
      if (text) await row(page, text).waitFor();
      for (const name of [/^Create$/, /^Edit\b/, /^Delete\b/, /^Show secret\b/, /^Save$/]) expect([nav, await page.getByRole('button', { name }).count()]).toEqual([nav, 0]);
    }
    await context.close();
  });
});
