import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slapdAvailable, startSlapd, type SlapdFixture } from '../../../../packages/connectors/test/fixtures/directories/index.js';
import { captureLog } from '../passcode/support.js';
import { launchChromium, screenshot } from '../support/browser.js';
import { authClient, type TestServer } from '../support/server.js';
import { prepareDefaultApp } from '../support/sign-in.js';
import { asAdmin, axe, consoleToken, createAdmin, rootMgmt, screenshotsAndAxe, setLanguage, signedInConsole, startConsoleServer } from './support.js';

/**
 * The console's settings-like pages in Chromium (the other pages: pages.browser.test.ts): the
 * dashboard's chart, the audit log's filters and CSV export, roles, message services (templates
 * in en and zh-CN with preview, "send a test message"), security settings, the departments tree
 * of an organisation, "run with sample input" on the pipeline page and "test connection" of a
 * directory against a real slapd. Each change is made by clicking and checked through the vendor
 * ManagementClient (or a signed call where the SDK has no method); each page is screenshot at
 * 1440×900 in en and zh-CN with axe-core clean. One server, one browser, one owner for the file.
 */
const log = captureLog();
const hasSlapd = slapdAvailable();
let s: TestServer;
let browser: Browser;
let owner: { context: BrowserContext; page: Page; errors: string[] };
let ownerId = '';
let dir: SlapdFixture | undefined;

beforeAll(async () => {
  // The directory's loopback address is allowed through the outbound guard by the operator.
  s = await startConsoleServer({ outboundAllow: '127.0.0.1', sendLimitIpPerHour: 100000 }, log.logger);
  if (hasSlapd) dir = await startSlapd();
  browser = await launchChromium();
  ownerId = (await createAdmin(s, 'owner@example.com', 'owner')).userId;
  owner = await signedInConsole(browser, s, 'owner@example.com');
}, 150_000);
afterAll(async () => {
  await browser?.close();
  await s?.close();
  await dir?.stop();
});

