import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import { ok, raw, refused } from '../support/management.js';
import { authClient, startServer, type TestDb, type TestServer } from '../support/server.js';
import { prepareDefaultApp } from '../support/sign-in.js';
import { postgresAvailable, redisAvailable, REDIS_URL } from '../support/services.js';

/**
 * Resources and permissions through the vendor's own clients: an organisation with three levels
 * of departments, a group and a role; `order:read` granted to a department (inherited by its
 * sub-departments), `order:write` to a group, `invoice:read` to a role. On SQLite, on
 * PostgreSQL, and on two nodes sharing PostgreSQL + Redis (a move on one node is seen by the
 * other's cached checks).
 */
const hasPg = await postgresAvailable();
const hasRedis = await redisAvailable();

let seq = 0;
const uniq = (label: string) => `${label}${++seq}x${Math.random().toString(36).slice(2, 8)}`;
const T = (v: string) => v as never;

interface Tree {
  org: string;
  sales: string;
  east: string;
  shanghai: string;
  hr: string;
  group: string;
  role: string;
  users: { salesLead: string; shanghaiRep: string; outsider: string; grouped: string; roled: string; hrPerson: string };
}

/** Builds the organisation, group, role, resources and grants the suites check. */
async function buildTree(mc: ManagementClient): Promise<Tree> {
  const newUser = async (password?: string) => {
    const username = uniq('user');
    return ok(await mc.createUser({ username, email: `${username}@example.com`, ...(password ? { password } : {}) })).userId as string;
  };
  const org = ok(await mc.createOrganization({ organizationCode: uniq('acme'), organizationName: 'Acme', metadata: {} })).organizationCode;
  const dept = async (parent: string, code: string) => ok(await mc.createDepartment({ organizationCode: org, parentDepartmentId: parent, name: code, code, metadata: {} })).departmentId;
  const sales = await dept('root', 'sales');
  const east = await dept(sales, 'east');
  const shanghai = await dept(east, 'shanghai');
  const hr = await dept('root', 'hr');
  const hrTeam = await dept(hr, 'hr-team');
  const group = ok(await mc.createGroup({ code: uniq('writers'), name: 'Writers', description: '', type: 'STATIC' })).code;
  const role = ok(await mc.createRole({ code: uniq('accountant') })).code;
  const users = { salesLead: await newUser(), shanghaiRep: await newUser('shanghai rep passphrase'), outsider: await newUser(), grouped: await newUser(), roled: await newUser(), hrPerson: await newUser() };
  ok(await mc.addDepartmentMembers({ organizationCode: org, departmentId: sales, userIds: [users.salesLead] }));
  ok(await mc.addDepartmentMembers({ organizationCode: org, departmentId: shanghai, userIds: [users.shanghaiRep] }));
  ok(await mc.addDepartmentMembers({ organizationCode: org, departmentId: hrTeam, userIds: [users.hrPerson] }));
  ok(await mc.addGroupMembers({ code: group, userIds: [users.grouped, users.shanghaiRep] }));
  ok(await mc.assignRole({ code: role, targets: [{ targetType: T('USER'), targetIdentifier: users.roled }] }));

  const actions = (...names: string[]) => names.map((name) => ({ name, description: name }));
  ok(await mc.createResource({ code: 'order', type: T('DATA'), actions: actions('read', 'write', 'delete') }));
  ok(await mc.createResource({ code: 'invoice', type: T('API'), actions: actions('read'), apiIdentifier: 'https://api.example/invoices' }));
  ok(await mc.createResource({ code: 'payroll', type: T('DATA'), actions: actions('read') }));
  ok(
    await raw(mc, 'POST', '/api/v3/authorize-resources', {
      list: [
        { targetType: 'DEPARTMENT', targetIdentifiers: [sales], resources: [{ code: 'order', actions: ['read'], resourceType: 'DATA' }], includeChildrenDepartments: true },
        { targetType: 'DEPARTMENT', targetIdentifiers: [hr], resources: [{ code: 'payroll', actions: ['read'], resourceType: 'DATA' }] }, // not inherited
        { targetType: 'GROUP', targetIdentifiers: [group], resources: [{ code: 'order', actions: ['write'], resourceType: 'DATA' }] },
        { targetType: 'ROLE', targetIdentifiers: [role], resources: [{ code: 'invoice', actions: ['read'], resourceType: 'API' }] },
      ],
    }),
  );
  return { org, sales, east, shanghai, hr, group, role, users };
}

