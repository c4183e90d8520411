/**
 * The `ad` directory connector against a real Active Directory: Samba as an AD domain controller
 * started for this file (provisioned once into a cached template, then copied; its own network
 * namespace; LDAPS and StartTLS with a throwaway CA). Samba answers simple binds with the real AD
 * sub-codes in the diagnostic message (52e, 530, 531, 533, 701, 773, 775).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DirectoryConnector } from '@gatehouse/connector-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AD_SUB_CODES, adDirectory, adSubCodeOf, rolesForGroups, type DirectoryConfigInput } from '../src/index.js';
import { createTestCa, sambaAvailable, startSambaAd, type SambaFixture } from './fixtures/directories/index.js';
import { expectConnectorError, testDeps } from './helpers/deps.js';

const hasSamba = sambaAvailable();

describe.skipIf(!hasSamba)('ad directory connector (Samba AD DC)', () => {
  let ad: SambaFixture;
  let otherCaDir: string;
  let otherCaPem: string;
  const open: DirectoryConnector[] = [];

  beforeAll(async () => {
    ad = await startSambaAd();
    otherCaDir = mkdtempSync(join(tmpdir(), 'gh-other-ca-'));
    otherCaPem = createTestCa(otherCaDir, 'Some Other CA').caPem;
  }, 240_000);
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close()));
    await ad?.stop();
    if (otherCaDir) rmSync(otherCaDir, { recursive: true, force: true });
  });

  const config = (over: Partial<DirectoryConfigInput> = {}): DirectoryConfigInput => ({
    ldapUrl: ad.ldapsUrl,
    tlsCaCert: ad.caPem,
    bindDn: ad.service.dn,
    bindPassword: ad.service.password,
    baseDn: ad.baseDn,
    timeoutMs: 5_000,
    ...over,
  });
  const make = (over: Partial<DirectoryConfigInput> = {}) => {
    const c = adDirectory.create(config(over), testDeps());
    open.push(c);
    return c;
  };
  /** The sub-code a refusal carries for logs and the audit trail. */
  const refusal = async (account: string, password: string, code: Parameters<typeof expectConnectorError>[1], sub: string) => {
    const err = await expectConnectorError(make().authenticate(account, password), code);
    expect(adSubCodeOf(err)).toBe(sub);
    expect(err.message).not.toContain(password);
  };

  describe('sign-in', () => {
    it('signs in by sAMAccountName and by UPN to one identity keyed by objectGUID', async () => {
      const c = make();
      const bySam = await c.authenticate('alice', ad.users.alice.password);
      const byUpn = await c.authenticate('alice@example.test', ad.users.alice.password);
      expect(byUpn.id).toBe(bySam.id);
      expect(bySam.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      // AD itself resolves the GUID string form (<GUID=…>, [MS-ADTS] §3.1.1.3.1.2.4): an
      // independent check that the bytes were turned into the string AD tools show.
      const viaGuid = await ad.withClient(async (client) => (await client.search(`<GUID=${bySam.id}>`, { scope: 'base', attributes: ['sAMAccountName'] })).searchEntries);
      expect(viaGuid.map((e) => e.sAMAccountName)).toEqual(['alice']);
      expect(bySam).toMatchObject({ username: 'alice', email: 'alice@example.test', phone: '+15550100001', name: 'Alice Example' });
      // The DN is the display name, not the login name: nothing was built from what was typed.
      expect(bySam.raw.dn).toBe(ad.users.alice.dn);
      expect(ad.users.alice.dn).toMatch(/^CN=Alice Example,/);
      expect(new Set(bySam.groups)).toEqual(new Set([ad.groups.staff, ad.groups.engineers]));
      expect(rolesForGroups({ [ad.groups.staff.toLowerCase()]: 'staff', [ad.groups['all-staff']]: 'everyone' }, bySam.groups ?? [])).toEqual(['staff']);
    });

    it('reads nested groups with the in-chain matching rule', async () => {
      const p = await make({ groupFilter: '(member:1.2.840.113556.1.4.1941:={{dn}})' }).authenticate('alice', ad.users.alice.password);
      expect(new Set(p.groups)).toEqual(new Set([ad.groups.staff, ad.groups.engineers, ad.groups['all-staff']]));
    });

    it('maps employeeID to externalId when configured', async () => {
      const p = await make({ attributeMap: { userPrincipalName: 'username', employeeID: 'externalId' } }).authenticate('alice', ad.users.alice.password);
      expect(p).toMatchObject({ username: 'alice@example.test', externalId: 'E-1001' });
    });

    it('signs in over StartTLS on ldap:// with the generated CA', async () => {
      const p = await make({ ldapUrl: ad.url, startTls: true }).authenticate('alice', ad.users.alice.password);
      expect(p.username).toBe('alice');
    });
  });

  describe('AD sub-codes', () => {
    it('52e: wrong password → invalid_credentials', () => refusal('alice', 'Wrong-Password-1', 'connector.invalid_credentials', '52e'));
    it('533: disabled → account_disabled', () => refusal('bob', ad.users.bob.password, 'connector.account_disabled', '533'));
    it('775: locked out → account_locked', () => refusal('carol', ad.users.carol.password, 'connector.account_locked', '775'));
    it('773: must change password → password_must_change', () => refusal('dave', ad.users.dave.password, 'connector.password_must_change', '773'));
    it('701: account expired → account_expired', () => refusal('erin', ad.users.erin.password, 'connector.account_expired', '701'));
    it('530: outside logon hours → logon_restricted', () => refusal('gina', ad.users.gina.password, 'connector.logon_restricted', '530'));
    it('531: not from this workstation → logon_restricted', () => refusal('hank', ad.users.hank.password, 'connector.logon_restricted', '531'));

    it('locks out after failed binds past the policy threshold (775 even with the right password)', async () => {
      const c = make();
      for (let i = 0; i < 3; i++) await expectConnectorError(c.authenticate('frank', `Wrong-${i}`), 'connector.invalid_credentials');
      const err = await expectConnectorError(c.authenticate('frank@example.test', ad.users.frank.password), 'connector.account_locked');
      expect(adSubCodeOf(err)).toBe('775');
    });

    it('maps the codes Samba does not produce (532 password expired, 525 no such user) like real AD', () => {
      // Samba cannot age a password in a test; the table is what Windows answers.
      expect(AD_SUB_CODES['532']?.code).toBe('connector.password_expired');
      expect(AD_SUB_CODES['525']?.code).toBe('connector.invalid_credentials');
    });
  });

  describe('refusals before the directory', () => {
    it('refuses an unknown account, an empty password and filter metacharacters', async () => {
      const c = make();
      await expectConnectorError(c.authenticate('nobody', 'whatever'), 'connector.invalid_credentials');
      const empty = await expectConnectorError(c.authenticate('alice', ''), 'connector.invalid_credentials');
      expect(empty.vendorDetail).toMatch(/empty password/);
      for (const account of ['*)(sAMAccountName=*', '*', 'alice)(|(objectClass=*', '*@example.test']) {
        await expectConnectorError(c.authenticate(account, ad.users.alice.password), 'connector.invalid_credentials');
      }
    });
  });

  describe('transport and configuration', () => {
    it('reports that AD requires TLS when ldap:// is used without StartTLS (result 8)', async () => {
      const err = await expectConnectorError(make({ ldapUrl: ad.url, startTls: false }).authenticate('alice', ad.users.alice.password), 'connector.invalid_config');
      expect(err.vendorDetail).toMatch(/requires TLS/);
      expect(await make({ ldapUrl: ad.url, startTls: false }).test()).toMatchObject({ success: false, step: 'bind' });
    });

    it('fails with tls_failed when the CA is wrong', async () => {
      await expectConnectorError(make({ tlsCaCert: otherCaPem }).authenticate('alice', ad.users.alice.password), 'connector.tls_failed');
      await expectConnectorError(make({ ldapUrl: ad.url, startTls: true, tlsCaCert: otherCaPem }).authenticate('alice', ad.users.alice.password), 'connector.tls_failed');
    });

    it('answers invalid_config, with the sub-code, when the service account was deleted', async () => {
      const dn = `CN=Doomed Service,CN=Users,${ad.baseDn}`;
      const password = 'Doomed-Passw0rd-1';
      await ad.withClient((client) =>
        client.add(dn, {
          objectClass: ['top', 'person', 'organizationalPerson', 'user'],
          sAMAccountName: 'doomed-svc',
          userPrincipalName: 'doomed-svc@example.test',
          // [MS-ADTS] §3.1.1.3.1.5.1: unicodePwd is the quoted password in UTF-16LE, over an encrypted connection.
          unicodePwd: Buffer.from(`"${password}"`, 'utf16le') as unknown as string,
          userAccountControl: '512',
        }),
      );
      expect((await make({ bindDn: dn, bindPassword: password }).authenticate('alice', ad.users.alice.password)).username).toBe('alice');
      await ad.withClient((client) => client.del(dn));
      const err = await expectConnectorError(make({ bindDn: dn, bindPassword: password }).authenticate('alice', ad.users.alice.password), 'connector.invalid_config');
      expect(err.vendorDetail).toMatch(/service account bind refused \(ad 52e/);
    });

    it('test connection: success, and each failing step', async () => {
      expect(await make().test()).toMatchObject({ success: true, step: 'search' });
      expect(await make({ tlsCaCert: otherCaPem }).test()).toMatchObject({ success: false, step: 'tls' });
      const wrong = await make({ bindPassword: 'Not-The-Password-77' }).test();
      expect(wrong).toMatchObject({ success: false, step: 'bind' });
      expect(wrong.message).not.toContain('Not-The-Password-77');
      expect(await make({ baseDn: 'OU=Nowhere,DC=example,DC=test' }).test()).toMatchObject({ success: false, step: 'search' });
    });

    it('applies the ad defaults', () => {
      expect(adDirectory.manifest).toMatchObject({ id: 'ad', kind: 'directory', types: ['ad'], secretFields: ['bindPassword'] });
      const props = (adDirectory.manifest.configSchema as unknown as { properties: Record<string, { default?: unknown }> }).properties;
      expect(props.userFilter?.default).toBe('(|(sAMAccountName={{account}})(userPrincipalName={{account}}))');
      expect(props.groupFilter?.default).toBe('(member={{dn}})');
    });
  });
});
