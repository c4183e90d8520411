import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import { createPool, ok, raw, refused } from '../support/management.js';
import { startServer, type TestDb, type TestServer } from '../support/server.js';
import { postgresAvailable } from '../support/services.js';

/**
 * Identity sources, connections and identities through the vendor's own `ManagementClient`
 * (authing-node-sdk, unmodified), on SQLite and PostgreSQL: fields checked by the connector's
 * schema (the error names the field), secrets sealed at rest and masked on read, per-app
 * enablement, identities keyed by connection + subject.
 */
const hasPg = await postgresAvailable();
let seq = 0;
const uniq = (label: string) => `${label}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;
const OIDC_TYPE = 'oidc' as never;
const SECRET = 'oidc-client-secret-value-0123456789';

function suite(db: TestDb) {
  describe.skipIf(db === 'postgres' && !hasPg)(`identity sources management on ${db}`, () => {
    let srv: TestServer;
    let mc: ManagementClient;

    const newSource = async (type = 'oidc') => ok(await mc.createExtIdp({ name: `Source ${uniq('s')}`, type: type as never }));
    const oidcFields = (extra: Record<string, unknown> = {}) => ({ issuerUrl: 'https://idp.example.com', clientId: 'client-1', clientSecret: SECRET, ...extra });
    const newConn = async (extIdpId: string, extra: Record<string, unknown> = {}): Promise<any> =>
      ok(await mc.createExtIdpConn({ extIdpId, type: OIDC_TYPE, identifier: uniq('corp'), displayName: 'Corporate SSO', fields: oidcFields(), ...extra }));

    beforeAll(async () => {
      srv = await startServer({ db });
      mc = srv.mgmt();
    });
    afterAll(async () => {
      await srv?.close();
    });

    it('creates, lists, gets, renames and deletes sources with the vendor shapes', async () => {
      const idp = await newSource();
      expect(idp).toMatchObject({ id: expect.any(String), name: expect.stringMatching(/^Source /), type: 'oidc' });
      const list = ok(await mc.listExtIdp({}));
      expect(list.totalCount).toBe(list.list.length);
      expect(list.list.map((i: any) => i.id)).toContain(idp.id);
      expect(ok(await mc.getExtIdp({ id: idp.id }))).toMatchObject({ id: idp.id, type: 'oidc', connections: [] });
      expect(ok(await mc.updateExtIdp({ id: idp.id, name: 'Renamed' }))).toMatchObject({ id: idp.id, name: 'Renamed' });
      ok(await mc.deleteExtIdp({ id: idp.id }));
      refused(await mc.getExtIdp({ id: idp.id }), 5000001);
      refused(await mc.deleteExtIdp({ id: idp.id }), 5000001);
      refused(await mc.updateExtIdp({ id: 'nope', name: 'x' }), 5000001);
    });

    it('checks fields against the connector schema and names the field', async () => {
      const idp = await newSource();
      const base = { extIdpId: idp.id, type: OIDC_TYPE, identifier: uniq('c'), displayName: 'X' };
      const missing = await mc.createExtIdpConn({ ...base, fields: { issuerUrl: 'https://idp.example.com' } });
      refused(missing, 5000005);
      expect(missing.message).toContain('fields.clientId');
      const wrong = await mc.createExtIdpConn({ ...base, fields: oidcFields({ issuerUrl: 'not a url' }) });
      refused(wrong, 5000005);
      expect(wrong.message).toContain('fields.issuerUrl');
      const unknown = await mc.createExtIdpConn({ ...base, fields: oidcFields({ surprise: 1 }) });
      refused(unknown, 5000005);
      expect(unknown.message).toContain('fields.surprise');
      // Never echoes a value (it may be a secret).
      const badSecret = await mc.createExtIdpConn({ ...base, fields: oidcFields({ clientSecret: 42 }) });
      refused(badSecret, 5000005);
      expect(JSON.stringify(badSecret)).not.toContain(SECRET);
      refused(await mc.createExtIdpConn({ ...base, type: 'no-such-type' as never, fields: {} }), 5000004);
      refused(await mc.createExtIdpConn({ ...base, type: 'github' as never, fields: { clientId: 'a', clientSecret: 'b' } }), 5000006);
      refused(await mc.createExtIdpConn({ ...base, extIdpId: 'missing', fields: oidcFields() }), 5000001);
      refused(await raw(mc, 'POST', '/api/v3/create-ext-idp-conn', { ...base, fields: 'x' }), 1000002);
      refused(await mc.createExtIdp({ name: 'x', type: 'oidc' as never, tenantId: 't1' }), 1000008);
      // Nothing was stored by the refused calls.
      expect(ok(await mc.getExtIdp({ id: idp.id })).connections).toEqual([]);
    });

    it('seals secrets at rest, masks them on read and keeps them on an update that sends the mask back', async () => {
      const idp = await newSource();
      const conn = await newConn(idp.id, { loginOnly: true, logo: 'https://example.com/logo.png' });
      expect(conn).toMatchObject({ type: 'oidc', extIdpId: idp.id, displayName: 'Corporate SSO', loginOnly: true, logo: 'https://example.com/logo.png' });
      expect(conn.fields).toMatchObject({ issuerUrl: 'https://idp.example.com', clientId: 'client-1', clientSecret: '********' });
      const stored = await srv.container.db.db.selectFrom('ext_idp_conns').selectAll().where('id', '=', conn.id).executeTakeFirstOrThrow();
      expect(stored.fields_enc).not.toContain(SECRET);
      expect(stored.fields_enc).not.toContain('client-1');
      const detail = ok(await mc.getExtIdp({ id: idp.id }));
      expect(JSON.stringify(detail)).not.toContain(SECRET);
      expect(detail.connections[0]).toMatchObject({ id: conn.id, identifier: conn.identifier, fields: { clientSecret: '********' } });

      const updated = ok(await mc.updateExtIdpConn({ id: conn.id, displayName: 'New name', fields: { ...conn.fields, clientId: 'client-2' }, loginOnly: false }));
      expect(updated).toMatchObject({ displayName: 'New name', loginOnly: false, fields: { clientId: 'client-2', clientSecret: '********' } });
      const withSecrets = await srv.container.federation.sources.getConnectionWithSecrets(conn.id);
      expect(withSecrets?.fields).toMatchObject({ clientId: 'client-2', clientSecret: SECRET });
      // A new secret replaces the old one; a bad field refuses the whole update.
      ok(await mc.updateExtIdpConn({ id: conn.id, displayName: 'New name', fields: { ...conn.fields, clientSecret: 'rotated-secret' } }));
      expect((await srv.container.federation.sources.getConnectionWithSecrets(conn.id))?.fields.clientSecret).toBe('rotated-secret');
      refused(await mc.updateExtIdpConn({ id: conn.id, displayName: 'Broken', fields: { issuerUrl: 'https://idp.example.com' } }), 5000005);
      expect(ok(await mc.getExtIdp({ id: idp.id })).connections[0].displayName).toBe('New name');
      refused(await mc.updateExtIdpConn({ id: 'nope', displayName: 'x', fields: {} }), 5000002);
    });

    it('refuses a duplicate identifier in the pool and accepts it in another pool', async () => {
      const idp = await newSource();
      const conn = await newConn(idp.id);
      refused(await mc.createExtIdpConn({ extIdpId: idp.id, type: OIDC_TYPE, identifier: conn.identifier!, displayName: 'Again', fields: oidcFields() }), 5000003);
      const other = await createPool(srv, mc, uniq('pool'));
      const idp2 = ok(await other.client.createExtIdp({ name: 'Other', type: 'oidc' as never }));
      ok(await other.client.createExtIdpConn({ extIdpId: idp2.id, type: OIDC_TYPE, identifier: conn.identifier!, displayName: 'Other', fields: oidcFields() }));
      // Pools are apart: another pool's ids are unknown here.
      refused(await other.client.getExtIdp({ id: idp.id }), 5000001);
      refused(await other.client.deleteExtIdpConn({ id: conn.id }), 5000002);
    });

    it('enables a connection per application and lists what an app has enabled', async () => {
      const idp = await newSource();
      const a = await newConn(idp.id);
      const b = await newConn(idp.id);
      const app2 = ok(await raw(mc, 'POST', '/api/v3/create-application', { appName: uniq('app'), appIdentifier: uniq('app'), appType: 'web' }));
      ok(await mc.changeExtIdpConnState({ id: a.id, enabled: true, appId: srv.defaultAppId }));
      ok(await mc.changeExtIdpConnState({ id: b.id, enabled: true, appId: srv.defaultAppId, appIds: [app2.appId] }));
      const { sources } = srv.container.federation;
      expect((await sources.enabledConnectionsForApp(srv.poolId, srv.defaultAppId)).map((c) => c.id)).toEqual(expect.arrayContaining([a.id, b.id]));
      expect((await sources.enabledConnectionsForApp(srv.poolId, app2.appId)).map((c) => c.id)).toEqual([b.id]);
      expect(await sources.enabledConnectionsForApp(srv.poolId, app2.appId, 'github')).toEqual([]);
      const detail = ok(await mc.getExtIdp({ id: idp.id, appId: app2.appId }));
      expect(detail.connections.find((c: any) => c.id === b.id)).toMatchObject({ enabled: true, appIds: expect.arrayContaining([srv.defaultAppId, app2.appId]) });
      expect(detail.connections.find((c: any) => c.id === a.id)).toMatchObject({ enabled: false });
      ok(await mc.changeExtIdpConnState({ id: b.id, enabled: false, appId: srv.defaultAppId }));
      expect((await sources.enabledConnectionsForApp(srv.poolId, srv.defaultAppId)).map((c) => c.id)).not.toContain(b.id);
      refused(await mc.changeExtIdpConnState({ id: a.id, enabled: true, appId: 'no-such-app' }), 2011);
      refused(await mc.changeExtIdpConnState({ id: 'nope', enabled: true, appId: srv.defaultAppId }), 5000002);
      refused(await raw(mc, 'POST', '/api/v3/change-ext-idp-conn-state', { id: a.id, enabled: true }), 1000002);
      // Deleting a connection removes its enablement.
      ok(await mc.deleteExtIdpConn({ id: a.id }));
      expect((await sources.enabledConnectionsForApp(srv.poolId, srv.defaultAppId)).map((c) => c.id)).not.toContain(a.id);
    });

    it('allows one ldap connection per application', async () => {
      const idp = await newSource('ldap');
      const fields = { ldapUrl: 'ldap://ldap.example.com', bindDn: 'cn=admin,dc=example,dc=com', bindPassword: 'pw-secret', baseDn: 'dc=example,dc=com' };
      const one = await mc.createExtIdpConn({ extIdpId: idp.id, type: 'ldap' as never, identifier: uniq('ldap'), displayName: 'LDAP', fields });
      if (one.statusCode !== 200) throw new Error(`ldap connection refused: ${one.message}`);
      const two = ok(await mc.createExtIdpConn({ extIdpId: idp.id, type: 'ldap' as never, identifier: uniq('ldap'), displayName: 'LDAP 2', fields }));
      expect((one.data as any).fields.bindPassword).toBe('********');
      ok(await mc.changeExtIdpConnState({ id: one.data.id, enabled: true, appId: srv.defaultAppId }));
      refused(await mc.changeExtIdpConnState({ id: two.id, enabled: true, appId: srv.defaultAppId }), 5000023);
      ok(await mc.changeExtIdpConnState({ id: one.data.id, enabled: true, appId: srv.defaultAppId }));
    });

    it('links, lists and unlinks identities; one external account belongs to one user', async () => {
      const idp = await newSource();
      const conn = await newConn(idp.id);
      const u1 = ok(await mc.createUser({ username: uniq('u'), email: `${uniq('e')}@example.com` }));
      const u2 = ok(await mc.createUser({ username: uniq('u') }));
      ok(await mc.linkIdentity({ userId: u1.userId, extIdpId: idp.id, userIdInIdp: 'sub-123' }));
      const ids = ok(await mc.getUserIdentities({ userId: u1.userId }));
      expect(ids).toEqual([expect.objectContaining({ extIdpId: idp.id, provider: 'oidc', type: 'generic', userIdInIdp: 'sub-123', originConnIds: [conn.id] })]);
      expect(ok(await mc.getUserIdentities({ userId: u1.email!, userIdType: 'email' }))).toHaveLength(1);
      // Idempotent for the same user; refused for another.
      ok(await mc.linkIdentity({ userId: u1.userId, extIdpId: idp.id, userIdInIdp: 'sub-123' }));
      refused(await mc.linkIdentity({ userId: u2.userId, extIdpId: idp.id, userIdInIdp: 'sub-123' }), 5000007);
      expect(await srv.container.federation.identities.findUserId({ id: conn.id, poolId: srv.poolId, extIdpId: idp.id, type: 'oidc' }, { id: 'sub-123' })).toBe(u1.userId);
      // Several connections: name one.
      const second = await newConn(idp.id);
      refused(await mc.linkIdentity({ userId: u2.userId, extIdpId: idp.id, userIdInIdp: 'sub-9' }), 5000009);
      ok(await mc.linkIdentity({ userId: u2.userId, extIdpId: idp.id, userIdInIdp: 'sub-9', type: second.identifier! }));
      refused(await mc.linkIdentity({ userId: 'no-such-user', extIdpId: idp.id, userIdInIdp: 'x' }), 2004);
      refused(await mc.linkIdentity({ userId: u2.userId, extIdpId: 'nope', userIdInIdp: 'x' }), 5000001);
      ok(await mc.unlinkIdentity({ userId: u1.userId, extIdpId: idp.id }));
      expect(ok(await mc.getUserIdentities({ userId: u1.userId }))).toEqual([]);
      refused(await mc.unlinkIdentity({ userId: u1.userId, extIdpId: idp.id }), 5000008);
      // Deleting the user removes their identities: the subject can be linked again.
      ok(await mc.deleteUsersBatch({ userIds: [u2.userId] }));
      ok(await mc.linkIdentity({ userId: u1.userId, extIdpId: idp.id, userIdInIdp: 'sub-9', type: second.identifier! }));
    });
  });
}

suite('sqlite');
suite('postgres');
