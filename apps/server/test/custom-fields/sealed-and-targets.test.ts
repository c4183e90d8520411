import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authClient, startServer, type TestServer } from '../support/server.js';
import { ok, prepareDefaultApp } from '../support/sign-in.js';

/**
 * Custom fields beyond users and roles, through the vendor's SDKs (docs/custom-fields.md):
 * encrypted fields (sealed at rest with the master key, returned only by getCustomData, never in
 * the user's row, lists or tokens), custom data of groups and departments, and
 * `options.customData` of a sign-in merged into the user.
 */
let s: TestServer;
let appSecret = '';
const PASSWORD = 'sealed fields passphrase';
beforeAll(async () => {
  s = await startServer();
  appSecret = await prepareDefaultApp(s);
});
afterAll(async () => s?.close());

const T = (v: string) => v as never;

describe('custom fields: encrypted, groups and departments, sign-in customData', () => {
  it('seals an encrypted field at rest and returns it only when asked', async () => {
    const m = s.mgmt();
    ok(await m.setCustomFields({ list: [{ targetType: T('USER'), key: 'ssn', dataType: T('STRING'), label: 'SSN', encrypted: true }, { targetType: T('USER'), key: 'team', dataType: T('STRING'), label: 'Team' }] }));
    expect(ok(await m.getCustomFields({ targetType: 'USER' })).data.find((f: { key: string }) => f.key === 'ssn')).toMatchObject({ encrypted: true });
    // Encrypted and unique cannot go together; encrypted is fixed once set.
    expect(await m.setCustomFields({ list: [{ targetType: T('USER'), key: 'passport', dataType: T('STRING'), label: 'P', encrypted: true, isUnique: true }] })).toMatchObject({ apiCode: 7200004 });
    expect(await m.setCustomFields({ list: [{ targetType: T('USER'), key: 'ssn', label: 'SSN', encrypted: false }] })).toMatchObject({ apiCode: 7200003 });

    const u = ok(await m.createUser({ email: 'sealed@example.com' } as never)).data as { userId: string };
    ok(await m.setCustomData({ targetType: T('USER'), targetIdentifier: u.userId, list: [{ key: 'ssn', value: '078-05-1120' }, { key: 'team', value: 'blue' }] }));
    expect(ok(await m.getCustomData({ tenantId: '', targetType: 'USER', targetIdentifier: u.userId })).data).toEqual({ ssn: '078-05-1120', team: 'blue' });

    // Not in the user's row, nor in what reads it (get, list with custom data).
    const row = (await s.container.repos.users.findById(s.poolId, u.userId))!;
    expect(JSON.parse(row.custom_data)).toEqual({ team: 'blue' });
    expect(ok(await m.getUser({ userId: u.userId, withCustomData: true } as never)).data.customData).toEqual({ team: 'blue' });
    const listed = ok(await m.listUsers({ options: { withCustomData: true, pagination: { page: 1, limit: 50 } } } as never)).data.list as Array<{ userId: string; customData?: Record<string, unknown> }>;
    expect(listed.find((x) => x.userId === u.userId)?.customData).toEqual({ team: 'blue' });
    // At rest the value is ciphertext (sealed with the master key, bound to this user).
    const stored = await s.container.db.db.selectFrom('custom_data').selectAll().where('pool_id', '=', s.poolId).where('target_id', '=', u.userId).execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.data).not.toContain('078-05-1120');
    expect(stored[0]!.data.startsWith('v1.')).toBe(true);

    // Through customData of updateUser it would land in the row in clear: refused.
    expect(await m.updateUser({ userId: u.userId, customData: { ssn: '1' } } as never)).toMatchObject({ apiCode: 7200005 });
    // Cleared with null.
    ok(await m.setCustomData({ targetType: T('USER'), targetIdentifier: u.userId, list: [{ key: 'ssn', value: null as never }] }));
    expect(ok(await m.getCustomData({ tenantId: '', targetType: 'USER', targetIdentifier: u.userId })).data).toEqual({ team: 'blue' });
  });

  it('sets and reads custom data of a group (by code) and a department (by id)', async () => {
    const m = s.mgmt();
    ok(await m.setCustomFields({ list: [{ targetType: T('GROUP'), key: 'budget', dataType: T('NUMBER'), label: 'Budget' }, { targetType: T('DEPARTMENT'), key: 'costCenter', dataType: T('STRING'), label: 'Cost center', isUnique: true }] }));
    ok(await m.createGroup({ code: 'eng', name: 'Engineering', description: '', type: T('STATIC') }));
    ok(await m.setCustomData({ targetType: T('GROUP'), targetIdentifier: 'eng', list: [{ key: 'budget', value: '1200' as never }] }));
    expect(ok(await m.getCustomData({ tenantId: '', targetType: 'GROUP', targetIdentifier: 'eng' })).data).toEqual({ budget: 1200 });
    expect(await m.setCustomData({ targetType: T('GROUP'), targetIdentifier: 'eng', list: [{ key: 'budget', value: 'lots' }] })).toMatchObject({ apiCode: 7200005 });
    expect(await m.setCustomData({ targetType: T('GROUP'), targetIdentifier: 'nobody', list: [{ key: 'budget', value: 1 as never }] })).toMatchObject({ apiCode: 7200007 });

    const org = ok(await m.createOrganization({ organizationCode: 'acme', organizationName: 'Acme', metadata: {} } as never)).data as { organizationCode: string };
    const dept = async (code: string) => (ok(await m.createDepartment({ organizationCode: org.organizationCode, parentDepartmentId: 'root', name: code, code, metadata: {} } as never)).data as { departmentId: string }).departmentId;
    const sales = await dept('sales');
    const hr = await dept('hr');
    ok(await m.setCustomData({ targetType: T('DEPARTMENT'), targetIdentifier: sales, list: [{ key: 'costCenter', value: 'CC-1' }] }));
    expect(ok(await m.getCustomData({ tenantId: '', targetType: 'DEPARTMENT', targetIdentifier: sales })).data).toEqual({ costCenter: 'CC-1' });
    // Unique per pool, by the database.
    expect(await m.setCustomData({ targetType: T('DEPARTMENT'), targetIdentifier: hr, list: [{ key: 'costCenter', value: 'CC-1' }] })).toMatchObject({ apiCode: 7200006 });
    expect(await m.setCustomData({ targetType: T('DEPARTMENT'), targetIdentifier: 'no-such-department', list: [{ key: 'costCenter', value: 'CC-2' }] })).toMatchObject({ apiCode: 7200007 });
  });

  it('merges options.customData of a sign-in into the user, checked against the fields', async () => {
    const m = s.mgmt();
    ok(await m.setCustomFields({ list: [{ targetType: T('USER'), key: 'plan', dataType: T('ENUM'), label: 'Plan', options: [{ value: 'free', label: 'Free' }, { value: 'pro', label: 'Pro' }] }] }));
    const u = ok(await m.createUser({ email: 'signin-data@example.com', password: PASSWORD } as never)).data as { userId: string };
    const c = authClient({ appId: s.defaultAppId, appSecret, host: s.url });
    // A value the field refuses: no tokens, nothing stored.
    expect(await c.signInByEmailPassword({ email: 'signin-data@example.com', password: PASSWORD, options: { customData: { plan: 'platinum' } } })).toMatchObject({ apiCode: 7200005 });
    expect(JSON.parse((await s.container.repos.users.findById(s.poolId, u.userId))!.custom_data)).toEqual({});
    const r = ok(await c.signInByEmailPassword({ email: 'signin-data@example.com', password: PASSWORD, options: { customData: { plan: 'pro', source: 'mobile' } } }));
    expect(r.data.access_token).toBeTruthy();
    expect(JSON.parse((await s.container.repos.users.findById(s.poolId, u.userId))!.custom_data)).toEqual({ plan: 'pro', source: 'mobile' });
    // A wrong password never writes it.
    expect(await c.signInByEmailPassword({ email: 'signin-data@example.com', password: 'wrong', options: { customData: { plan: 'free' } } })).toMatchObject({ apiCode: 2333 });
    expect(JSON.parse((await s.container.repos.users.findById(s.poolId, u.userId))!.custom_data)).toMatchObject({ plan: 'pro' });
  });
});
