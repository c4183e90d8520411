import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import { createPool, ok, raw, refused } from '../support/management.js';
import { startServer, type TestDb, type TestServer } from '../support/server.js';
import { postgresAvailable } from '../support/services.js';

/**
 * Roles through the vendor's own `ManagementClient` (authing-node-sdk, unmodified), against a
 * real server on SQLite and on PostgreSQL: the same suite for both (design.md §6).
 */
const hasPg = await postgresAvailable();

let seq = 0;
const uniq = (label: string) => `${label}${++seq}x${Math.random().toString(36).slice(2, 8)}`;
const USER = 'USER' as never;

function rolesSuite(db: TestDb) {
  describe.skipIf(db === 'postgres' && !hasPg)(`roles management API on ${db}`, () => {
    let srv: TestServer;
    let mc: ManagementClient;

    const newUser = async (client: ManagementClient = mc): Promise<{ userId: string; username: string; email: string }> => {
      const username = uniq('user');
      const u = ok(await client.createUser({ username, email: `${username}@example.com` }));
      return { userId: u.userId, username, email: `${username}@example.com` };
    };
    const newRole = async (extra: Record<string, unknown> = {}, client: ManagementClient = mc) => ok(await raw(client, 'POST', '/api/v3/create-role', { code: uniq('role'), ...extra }));

    beforeAll(async () => {
      srv = await startServer({ db });
      mc = srv.mgmt();
    });
    afterAll(async () => {
      await srv?.close();
    });

    it('creates a role with the vendor RoleDto shape and refuses a duplicate code in the namespace', async () => {
      const code = uniq('admin');
      const role = ok(await mc.createRole({ code, name: 'Administrators', description: 'full access' }));
      expect(role.id).toMatch(/^[0-9a-f]{24}$/);
      expect(role).toMatchObject({ code, name: 'Administrators', description: 'full access', namespace: 'default', namespaceName: 'default', status: 'ENABLE' });
      refused(await mc.createRole({ code }), 4100002);
      refused(await mc.createRole({ code, namespace: 'default' }), 4100002);
      // The same code in another namespace is another role.
      expect(ok(await mc.createRole({ code, namespace: 'billing' }))).toMatchObject({ code, namespace: 'billing' });
      // Defaults: name falls back to the code, description to ''.
      expect(ok(await mc.createRole({ code: `${code}-bare` }))).toMatchObject({ name: `${code}-bare`, description: '' });
    });

    it('validates role input and names unsupported vendor fields', async () => {
      refused(await raw(mc, 'POST', '/api/v3/create-role', { code: 'has space' }), 1000002);
      refused(await raw(mc, 'POST', '/api/v3/create-role', { code: uniq('r'), unknown: 1 }), 1000002);
      refused(await raw(mc, 'POST', '/api/v3/create-role', {}), 1000002);
      refused(await mc.createRole({ code: uniq('r'), disableTime: '1700000000000' }), 1000008);
    });

    it('lists roles with paging, totalCount, keywords and namespace', async () => {
      const tag = uniq('lst');
      for (let i = 0; i < 5; i++) await newRole({ code: `${tag}-${i}`, name: `Listed ${i}` });
      await newRole({ code: `${tag}-other-ns`, namespace: 'elsewhere' });
      const p1 = ok(await mc.listRoles({ page: 1, limit: 2, keywords: tag }));
      const p3 = ok(await mc.listRoles({ page: 3, limit: 2, keywords: tag }));
      expect(p1.totalCount).toBe(5);
      expect(p1.list).toHaveLength(2);
      expect(p3.list).toHaveLength(1);
      expect(p1.list[0]).toMatchObject({ code: `${tag}-0`, namespace: 'default' });
      expect(ok(await mc.listRoles({ keywords: tag.toUpperCase() })).totalCount).toBe(5);
      expect(ok(await mc.listRoles({ keywords: tag, namespace: 'elsewhere' })).list.map((r) => r.code)).toEqual([`${tag}-other-ns`]);
      expect(ok(await mc.listRoles({ keywords: '_' })).totalCount).toBe(0); // LIKE wildcards are literal
      const all = ok(await mc.listRoles({ page: 1, limit: 100 }));
      expect(all.totalCount).toBeGreaterThanOrEqual(5);
    });

    it('assigns a role to users idempotently and lists a user’s roles', async () => {
      const alice = await newUser();
      const bob = await newUser();
      const role = await newRole({ name: 'Editors' });
      const other = await newRole({ namespace: 'billing' });

      expect(ok(await mc.assignRole({ code: role.code, targets: [{ targetType: USER, targetIdentifier: alice.userId }, { targetType: USER, targetIdentifier: bob.userId }] }))).toEqual({ success: true });
      ok(await mc.assignRole({ code: role.code, targets: [{ targetType: USER, targetIdentifier: alice.userId }] })); // again: no error, no duplicate
      ok(await mc.assignRole({ code: other.code, namespace: 'billing', targets: [{ targetType: USER, targetIdentifier: alice.userId }] }));

      const roles = ok(await mc.getUserRoles({ userId: alice.userId }));
      expect(roles.totalCount).toBe(1);
      expect(roles.list[0]).toMatchObject({ id: role.id, code: role.code, name: 'Editors', namespace: 'default' });
      expect(ok(await mc.getUserRoles({ userId: alice.userId, namespace: 'billing' })).list.map((r) => r.code)).toEqual([other.code]);
      // By other identifiers the vendor allows.
      expect(ok(await mc.getUserRoles({ userId: alice.username, userIdType: 'username' })).totalCount).toBe(1);
      expect(ok(await mc.getUserRoles({ userId: alice.email.toUpperCase(), userIdType: 'email' })).totalCount).toBe(1);
      expect(ok(await mc.getUserRoles({ userId: bob.userId })).list.map((r) => r.code)).toEqual([role.code]);
      const fresh = await newUser();
      expect(ok(await mc.getUserRoles({ userId: fresh.userId }))).toEqual({ totalCount: 0, list: [] });
    });

    it('lists a user’s roles in the order they were created, whatever the order of assignment', async () => {
      const carol = await newUser();
      const made = [await newRole(), await newRole(), await newRole(), await newRole()];
      await newRole(); // not assigned
      for (const r of [made[2]!, made[0]!, made[3]!, made[1]!]) ok(await mc.assignRole({ code: r.code, targets: [{ targetType: USER, targetIdentifier: carol.userId }] }));
      const list = ok(await mc.getUserRoles({ userId: carol.userId })).list;
      expect(list.map((r) => r.id)).toEqual(made.map((r) => r.id));
    });

    it('refuses unknown roles and users without assigning anything', async () => {
      const alice = await newUser();
      const role = await newRole();
      refused(await mc.assignRole({ code: uniq('missing'), targets: [{ targetType: USER, targetIdentifier: alice.userId }] }), 4100001);
      refused(await mc.assignRole({ code: role.code, namespace: 'billing', targets: [{ targetType: USER, targetIdentifier: alice.userId }] }), 4100001);
      // One unknown user among known ones: nothing is written.
      refused(await mc.assignRole({ code: role.code, targets: [{ targetType: USER, targetIdentifier: alice.userId }, { targetType: USER, targetIdentifier: 'no-such-user' }] }), 2004);
      expect(ok(await mc.getUserRoles({ userId: alice.userId })).totalCount).toBe(0);
      refused(await mc.getUserRoles({ userId: 'no-such-user' }), 2004);
      refused(await mc.getUserRoles({ userId: 'x', userIdType: 'identity' }), 1000008);
      refused(await mc.assignRole({ code: role.code, targets: [{ targetType: 'GROUP' as never, targetIdentifier: 'devs' }] }), 1000008);
      refused(await mc.assignRole({ code: role.code, targets: [{ targetType: USER, targetIdentifier: alice.userId }], endTime: Date.now() + 60_000 }), 1000008);
      refused(await raw(mc, 'POST', '/api/v3/assign-role', { code: role.code, targets: [] }), 1000002);
    });

    it('confines roles and assignments to the calling key’s pool', async () => {
      const alice = await newUser();
      const roleA = await newRole();
      const { client: mb } = await createPool(srv, mc, uniq('B'));
      const bobInB = await newUser(mb);

      // B cannot use A's role, nor reach A's user, nor see A's roles.
      refused(await mb.assignRole({ code: roleA.code, targets: [{ targetType: USER, targetIdentifier: bobInB.userId }] }), 4100001);
      refused(await mb.getUserRoles({ userId: alice.userId }), 2004);
      expect(ok(await mb.listRoles({ page: 1, limit: 100 })).totalCount).toBe(0);
      // A role with the same code in B is B's own; it cannot be given to A's user.
      const roleB = ok(await mb.createRole({ code: roleA.code }));
      expect(roleB.id).not.toBe(roleA.id);
      refused(await mb.assignRole({ code: roleA.code, targets: [{ targetType: USER, targetIdentifier: alice.userId }] }), 2004);
      // Nor can A give its role to B's user.
      refused(await mc.assignRole({ code: roleA.code, targets: [{ targetType: USER, targetIdentifier: bobInB.userId }] }), 2004);
      ok(await mb.assignRole({ code: roleB.code, targets: [{ targetType: USER, targetIdentifier: bobInB.userId }] }));
      expect(ok(await mb.getUserRoles({ userId: bobInB.userId })).list.map((r) => r.id)).toEqual([roleB.id]);
      expect(ok(await mc.getUserRoles({ userId: alice.userId })).totalCount).toBe(0);
    });
  });
}

rolesSuite('sqlite');
rolesSuite('postgres');
