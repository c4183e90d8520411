import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot } from '../support/browser.js';
import { authClient, type TestServer } from '../support/server.js';
import { ok, prepareDefaultApp } from '../support/sign-in.js';
import { axe, createAdmin, rootMgmt, setLanguage, signedInConsole, startConsoleServer } from './support.js';
import { data, go } from './ui.js';

/**
 * The user-details dialog's sessions and devices, groups, departments and custom data tabs in
 * Chromium: each action by clicking, each result checked through the vendor ManagementClient
 * (getUserLoggedinApps, getUserGroups, getUserDepartments, getCustomData) and the user's own
 * access token; an auditor sees every tab without a write control; axe-core clean; screenshots
 * at 1440×900 in en and zh-CN.
 */
let s: TestServer;
let browser: Browser;
let owner: { context: BrowserContext; page: Page; errors: string[] };
let appSecret = '';
let userId = '';
let appName = '';
let researchId = '';

const mc = () => rootMgmt(s);
const client = () => authClient({ appId: s.defaultAppId, appSecret, host: s.url });
const me = (token: string) => fetch(`${s.url}/oidc/me`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
const PASSWORD = 'orchid lantern seventeen';

beforeAll(async () => {
  s = await startConsoleServer();
  browser = await launchChromium();
  appSecret = await prepareDefaultApp(s);
  appName = (await s.container.services.applications.get(s.poolId, s.defaultAppId)).appName;
  await createAdmin(s, 'owner@example.com', 'owner');
  await createAdmin(s, 'auditor@example.com', 'auditor');
  userId = data<{ userId: string }>(await mc().createUser({ email: 'lin@example.com', password: PASSWORD } as never)).userId;
  data(await mc().createGroup({ code: 'eng', name: 'Engineering' } as never));
  data(await mc().createGroup({ code: 'ops', name: 'Operations' } as never));
  const org = data<{ departmentId: string }>(await mc().createOrganization({ organizationCode: 'acme', organizationName: 'Acme' } as never));
  researchId = data<{ departmentId: string }>(await mc().createDepartment({ organizationCode: 'acme', parentDepartmentId: org.departmentId, name: 'Research', code: 'research' } as never)).departmentId;
  data(
    await mc().setCustomFields({
      list: [
        { targetType: 'USER', key: 'level', dataType: 'ENUM', label: 'Level', options: [{ value: 'junior', label: 'Junior' }, { value: 'senior', label: 'Senior' }] },
        { targetType: 'USER', key: 'badge', dataType: 'NUMBER', label: 'Badge' },
        { targetType: 'USER', key: 'remote', dataType: 'BOOLEAN', label: 'Remote' },
        { targetType: 'USER', key: 'team', dataType: 'STRING', label: 'Team' },
      ],
    } as never),
  );
  data(await mc().setCustomData({ targetType: 'USER', targetIdentifier: userId, list: [{ key: 'team', value: 'Compilers' }] } as never));
  owner = await signedInConsole(browser, s, 'owner@example.com');
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

async function openDetails(page: Page, label = 'Details') {
  await page.getByRole('button', { name: `${label} lin@example.com` }).click();
  const details = page.getByRole('dialog');
  await details.waitFor();
  return details;
}
const pick = async (page: Page, scope: ReturnType<Page['getByRole']>, label: string, option: string) => {
  await scope.getByRole('textbox', { name: label }).or(scope.getByRole('combobox', { name: label })).click();
  await page.getByRole('option', { name: option, exact: true }).click();
};
const groupsOf = async () => data<{ list: Array<{ code: string }> }>(await mc().getUserGroups({ userId } as never)).list.map((g) => g.code);
const deptsOf = async () => data<{ list: Array<{ departmentId: string; organizationCode: string }> }>(await mc().getUserDepartments({ userId } as never)).list;
const appsOf = async () => data<Array<{ appId: string; appName: string }>>(await mc().getUserLoggedinApps({ userId } as never));

describe('user details', () => {
  it('sessions and devices: the signed-in application with its device; sign out everywhere ends the user’s tokens', async () => {
    const token = ok(await client().signInByEmailPassword({ email: 'lin@example.com', password: PASSWORD })).data.access_token as string;
    expect(await appsOf()).toMatchObject([{ appId: s.defaultAppId, appName }]);
    expect(data<Array<{ appId: string }>>(await mc().getUserLoggedinApps({ userId: 'lin@example.com', userIdType: 'email' } as never)).map((a) => a.appId)).toEqual([s.defaultAppId]);
    expect(await mc().getUserLoggedinApps({ userId: 'no-such-user' } as never)).toMatchObject({ statusCode: 404, apiCode: 2004 });
    const { page } = owner;
    await go(page, 'Users');
    const details = await openDetails(page);
    await details.getByRole('tab', { name: 'Sessions and devices' }).click();
    await details.getByRole('row', { name: new RegExp(appName) }).waitFor();
    expect(await axe(page, '[role=dialog]')).toEqual([]);
    await details.getByRole('button', { name: /^Sign out everywhere/ }).click();
    await details.getByRole('status').filter({ hasText: 'Every session of the user has ended.' }).waitFor();
    await expect.poll(() => me(token)).toBe(401);
    expect(await appsOf()).toEqual([]);
    await details.getByRole('tabpanel').getByText('Nothing here yet.').waitFor();
    await page.keyboard.press('Escape');
    await details.waitFor({ state: 'detached' });
  });

  it('groups: added to a static group and removed by clicking', async () => {
    const { page } = owner;
    const details = await openDetails(page);
    await details.getByRole('tab', { name: 'Groups' }).click();
    await pick(page, details, 'Group to add to', 'Operations (ops)');
    await details.getByRole('button', { name: 'Add' }).click();
    await details.getByRole('row', { name: /ops/ }).waitFor();
    await expect.poll(groupsOf).toEqual(['ops']);
    await pick(page, details, 'Group to add to', 'Engineering (eng)');
    await details.getByRole('button', { name: 'Add' }).click();
    await details.getByRole('row', { name: /eng/ }).waitFor();
    await expect.poll(async () => (await groupsOf()).sort()).toEqual(['eng', 'ops']);
    await details.getByRole('button', { name: 'Remove ops' }).click();
    await expect.poll(groupsOf).toEqual(['eng']);
    await expect.poll(() => details.getByRole('row', { name: /ops/ }).count()).toBe(0);
    expect(await axe(page, '[role=dialog]')).toEqual([]);
    await page.keyboard.press('Escape');
    await details.waitFor({ state: 'detached' });
  });

  it('departments: added to a department of an organisation and removed by clicking', async () => {
    const { page } = owner;
    const details = await openDetails(page);
    await details.getByRole('tab', { name: 'Departments' }).click();
    await details.getByRole('tabpanel').getByText('Nothing here yet.').waitFor();
    await pick(page, details, 'Organization', 'Acme');
    await pick(page, details, 'Department to add to', 'Research');
    await details.getByRole('button', { name: 'Add' }).click();
    await details.getByRole('row', { name: /Acme.*Research/ }).waitFor();
    await expect.poll(deptsOf).toMatchObject([{ departmentId: researchId, organizationCode: 'acme' }]);
    // The organisation itself (its root department) is a department too.
    await pick(page, details, 'Department to add to', 'Acme');
    await details.getByRole('button', { name: 'Add' }).click();
    await expect.poll(async () => (await deptsOf()).length).toBe(2);
    await expect.poll(() => details.getByRole('tabpanel').getByRole('row').count()).toBe(3); // the header and both departments
    await details.getByRole('button', { name: 'Remove Research' }).click();
    await expect.poll(async () => (await deptsOf()).map((d) => d.departmentId)).not.toContain(researchId);
    await expect.poll(() => details.getByRole('row', { name: /Research/ }).count()).toBe(0);
    expect(await axe(page, '[role=dialog]')).toEqual([]);
    await page.keyboard.press('Escape');
    await details.waitFor({ state: 'detached' });
  });

  it('custom data: one input per user field by its type; saved values are the user’s custom data', async () => {
    const { page } = owner;
    const details = await openDetails(page);
    await details.getByRole('tab', { name: 'Custom data' }).click();
    await expect.poll(() => details.getByRole('textbox', { name: 'Team (team)' }).inputValue()).toBe('Compilers');
    await pick(page, details, 'Level (level)', 'Senior (senior)');
    await details.getByRole('textbox', { name: 'Badge (badge)' }).fill('42');
    await details.getByRole('switch', { name: 'Remote (remote)' }).check({ force: true });
    await details.getByRole('textbox', { name: 'Team (team)' }).fill('');
    await details.getByRole('button', { name: 'Save' }).click();
    await details.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    const custom = async () => data<Record<string, unknown>>(await mc().getCustomData({ targetType: 'USER', targetIdentifier: userId } as never));
    await expect.poll(custom).toMatchObject({ level: 'senior', badge: 42, remote: true });
    expect((await custom()).team ?? null).toBeNull();
    expect(await axe(page, '[role=dialog]')).toEqual([]);
    await page.keyboard.press('Escape');
    await details.waitFor({ state: 'detached' });
  });

  it('screenshots in en and zh-CN (the groups tab)', async () => {
    const { page } = owner;
    for (const [lang, label, tab] of [
      ['en', 'Details', 'Groups'],
      ['zh-CN', '详情', '分组'],
    ] as const) {
      await setLanguage(page, lang);
      const details = await openDetails(page, label);
      await details.getByRole('tab', { name: tab }).click();
      await details.getByRole('row', { name: /eng/ }).waitFor();
      expect(await axe(page)).toEqual([]);
      await screenshot(page, `console/user-details-${lang}`);
      await page.keyboard.press('Escape');
      await details.waitFor({ state: 'detached' });
    }
    await setLanguage(page, 'en');
    expect(owner.errors.filter((e) => !/^4\d\d /.test(e))).toEqual([]);
  });

  it('an auditor sees every tab without a write control', async () => {
    const auditor = await signedInConsole(browser, s, 'auditor@example.com');
    const { page } = auditor;
    await go(page, 'Users');
    const details = await openDetails(page);
    await details.getByRole('tab', { name: 'Sessions and devices' }).click();
    await details.getByText(/since the last forced logout/).waitFor();
    expect(await details.getByRole('button', { name: /Sign out everywhere/ }).count()).toBe(0);
    await details.getByRole('tab', { name: 'Groups' }).click();
    await details.getByRole('row', { name: /eng/ }).waitFor();
    expect(await details.getByRole('button', { name: /^(Add|Remove)/ }).count()).toBe(0);
    await details.getByRole('tab', { name: 'Departments' }).click();
    await details.getByRole('row', { name: /Acme/ }).waitFor();
    expect(await details.getByRole('button', { name: /^(Add|Remove)/ }).count()).toBe(0);
    expect(await details.getByRole('combobox', { name: 'Organization' }).or(details.getByRole('textbox', { name: 'Organization' })).count()).toBe(0);
    await details.getByRole('tab', { name: 'Custom data' }).click();
    await expect.poll(() => details.getByRole('textbox', { name: 'Badge (badge)' }).inputValue()).toBe('42');
    expect(await details.getByRole('textbox', { name: 'Badge (badge)' }).isDisabled()).toBe(true);
    expect(await details.getByRole('button', { name: 'Save' }).count()).toBe(0);
    await auditor.context.close();
  });
});