const allowed = async (mc: ManagementClient, userId: string, resource: string, action: string) => ok(await mc.isActionAllowed({ userId, resource, action })).allowed;

function permissionsSuite(db: TestDb) {
  describe.skipIf(db === 'postgres' && !hasPg)(`resources and permissions on ${db}`, () => {
    let srv: TestServer;
    let mc: ManagementClient;
    let t: Tree;

    beforeAll(async () => {
      srv = await startServer({ db });
      mc = srv.mgmt();
      t = await buildTree(mc);
    });
    afterAll(async () => {
      await srv?.close();
    });

    it('creates, lists, updates and deletes resources with the vendor ResourceDto', async () => {
      expect(ok(await mc.getResource({ code: 'invoice' }))).toMatchObject({ code: 'invoice', type: 'API', namespace: 'default', apiIdentifier: 'https://api.example/invoices', actions: [{ name: 'read', description: 'read' }] });
      refused(await mc.createResource({ code: 'order', type: T('DATA') }), 7300302);
      expect(ok(await mc.createResource({ code: 'order', type: T('DATA'), namespace: 'other-space' })).namespace).toBe('other-space');
      const page = ok(await mc.listResources({ type: T('DATA'), page: 1, limit: 10 }));
      expect(page.list.map((r) => r.code)).toEqual(['order', 'payroll']);
      const tmp = uniq('tmp');
      ok(await mc.createResource({ code: tmp, type: T('MENU'), actions: [{ name: 'view', description: '' }] }));
      expect(ok(await mc.updateResource({ code: tmp, name: 'Temporary', type: T('BUTTON') }))).toMatchObject({ name: 'Temporary', type: 'BUTTON' });
      ok(await mc.deleteResource({ code: tmp }));
      refused(await mc.getResource({ code: tmp }), 7300301);
      refused(await raw(mc, 'POST', '/api/v3/create-resource', { code: 'has space', type: 'DATA' }), 1000002);
      refused(await raw(mc, 'POST', '/api/v3/create-resource', { code: uniq('x'), type: 'NOPE' }), 1000002);
    });

    it('answers isActionAllowed for members, non-members, inherited departments, groups and roles', async () => {
      const u = t.users;
      expect(await allowed(mc, u.salesLead, 'order', 'read')).toBe(true); // department grant
      expect(await allowed(mc, u.shanghaiRep, 'order', 'read')).toBe(true); // two levels below, inheritance on
      expect(await allowed(mc, u.shanghaiRep, 'order', 'write')).toBe(true); // group grant
      expect(await allowed(mc, u.salesLead, 'order', 'write')).toBe(false);
      expect(await allowed(mc, u.grouped, 'order', 'write')).toBe(true);
      expect(await allowed(mc, u.grouped, 'order', 'read')).toBe(false);
      expect(await allowed(mc, u.roled, 'invoice', 'read')).toBe(true); // role grant
      expect(await allowed(mc, u.outsider, 'order', 'read')).toBe(false);
      expect(await allowed(mc, u.outsider, 'invoice', 'read')).toBe(false);
      expect(await allowed(mc, u.hrPerson, 'payroll', 'read')).toBe(false); // granted to hr without inheritance
      expect(await allowed(mc, u.salesLead, 'order', 'delete')).toBe(false);
      refused(await mc.isActionAllowed({ userId: '000000000000000000000000', resource: 'order', action: 'read' }), 2004);
    });

    it('lists what reaches a user (the union) and what was granted to each target', async () => {
      const mine = ok(await mc.getUserAuthorizedResources({ userId: t.users.shanghaiRep }));
      expect(mine.list.map((r) => [r.resourceCode, [...r.actions].sort()])).toEqual([['order', ['read', 'write']]]);
      expect(mine.list[0]).toMatchObject({ resourceType: 'DATA', effect: 'ALLOW' });
      expect(ok(await mc.getUserAuthorizedResources({ userId: t.users.roled })).list).toEqual([expect.objectContaining({ resourceCode: 'invoice', actions: ['read'], apiIdentifier: 'https://api.example/invoices' })]);
      expect(ok(await mc.getRoleAuthorizedResources({ code: t.role })).list.map((r) => r.resourceCode)).toEqual(['invoice']);
      expect(ok(await mc.getGroupAuthorizedResources({ code: t.group })).map((r) => [r.resourceCode, r.actions])).toEqual([['order', ['write']]]);
      expect(ok(await mc.getAuthorizedResources({ targetType: 'DEPARTMENT', targetIdentifier: t.sales })).list.map((r) => [r.resourceCode, r.actions])).toEqual([['order', ['read']]]);
      expect(ok(await mc.getAuthorizedResources({ targetType: 'USER', targetIdentifier: t.users.shanghaiRep })).list).toEqual([]); // nothing granted to the user directly
    });

    it('refuses unknown actions, resources and targets without writing anything', async () => {
      const grant = (item: Record<string, unknown>) => raw(mc, 'POST', '/api/v3/authorize-resources', { list: [item] });
      refused(await grant({ targetType: 'USER', targetIdentifiers: [t.users.outsider], resources: [{ code: 'order', actions: ['fly'] }] }), 7300303);
      refused(await grant({ targetType: 'USER', targetIdentifiers: [t.users.outsider], resources: [{ code: 'nothing-here', actions: ['read'] }] }), 7300301);
      refused(await grant({ targetType: 'GROUP', targetIdentifiers: ['no-such-group'], resources: [{ code: 'order', actions: ['read'] }] }), 7300304);
      refused(await grant({ targetType: 'DEPARTMENT', targetIdentifiers: ['000000000000000000000000'], resources: [{ code: 'order', actions: ['read'] }] }), 7300304);
      refused(await grant({ targetType: 'ROLE', targetIdentifiers: ['no-such-role'], resources: [{ code: 'order', actions: ['read'] }] }), 7300304);
      refused(await grant({ targetType: 'USER', targetIdentifiers: [t.users.outsider, '000000000000000000000000'], resources: [{ code: 'order', actions: ['read'] }] }), 2004);
      refused(await grant({ targetType: 'USER', targetIdentifiers: [t.users.outsider], resources: [{ code: 'order', actions: ['read'] }], includeChildrenDepartments: true }), 1000002);
      expect(await allowed(mc, t.users.outsider, 'order', 'read')).toBe(false);
    });

    it('follows membership changes, moves, revocations and deletes at once', async () => {
      const u = t.users;
      // A direct grant, then replaced by an empty action list (revoked).
      ok(await mc.authorizeResources({ list: [{ targetType: T('USER'), targetIdentifiers: [u.outsider], resources: [{ code: 'order', actions: ['delete'], resourceType: T('DATA') }] }] }));
      expect(await allowed(mc, u.outsider, 'order', 'delete')).toBe(true);
      ok(await mc.authorizeResources({ list: [{ targetType: T('USER'), targetIdentifiers: [u.outsider], resources: [{ code: 'order', actions: [], resourceType: T('DATA') }] }] }));
      expect(await allowed(mc, u.outsider, 'order', 'delete')).toBe(false);

      // Joining a department (cached "no" before) counts at once.
      expect(await allowed(mc, u.outsider, 'order', 'read')).toBe(false);
      ok(await mc.addDepartmentMembers({ organizationCode: t.org, departmentId: t.east, userIds: [u.outsider] }));
      expect(await allowed(mc, u.outsider, 'order', 'read')).toBe(true);
      // Moving "east" out from under "sales" takes the inherited grant away.
      ok(await mc.updateDepartment({ metadata: {}, organizationCode: t.org, departmentId: t.east, parentDepartmentId: t.hr }));
      expect(await allowed(mc, u.outsider, 'order', 'read')).toBe(false);
      expect(await allowed(mc, u.shanghaiRep, 'order', 'read')).toBe(false);
      ok(await mc.updateDepartment({ metadata: {}, organizationCode: t.org, departmentId: t.east, parentDepartmentId: t.sales }));
      expect(await allowed(mc, u.shanghaiRep, 'order', 'read')).toBe(true);

      // Revoking the role, deleting the group: their grants stop reaching the users.
      ok(await mc.revokeRole({ code: t.role, targets: [{ targetType: T('USER'), targetIdentifier: u.roled }] }));
      expect(await allowed(mc, u.roled, 'invoice', 'read')).toBe(false);
      expect(ok(await mc.listRoleMembers({ code: t.role })).totalCount).toBe(0);
      ok(await mc.deleteGroupsBatch({ codeList: [t.group] }));
      expect(await allowed(mc, u.grouped, 'order', 'write')).toBe(false);
      refused(await mc.getGroupAuthorizedResources({ code: t.group }), 7300304);
      // Deleting the role takes its grants with it.
      ok(await mc.deleteRolesBatch({ codeList: [t.role] }));
      refused(await mc.getRoleAuthorizedResources({ code: t.role }), 7300304);
    });

    it('lets the signed-in user read and check their own permissions (AuthenticationClient)', async () => {
      const appSecret = await prepareDefaultApp(srv);
      const client = authClient({ appId: srv.defaultAppId, appSecret, host: srv.url });
      const user = ok(await mc.getUser({ userId: t.users.shanghaiRep }));
      const signedIn = await client.signInByUsernamePassword({ username: user.username!, password: 'shanghai rep passphrase' });
      expect(signedIn.statusCode).toBe(200);
      client.setAccessToken(signedIn.data.access_token!);
      const mine = await client.getAuthorizedResources({});
      expect(mine.data.list.map((r) => r.resourceCode)).toEqual(['order']);
      const check = await client.checkPermissionByStringResource({ resources: ['order', 'invoice'], action: 'read' });
      expect(check.data.checkResultList).toEqual([
        { namespaceCode: 'default', action: 'read', resource: 'order', enabled: true },
        { namespaceCode: 'default', action: 'read', resource: 'invoice', enabled: false },
      ]);
    });
  });
}

