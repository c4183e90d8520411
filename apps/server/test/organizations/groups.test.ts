import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import { createPool, ok, raw, refused } from '../support/management.js';
import { authClient, startServer, type TestDb, type TestServer } from '../support/server.js';
import { prepareDefaultApp } from '../support/sign-in.js';
import { postgresAvailable } from '../support/services.js';

/** Groups through the vendor's own `ManagementClient`, on SQLite and on PostgreSQL. */
const hasPg = await postgresAvailable();

let seq = 0;
const uniq = (label: string) => `${label}${++seq}x${Math.random().toString(36).slice(2, 8)}`;

function groupsSuite(db: TestDb) {
  describe.skipIf(db === 'postgres' && !hasPg)(`groups on ${db}`, () => {
    let srv: TestServer;
    let mc: ManagementClient;
    const newUser = async (client: ManagementClient = mc) => {
      const username = uniq('user');
      return ok(await client.createUser({ username, email: `${username}@example.com` })).userId as string;
    };

    beforeAll(async () => {
      srv = await startServer({ db });
      mc = srv.mgmt();
    });
    afterAll(async () => {
      await srv?.close();
    });

    it('creates, reads, lists, updates and deletes groups with the vendor GroupDto', async () => {
      const code = uniq('devs');
      const g = ok(await mc.createGroup({ code, name: 'Developers', description: 'all devs', type: 'STATIC' }));
      expect(g).toMatchObject({ code, name: 'Developers', description: 'all devs', type: 'STATIC', metadataSource: [], members: [] });
      expect(g.id).toMatch(/^[0-9a-f]{24}$/);
      refused(await mc.createGroup({ code, name: 'Again', description: '', type: 'STATIC' }), 7300202);
      refused(await raw(mc, 'POST', '/api/v3/create-group', { code: uniq('g'), name: 'x', type: 'WEIRD' }), 1000002);
      expect(ok(await mc.getGroup({ code }))).toMatchObject({ id: g.id, code });
      refused(await mc.getGroup({ code: uniq('none') }), 7300201);

      const tag = uniq('batch');
      const batch = ok(await mc.createGroupsBatch({ list: [0, 1, 2].map((i) => ({ code: `${tag}-${i}`, name: `Batch ${i}`, description: '', type: 'STATIC' })) }));
      expect(batch.map((b) => b.code)).toEqual([`${tag}-0`, `${tag}-1`, `${tag}-2`]);
      // All or nothing: one taken code refuses the whole batch.
      refused(await mc.createGroupsBatch({ list: [{ code: `${tag}-new`, name: 'n', description: '', type: 'STATIC' }, { code: `${tag}-0`, name: 'dup', description: '', type: 'STATIC' }] }), 7300202);
      refused(await mc.getGroup({ code: `${tag}-new` }), 7300201);

      const page = ok(await mc.listGroups({ keywords: tag, page: 2, limit: 2 }));
      expect(page.totalCount).toBe(3);
      expect(page.list.map((x) => x.code)).toEqual([`${tag}-2`]);
      expect(ok(await mc.getAllGroups({})).length).toBeGreaterThanOrEqual(4);

      const up = ok(await mc.updateGroup({ code, newCode: `${code}-v2`, name: 'Devs', description: 'renamed' }));
      expect(up).toMatchObject({ code: `${code}-v2`, name: 'Devs', description: 'renamed' });
      refused(await mc.updateGroup({ code: `${tag}-1`, newCode: `${tag}-2`, description: '' }), 7300202);

      refused(await mc.deleteGroupsBatch({ codeList: [`${tag}-0`, uniq('missing')] }), 7300201);
      expect(ok(await mc.getGroup({ code: `${tag}-0` })).code).toBe(`${tag}-0`); // nothing deleted
      ok(await mc.deleteGroupsBatch({ codeList: [`${tag}-0`, `${tag}-1`] }));
      refused(await mc.getGroup({ code: `${tag}-0` }), 7300201);
    });

    it('adds, lists and removes members; a user sees their groups', async () => {
      const code = uniq('ops');
      ok(await mc.createGroup({ code, name: 'Ops', description: '', type: 'STATIC' }));
      const [u1, u2] = [await newUser(), await newUser()];
      ok(await mc.addGroupMembers({ code, userIds: [u1, u2] }));
      ok(await mc.addGroupMembers({ code, userIds: [u1] }));
      refused(await mc.addGroupMembers({ code, userIds: ['000000000000000000000000'] }), 2004);
      const members = ok(await mc.listGroupMembers({ code, limit: 1 }));
      expect(members.totalCount).toBe(2);
      expect(members.list[0]!.userId).toBe(u1);
      const all = ok(await mc.getAllGroups({ fetchMembers: true })).find((g) => g.code === code)!;
      expect(all.members.map((m) => m.userId).sort()).toEqual([u1, u2].sort());
      expect(ok(await mc.getUserGroups({ userId: u1 })).list.map((g) => g.code)).toEqual([code]);
      ok(await mc.removeGroupMembers({ code, userIds: [u1] }));
      expect(ok(await mc.getUserGroups({ userId: u1 })).list).toEqual([]);
      refused(await mc.getUserGroups({ userId: '000000000000000000000000' }), 2004);
    });

    it('keeps dynamic groups to their rule and pools apart', async () => {
      const code = uniq('staff');
      const g = ok(await raw(mc, 'POST', '/api/v3/create-group', { code, name: 'Staff', description: '', type: 'DYNAMIC', rule: { match: 'all', conditions: [{ field: 'email', operator: 'endsWith', value: '@corp.example' }] } }));
      expect(g).toMatchObject({ type: 'DYNAMIC', rule: { match: 'all', conditions: [{ field: 'email', operator: 'endsWith', value: '@corp.example' }] } });
      refused(await raw(mc, 'POST', '/api/v3/create-group', { code: uniq('d'), name: 'x', type: 'DYNAMIC' }), 7300203);
      refused(await raw(mc, 'POST', '/api/v3/create-group', { code: uniq('d'), name: 'x', type: 'DYNAMIC', rule: { conditions: [{ field: 'password', operator: 'equals', value: 'x' }] } }), 7300203);
      refused(await raw(mc, 'POST', '/api/v3/create-group', { code: uniq('d'), name: 'x', type: 'STATIC', rule: { conditions: [{ field: 'email', operator: 'equals', value: 'x' }] } }), 7300203);
      refused(await mc.addGroupMembers({ code, userIds: [await newUser()] }), 7300204);

      const { client: other } = await createPool(srv, mc, uniq('pool'));
      refused(await other.getGroup({ code }), 7300201);
      ok(await other.createGroup({ code, name: 'Same code, other pool', description: '', type: 'STATIC' }));
      refused(await other.addGroupMembers({ code, userIds: [await newUser()] }), 2004);
    });

    it('puts users into a dynamic group when they sign in, and takes them out when the rule stops matching', async () => {
      const code = uniq('corp');
      const domain = `${uniq('corp')}.example`;
      ok(await raw(mc, 'POST', '/api/v3/create-group', { code, name: 'Corp', type: 'DYNAMIC', rule: { conditions: [{ field: 'email', operator: 'endsWith', value: `@${domain}` }] } }));
      const appSecret = await prepareDefaultApp(srv);
      const client = authClient({ appId: srv.defaultAppId, appSecret, host: srv.url });
      const email = `${uniq('ada')}@${domain.toUpperCase()}`;
      const userId = ok(await mc.createUser({ email, password: 'dynamic group passphrase' })).userId as string;
      const outsider = `${uniq('bob')}@elsewhere.example`;
      const outsiderId = ok(await mc.createUser({ email: outsider, password: 'dynamic group passphrase' })).userId as string;
      expect(ok(await mc.getUserGroups({ userId })).list).toEqual([]);
      for (const e of [email, outsider]) expect((await client.signInByEmailPassword({ email: e, password: 'dynamic group passphrase' })).statusCode).toBe(200);
      await expect.poll(async () => ok(await mc.getUserGroups({ userId })).list.map((g) => g.code)).toEqual([code]);
      expect(ok(await mc.getUserGroups({ userId: outsiderId })).list).toEqual([]);
      // The rule changes: at the next sign-in the user leaves the group.
      ok(await raw(mc, 'POST', '/api/v3/update-group', { code, rule: { conditions: [{ field: 'email', operator: 'endsWith', value: '@other.example' }] } }));
      expect((await client.signInByEmailPassword({ email, password: 'dynamic group passphrase' })).statusCode).toBe(200);
      await expect.poll(async () => ok(await mc.getUserGroups({ userId })).list).toEqual([]);
    });

    it('applies a dynamic group created after sign-ins at the very next sign-in (the per-node list of dynamic groups is dropped)', async () => {
      const appSecret = await prepareDefaultApp(srv);
      const client = authClient({ appId: srv.defaultAppId, appSecret, host: srv.url });
      const domain = `${uniq('late')}.example`;
      const email = `${uniq('cy')}@${domain}`;
      const userId = ok(await mc.createUser({ email, password: 'dynamic group passphrase' })).userId as string;
      // A sign-in first: the node now holds the pool's list of dynamic groups, without the new one.
      expect((await client.signInByEmailPassword({ email, password: 'dynamic group passphrase' })).statusCode).toBe(200);
      const code = uniq('late');
      ok(await raw(mc, 'POST', '/api/v3/create-group', { code, name: 'Late', type: 'DYNAMIC', rule: { conditions: [{ field: 'email', operator: 'endsWith', value: `@${domain}` }] } }));
      expect((await client.signInByEmailPassword({ email, password: 'dynamic group passphrase' })).statusCode).toBe(200);
      await expect.poll(async () => ok(await mc.getUserGroups({ userId })).list.map((g) => g.code), { timeout: 15_000 }).toEqual([code]);
    });
  });
}

groupsSuite('sqlite');
groupsSuite('postgres');
