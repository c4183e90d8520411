import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import { createPool, ok, raw } from '../support/management.js';
import { startServer, type TestDb, type TestServer } from '../support/server.js';
import { postgresAvailable } from '../support/services.js';

/**
 * User management through the vendor's own `ManagementClient` (authing-node-sdk, unmodified),
 * against a real server on SQLite and on PostgreSQL: the same suite for both (design.md §6).
 */
const hasPg = await postgresAvailable();

let seq = 0;
/** Identifiers unique within one server, so tests never collide with each other. */
const uniq = (label: string) => `${label}${++seq}x${Math.random().toString(36).slice(2, 8)}`;

function usersSuite(db: TestDb) {
  describe.skipIf(db === 'postgres' && !hasPg)(`users management API on ${db}`, () => {
    let srv: TestServer;
    let mc: ManagementClient;

    /** A second pool via the root key (Gatehouse's create-userpool), with its own client. */
    async function newPool(name: string): Promise<ManagementClient> {
      const { pool, client } = await createPool(srv, mc, name);
      expect(pool.accessKeyId).toBeTruthy();
      return client;
    }

    beforeAll(async () => {
      srv = await startServer({ db });
      mc = srv.mgmt();
    });
    afterAll(async () => {
      await srv?.close();
    });

    describe('createUser', () => {
      it('returns the vendor UserDto with every given field, defaults and no password data', async () => {
        const username = uniq('alice');
        const res = await mc.createUser({
          username,
          email: `${username}@Example.COM`,
          phone: `139${String(seq).padStart(8, '0')}`,
          phoneCountryCode: '+86',
          externalId: uniq('ext'),
          name: 'Alice Liddell',
          nickname: 'al',
          gender: 'F' as never,
          emailVerified: true,
          givenName: 'Alice',
          familyName: 'Liddell',
          city: 'Oxford',
          country: 'GB',
          website: 'https://alice.example',
          identityNumber: 'X123',
          customData: { plan: 'gold', seats: 3 },
          departmentIds: [],
          tenantIds: [],
          options: { sendNotification: { sendEmailNotification: false } },
        });
        const u = ok(res);
        expect(u.userId).toMatch(/^[0-9a-f]{24}$/);
        expect(u).toMatchObject({
          username,
          email: `${username}@example.com`, // lowercased: the vendor says emails are case-insensitive
          phoneCountryCode: '+86',
          name: 'Alice Liddell',
          nickname: 'al',
          gender: 'F',
          emailVerified: true,
          phoneVerified: false,
          status: 'Activated',
          workStatus: 'Active',
          userSourceType: 'adminCreated',
          loginsCount: 0,
          givenName: 'Alice',
          familyName: 'Liddell',
          city: 'Oxford',
          country: 'GB',
          website: 'https://alice.example',
          identityNumber: 'X123',
          resetPasswordOnNextLogin: false,
          customData: { plan: 'gold', seats: 3 },
        });
        expect(new Date(u.createdAt).toISOString()).toBe(u.createdAt);
        expect(u.updatedAt).toBe(u.createdAt);
        expect(u.signedUp).toBe(u.createdAt);
        const keys = Object.keys(u).join(',').toLowerCase();
        expect(keys).not.toContain('password_hash');
        expect(keys).not.toContain('passwordhash');
        expect(u).not.toHaveProperty('lastLogin');
      });

      it('defaults gender to U and status to Activated; accepts a user with only a phone', async () => {
        const u = ok(await mc.createUser({ phone: `138${String(++seq).padStart(8, '0')}` }));
        expect(u).toMatchObject({ gender: 'U', status: 'Activated', emailVerified: false });
        expect(u).not.toHaveProperty('email');
      });

      it('refuses a duplicate email (any case), username, phone or externalId with 409 / 2100001', async () => {
        const base = { username: uniq('dup'), email: `${uniq('dup')}@example.com`, phone: `137${String(++seq).padStart(8, '0')}`, externalId: uniq('dupext') };
        ok(await mc.createUser(base));
        const cases: Array<[string, Record<string, string>]> = [
          ['email', { email: base.email.toUpperCase() }],
          ['username', { username: base.username }],
          ['phone', { phone: base.phone }],
          ['externalId', { username: uniq('other'), externalId: base.externalId }],
        ];
        for (const [field, body] of cases) {
          const res = await mc.createUser(body);
          expect(res, field).toMatchObject({ statusCode: 409, apiCode: 2100001, data: null });
          expect(res.message).toContain(field);
        }
      });

      it('needs one of email, phone or username (2100002)', async () => {
        const res = await mc.createUser({ name: 'Nobody', externalId: uniq('noid') });
        expect(res).toMatchObject({ statusCode: 400, apiCode: 2100002 });
      });

      it('takes a password through the policy, never echoing it (2100004 names the rule)', async () => {
        const res = await mc.createUser({ username: uniq('pw'), password: 'password' });
        expect(res).toMatchObject({ statusCode: 400, apiCode: 2100004 });
        expect(res.message).toContain('common_password');
        const made = ok(await mc.createUser({ username: uniq('pw'), password: 'correct horse battery staple' }));
        expect(JSON.stringify(made)).not.toContain('correct horse');
        expect(made.passwordLastSetAt).toEqual(expect.any(String));
      });

      it('refuses a wrong type without coercion (1000002)', async () => {
        const res = await raw(mc, 'POST', '/api/v3/create-user', { username: uniq('t'), emailVerified: 'yes' });
        expect(res).toMatchObject({ statusCode: 400, apiCode: 1000002 });
        expect(res.message).toContain('emailVerified');
      });

      it('refuses an unknown field, naming it (1000002)', async () => {
        const res = await raw(mc, 'POST', '/api/v3/create-user', { username: uniq('t'), favouriteColour: 'blue' });
        expect(res).toMatchObject({ statusCode: 400, apiCode: 1000002 });
        expect(res.message).toContain('favouriteColour');
      });

      it('refuses a malformed email and a bad enum (1000002)', async () => {
        expect(await raw(mc, 'POST', '/api/v3/create-user', { email: 'not-an-email' })).toMatchObject({ apiCode: 1000002 });
        expect(await raw(mc, 'POST', '/api/v3/create-user', { username: uniq('g'), gender: 'X' })).toMatchObject({ apiCode: 1000002 });
        expect(await raw(mc, 'POST', '/api/v3/create-user', { username: uniq('c'), customData: [1, 2] })).toMatchObject({ apiCode: 1000002 });
      });

      it('refuses vendor fields Gatehouse does not implement yet when non-empty (1000008)', async () => {
        const cases: Array<[string, Record<string, unknown>]> = [
          ['departmentIds', { departmentIds: ['x'] }],
          ['tenantIds', { tenantIds: ['t'] }],
          ['identities', { identities: [{ extIdpId: 'i', provider: 'github', type: 'x', userIdInIdp: '1', userInfoInIdp: {}, originConnIds: [] }] }],
          ['otp', { otp: { secret: 'JBSWY3DPEHPK3PXP' } }],
          ['metadataSource', { metadataSource: { a: 1 } }],
          ['options.sendNotification', { options: { sendNotification: { sendEmailNotification: true } } }],
        ];
        for (const [field, extra] of cases) {
          const username = uniq('ns');
          const res = await raw(mc, 'POST', '/api/v3/create-user', { username, ...extra });
          expect(res, field).toMatchObject({ statusCode: 400, apiCode: 1000008 });
          expect(res.message).toContain(field);
          expect(ok(await mc.isUserExists({ username })).exists, `${field}: nothing written`).toBe(false);
        }
      });
    });

    describe('getUser', () => {
      let user: any;
      beforeAll(async () => {
        const username = uniq('getme');
        user = ok(await mc.createUser({ username, email: `${username}@example.com`, phone: `136${String(++seq).padStart(8, '0')}`, externalId: uniq('gx'), customData: { tier: 2 } }));
      });

      it('finds a user by each supported userIdType', async () => {
        const byType: Array<[string, string]> = [
          ['user_id', user.userId],
          ['email', user.email.toUpperCase()],
          ['phone', user.phone],
          ['username', user.username],
          ['external_id', user.externalId],
        ];
        for (const [userIdType, userId] of byType) {
          const got = ok(await mc.getUser({ userId, userIdType: userIdType as never }));
          expect(got.userId, userIdType).toBe(user.userId);
        }
      });

      it('includes custom data only when asked (withCustomData / flatCustomData)', async () => {
        expect(ok(await mc.getUser({ userId: user.userId }))).not.toHaveProperty('customData');
        expect(ok(await mc.getUser({ userId: user.userId, withCustomData: true })).customData).toEqual({ tier: 2 });
        expect(ok(await mc.getUser({ userId: user.userId, flatCustomData: true }))).toMatchObject({ tier: 2 });
        expect(ok(await mc.getUser({ userId: user.userId, withIdentities: true, withDepartmentIds: true }))).toMatchObject({ identities: [], departmentIds: [] });
      });

      it('answers 404 / 2004 for an unknown user', async () => {
        expect(await mc.getUser({ userId: '000000000000000000000000' })).toMatchObject({ statusCode: 404, apiCode: 2004, data: null });
        expect(await mc.getUser({ userId: 'nobody@example.com', userIdType: 'email' as never })).toMatchObject({ statusCode: 404, apiCode: 2004 });
      });

      it('explains an unsupported userIdType (1000002)', async () => {
        const res = await mc.getUser({ userId: 'x:y', userIdType: 'identity' as never });
        expect(res).toMatchObject({ statusCode: 400, apiCode: 1000002 });
        expect(res.message).toContain('identity');
      });
    });

    describe('createUsersBatch and getUserBatch', () => {
      it('creates all users and returns them in order', async () => {
        const names = [uniq('b'), uniq('b'), uniq('b')];
        const created = ok(await mc.createUsersBatch({ list: names.map((username) => ({ username, email: `${username}@example.com` })) }));
        expect(created.map((u) => u.username)).toEqual(names);
        for (const u of created) expect(ok(await mc.getUser({ userId: u.userId })).username).toBe(u.username);

        const ids = created.map((u) => u.userId);
        const batch = ok(await mc.getUserBatch({ userIds: [ids[2]!, '000000000000000000000000', ids[0]!] }));
        expect(batch.map((u) => u.userId)).toEqual([ids[2], ids[0]]); // unknown ids are left out
        expect(ok(await mc.getUserBatch({ userIds: [ids[1]!] })).map((u) => u.userId)).toEqual([ids[1]]);
        const byEmail = ok(await mc.getUserBatch({ userIds: [`${names[0]}@EXAMPLE.com`], userIdType: 'email' as never }));
        expect(byEmail.map((u) => u.userId)).toEqual([ids[0]]);
      });

      it('creates nothing when one item conflicts with an existing user', async () => {
        const existing = ok(await mc.createUser({ username: uniq('exists') }));
        const fresh = [uniq('f'), uniq('f')];
        const res = await mc.createUsersBatch({ list: [{ username: fresh[0] }, { username: existing.username }, { username: fresh[1] }] });
        expect(res).toMatchObject({ statusCode: 409, apiCode: 2100001 });
        expect(res.message).toContain('list/1');
        for (const username of fresh) expect(ok(await mc.isUserExists({ username })).exists).toBe(false);
      });

      it('creates nothing when two items claim the same identifier', async () => {
        const email = `${uniq('twice')}@example.com`;
        const first = uniq('f');
        const res = await mc.createUsersBatch({ list: [{ username: first, email }, { username: uniq('f'), email: email.toUpperCase() }] });
        expect(res).toMatchObject({ statusCode: 409, apiCode: 2100001 });
        expect(ok(await mc.isUserExists({ username: first })).exists).toBe(false);
      });

      it('refuses more than 50 users (2100003) and bad items with the item path', async () => {
        const list = Array.from({ length: 51 }, () => ({ username: uniq('many') }));
        expect(await mc.createUsersBatch({ list })).toMatchObject({ statusCode: 400, apiCode: 2100003 });
        const bad = await raw(mc, 'POST', '/api/v3/create-users-batch', { list: [{ username: uniq('ok') }, { username: uniq('ok'), departmentIds: ['d'] }] });
        expect(bad).toMatchObject({ apiCode: 1000008 });
        expect(bad.message).toContain('list[1].departmentIds');
        const noId = await mc.createUsersBatch({ list: [{ username: uniq('ok') }, { name: 'anonymous' }] });
        expect(noId).toMatchObject({ apiCode: 2100002 });
      });
    });

    describe('listUsers', () => {
      let lc: ManagementClient;
      const total = 25;
      beforeAll(async () => {
        lc = await newPool('list pool');
        for (let i = 1; i <= total; i++) {
          const n = String(i).padStart(2, '0');
          ok(await lc.createUser({ username: `lu-${n}`, email: `lu${n}@list.example`, name: `List User ${n}`, nickname: i % 2 ? 'odd' : 'even' }));
        }
      });

      it('pages with a stable order and a total count', async () => {
        const seen: string[] = [];
        for (const [page, expected] of [[1, 10], [2, 10], [3, 5], [4, 0]] as const) {
          const data = ok(await lc.listUsers({ options: { pagination: { page, limit: 10 } } }));
          expect(data.totalCount).toBe(total);
          expect(data.list).toHaveLength(expected);
          seen.push(...data.list.map((u) => u.username!));
        }
        expect(seen).toEqual(Array.from({ length: total }, (_, i) => `lu-${String(i + 1).padStart(2, '0')}`));
        const big = ok(await lc.listUsers({ options: { pagination: { page: 1, limit: 50 } } }));
        expect(big.list).toHaveLength(total);
        expect(ok(await lc.listUsers({})).list).toHaveLength(10); // vendor default limit
        expect(await raw(lc, 'POST', '/api/v3/list-users', { options: { pagination: { limit: 51 } } })).toMatchObject({ apiCode: 1000002 });
      });

      it('searches keywords case-insensitively over username, email, name, nickname', async () => {
        const d = ok(await lc.listUsers({ keywords: 'LU-1', options: { pagination: { limit: 50 } } }));
        expect(d.totalCount).toBe(10); // lu-10 … lu-19
        expect(ok(await lc.listUsers({ keywords: 'list user 2' })).totalCount).toBe(6); // List User 20 … 25
        expect(ok(await lc.listUsers({ keywords: 'odd' })).totalCount).toBe(13);
        expect(ok(await lc.listUsers({ keywords: 'lu07@list' })).list.map((u) => u.username)).toEqual(['lu-07']);
      });

      it('treats % and _ in a keyword literally', async () => {
        expect(ok(await lc.listUsers({ keywords: '%' })).totalCount).toBe(0);
        expect(ok(await lc.listUsers({ keywords: '_' })).totalCount).toBe(0);
        expect(ok(await lc.listUsers({ keywords: 'lu-_1' })).totalCount).toBe(0);
        const pct = ok(await lc.createUser({ username: '100%_sure' }));
        expect(ok(await lc.listUsers({ keywords: '%' })).list.map((u) => u.userId)).toEqual([pct.userId]);
        expect(ok(await lc.listUsers({ keywords: '%_' })).list.map((u) => u.userId)).toEqual([pct.userId]);
        ok(await lc.deleteUsersBatch({ userIds: [pct.userId] }));
      });

      it('filters (advancedFilter) and sorts', async () => {
        const target = ok(await lc.getUser({ userId: 'lu-05', userIdType: 'username' as never }));
        ok(await lc.updateUser({ userId: target.userId, status: 'Suspended' as never }));
        const suspended = ok(await lc.listUsers({ advancedFilter: [{ field: 'status', operator: 'EQUAL' as never, value: 'Suspended' }] }));
        expect(suspended.list.map((u) => u.username)).toEqual(['lu-05']);
        const inList = ok(await lc.listUsers({ advancedFilter: [{ field: 'username', operator: 'IN' as never, value: ['lu-03', 'lu-04', 'nope'] }] }));
        expect(inList.totalCount).toBe(2);
        const desc = ok(await lc.listUsers({ options: { sort: [{ field: 'username' as never, order: 'desc' as never }], pagination: { limit: 3 } } }));
        expect(desc.list.map((u) => u.username)).toEqual(['lu-25', 'lu-24', 'lu-23']);
        const unsupported = await lc.listUsers({ advancedFilter: [{ field: 'department', operator: 'IN' as never, value: [] }] });
        expect(unsupported).toMatchObject({ statusCode: 400, apiCode: 1000008 });
        ok(await lc.updateUser({ userId: target.userId, status: 'Activated' as never }));
      });

      it('serves the deprecated GET form', async () => {
        const d = ok(await lc.listUsersLegacy({ page: 2, limit: 20 }));
        expect(d.totalCount).toBe(total);
        expect(d.list.map((u) => u.username)).toEqual(['lu-21', 'lu-22', 'lu-23', 'lu-24', 'lu-25']);
      });
    });

    describe('updateUser', () => {
      it('changes only the given fields, lowercases email and merges customData', async () => {
        const username = uniq('up');
        const u = ok(await mc.createUser({ username, nickname: 'before', city: 'Paris', customData: { a: 1, b: 2 } }));
        const email = `${uniq('new')}@Example.com`;
        const updated = ok(await mc.updateUser({ userId: u.userId, nickname: 'after', email, phoneVerified: true, customData: { b: null, c: 3 } }));
        expect(updated).toMatchObject({ userId: u.userId, username, nickname: 'after', city: 'Paris', email: email.toLowerCase(), phoneVerified: true, customData: { a: 1, c: 3 } });
        expect(updated.updatedAt >= u.updatedAt).toBe(true);
        expect(ok(await mc.getUser({ userId: email.toLowerCase(), userIdType: 'email' as never })).nickname).toBe('after');
        const byName = ok(await mc.updateUser({ userId: username, options: { userIdType: 'username' as never }, gender: 'M' as never }));
        expect(byName).toMatchObject({ userId: u.userId, gender: 'M' });
      });

      it('keeps identifiers unique (409) and reports unknown users (2004)', async () => {
        const a = ok(await mc.createUser({ username: uniq('ua') }));
        const b = ok(await mc.createUser({ username: uniq('ub') }));
        const res = await mc.updateUser({ userId: b.userId, username: a.username });
        expect(res).toMatchObject({ statusCode: 409, apiCode: 2100001 });
        expect(ok(await mc.updateUser({ userId: a.userId, username: a.username })).username).toBe(a.username); // own value is fine
        expect(await mc.updateUser({ userId: '000000000000000000000000', nickname: 'x' })).toMatchObject({ statusCode: 404, apiCode: 2004 });
        expect(await mc.updateUser({ userId: a.userId, password: 'password' })).toMatchObject({ apiCode: 2100004 });
        expect(await raw(mc, 'POST', '/api/v3/update-user', { userId: a.userId, emailVerified: 'yes' })).toMatchObject({ apiCode: 1000002 });
      });
    });

    describe('deleteUsersBatch and isUserExists', () => {
      it('deletes users, after which they are not found', async () => {
        const a = ok(await mc.createUser({ username: uniq('del') }));
        const b = ok(await mc.createUser({ username: uniq('del'), email: `${uniq('del')}@example.com` }));
        expect(ok(await mc.deleteUsersBatch({ userIds: [a.userId, b.userId] }))).toEqual({ success: true });
        expect(await mc.getUser({ userId: a.userId })).toMatchObject({ statusCode: 404, apiCode: 2004 });
        expect(await mc.getUser({ userId: b.userId })).toMatchObject({ statusCode: 404, apiCode: 2004 });
        expect(ok(await mc.isUserExists({ username: a.username })).exists).toBe(false);
      });

      it('deletes nothing if any id is unknown, and accepts other id types', async () => {
        const a = ok(await mc.createUser({ username: uniq('keep') }));
        const res = await mc.deleteUsersBatch({ userIds: [a.userId, '000000000000000000000000'] });
        expect(res).toMatchObject({ statusCode: 404, apiCode: 2004 });
        expect(res.message).toContain('000000000000000000000000');
        expect(ok(await mc.getUser({ userId: a.userId })).userId).toBe(a.userId);
        ok(await mc.deleteUsersBatch({ userIds: [a.username!], options: { userIdType: 'username' as never } }));
        expect(await mc.getUser({ userId: a.userId })).toMatchObject({ apiCode: 2004 });
      });

      it('tells whether a user holds any of the identifiers', async () => {
        const username = uniq('ex');
        const email = `${username}@example.com`;
        ok(await mc.createUser({ username, email, externalId: `${username}-ext` }));
        expect(ok(await mc.isUserExists({ username })).exists).toBe(true);
        expect(ok(await mc.isUserExists({ email: email.toUpperCase() })).exists).toBe(true);
        expect(ok(await mc.isUserExists({ externalId: `${username}-ext` })).exists).toBe(true);
        expect(ok(await mc.isUserExists({ username: uniq('ghost') })).exists).toBe(false);
        expect(ok(await mc.isUserExists({ username: uniq('ghost'), email })).exists).toBe(true);
        expect(await mc.isUserExists({})).toMatchObject({ statusCode: 400, apiCode: 1000002 });
      });
    });

    describe('pool isolation', () => {
      it('a key of pool B cannot see, change or delete a user of pool A, and may reuse its identifiers', async () => {
        const username = uniq('iso');
        const email = `${username}@example.com`;
        const a = ok(await mc.createUser({ username, email, phone: `135${String(++seq).padStart(8, '0')}` }));
        const b = await newPool('pool B');

        expect(await b.getUser({ userId: a.userId })).toMatchObject({ statusCode: 404, apiCode: 2004 });
        expect(await b.getUser({ userId: email, userIdType: 'email' as never })).toMatchObject({ apiCode: 2004 });
        expect(ok(await b.getUserBatch({ userIds: [a.userId] }))).toEqual([]);
        expect(await b.updateUser({ userId: a.userId, nickname: 'pwned' })).toMatchObject({ statusCode: 404, apiCode: 2004 });
        expect(await b.deleteUsersBatch({ userIds: [a.userId] })).toMatchObject({ statusCode: 404, apiCode: 2004 });
        expect(ok(await b.isUserExists({ email })).exists).toBe(false);
        expect(ok(await b.listUsers({ keywords: username })).totalCount).toBe(0);

        const still = ok(await mc.getUser({ userId: a.userId }));
        expect(still).toMatchObject({ username, email });
        expect(still).not.toHaveProperty('nickname');

        const twin = ok(await b.createUser({ username, email, phone: a.phone }));
        expect(twin.userId).not.toBe(a.userId);
        expect(ok(await mc.listUsers({ keywords: username })).list.map((u) => u.userId)).toEqual([a.userId]);
      });
    });
  });
}

usersSuite('sqlite');
usersSuite('postgres');