permissionsSuite('sqlite');
permissionsSuite('postgres');

describe.skipIf(!hasPg || !hasRedis)('permission checks on two nodes (PostgreSQL + Redis)', () => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    a = await startServer({ db: 'postgres', config: { redisUrl: REDIS_URL } });
    b = await startServer({ join: a, config: { redisUrl: REDIS_URL } });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('answers the same on both nodes, and a move on one node is seen by the other through the invalidation bus', async () => {
    const ma = a.mgmt();
    const mb = b.mgmt();
    const t = await buildTree(ma);
    const u = t.users;
    // Both nodes answer (and cache) the same.
    for (const mc of [ma, mb]) {
      expect(await allowed(mc, u.shanghaiRep, 'order', 'read')).toBe(true);
      expect(await allowed(mc, u.outsider, 'order', 'read')).toBe(false);
      expect(await allowed(mc, u.grouped, 'order', 'write')).toBe(true);
    }
    // Move the outsider into a sub-department of sales on node B; node A's cached "no" turns.
    ok(await mb.setUserDepartments({ userId: u.outsider, departments: [{ departmentId: t.shanghai, isMainDepartment: true }] }));
    // The change reaches node A through the invalidation bus (Redis pub/sub), not the cache's
    // 30-s expiry: the wait is bounded well below it. No timing is asserted (bench measures speed).
    await expect.poll(() => allowed(ma, u.outsider, 'order', 'read'), { timeout: 10_000, interval: 50 }).toBe(true);
    // And move the Shanghai rep out of the tree on node A; node B follows.
    ok(await ma.setUserDepartments({ userId: u.shanghaiRep, departments: [{ departmentId: t.hr }] }));
    await expect.poll(() => allowed(mb, u.shanghaiRep, 'order', 'read'), { timeout: 10_000, interval: 50 }).toBe(false);
    // The group grant did not depend on the department.
    expect(await allowed(mb, u.shanghaiRep, 'order', 'write')).toBe(true);
  });
});
