import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { authClient, startServer, type TestServer } from '../support/server.js';
import { ok } from '../support/sign-in.js';

/**
 * Custom fields through the vendor's ManagementClient (unmodified) against a real Gatehouse on
 * SQLite: a unique USER field `school` with display names in four languages, a ROLE field
 * `level` (ENUM); set and read back; a duplicate unique value and a wrong type refused with
 * catalogued errors; `school` in the ID token under `extended_fields` when that scope is asked.
 */
let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(async () => s?.close());

const i18n = { label: { 'zh-CN': { enabled: true, value: '学校' }, 'en-US': { enabled: true, value: 'School' }, 'zh-TW': { enabled: true, value: '學校' }, 'ja-JP': { enabled: true, value: '学校（がっこう）' } } };

describe('custom fields with the vendor ManagementClient', () => {
  it('defines a unique USER field and a ROLE enum, sets and reads their data, refuses duplicates and wrong types', async () => {
    const m = s.mgmt();
    const set = ok(
      await m.setCustomFields({
        list: [
          { targetType: 'USER' as never, key: 'school', dataType: 'STRING' as never, label: 'School', isUnique: true, userEditable: true, i18n: i18n as never },
          { targetType: 'USER' as never, key: 'age', dataType: 'NUMBER' as never, label: 'Age', validateRules: { min: 0, max: 150 } },
          { targetType: 'ROLE' as never, key: 'level', dataType: 'ENUM' as never, label: 'Level', options: [{ value: 'junior', label: 'Junior' }, { value: 'senior', label: 'Senior' }] },
        ],
      }),
    );
    expect(set.data).toHaveLength(3);
    const userFields = ok(await m.getCustomFields({ targetType: 'USER' })).data;
    expect(userFields.find((f: { key: string }) => f.key === 'school')).toMatchObject({ dataType: 'STRING', isUnique: true, userEditable: true, label: 'School', i18n });
    const listed = ok(await m.listCustFields({ targetType: 'ROLE', dataType: 'SELECT' as never })).data;
    expect(listed.list.map((f: { key: string }) => f.key)).toEqual(['level']);

    const a = ok(await m.createUser({ email: 'ada@example.com', password: 'custom fields passphrase' } as never)).data;
    const b = ok(await m.createUser({ email: 'bob@example.com' } as never)).data;
    ok(await m.setCustomData({ targetType: 'USER' as never, targetIdentifier: a.userId, list: [{ key: 'school', value: 'Cambridge' }, { key: 'age', value: '36' as never }] }));
    expect(ok(await m.getCustomData({ tenantId: '', targetType: 'USER', targetIdentifier: a.userId })).data).toEqual({ school: 'Cambridge', age: 36 });
    // The database holds one holder per value of a unique field.
    expect(await m.setCustomData({ targetType: 'USER' as never, targetIdentifier: b.userId, list: [{ key: 'school', value: 'Cambridge' }] })).toMatchObject({ apiCode: 7200006 });
    expect(ok(await m.getCustomData({ tenantId: '', targetType: 'USER', targetIdentifier: b.userId })).data).toEqual({});
    // Wrong types.
    expect(await m.setCustomData({ targetType: 'USER' as never, targetIdentifier: b.userId, list: [{ key: 'school', value: 42 as never }] })).toMatchObject({ apiCode: 7200005 });
    expect(await m.setCustomData({ targetType: 'USER' as never, targetIdentifier: b.userId, list: [{ key: 'age', value: 'old' }] })).toMatchObject({ apiCode: 7200005 });
    expect(await m.setCustomData({ targetType: 'USER' as never, targetIdentifier: b.userId, list: [{ key: 'age', value: '200' }] })).toMatchObject({ apiCode: 7200005 });
    expect(await m.setCustomData({ targetType: 'USER' as never, targetIdentifier: b.userId, list: [{ key: 'nope', value: 'x' }] })).toMatchObject({ apiCode: 7200001 });
    // A's value released, then B may take it.
    ok(await m.setCustomData({ targetType: 'USER' as never, targetIdentifier: a.userId, list: [{ key: 'school', value: 'Oxford' }] }));
    ok(await m.setCustomData({ targetType: 'USER' as never, targetIdentifier: b.userId, list: [{ key: 'school', value: 'Cambridge' }] }));
    // customData on updateUser is type-checked too; a unique field goes through setCustomData.
    expect(await m.updateUser({ userId: b.userId, customData: { age: 'x' } } as never)).toMatchObject({ apiCode: 7200005 });
    expect(await m.updateUser({ userId: b.userId, customData: { school: 'Oxford' } } as never)).toMatchObject({ apiCode: 7200005 });
    ok(await m.updateUser({ userId: b.userId, customData: { age: '41' } } as never));
    expect(ok(await m.getCustomData({ tenantId: '', targetType: 'USER', targetIdentifier: b.userId })).data).toEqual({ school: 'Cambridge', age: 41 });

    ok(await m.createRole({ code: 'editor', name: 'Editor' }));
    ok(await m.setCustomData({ targetType: 'ROLE' as never, targetIdentifier: 'editor', list: [{ key: 'level', value: 'senior' }] }));
    expect(ok(await m.getCustomData({ tenantId: '', targetType: 'ROLE', targetIdentifier: 'editor' })).data).toEqual({ level: 'senior' });
    expect(await m.setCustomData({ targetType: 'ROLE' as never, targetIdentifier: 'editor', list: [{ key: 'level', value: 'principal' }] })).toMatchObject({ apiCode: 7200005 });
    expect(await m.setCustomData({ targetType: 'ROLE' as never, targetIdentifier: 'nobody', list: [{ key: 'level', value: 'senior' }] })).toMatchObject({ apiCode: 7200007 });

    // school in the ID token and userinfo under extended_fields, when that scope is asked.
    const appSecret = await s.container.services.applications.getSecret(s.poolId, s.defaultAppId);
    const c = authClient({ appId: s.defaultAppId, appSecret, host: s.url });
    const withScope = ok(await c.signInByEmailPassword({ email: 'ada@example.com', password: 'custom fields passphrase', options: { scope: 'openid profile extended_fields' } })).data;
    expect(decodeJwt(withScope.id_token)).toMatchObject({ extended_fields: { school: 'Oxford', age: 36 } });
    const without = ok(await c.signInByEmailPassword({ email: 'ada@example.com', password: 'custom fields passphrase', options: { scope: 'openid profile' } })).data;
    expect(decodeJwt(without.id_token).extended_fields).toBeUndefined();

    // The user's own profile: userEditable fields only.
    c.setAccessToken(without.access_token);
    expect(await c.updateProfile({ customData: { age: 37 } })).toMatchObject({ apiCode: 7200008 });
    expect(await c.updateProfile({ customData: { school: 'Cambridge' } })).toMatchObject({ apiCode: 7200006 });
    ok(await c.updateProfile({ customData: { school: 'Imperial' }, nickname: 'ada' }));
    expect(ok(await m.getCustomData({ tenantId: '', targetType: 'USER', targetIdentifier: a.userId })).data).toEqual({ school: 'Imperial', age: 36 });
  });

  it('keeps keys and types fixed and refuses built-in keys and bad definitions', async () => {
    const m = s.mgmt();
    ok(await m.setCustomFields({ list: [{ targetType: 'USER' as never, key: 'nickname2', dataType: 'STRING' as never, label: 'x' }] }));
    expect(await m.setCustomFields({ list: [{ targetType: 'USER' as never, key: 'nickname2', dataType: 'NUMBER' as never }] })).toMatchObject({ apiCode: 7200003 });
    ok(await m.setCustomFields({ list: [{ targetType: 'USER' as never, key: 'nickname2', label: 'Second nickname' }] }));
    expect(await m.setCustomFields({ list: [{ targetType: 'USER' as never, key: 'email', dataType: 'STRING' as never }] })).toMatchObject({ apiCode: 7200002 });
    expect(await m.setCustomFields({ list: [{ targetType: 'ROLE' as never, key: 'code', dataType: 'STRING' as never }] })).toMatchObject({ apiCode: 7200002 });
    expect(await m.setCustomFields({ list: [{ targetType: 'ROLE' as never, key: 'tier', dataType: 'ENUM' as never }] })).toMatchObject({ apiCode: 7200004 });
    expect(await m.setCustomFields({ list: [{ targetType: 'USER' as never, key: 'flag', dataType: 'BOOLEAN' as never, isUnique: true }] })).toMatchObject({ apiCode: 7200004 });
    expect(await m.setCustomFields({ list: [{ targetType: 'USER' as never, key: '1bad', dataType: 'STRING' as never }] })).toMatchObject({ apiCode: 7200004 });
    ok(await m.deleteCustomFields({ tenantId: '', list: [{ targetType: 'USER' as never, key: 'nickname2' }] }));
    expect(ok(await m.getCustomFields({ targetType: 'USER' })).data.map((f: { key: string }) => f.key)).not.toContain('nickname2');
  });
});
