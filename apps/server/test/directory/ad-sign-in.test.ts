import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sambaAvailable, startSambaAd, type SambaFixture } from '../../../../packages/connectors/test/fixtures/directories/index.js';
import { startServer, type TestServer } from '../support/server.js';
import { claimsOf, clientOf, createApp, createDirectoryConnection, ok, reasonOf } from './support.js';

/**
 * Issue 14 against a real Active Directory: Samba as an AD domain controller (Debian's samba),
 * started by the test with generated users (a disabled one, a locked-out one) and LDAPS /
 * StartTLS with a generated CA. The vendor's own `AuthenticationClient.signInByAD` signs in by
 * sAMAccountName and by UPN to one user (objectGUID); the AD bind sub-codes 533 (disabled) and
 * 775 (locked out) are recorded as their catalogued reasons in the audit trail while the client
 * gets the enumeration-safe answer (2333, exactly as for a wrong password).
 */
const hasSamba = sambaAvailable();

describe.skipIf(!hasSamba)('AD sign-in (Samba AD DC)', () => {
  let ad: SambaFixture;
  let s: TestServer;
  let app: { appId: string; secret: string };
  const fields = (extra: Record<string, unknown> = {}) => ({
    ldapUrl: ad.ldapsUrl,
    tlsCaCert: ad.caPem,
    bindDn: ad.service.dn,
    bindPassword: ad.service.password,
    baseDn: ad.baseDn,
    roleMap: { [ad.groups.engineers]: 'engineer' },
    timeoutMs: 5_000,
    ...extra,
  });

  beforeAll(async () => {
    ad = await startSambaAd();
    s = await startServer({ config: { outboundAllow: '127.0.0.1' } as never });
    ok((await s.mgmt().createRole({ code: 'engineer', name: 'Engineer' })) as never);
    app = await createApp(s);
    await createDirectoryConnection(s, { type: 'ad', fields: fields(), displayName: 'Example Domain', appIds: [app.appId] });
  }, 240_000);
  afterAll(async () => {
    await s?.close();
    await ad?.stop();
  });

  const signIn = (account: string, password: string, a = app) => clientOf(s, a).signInByAD({ sAMAccountName: account, password, options: { scope: 'openid profile email username roles' } } as never) as Promise<any>;

  it('signs in by sAMAccountName and by UPN to the same user, with mapped claims and roles', async () => {
    const bySam = await signIn('alice', ad.users.alice.password);
    expect(bySam.statusCode, bySam.message).toBe(200);
    const byUpn = await signIn(ad.users.alice.upn, ad.users.alice.password);
    expect(byUpn.statusCode, byUpn.message).toBe(200);
    const a = claimsOf(bySam.data.id_token);
    expect(claimsOf(byUpn.data.id_token).sub).toBe(a.sub);
    expect(a).toMatchObject({ username: 'alice', email: 'alice@example.test', name: 'Alice Example', roles: ['engineer'] });
  });

  it('maps 533 (disabled) and 775 (locked out) to their reasons in the audit log; the client gets 2333 like a wrong password', async () => {
    const cases: Array<[string, string, string]> = [
      ['alice', 'Wrong-Password-1', 'directory.invalid_credentials'],
      ['bob', ad.users.bob.password, 'directory.account_disabled'],
      ['carol', ad.users.carol.password, 'directory.account_locked'],
      ['no-such-user', 'Whatever-1', 'directory.no_such_user'],
      ['alice', '', 'directory.empty_password'],
    ];
    for (const [account, password, reason] of cases) {
      let r: any;
      const recorded = await reasonOf(s, async () => (r = await signIn(account, password)));
      expect([r.statusCode, r.apiCode, r.data?.access_token], account).toEqual([403, 2333, undefined]);
      expect(recorded, account).toBe(reason);
    }
    // The AD sub-codes are in the connector's log line; the audit event names the catalogued reason.
    const events = await s.container.services.audit.list(s.poolId, 10, 'login:failed');
    expect(events.some((e) => JSON.parse(e.data).reason === 'directory.account_locked')).toBe(true);
  });

  it('StartTLS on ldap:// with the generated CA signs in; plain ldap:// is refused by AD and fails closed', async () => {
    const st = await createApp(s);
    await createDirectoryConnection(s, { type: 'ad', fields: fields({ ldapUrl: ad.url, startTls: true }), appIds: [st.appId] });
    const ok1 = await signIn('frank', ad.users.frank.password, st);
    expect(ok1.statusCode, ok1.message).toBe(200);
    const plain = await createApp(s);
    await createDirectoryConnection(s, { type: 'ad', fields: fields({ ldapUrl: ad.url, startTls: false, tlsCaCert: undefined }), appIds: [plain.appId] });
    let r: any;
    expect(await reasonOf(s, async () => (r = await signIn('frank', ad.users.frank.password, plain)))).toBe('directory.misconfigured');
    expect([r.statusCode, r.apiCode]).toEqual([503, 5020001]);
  });
});
