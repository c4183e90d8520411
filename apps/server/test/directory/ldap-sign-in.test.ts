import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Attribute, Change } from 'ldapts';
import { slapdAvailable, startSlapd, startSilentServer, startCountingProxy, createTestCa, type SlapdFixture } from '../../../../packages/connectors/test/fixtures/directories/index.js';
import { startServer, type TestServer } from '../support/server.js';
import { claimsOf, clientOf, createApp, createDirectoryConnection, ok, reasonOf } from './support.js';

/**
 * Issue 14 against a real OpenLDAP slapd (Debian's package, started by the test with generated
 * configuration, users and a CA): the vendor's own `AuthenticationClient.signInByLDAP`, JIT
 * provisioning with mapped attributes and group → role mapping, refusals that all look alike to
 * the client while the audit trail records the specific reason, LDAPS / StartTLS with the
 * generated CA, a wrong CA and a silent server failing closed as "directory unavailable", and
 * recovery when the directory returns.
 */
const hasSlapd = slapdAvailable();
/** A CA that did not sign the directory's certificate. */
const rogueCa = () => createTestCa(mkdtempSync(join(tmpdir(), 'gh-rogue-ca-')), 'Rogue CA').caPem;

describe.skipIf(!hasSlapd)('LDAP sign-in (slapd)', () => {
  let dir: SlapdFixture;
  let s: TestServer;
  let app: { appId: string; secret: string };
  const fields = (extra: Record<string, unknown> = {}) => ({
    ldapUrl: dir.url,
    startTls: true,
    tlsCaCert: dir.caPem,
    bindDn: dir.service.dn,
    bindPassword: dir.service.password,
    baseDn: dir.peopleDn,
    groupBaseDn: dir.groupsDn,
    attributeMap: { uid: 'username', mail: 'email', cn: 'name', employeeNumber: 'externalId' },
    roleMap: { [dir.groups.staff]: 'staff', [dir.groups.admins.toUpperCase()]: 'admin' },
    timeoutMs: 3_000,
    ...extra,
  });

  beforeAll(async () => {
    dir = await startSlapd();
    // The directory is on loopback: the operator allows it through the outbound guard.
    s = await startServer({ config: { outboundAllow: '127.0.0.1' } as never });
    for (const code of ['staff', 'admin']) ok((await s.mgmt().createRole({ code, name: code })) as never);
    app = await createApp(s);
    await createDirectoryConnection(s, { type: 'ldap', fields: fields(), displayName: 'Example Corp LDAP', appIds: [app.appId] });
  }, 60_000);
  afterAll(async () => {
    await s?.close();
    await dir?.stop();
  });

  const signIn = (account: string, password: string, a = app) => clientOf(s, a).signInByLDAP({ sAMAccountName: account, password, options: { scope: 'openid profile email username roles external_id' } } as never) as Promise<any>;

  it('signs a directory user in with the vendor SDK: tokens with the mapped claims and roles', async () => {
    const r = await signIn('alice', dir.users.alice.password);
    expect(r.statusCode, r.message).toBe(200);
    expect(r.data.access_token).toBeTruthy();
    const claims = claimsOf(r.data.id_token);
    expect(claims).toMatchObject({ email: 'alice@example.test', name: 'Alice Example', username: 'alice', external_id: 'E-1001' });
    expect((claims.roles as string[]).sort()).toEqual(['admin', 'staff']);
    // The identity is keyed by the connection and entryUUID, and the password was never stored.
    const user = (await s.container.repos.users.findById(s.poolId, claims.sub as string))!;
    expect(user.password_hash).toBeNull();
    const again = await signIn('alice@example.test', dir.users.alice.password);
    expect(claimsOf(again.data.id_token).sub).toBe(claims.sub);
  });

  it('refreshes attributes and roles at the next sign-in (role removed when the group membership ends)', async () => {
    await dir.withClient((c) =>
      c.modify(dir.groups.staff, [new Change({ operation: 'delete', modification: new Attribute({ type: 'member', values: [dir.users.alice.dn] }) })]).then(() =>
        c.modify(dir.users.alice.dn, [new Change({ operation: 'replace', modification: new Attribute({ type: 'cn', values: ['Alice Renamed'] }) })]),
      ),
    );
    try {
      const r = await signIn('alice', dir.users.alice.password);
      const claims = claimsOf(r.data.id_token);
      expect(claims.roles).toEqual(['admin']);
      expect(claims.name).toBe('Alice Renamed');
    } finally {
      await dir.withClient((c) =>
        c.modify(dir.groups.staff, [new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [dir.users.alice.dn] }) })]).then(() =>
          c.modify(dir.users.alice.dn, [new Change({ operation: 'replace', modification: new Attribute({ type: 'cn', values: ['Alice Example'] }) })]),
        ),
      );
    }
  });

  it('refuses a wrong password, an empty password, a disabled user and a filter injection alike, recording the reason', async () => {
    const cases: Array<[string, string, string]> = [
      ['alice', 'wrong password', 'directory.invalid_credentials'],
      ['alice', '', 'directory.empty_password'],
      ['bob', dir.users.bob.password, 'directory.account_disabled'],
      ['*)(uid=*', dir.users.alice.password, 'directory.no_such_user'],
      ['*', dir.users.alice.password, 'directory.no_such_user'],
      ['nobody-here', 'whatever', 'directory.no_such_user'],
      ['carol', dir.users.carol.password, 'directory.account_locked'],
    ];
    for (const [account, password, reason] of cases) {
      let r: any;
      const recorded = await reasonOf(s, async () => (r = await signIn(account, password)));
      // One answer for every refusal: nothing tells an existing account from another.
      expect([r.statusCode, r.apiCode, r.data?.access_token], `${account}`).toEqual([403, 2333, undefined]);
      expect(recorded, account).toBe(reason);
    }
  });

  it('refuses bad input before the directory: NUL, control characters and over-long accounts', async () => {
    for (const account of ['ali\u0000ce', 'alice\nuid=bob', 'a'.repeat(300)]) {
      const r = await signIn(account, dir.users.alice.password);
      expect(r.statusCode).not.toBe(200);
      expect(r.data?.access_token).toBeUndefined();
    }
  });

  it('LDAPS with the generated CA signs in (StartTLS is what the main connection uses)', async () => {
    const ldaps = await createApp(s);
    await createDirectoryConnection(s, { type: 'ldap', fields: fields({ ldapUrl: dir.ldapsUrl, startTls: false }), appIds: [ldaps.appId] });
    const r = await signIn(dir.users.zoe.uid, dir.users.zoe.password, ldaps);
    expect(r.statusCode, r.message).toBe(200);
    expect(claimsOf(r.data.id_token)).toMatchObject({ username: 'zoë', email: 'zoe@example.test' });
  });

  it('an entry whose every identifier another account holds is not given one of them: link required', async () => {
    // A second connection to the same directory is another identity source: its alice is not the first one's.
    const other = await createApp(s);
    await createDirectoryConnection(s, { type: 'ldap', fields: fields({ attributeMap: { uid: 'username', mail: 'email' } }), appIds: [other.appId] });
    const r = await signIn('alice', dir.users.alice.password, other);
    expect(r.apiCode).toBe(5000019);
  });

  it('a wrong CA fails closed with "directory unavailable", distinct from a wrong password, and the audit says why', async () => {
    const wrongCa = { caPem: rogueCa() };
    const other = await createApp(s);
    await createDirectoryConnection(s, { type: 'ldap', fields: fields({ ldapUrl: dir.ldapsUrl, startTls: false, tlsCaCert: wrongCa.caPem }), appIds: [other.appId] });
    let r: any;
    expect(await reasonOf(s, async () => (r = await signIn('alice', dir.users.alice.password, other)))).toBe('directory.tls_failed');
    expect([r.statusCode, r.apiCode]).toEqual([503, 5020001]);
    const st = await createApp(s);
    await createDirectoryConnection(s, { type: 'ldap', fields: fields({ tlsCaCert: wrongCa.caPem }), appIds: [st.appId] });
    const r2 = await signIn('alice', dir.users.alice.password, st);
    expect([r2.statusCode, r2.apiCode]).toEqual([503, 5020001]);
  });

  it('a server that never answers fails within the timeout as unavailable; a dropped directory recovers by itself', async () => {
    const silent = await startSilentServer();
    try {
      const a = await createApp(s);
      await createDirectoryConnection(s, { type: 'ldap', fields: fields({ ldapUrl: silent.url, startTls: false, timeoutMs: 300 }), appIds: [a.appId] });
      const r = await signIn('alice', dir.users.alice.password, a);
      expect([r.statusCode, r.apiCode]).toEqual([503, 5020001]);
    } finally {
      await silent.close();
    }
    const proxy = await startCountingProxy(dir.port);
    try {
      const a = await createApp(s);
      await createDirectoryConnection(s, { type: 'ldap', fields: fields({ ldapUrl: proxy.url }), appIds: [a.appId] });
      const pat = () => signIn('pat', dir.users.pat.password, a);
      expect((await pat()).statusCode).toBe(200);
      await proxy.down();
      let down: any;
      expect(await reasonOf(s, async () => (down = await pat()))).toBe('directory.unavailable');
      expect(down.apiCode).toBe(5020001);
      await proxy.up();
      expect((await pat()).statusCode).toBe(200);
    } finally {
      await proxy.close();
    }
  });

  it('an application without an LDAP connection is told so', async () => {
    const bare = await createApp(s);
    const r = await signIn('alice', dir.users.alice.password, bare);
    expect(r.apiCode).toBe(5020002);
  });

  it('test-ext-idp-conn tests a saved connection by id', async () => {
    const saved = await createDirectoryConnection(s, { type: 'ldap', fields: fields() });
    expect(ok((await s.mgmt().makeRequest({ method: 'POST', url: '/api/v3/test-ext-idp-conn', data: { id: saved.connId } })) as never)).toMatchObject({ success: true, step: 'search' });
  });
});
