import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import { createPool, ok, raw, refused } from '../support/management.js';
import { startServer, type TestDb, type TestServer } from '../support/server.js';
import { postgresAvailable } from '../support/services.js';

/**
 * Organisations, departments and department members through the vendor's own
 * `ManagementClient` (authing-node-sdk, unmodified), on SQLite and on PostgreSQL.
 */
const hasPg = await postgresAvailable();

let seq = 0;
const uniq = (label: string) => `${label}${++seq}x${Math.random().toString(36).slice(2, 8)}`;

function organizationsSuite(db: TestDb) {
  describe.skipIf(db === 'postgres' && !hasPg)(`organisations and departments on ${db}`, () => {
    let srv: TestServer;
    let mc: ManagementClient;

    const newUser = async (client: ManagementClient = mc) => {
      const username = uniq('user');
      return ok(await client.createUser({ username, email: `${username}@example.com` })).userId as string;
    };
    const newOrg = async (client: ManagementClient = mc) => {
      const code = uniq('org');
      return ok(await client.createOrganization({ organizationCode: code, organizationName: `Org ${code}`, metadata: {} }));
    };
    const newDept = async (org: string, parent: string, extra: Record<string, unknown> = {}) =>
      ok(await mc.createDepartment({ organizationCode: org, parentDepartmentId: parent, name: uniq('dept'), metadata: {}, ...extra }));

    beforeAll(async () => {
      srv = await startServer({ db });
      mc = srv.mgmt();
    });
    afterAll(async () => {
      await srv?.close();
    });

    it('creates an organisation with a root department and refuses a duplicate code', async () => {
      const code = uniq('acme');
      const org = ok(await mc.createOrganization({ organizationCode: code, organizationName: 'Acme', description: 'the company', openDepartmentId: `ext-${code}`, metadata: {} }));
      expect(org).toMatchObject({ organizationCode: code, organizationName: 'Acme', description: 'the company', hasChildren: false, membersCount: 0, isVirtualNode: false, openDepartmentId: `ext-${code}`, leaderUserIds: [] });
      expect(org.departmentId).toMatch(/^[0-9a-f]{24}$/);
      refused(await mc.createOrganization({ organizationCode: code, organizationName: 'Again', metadata: {} }), 7300002);
      expect(ok(await mc.getOrganization({ organizationCode: code }))).toMatchObject({ organizationCode: code, departmentId: org.departmentId });
      refused(await mc.getOrganization({ organizationCode: uniq('nope') }), 7300001);
      refused(await raw(mc, 'POST', '/api/v3/create-organization', { organizationCode: 'has space', organizationName: 'x' }), 1000002);
      refused(await raw(mc, 'POST', '/api/v3/create-organization', { organizationCode: uniq('o'), organizationName: 'x', tenantId: 't1' }), 1000008);
    });

    it('lists, searches, updates and deletes organisations', async () => {
      const tag = uniq('srch');
      for (let i = 0; i < 3; i++) ok(await mc.createOrganization({ organizationCode: `${tag}-${i}`, organizationName: `Search ${i}`, metadata: {} }));
      const p1 = ok(await mc.searchOrganizations({ keywords: tag, page: 1, limit: 2 }));
      expect(p1.totalCount).toBe(3);
      expect(p1.list.map((o) => o.organizationCode)).toEqual([`${tag}-0`, `${tag}-1`]);
      expect(ok(await mc.listOrganizations({ page: 1, limit: 100 })).totalCount).toBeGreaterThanOrEqual(3);
      const user = await newUser();
      const up = ok(await mc.updateOrganization({ organizationCode: `${tag}-0`, organizationNewCode: `${tag}-renamed`, organizationName: 'Renamed', leaderUserIds: [user] }));
      expect(up).toMatchObject({ organizationCode: `${tag}-renamed`, organizationName: 'Renamed', leaderUserIds: [user], membersCount: 1 });
      refused(await mc.updateOrganization({ organizationCode: `${tag}-1`, organizationNewCode: `${tag}-renamed` }), 7300002);
      refused(await mc.updateOrganization({ organizationCode: `${tag}-1`, leaderUserIds: ['000000000000000000000000'] }), 2004);
      expect(ok(await mc.deleteOrganization({ organizationCode: `${tag}-renamed` }))).toEqual({ success: true });
      refused(await mc.getOrganization({ organizationCode: `${tag}-renamed` }), 7300001);
      refused(await mc.deleteOrganization({ organizationCode: `${tag}-renamed` }), 7300001);
    });

    it('builds a three-level tree, lists children and subtrees, and names departments by id, code, external id or root', async () => {
      const org = await newOrg();
      const code = org.organizationCode;
      const sales = await newDept(code, 'root', { code: 'sales', openDepartmentId: 'dd-1', description: 'Sales' });
      expect(sales).toMatchObject({ organizationCode: code, parentDepartmentId: org.departmentId, parentDepartmentCode: code, code: 'sales', openDepartmentId: 'dd-1', membersCount: 0, hasChildren: false, isVirtualNode: false, status: true });
      const east = await newDept(code, 'sales', { departmentIdType: 'code', code: 'east' });
      expect(east.parentDepartmentId).toBe(sales.departmentId);
      const shanghai = await newDept(code, east.departmentId, { code: 'shanghai' });
      const hr = await newDept(code, org.departmentId, { code: 'hr' });

      const children = ok(await mc.listChildrenDepartments({ organizationCode: code, departmentId: 'root' }));
      expect(children.totalCount).toBe(2);
      expect(children.list.map((d) => d.code)).toEqual(['sales', 'hr']);
      expect(children.list[0]).toMatchObject({ hasChildren: true });
      const all = ok(await mc.getAllDepartments({ organizationCode: code }));
      expect(all.list.map((d) => d.code)).toEqual(['sales', 'hr', 'east', 'shanghai']);
      const below = ok(await mc.getAllDepartments({ organizationCode: code, departmentId: sales.departmentId }));
      expect(below.list.map((d) => d.code)).toEqual(['east', 'shanghai']);

      expect(ok(await mc.getDepartment({ organizationCode: code, departmentId: 'dd-1', departmentIdType: 'open_department_id' })).departmentId).toBe(sales.departmentId);
      expect(ok(await mc.getDepartment({ organizationCode: code, departmentCode: 'shanghai' })).departmentId).toBe(shanghai.departmentId);
      expect(ok(await mc.getParentDepartment({ organizationCode: code, departmentId: shanghai.departmentId })).departmentId).toBe(east.departmentId);
      refused(await mc.getParentDepartment({ organizationCode: code, departmentId: 'root' }), 7300101);
      expect(ok(await mc.getDepartmentById({ departmentId: hr.departmentId })).code).toBe('hr');
      const found = ok(await mc.searchDepartments({ organizationCode: code, keywords: 'SHANG' }));
      expect(found.map((d) => d.departmentId)).toEqual([shanghai.departmentId]);

      // Codes and external ids are unique within an organisation, not across them.
      refused(await mc.createDepartment({ organizationCode: code, parentDepartmentId: 'root', name: 'Dup', code: 'sales', metadata: {} }), 7300102);
      refused(await mc.createDepartment({ organizationCode: code, parentDepartmentId: 'root', name: 'Dup', openDepartmentId: 'dd-1', metadata: {} }), 7300103);
      const other = await newOrg();
      expect(ok(await mc.createDepartment({ organizationCode: other.organizationCode, parentDepartmentId: 'root', name: 'Sales', code: 'sales', metadata: {} })).code).toBe('sales');
      // Unknown parents, a parent of another organisation, unsupported id types.
      refused(await mc.createDepartment({ organizationCode: code, parentDepartmentId: '000000000000000000000000', name: 'x', metadata: {} }), 7300101);
      refused(await mc.createDepartment({ organizationCode: other.organizationCode, parentDepartmentId: sales.departmentId, name: 'x', metadata: {} }), 7300101);
      refused(await mc.getDepartment({ organizationCode: code, departmentId: 'x', departmentIdType: 'sync_relation' }), 7300107);
    });

    it('moves departments, refuses cycles and root moves, and deletes only empty departments unless forced', async () => {
      const org = await newOrg();
      const code = org.organizationCode;
      const a = await newDept(code, 'root', { code: 'a' });
      const b = await newDept(code, a.departmentId, { code: 'b' });
      const c = await newDept(code, b.departmentId, { code: 'c' });
      const d = await newDept(code, 'root', { code: 'd' });

      // Under itself, under a child, under a grandchild: refused, nothing changes.
      refused(await mc.updateDepartment({ metadata: {}, organizationCode: code, departmentId: a.departmentId, parentDepartmentId: a.departmentId }), 7300104);
      refused(await mc.updateDepartment({ metadata: {}, organizationCode: code, departmentId: a.departmentId, parentDepartmentId: c.departmentId }), 7300104);
      refused(await mc.updateDepartment({ metadata: {}, organizationCode: code, departmentId: 'root', parentDepartmentId: d.departmentId }), 7300106);
      expect(ok(await mc.getAllDepartments({ organizationCode: code, departmentId: a.departmentId })).list.map((x) => x.code)).toEqual(['b', 'c']);

      // Move b (with c) under d; subtree queries follow.
      const moved = ok(await mc.updateDepartment({ metadata: {}, organizationCode: code, departmentId: b.departmentId, parentDepartmentId: d.departmentId, name: 'B moved' }));
      expect(moved).toMatchObject({ parentDepartmentId: d.departmentId, parentDepartmentCode: 'd', name: 'B moved' });
      expect(ok(await mc.getAllDepartments({ organizationCode: code, departmentId: a.departmentId })).list).toEqual([]);
      expect(ok(await mc.getAllDepartments({ organizationCode: code, departmentId: d.departmentId })).list.map((x) => x.code)).toEqual(['b', 'c']);
      // The old ancestry is gone: a may now go under c.
      expect(ok(await mc.updateDepartment({ metadata: {}, organizationCode: code, departmentId: a.departmentId, parentDepartmentId: c.departmentId })).parentDepartmentId).toBe(c.departmentId);
      expect(ok(await mc.getAllDepartments({ organizationCode: code })).list.map((x) => x.code)).toEqual(['d', 'b', 'c', 'a']);

      const user = await newUser();
      ok(await mc.addDepartmentMembers({ organizationCode: code, departmentId: a.departmentId, userIds: [user] }));
      refused(await mc.deleteDepartment({ organizationCode: code, departmentId: b.departmentId }), 7300105); // has children
      refused(await mc.deleteDepartment({ organizationCode: code, departmentId: a.departmentId }), 7300105); // has a member
      refused(await mc.deleteDepartment({ organizationCode: code, departmentId: 'root' }), 7300106);
      ok(await raw(mc, 'POST', '/api/v3/delete-department', { organizationCode: code, departmentId: b.departmentId, force: true }));
      // The whole subtree went, with its memberships; nothing is left behind.
      for (const gone of [b, c, a]) refused(await mc.getDepartmentById({ departmentId: gone.departmentId }), 7300101);
      expect(ok(await mc.getUserDepartments({ userId: user })).list).toEqual([]);
      expect(ok(await mc.getAllDepartments({ organizationCode: code })).list.map((x) => x.code)).toEqual(['d']);
      ok(await mc.deleteDepartment({ organizationCode: code, departmentId: d.departmentId }));
    });

    it('manages members, leaders and main departments', async () => {
      const org = await newOrg();
      const code = org.organizationCode;
      const eng = await newDept(code, 'root', { code: 'eng' });
      const web = await newDept(code, eng.departmentId, { code: 'web' });
      const [u1, u2, u3] = [await newUser(), await newUser(), await newUser()];

      ok(await mc.addDepartmentMembers({ organizationCode: code, departmentId: eng.departmentId, userIds: [u1, u2] }));
      ok(await mc.addDepartmentMembers({ organizationCode: code, departmentId: eng.departmentId, userIds: [u1] })); // idempotent
      ok(await mc.addDepartmentMembers({ organizationCode: code, departmentId: 'web', departmentIdType: 'code' as never, userIds: [u3] }));
      refused(await mc.addDepartmentMembers({ organizationCode: code, departmentId: eng.departmentId, userIds: [u1, '000000000000000000000000'] }), 2004);

      const direct = ok(await mc.listDepartmentMembers({ organizationCode: code, departmentId: eng.departmentId, withDepartmentIds: true }));
      expect(direct.totalCount).toBe(2);
      expect(direct.list.map((u) => u.userId).sort()).toEqual([u1, u2].sort());
      expect(direct.list[0]!.departmentIds).toEqual([eng.departmentId]);
      const deep = ok(await mc.listDepartmentMembers({ organizationCode: code, departmentId: eng.departmentId, includeChildrenDepartments: true, page: 1, limit: 2 }));
      expect(deep.totalCount).toBe(3);
      expect(deep.list).toHaveLength(2);
      expect(ok(await mc.listDepartmentMemberIds({ organizationCode: code, departmentId: eng.departmentId })).sort()).toEqual([u1, u2].sort());
      expect(ok(await mc.isUserInDepartment({ userId: u3, organizationCode: code, departmentId: eng.departmentId })).inDepartment).toBe(false);
      expect(ok(await mc.isUserInDepartment({ userId: u3, organizationCode: code, departmentId: eng.departmentId, includeChildrenDepartments: true })).inDepartment).toBe(true);
      expect(ok(await mc.getDepartment({ organizationCode: code, departmentId: eng.departmentId }))).toMatchObject({ membersCount: 2, hasChildren: true });

      // Leaders are members; replacing the leaders keeps the other members.
      const led = ok(await mc.updateDepartment({ metadata: {}, organizationCode: code, departmentId: eng.departmentId, leaderUserIds: [u3] }));
      expect(led.leaderUserIds).toEqual([u3]);
      expect(led.membersCount).toBe(3);

      // set-user-departments replaces the user's memberships, with the main department flag.
      ok(await mc.setUserDepartments({ userId: u1, departments: [{ departmentId: web.departmentId, isMainDepartment: true, isLeader: true }, { departmentId: eng.departmentId }] }));
      const mine = ok(await mc.getUserDepartments({ userId: u1, withDepartmentPaths: true, sortBy: 'DepartmentName', orderBy: 'Asc' }));
      expect(mine.totalCount).toBe(2);
      const webMembership = mine.list.find((m) => m.departmentId === web.departmentId)!;
      expect(webMembership).toMatchObject({ organizationCode: code, isMainDepartment: true, isLeader: true, isRoot: false, code: 'web' });
      expect(webMembership.departmentIdPath).toEqual([org.departmentId, eng.departmentId, web.departmentId]);
      expect(webMembership.departmentCodePath).toEqual([code, 'eng', 'web']);
      refused(await mc.setUserDepartments({ userId: u1, departments: [{ departmentId: web.departmentId, isMainDepartment: true }, { departmentId: eng.departmentId, isMainDepartment: true }] }), 1000002);
      refused(await mc.setUserDepartments({ userId: u1, departments: [{ departmentId: '000000000000000000000000' }] }), 7300101);
      // Nothing was written by the refused calls.
      expect(ok(await mc.getUserDepartments({ userId: u1 })).totalCount).toBe(2);

      ok(await mc.removeDepartmentMembers({ organizationCode: code, departmentId: eng.departmentId, userIds: [u1, u2] }));
      expect(ok(await mc.listDepartmentMemberIds({ organizationCode: code, departmentId: eng.departmentId }))).toEqual([u3]);
      // Deleting a user removes their memberships (no orphans).
      ok(await mc.deleteUsersBatch({ userIds: [u3] }));
      expect(ok(await mc.listDepartmentMemberIds({ organizationCode: code, departmentId: eng.departmentId }))).toEqual([]);
    });

    it('keeps pools apart', async () => {
      const org = await newOrg();
      const dept = await newDept(org.organizationCode, 'root', { code: 'mine' });
      const { client: other } = await createPool(srv, mc, uniq('pool'));
      refused(await other.getOrganization({ organizationCode: org.organizationCode }), 7300001);
      refused(await other.getDepartmentById({ departmentId: dept.departmentId }), 7300101);
      const theirs = await newOrg(other);
      const theirUser = await newUser(other);
      refused(await other.addDepartmentMembers({ organizationCode: theirs.organizationCode, departmentId: 'root', userIds: [await newUser()] }), 2004);
      refused(await other.setUserDepartments({ userId: theirUser, departments: [{ departmentId: dept.departmentId }] }), 7300101);
    });

    it('upserts departments by external id idempotently (directory synchronisation)', async () => {
      const org = await newOrg();
      const code = org.organizationCode;
      const svc = srv.container.services.organizations;
      const first = await svc.upsertByExternalId(srv.poolId, { organizationCode: code, openDepartmentId: 'ding-1', name: 'HQ' });
      expect(first).toMatchObject({ created: true, moved: false });
      const child = await svc.upsertByExternalId(srv.poolId, { organizationCode: code, openDepartmentId: 'ding-2', parentOpenDepartmentId: 'ding-1', name: 'Team' });
      expect(child.department.parentDepartmentId).toBe(first.department.departmentId);
      const again = await svc.upsertByExternalId(srv.poolId, { organizationCode: code, openDepartmentId: 'ding-2', parentOpenDepartmentId: 'ding-1', name: 'Team' });
      expect(again).toMatchObject({ created: false, moved: false });
      expect(again.department.departmentId).toBe(child.department.departmentId);
      const movedUp = await svc.upsertByExternalId(srv.poolId, { organizationCode: code, openDepartmentId: 'ding-2', parentOpenDepartmentId: null, name: 'Team renamed' });
      expect(movedUp).toMatchObject({ created: false, moved: true });
      expect(movedUp.department).toMatchObject({ parentDepartmentId: org.departmentId, name: 'Team renamed' });
      expect(ok(await mc.getAllDepartments({ organizationCode: code })).totalCount).toBe(2);
    });
  });
}

organizationsSuite('sqlite');
organizationsSuite('postgres');