const mc = () => rootMgmt(s);
const data = <T,>(r: unknown): T => {
  const env = r as { statusCode: number; message: string; data: T };
  expect(env.statusCode, env.message).toBe(200);
  return env.data;
};
const call = async <T,>(method: 'GET' | 'POST', url: string, body?: Record<string, unknown>) => data<T>(await mc().makeRequest({ method, url: `/api/v3/${url}`, ...(method === 'GET' ? { params: body ?? {} } : { data: body ?? {} }) }));
const field = (label: string) => new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\*?$`);
const row = (page: Page, text: string | RegExp) => page.getByRole('row', { name: text });

async function go(page: Page, nav: string) {
  // A dialog left open by a failed step would cover the navigation for every later test.
  while (await page.getByRole('dialog').count()) {
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').first().waitFor({ state: 'detached', timeout: 5_000 }).catch(() => undefined);
  }
  await page.getByRole('navigation').getByRole('link', { name: nav, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: nav }).waitFor();
}
async function save(page: Page) {
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached' });
}
async function confirmDelete(page: Page, name: string) {
  await page.getByRole('button', { name: `Delete ${name}`, exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog').waitFor({ state: 'detached' });
}

describe('console settings pages (owner)', () => {
  it('dashboard: sign-ins and failures of today from the audit log, drawn as a chart', async () => {
    const secret = await prepareDefaultApp(s);
    data(await mc().createUser({ email: 'dana@example.com', password: 'Quiet harbour 42!' } as never));
    const client = authClient({ appId: s.defaultAppId, appSecret: secret, host: s.url });
    expect((await client.signInByEmailPassword({ email: 'dana@example.com', password: 'Quiet harbour 42!' } as never)).statusCode).toBe(200);
    expect((await client.signInByEmailPassword({ email: 'dana@example.com', password: 'wrong password 1' } as never)).statusCode).not.toBe(200);
    expect((await client.signInByEmailPassword({ email: 'dana@example.com', password: 'wrong password 2' } as never)).statusCode).not.toBe(200);
    const today = new Date().toISOString().slice(0, 10);
    const { page } = owner;
    // The dashboard was drawn at sign-in; opening the console again draws it from the audit log as it is now.
    await page.reload();
    await go(page, 'Dashboard');
    const chart = page.getByTestId('sign-ins-chart');
    await expect.poll(() => chart.getAttribute('aria-label'), { timeout: 15_000 }).toContain(`${today}: Successful 1, Failed 2`);
    // Two bars for today (success and failure), sized by the counts: the failure bar is twice as tall.
    const heights = await chart.locator('rect').evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('height'))));
    expect(heights.slice(-2)[1]).toBeCloseTo(heights.slice(-2)[0]! * 2, 3);
    expect(heights.slice(0, -2).every((h) => h === 0)).toBe(true);
    await page.getByText('■ Successful: 1').waitFor();
    await page.getByText('■ Failed: 2').waitFor();
    await screenshotsAndAxe(page, 'dashboard', (p) => p.getByTestId('sign-ins-chart').waitFor());
  });

  it('audit log: filter by event, actor and time; the CSV export holds what the filter selects', async () => {
    const { page } = owner;
    // A console action, so the actor filter has an administrator to find.
    data(await mc().createRole({ code: 'audited' } as never));
    await go(page, 'Audit log');
    await page.getByLabel(field('Event')).fill('login:failed');
    await expect.poll(() => page.getByRole('row').count(), { timeout: 15_000 }).toBe(3);
    expect(await page.getByRole('row').nth(1).textContent()).toContain('login:failed');
    await screenshotsAndAxe(page, 'audit', (p) => row(p, /login:failed/).first().waitFor());

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('at,type,result,actor,subject,ip,userAgent,requestId,data');
    expect(lines).toHaveLength(3);
    for (const l of lines.slice(1)) expect(l.split(',').slice(1, 3)).toEqual(['login:failed', 'failure']);
    expect(csv).not.toContain('wrong password');

    // By actor: the access key that created the role above (a signed call's actor is its key id).
    await page.getByLabel(field('Event')).fill('');
    const keyActor = s.rootKey.accessKeyId;
    await page.getByLabel(field('Actor')).fill(keyActor);
    await row(page, /role:created/).waitFor();
    const actors = await page.getByRole('row').evaluateAll((rs) => rs.slice(1).map((r) => r.querySelectorAll('td')[3]?.textContent));
    expect(actors.length).toBeGreaterThan(0);
    expect(new Set(actors)).toEqual(new Set([keyActor]));

    // By time: nothing from tomorrow on; everything up to now.
    await page.getByLabel(field('Actor')).fill('');
    await page.getByLabel(field('Event')).fill('login:failed');
    const local = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.getByLabel(field('From')).fill(local(new Date(Date.now() + 86_400_000)));
    await page.getByText('Nothing here yet.').or(page.getByRole('row')).first().waitFor();
    await expect.poll(() => page.getByRole('row').count(), { timeout: 15_000 }).toBe(1);
    await page.getByLabel(field('From')).fill(local(new Date(Date.now() - 86_400_000)));
    await expect.poll(() => page.getByRole('row').count(), { timeout: 15_000 }).toBe(3);
    const [filtered] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(readFileSync((await filtered.path())!, 'utf8').trimEnd().split('\r\n')).toHaveLength(3);
  });

  it('roles: create, search, edit, assign and revoke a member, delete', async () => {
    const { page } = owner;
    const user = data<{ userId: string }>(await mc().createUser({ email: 'role.member@example.com', password: 'Member passphrase 42!' } as never));
    await go(page, 'Roles');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('dialog').getByLabel(field('Code')).fill('editor');
    await page.getByRole('dialog').getByLabel(field('Name')).fill('Editor');
    await save(page);
    await row(page, /editor/).waitFor();
    expect(data<{ name: string }>(await mc().getRole({ code: 'editor' } as never)).name).toBe('Editor');
    await page.getByRole('textbox', { name: 'Search' }).fill('edit');
    await row(page, /editor/).waitFor();
    await expect.poll(() => row(page, /audited/).count()).toBe(0);
    await screenshotsAndAxe(page, 'roles', (p) => row(p, /editor/).waitFor());

    await page.getByRole('button', { name: 'Edit editor' }).click();
    await page.getByRole('dialog').getByLabel(field('Name')).fill('Content editor');
    await page.getByRole('dialog').getByLabel(field('Description')).fill('Edits pages');
    await save(page);
    await row(page, /Content editor/).waitFor();
    expect(data<{ name: string; description: string }>(await mc().getRole({ code: 'editor' } as never))).toMatchObject({ name: 'Content editor', description: 'Edits pages' });

    await page.getByRole('button', { name: 'Members editor' }).click();
    const members = page.getByRole('dialog');
    await members.getByLabel(field('User ID')).fill(user.userId);
    await members.getByRole('button', { name: 'Assign to user' }).click();
    await members.getByRole('row', { name: new RegExp(user.userId) }).waitFor();
    const roles = async () => data<{ list: Array<{ code: string }> }>(await mc().getUserRoles({ userId: user.userId } as never)).list.map((r) => r.code);
    expect(await roles()).toEqual(['editor']);
    await members.getByRole('button', { name: `Revoke ${user.userId}` }).click();
    await expect.poll(roles).toEqual([]);
    await page.keyboard.press('Escape');

    await confirmDelete(page, 'editor');
    await expect.poll(async () => ((await mc().getRole({ code: 'editor' } as never)) as { statusCode: number }).statusCode).not.toBe(200);
  });

  it('message services: pick the SMS provider, edit a template with its en / zh-CN preview, send a test message, reset', async () => {
    const { page } = owner;
    await go(page, 'Message services');
    const sms = page.getByRole('region', { name: 'SMS service' });
    await sms.getByRole('textbox', { name: 'Provider' }).or(sms.getByRole('combobox', { name: 'Provider' })).first().click();
    await page.getByRole('option', { name: /\(console\)$/ }).click();
    await sms.getByRole('switch', { name: 'Enabled' }).check();
    await sms.getByRole('button', { name: 'Save' }).click();
    await sms.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect(await call<{ provider: string; enabled: boolean }>('GET', 'get-sms-provider')).toMatchObject({ provider: 'console', enabled: true });

    // The email provider: an SMTP server (the password write-only), then the console connector.
    const email = page.getByRole('region', { name: 'Email service' });
    const pickEmail = async (name: string) => {
      await email.getByRole('textbox', { name: 'Provider' }).or(email.getByRole('combobox', { name: 'Provider' })).first().click();
      await page.getByRole('option', { name, exact: true }).click();
    };
    await pickEmail('SMTP server');
    await email.getByLabel(field('SMTP host')).fill('smtp.example.com');
    await email.getByLabel(field('SMTP port')).fill('587');
    await email.getByRole('switch', { name: /^TLS from the start/ }).uncheck();
    await email.getByLabel(field('Sender address')).fill('noreply@example.com');
    await email.getByLabel(/^Password/).fill('smtp-secret-value');
    await email.getByRole('button', { name: 'Save' }).click();
    await email.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const emailProvider = async () => data<Record<string, unknown>>(await mc().getEmailProvider());
    expect(await emailProvider()).toMatchObject({ enabled: true, type: 'custom', smtpConfig: { smtp_host: 'smtp.example.com', smtp_port: 587, sender: 'noreply@example.com', secure: false } });
    expect(JSON.stringify(await emailProvider())).not.toContain('smtp-secret-value');
    await pickEmail('Console (development)');
    await email.getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => (await emailProvider()).type).toBe('console');

    // Codes and sending.
    const settings = page.getByRole('region', { name: 'Codes and sending' });
    await settings.getByLabel(field('Code length (6–10)')).fill('8');
    await settings.getByRole('switch', { name: 'Require a captcha before sending a code' }).check();
    await settings.getByRole('switch', { name: 'Welcome email on registration' }).check();
    await settings.getByRole('button', { name: 'Save' }).click();
    await settings.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect(await call('GET', 'get-messaging-settings')).toMatchObject({ codeLength: 8, captchaBeforeSend: true, welcomeEmail: true });
    await settings.getByLabel(field('Code length (6–10)')).fill('11');
    await settings.getByRole('button', { name: 'Save' }).click();
    await settings.getByRole('alert').filter({ hasText: 'codeLength' }).waitFor();
    await settings.getByLabel(field('Code length (6–10)')).fill('6');
    await settings.getByRole('switch', { name: 'Require a captcha before sending a code' }).uncheck();
    await settings.getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => call('GET', 'get-messaging-settings')).toMatchObject({ codeLength: 6, captchaBeforeSend: false });

    const name = 'sms CHANNEL_LOGIN en';
    await page.getByRole('button', { name: `Edit ${name}`, exact: true }).click();
    const form = page.getByRole('dialog');
    await form.getByLabel(field('Content')).fill('Code {{code}} for {{appName}}, valid {{ttlMinutes}} min.');
    // The preview fills in the sample values, and shows the Chinese template beside it.
    await expect.poll(() => form.getByTestId('preview-en').textContent()).toContain('Code 123456 for Gatehouse, valid 5 min.');
    expect(await form.getByTestId('preview-zh-CN').textContent()).toContain('验证码是 123456');
    await save(page);
    const tpl = async (lang: string) => (await call<Array<{ kind: string; channel: string; lang: string; text: string; custom: boolean }>>('GET', 'list-message-templates')).find((x) => x.kind === 'sms' && x.channel === 'CHANNEL_LOGIN' && x.lang === lang)!;
    expect(await tpl('en')).toMatchObject({ custom: true, text: 'Code {{code}} for {{appName}}, valid {{ttlMinutes}} min.' });
    await row(page, /Code 123456 for Gatehouse/).waitFor();
    await screenshotsAndAxe(page, 'messaging', (p) => row(p, /Code 123456 for Gatehouse/).waitFor());

    // "Send a test message": a bad number is refused with the API's message; a good one goes out through the console connector.
    await page.getByRole('button', { name: `Send a test message ${name}`, exact: true }).click();
    const test = page.getByRole('dialog');
    await test.getByLabel(/^Phone number/).fill('12345');
    await test.getByRole('button', { name: 'Send' }).click();
    await test.getByRole('alert').waitFor();
    expect(log.messagesTo('12345')).toEqual([]);
    await test.getByLabel(/^Phone number/).fill('+8613800000001');
    await test.getByRole('button', { name: 'Send' }).click();
    await test.getByRole('status').filter({ hasText: 'Sent.' }).waitFor();
    await expect.poll(() => log.messagesTo('+8613800000001').map((m) => m.text)).toEqual(['Code 123456 for Gatehouse, valid 5 min.']);
    await page.keyboard.press('Escape');
    // An email template goes out through the console email connector, subject and all.
    const templates = page.getByRole('region', { name: 'Message templates' });
    await templates.getByText('Email', { exact: true }).click();
    await page.getByRole('button', { name: 'Send a test message email CHANNEL_LOGIN en', exact: true }).click();
    await page.getByRole('dialog').getByLabel(/^Email address/).fill('test.recipient@example.com');
    await page.getByRole('dialog').getByRole('button', { name: 'Send' }).click();
    await page.getByRole('dialog').getByRole('status').filter({ hasText: 'Sent.' }).waitFor();
    await expect.poll(() => log.messagesTo('test.recipient@example.com').map((m) => m.text)).toEqual([expect.stringContaining('123456')]);
    await page.keyboard.press('Escape');
    await templates.getByText('SMS', { exact: true }).click();
    const sent = await call<{ list: Array<{ type: string; actor: string; data: Record<string, unknown> }> }>('GET', 'console/audit-logs', { type: 'passcode:sent' });
    expect(sent.list.map((e) => [e.actor, e.data.kind, e.data.channel])).toEqual([
      [`admin:${ownerId}`, 'email', 'CHANNEL_LOGIN'],
      [`admin:${ownerId}`, 'sms', 'CHANNEL_LOGIN'],
    ]);

    // The Chinese one: edit, and reset to the shipped text.
    await page.getByRole('button', { name: 'Edit sms CHANNEL_LOGIN zh-CN', exact: true }).click();
    await page.getByRole('dialog').getByLabel(field('Content')).fill('【{{appName}}】验证码 {{code}}');
    await expect.poll(() => page.getByRole('dialog').getByTestId('preview-zh-CN').textContent()).toContain('【Gatehouse】验证码 123456');
    await save(page);
    expect((await tpl('zh-CN')).text).toBe('【{{appName}}】验证码 {{code}}');
    await page.getByRole('button', { name: 'Reset to default sms CHANNEL_LOGIN zh-CN', exact: true }).click();
    await expect.poll(async () => (await tpl('zh-CN')).custom).toBe(false);
  });

  it('security: password policy, lockout and captcha, registration allow-list', async () => {
    const { page } = owner;
    await go(page, 'Security');
    await page.getByLabel(field('Minimum length')).fill('12');
    await page.getByRole('switch', { name: 'Require a digit' }).check();
    await page.getByLabel(field('Captcha after N failures (0 = never)')).fill('2');
    await page.getByLabel(field('Lock after N failures')).fill('7');
    await page.getByLabel(/^Only these email domains may register/).fill('example.com\nexample.org');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const settings = async () => call<{ passwordPolicy: Record<string, unknown>; bruteForce: Record<string, unknown>; registration: { enabled: boolean; allowList: { emailDomains?: string[] } | null } }>('GET', 'get-authentication-settings');
    expect(await settings()).toMatchObject({ passwordPolicy: { minLength: 12, requireNumber: true }, bruteForce: { captchaAfter: 2, lockAfter: 7 }, registration: { allowList: { emailDomains: ['example.com', 'example.org'] } } });
    await screenshotsAndAxe(page, 'security', (p) => p.getByRole('button', { name: /^(Save|保存)$/ }).waitFor());
    // A policy the server refuses comes back with its message; nothing changes.
    await page.getByLabel(field('Minimum length')).fill('0');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').waitFor();
    expect((await settings()).passwordPolicy.minLength).toBe(12);
    await page.getByLabel(field('Minimum length')).fill('8');
    await page.getByRole('switch', { name: 'Self-service registration' }).uncheck();
    await page.getByLabel(/^Only these email domains may register/).fill('');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect(await settings()).toMatchObject({ passwordPolicy: { minLength: 8 }, registration: { enabled: false, allowList: null } });
  });

  it('organizations: the departments tree — create children, expand and collapse, move, rename, delete', async () => {
    const { page } = owner;
    const org = data<{ departmentId: string }>(await mc().createOrganization({ organizationCode: 'tree', organizationName: 'Tree Inc' } as never));
    const children = async (parent: string) => data<{ list: Array<{ name: string; departmentId: string }> }>(await mc().listChildrenDepartments({ organizationCode: 'tree', departmentId: parent } as never)).list;
    const idOf = async (name: string) => data<{ list: Array<{ name: string; departmentId: string }> }>(await mc().getAllDepartments({ organizationCode: 'tree' } as never)).list.find((d) => d.name === name)!.departmentId;
    await go(page, 'Organizations');
    await page.getByRole('button', { name: 'Departments Tree Inc' }).click();
    const tree = page.getByRole('region', { name: 'Departments: Tree Inc' });
    const add = async (parent: string, name: string) => {
      await tree.getByRole('button', { name: `Add a sub-department ${parent}`, exact: true }).click();
      await page.getByRole('dialog').getByLabel(field('Name')).fill(name);
      await save(page);
    };
    await add('Tree Inc', 'Sales');
    await add('Tree Inc', 'Engineering');
    await tree.getByText('Sales', { exact: true }).waitFor();
    await add('Sales', 'Sales East');
    await expect.poll(async () => (await children(org.departmentId)).map((d) => d.name).sort()).toEqual(['Engineering', 'Sales']);
    const sales = await idOf('Sales');
    expect((await children(sales)).map((d) => d.name)).toEqual(['Sales East']);

    // Sales now has a child: it expands and collapses.
    await tree.getByRole('button', { name: 'Expand Sales' }).click();
    await tree.getByText('Sales East', { exact: true }).waitFor();
    await screenshotsAndAxe(page, 'departments', (p) => p.getByRole('region', { name: /Tree Inc/ }).getByText('Sales East', { exact: true }).waitFor());
    await tree.getByRole('button', { name: 'Collapse Sales' }).click();
    await tree.getByText('Sales East', { exact: true }).waitFor({ state: 'detached' });
    await tree.getByRole('button', { name: 'Expand Sales' }).click();

    // Move Sales East under Engineering, renamed.
    await tree.getByRole('button', { name: 'Edit Sales East' }).click();
    const form = page.getByRole('dialog');
    await form.getByLabel(field('Name')).fill('Platform');
    await form.getByRole('textbox', { name: 'Parent department' }).or(form.getByRole('combobox', { name: 'Parent department' })).first().click();
    await page.getByRole('option', { name: 'Engineering', exact: true }).click();
    await save(page);
    const engineering = await idOf('Engineering');
    await expect.poll(async () => (await children(engineering)).map((d) => d.name)).toEqual(['Platform']);
    expect(await children(sales)).toEqual([]);
    await tree.getByRole('button', { name: 'Expand Engineering' }).click();
    await tree.getByText('Platform', { exact: true }).waitFor();

    // A department with a sub-department is refused with the server's message; a leaf is deleted.
    await confirmDelete(page, 'Engineering');
    await page.getByRole('alert').waitFor();
    expect((await children(org.departmentId)).map((d) => d.name).sort()).toEqual(['Engineering', 'Sales']);
    await confirmDelete(page, 'Platform');
    await expect.poll(async () => children(engineering)).toEqual([]);
    await confirmDelete(page, 'Sales');
    await expect.poll(async () => (await children(org.departmentId)).map((d) => d.name)).toEqual(['Engineering']);
  });

  it('pipeline: "run with sample input" runs the stored function in the sandbox and shows its result and logs, writing nothing', async () => {
    const { page } = owner;
    const fn = await call<{ funcId: string }>('POST', 'create-pipeline-function', {
      funcName: 'Tag the user',
      scene: 'POST_AUTHENTICATION',
      sourceCode: 'async function pipe(user, context, callback) {\n  console.log("ip", context.request.ip);\n  user.nickname = "seen:" + user.email;\n  return callback(null, user, context);\n}\n',
    });
    await go(page, 'Pipeline');
    await page.getByRole('button', { name: 'Run with sample input Tag the user' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/^Sample user/).fill('{"userId":"u-1","email":"sam@example.com"}');
    await dialog.getByLabel(/^Sample context/).fill('{"request":{"ip":"198.51.100.9"}}');
    await dialog.getByRole('button', { name: 'Run', exact: true }).click();
    await dialog.getByTestId('trial').waitFor();
    expect(await dialog.getByTestId('trial').getByText('success', { exact: true }).count()).toBe(1);
    expect(await dialog.getByTestId('trial-logs').textContent()).toContain('ip 198.51.100.9');
    expect(JSON.parse((await dialog.getByTestId('trial-user').textContent())!)).toMatchObject({ nickname: 'seen:sam@example.com' });
    // A sample that is not JSON is refused before it is sent; a script fault is shown as the run's result.
    await dialog.getByLabel(/^Sample user/).fill('{not json');
    await dialog.getByRole('button', { name: 'Run', exact: true }).click();
    await dialog.getByRole('alert').filter({ hasText: 'Sample user' }).waitFor();
    await dialog.getByLabel(/^Sample user/).fill('null');
    await dialog.getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => dialog.getByTestId('trial').textContent(), { timeout: 15_000 }).toMatch(/error/);
    await page.keyboard.press('Escape');
    expect((await call<{ list: unknown[] }>('GET', 'get-pipeline-logs', { funcId: fn.funcId, page: 1, limit: 10 })).list).toEqual([]);
  });

  it.skipIf(!hasSlapd)('identity sources: "test connection" of an LDAP directory binds against slapd, names the failing step, never shows the password', async () => {
    const d = dir!;
    const { page } = owner;
    await go(page, 'Identity sources');
    await page.getByRole('button', { name: 'Create' }).click();
    const form = page.getByRole('dialog');
    await form.getByRole('textbox', { name: 'Provider' }).or(form.getByRole('combobox', { name: 'Provider' })).first().fill('ldap');
    await page.getByRole('option', { name: /\(ldap\)$/ }).click();
    await form.getByLabel(field('Name')).fill('Staff directory');
    await form.getByLabel(field('ldapUrl')).fill(d.url);
    await form.getByRole('switch', { name: 'startTls' }).check();
    await form.getByLabel(field('tlsCaCert')).fill(d.caPem);
    await form.getByLabel(field('bindDn')).fill(d.service.dn);
    await form.getByLabel(field('bindPassword')).fill('Not-The-Password-77');
    await form.getByLabel(field('baseDn')).fill(d.peopleDn);
    await form.getByRole('button', { name: 'Test connection' }).click();
    const result = form.getByRole('status');
    await expect.poll(() => result.textContent(), { timeout: 20_000 }).toMatch(/Connection failed at step: bind/);
    expect(await result.textContent()).not.toContain('Not-The-Password-77');
    await form.getByLabel(field('bindPassword')).fill(d.service.password);
    await form.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => result.textContent(), { timeout: 20_000 }).toMatch(/Connection works/);
    // The form is a dialog (the language switch is behind it): English here, Chinese below.
    expect(await axe(page, '[role=dialog]')).toEqual([]);
    await screenshot(page, 'console/directory-test-connection-en');
    await save(page);
    await row(page, /Staff directory/).waitFor();
    const idps = data<{ list: Array<{ id: string; name: string }> }>(await mc().listExtIdp({} as never)).list;
    const idp = idps.find((i) => i.name === 'Staff directory')!;
    const conn = data<{ connections: Array<{ id: string; type: string }> }>(await mc().getExtIdp({ id: idp.id } as never)).connections[0]!;
    expect(conn.type).toBe('ldap');

    // Saved: the form has no password (write-only), so the stored settings are tested.
    await setLanguage(page, 'zh-CN');
    await page.getByRole('button', { name: '编辑 Staff directory' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '测试连接' }).click();
    await expect.poll(() => page.getByRole('dialog').getByRole('status').textContent(), { timeout: 20_000 }).toMatch(/连接成功/);
    expect(await axe(page, '[role=dialog]')).toEqual([]);
    await screenshot(page, 'console/directory-test-connection-zh-CN');
    await page.keyboard.press('Escape');
    await setLanguage(page, 'en');
    await confirmDelete(page, 'Staff directory');
    await expect.poll(async () => data<{ list: Array<{ name: string }> }>(await mc().listExtIdp({} as never)).list.some((i) => i.name === 'Staff directory')).toBe(false);
    expect(owner.errors.filter((e) => !/^4\d\d /.test(e))).toEqual([]);
  });
});

describe('a read-only auditor on these pages', () => {
  it('sees them without a write button, and the server refuses the writes behind them', async () => {
    await createAdmin(s, 'auditor@example.com', 'auditor');
    data(await mc().createOrganization({ organizationCode: 'seen', organizationName: 'Seen Org' } as never));
    data(await mc().createRole({ code: 'seen-role' } as never));
    const { context, page } = await signedInConsole(browser, s, 'auditor@example.com');
    await page.getByText('Read-only (auditor)').waitFor();
    const writes = [/^Create$/, /^Edit\b/, /^Delete\b/, /^Save$/, /^Send a test message\b/, /^Reset to default\b/, /^Run with sample input\b/, /^Add a sub-department\b/, /^Revoke\b/, /^Assign to user$/];
    const none = async (where: string) => {
      for (const name of writes) expect([where, String(name), await page.getByRole('button', { name }).count()]).toEqual([where, String(name), 0]);
    };
    await go(page, 'Dashboard');
    await page.getByTestId('sign-ins-chart').waitFor();
    await go(page, 'Audit log');
    await row(page, /login:failed/).first().waitFor();
    await none('audit');
    await go(page, 'Roles');
    await row(page, /seen-role/).waitFor();
    await none('roles');
    await page.getByRole('button', { name: 'Members seen-role' }).click();
    await page.getByRole('dialog').getByText('Nothing here yet.').waitFor();
    await none('role members');
    await page.keyboard.press('Escape');
    await go(page, 'Message services');
    await page.getByRole('region', { name: 'Message templates' }).getByRole('row').nth(1).waitFor();
    await none('messaging');
    await go(page, 'Security');
    await page.getByLabel(field('Minimum length')).waitFor();
    await none('security');
    await go(page, 'Organizations');
    await page.getByRole('button', { name: 'Departments Seen Org' }).click();
    await page.getByRole('region', { name: 'Departments: Seen Org' }).waitFor();
    await none('departments');
    await go(page, 'Pipeline');
    await none('pipeline');
    // The server is the authority: the writes behind those buttons are refused (console.read_only).
    const token = await consoleToken(page);
    for (const [path, body] of [
      ['send-test-message', { kind: 'sms', channel: 'CHANNEL_LOGIN', lang: 'en', to: '+8613800000009' }],
      ['create-department', { organizationCode: 'seen', parentDepartmentId: 'root', name: 'Nope' }],
      ['update-authentication-settings', { passwordPolicy: { minLength: 6 } }],
      ['test-pipeline-function', { sourceCode: 'async function pipe(u, c, cb) { return cb(null, u, c); }', scene: 'PRE_AUTHENTICATION' }],
    ] as const) expect([path, (await asAdmin(s, token, 'POST', path, body)).apiCode]).toEqual([path, 7500003]);
    expect(log.messagesTo('+8613800000009')).toEqual([]);
    await context.close();
  });
});
