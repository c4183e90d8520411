import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import { ok, raw, refused } from '../support/management.js';
import { authClient, startServer, type TestServer } from '../support/server.js';
import { prepareDefaultApp } from '../support/sign-in.js';

/**
 * Batch reads and list filters exactly as the vendor `ManagementClient` sends them: GET arrays
 * as axios encodes them (`organizationCodeList[]=a&organizationCodeList[]=b`, one value is still
 * a list), signed over the JSON-encoded array; resource batches and cross-namespace listing; and
 * `withDepartmentIds` on every user read (getUser, getUserBatch, listUsers, the legacy list, role
 * members, and the end user's getProfile).
 */
const T = (v: string) => v as never;

describe('vendor batch reads and list filters', () => {
  let srv: TestServer;
  let mc: ManagementClient;

  beforeAll(async () => {
    srv = await startServer();
    mc = srv.mgmt();
  });
  afterAll(async () => srv?.close());

  it('getOrganizationsBatch answers the organisations asked for, in that order, leaving unknown codes out', async () => {
    for (const code of ['north', 'south', 'west']) ok(await mc.createOrganization({ organizationCode: code, organizationName: code.toUpperCase(), metadata: {} }));
    const two = ok(await mc.getOrganizationsBatch({ organizationCodeList: ['west', 'nowhere', 'north'] }));
    expect(two.map((o) => [o.organizationCode, o.organizationName])).toEqual([['west', 'WEST'], ['north', 'NORTH']]);
    expect(two[0]!.departmentId).toBeTruthy();
    // One element: axios still sends `organizationCodeList[]=south`.
    expect(ok(await mc.getOrganizationsBatch({ organizationCodeList: ['south'] })).map((o) => o.organizationCode)).toEqual(['south']);
    expect(ok(await mc.getOrganizationsBatch({ organizationCodeList: ['nowhere'] }))).toEqual([]);
    // No list is a bad request, not "everything". (The client cannot send an empty one: axios
    // drops it from the URL while the signature covers `organizationCodeList=[]`, so it is refused as unsigned.)
    refused(await raw(mc, 'GET', '/api/v3/get-organization-batch', { withPost: false }), 1000002);
    expect((await mc.getOrganizationsBatch({ organizationCodeList: [] })).data).toBeNull();
  });

  it('creates and deletes resources in batches, all or none, and reads them by code', async () => {
    const r = (code: string, type = 'DATA') => ({ code, type: T(type), actions: [{ name: 'read', description: '' }] });
    ok(await mc.createResourcesBatch({ list: [r('doc'), r('sheet', 'API'), r('menu-home', 'MENU')] }));
    // A duplicate (with an existing one or inside the batch) writes nothing.
    refused(await mc.createResourcesBatch({ list: [r('slide'), r('doc')] }), 7300302);
    refused(await mc.createResourcesBatch({ list: [r('slide'), r('slide')] }), 7300302);
    refused(await mc.getResource({ code: 'slide' }), 7300301);
    ok(await mc.createResourcesBatch({ namespace: 'billing', list: [r('doc'), r('ledger')] }));

    const batch = ok(await mc.getResourcesBatch({ codeList: ['sheet', 'missing', 'doc'] }));
    expect(batch.map((x) => [x.code, x.namespace, x.type])).toEqual([['sheet', 'default', 'API'], ['doc', 'default', 'DATA']]);
    expect(ok(await mc.getResourcesBatch({ codeList: ['ledger'], namespace: 'billing' })).map((x) => x.code)).toEqual(['ledger']);
    // The vendor documents a comma-separated list too.
    expect(ok(await raw(mc, 'GET', '/api/v3/get-resources-batch', { codeList: 'doc,sheet' })).map((x: { code: string }) => x.code)).toEqual(['doc', 'sheet']);

    // list-resources: one namespace, by type, paged.
    expect(ok(await mc.listResources({ type: T('DATA') })).list.map((x) => x.code)).toEqual(['doc']);
    expect(ok(await mc.listResources({ namespace: 'billing' })).list.map((x) => x.code).sort()).toEqual(['doc', 'ledger']);
    const page1 = ok(await mc.listResources({ page: 1, limit: 2 }));
    const page2 = ok(await mc.listResources({ page: 2, limit: 2 }));
    expect([page1.totalCount, page1.list.length, page2.list.length]).toEqual([3, 2, 1]);
    expect([...page1.list, ...page2.list].map((x) => x.code).sort()).toEqual(['doc', 'menu-home', 'sheet']);

    // list-common-resource: across namespaces by keyword, or only the listed namespaces.
    const common = ok(await mc.listCommonResource({ keyword: 'DO' }));
    expect(common.list.map((x) => `${x.namespace}/${x.code}`).sort()).toEqual(['billing/doc', 'default/doc']);
    expect(common.list[0]).toMatchObject({ id: expect.any(String), namespaceName: expect.any(String), userPoolId: srv.poolId, createdAt: expect.any(String) });
    expect(ok(await mc.listCommonResource({ namespaceCodeList: 'billing' })).list.map((x) => x.code).sort()).toEqual(['doc', 'ledger']);
    expect(ok(await mc.listCommonResource({ keyword: '100%' })).totalCount).toBe(0); // LIKE wildcards are literal

    // delete-resources-batch: an unknown code deletes nothing; otherwise the grants go too.
    const user = ok(await mc.createUser({ username: 'granted' })).userId;
    ok(await mc.authorizeResources({ list: [{ targetType: T('USER'), targetIdentifiers: [user], resources: [{ code: 'sheet', actions: ['read'], resourceType: T('API') }] }] }));
    expect(ok(await mc.isActionAllowed({ userId: user, resource: 'sheet', action: 'read' })).allowed).toBe(true);
    refused(await mc.deleteResourcesBatch({ codeList: ['sheet', 'missing'] }), 7300301);
    expect(ok(await mc.getResourcesBatch({ codeList: ['sheet'] })).length).toBe(1);
    const ledgerId = ok(await mc.listCommonResource({ keyword: 'ledger' })).list[0]!.id;
    ok(await mc.deleteResourcesBatch({ codeList: ['sheet', 'menu-home'] }));
    ok(await mc.deleteResourcesBatch({ ids: [ledgerId] }));
    expect(ok(await mc.isActionAllowed({ userId: user, resource: 'sheet', action: 'read' })).allowed).toBe(false);
    expect(ok(await mc.listCommonResource({})).list.map((x) => `${x.namespace}/${x.code}`).sort()).toEqual(['billing/doc', 'default/doc']);
    refused(await raw(mc, 'POST', '/api/v3/delete-resources-batch', {}), 1000002);
  });

  it('getAuthorizedResources filters by resourceList as axios sends it', async () => {
    const user = ok(await mc.createUser({ username: 'filtered' })).userId;
    for (const code of ['alpha', 'beta', 'gamma']) ok(await mc.createResource({ code, type: T('DATA'), actions: [{ name: 'read', description: '' }] }));
    ok(await mc.authorizeResources({ list: [{ targetType: T('USER'), targetIdentifiers: [user], resources: ['alpha', 'beta', 'gamma'].map((code) => ({ code, actions: ['read'], resourceType: T('DATA') })) }] }));
    const all = ok(await mc.getAuthorizedResources({ targetType: 'USER', targetIdentifier: user }));
    expect(all.list.map((x) => x.resourceCode)).toEqual(['alpha', 'beta', 'gamma']);
    const some = ok(await mc.getAuthorizedResources({ targetType: 'USER', targetIdentifier: user, resourceList: ['gamma', 'alpha'] }));
    expect(some.list.map((x) => x.resourceCode).sort()).toEqual(['alpha', 'gamma']);
    const one = ok(await mc.getAuthorizedResources({ targetType: 'USER', targetIdentifier: user, resourceList: ['beta'] }));
    expect(one.list.map((x) => x.resourceCode)).toEqual(['beta']);
  });

  it('fills departmentIds on every user read that asks withDepartmentIds', async () => {
    const org = ok(await mc.createOrganization({ organizationCode: 'deps', organizationName: 'Deps', metadata: {} }));
    const a = ok(await mc.createDepartment({ organizationCode: 'deps', parentDepartmentId: 'root', name: 'A', code: 'a', metadata: {} })).departmentId;
    const b = ok(await mc.createDepartment({ organizationCode: 'deps', parentDepartmentId: a, name: 'B', code: 'b', metadata: {} })).departmentId;
    const member = ok(await mc.createUser({ username: 'member', password: 'correct horse battery staple 42' })).userId;
    const loner = ok(await mc.createUser({ username: 'loner' })).userId;
    ok(await mc.setUserDepartments({ userId: member, departments: [{ departmentId: a }, { departmentId: b, isMainDepartment: true }] }));
    const sorted = (ids: string[] | undefined) => [...(ids ?? [])].sort();
    const want = sorted([a, b]);

    expect(sorted(ok(await mc.getUser({ userId: member, withDepartmentIds: true })).departmentIds)).toEqual(want);
    expect(ok(await mc.getUser({ userId: member })).departmentIds).toBeUndefined();
    const batch = ok(await mc.getUserBatch({ userIds: [member, loner], withDepartmentIds: true }));
    expect(batch.map((u) => [u.userId, sorted(u.departmentIds)])).toEqual([[member, want], [loner, []]]);
    const listed = ok(await mc.listUsers({ keywords: 'member', options: { withDepartmentIds: true } }));
    expect(listed.list.map((u) => [u.userId, sorted(u.departmentIds)])).toEqual([[member, want]]);
    const legacy = ok(await mc.listUsersLegacy({ limit: 50, withDepartmentIds: true }));
    expect(sorted(legacy.list.find((u) => u.userId === member)!.departmentIds)).toEqual(want);
    expect(legacy.list.find((u) => u.userId === loner)!.departmentIds).toEqual([]);

    ok(await mc.createRole({ code: 'auditor' }));
    ok(await mc.assignRole({ code: 'auditor', targets: [{ targetType: T('USER'), targetIdentifier: member }] }));
    expect(sorted(ok(await mc.listRoleMembers({ code: 'auditor', withDepartmentIds: true })).list[0]!.departmentIds)).toEqual(want);
    expect(org.departmentId).toBeTruthy();

    // The signed-in user's own profile.
    const appSecret = await prepareDefaultApp(srv);
    const client = authClient({ appId: srv.defaultAppId, appSecret, host: srv.url });
    const signedIn = await client.signInByUsernamePassword({ username: 'member', password: 'correct horse battery staple 42' });
    expect(signedIn.statusCode, signedIn.message).toBe(200);
    client.setAccessToken(signedIn.data.access_token!);
    expect(sorted((await client.getProfile({ withDepartmentIds: true })).data.departmentIds)).toEqual(want);
    expect((await client.getProfile({})).data.departmentIds).toBeUndefined();
  });
});
