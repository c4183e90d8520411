/**
 * The `ldap` directory connector against a real OpenLDAP slapd started for this file (generated
 * config and data, TLS with a throwaway CA, ppolicy for locked/expired/must-change accounts).
 * Misbehaving peers are local too: a port nobody listens on, a server that accepts TCP and never
 * answers, a proxy that counts and cuts connections.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectorError, DirectoryConnector } from '@gatehouse/connector-kit';
import { Attribute, Change, Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ldapDirectory, normalizeDn, rolesForGroups, type DirectoryConfigInput } from '../src/index.js';
import { escapeFilterValue } from '../src/ldap/index.js';
import {
  closedPort,
  createTestCa,
  slapdAvailable,
  startCountingProxy,
  startSilentServer,
  startSlapd,
  type SlapdFixture,
} from './fixtures/directories/index.js';
import { expectConnectorError, testDeps } from './helpers/deps.js';

const hasSlapd = slapdAvailable();

describe('filter escaping (RFC 4515 §3)', () => {
  it('escapes exactly * ( ) \\ and NUL, and leaves UTF-8 alone', () => {
    // The RFC's own examples (§4), as assertion values.
    expect(escapeFilterValue('Parens R Us (for all your parenthetical needs)')).toBe('Parens R Us \\28for all your parenthetical needs\\29');
    expect(escapeFilterValue('*')).toBe('\\2a');
    expect(escapeFilterValue('C:\\MyFile')).toBe('C:\\5cMyFile');
    expect(escapeFilterValue('a\u0000b')).toBe('a\\00b');
    expect(escapeFilterValue('Lučić')).toBe('Lučić');
  });
});

describe.skipIf(!hasSlapd)('ldap directory connector (OpenLDAP slapd)', () => {
  let dir: SlapdFixture;
  let otherCaPem: string;
  let otherCaDir: string;
  const open: DirectoryConnector[] = [];
  const cleanup: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    dir = await startSlapd();
    otherCaDir = mkdtempSync(join(tmpdir(), 'gh-other-ca-'));
    otherCaPem = createTestCa(otherCaDir, 'Some Other CA').caPem;
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close()));
    for (const f of cleanup) await f();
    await dir?.stop();
    if (otherCaDir) rmSync(otherCaDir, { recursive: true, force: true });
  });

  const config = (over: Partial<DirectoryConfigInput> = {}): DirectoryConfigInput => ({
    ldapUrl: dir.url,
    startTls: true,
    tlsCaCert: dir.caPem,
    bindDn: dir.service.dn,
    bindPassword: dir.service.password,
    baseDn: dir.baseDn,
    timeoutMs: 3_000,
    ...over,
  });
  const make = (over: Partial<DirectoryConfigInput> = {}, deps = testDeps()) => {
    const c = ldapDirectory.create(config(over), deps);
    open.push(c);
    return c;
  };
  const entryUuid = (dn: string) =>
    dir.withClient(async (c) => {
      const { searchEntries } = await c.search(dn, { scope: 'base', attributes: ['entryUUID'] });
      return String(searchEntries[0]?.entryUUID);
    });

  describe('sign-in', () => {
    it('signs in by uid and by mail to the same identity, keyed by entryUUID, with mapped attributes and group DNs', async () => {
      const c = make();
      const byUid = await c.authenticate('alice', dir.users.alice.password);
      const byMail = await c.authenticate('alice@example.test', dir.users.alice.password);
      expect(byUid.id).toBe(await entryUuid(dir.users.alice.dn));
      expect(byMail.id).toBe(byUid.id);
      expect(byUid).toMatchObject({ username: 'alice', email: 'alice@example.test', phone: '+15550100001', name: 'Alice Example' });
      expect(byUid.emailVerified).toBeUndefined();
      expect(new Set(byUid.groups)).toEqual(new Set([dir.groups.staff, dir.groups.admins]));
      expect(byUid.raw.dn).toBe(dir.users.alice.dn);
      expect(JSON.stringify(byUid)).not.toMatch(/userPassword|SSHA/i);
    });

    it('maps the attributes the connection names (attributeMap), including externalId', async () => {
      const c = make({ attributeMap: { mail: 'username', employeeNumber: 'externalId', givenName: 'name' } });
      const p = await c.authenticate('alice', dir.users.alice.password);
      expect(p).toMatchObject({ username: 'alice@example.test', externalId: 'E-1001', name: 'Alice' });
      expect(p.email).toBeUndefined();
    });

    it('signs in a non-ASCII account (zoë) without mangling it', async () => {
      const p = await make().authenticate('zoë', dir.users.zoe.password);
      expect(p.username).toBe('zoë');
      expect(p.name).toBe('Zoë Ünicode');
    });

    it('finds groups of a user whose DN is full of filter metacharacters ({{dn}} is escaped)', async () => {
      const p = await make().authenticate('pat', dir.users.pat.password);
      expect(p.raw.dn).toMatch(/^cn=Pat \(Paren\)/);
      expect(p.groups).toEqual([dir.groups.staff]);
    });

    it('matches filter metacharacters literally when the filter asks for them', async () => {
      const c = make({ userFilter: '(cn={{account}})' });
      const p = await c.authenticate('Pat (Paren), Jr', dir.users.pat.password);
      expect(p.username).toBe('pat');
    });

    it('group DNs feed roleMap, whatever the case and spacing an administrator typed', async () => {
      const p = await make().authenticate('alice', dir.users.alice.password);
      const roleMap = {
        'CN=Staff, OU=Groups, DC=Example, DC=Test': 'staff',
        [dir.groups.admins]: 'admin',
        'cn=nobody,ou=groups,dc=example,dc=test': 'ghost',
      };
      expect(rolesForGroups(roleMap, p.groups ?? [])).toEqual(['admin', 'staff']);
      expect(normalizeDn('CN=Staff, OU=Groups,DC=Example,DC=Test')).toBe(normalizeDn(dir.groups.staff));
    });
  });

  describe('refusals', () => {
    it('refuses a wrong password without echoing it', async () => {
      const err = await expectConnectorError(make().authenticate('alice', 'Wrong-Password-1234'), 'connector.invalid_credentials');
      expect(err.message).not.toContain('Wrong-Password-1234');
    });

    it('refuses an unknown account like a wrong password', async () => {
      await expectConnectorError(make().authenticate('nobody-here', 'whatever'), 'connector.invalid_credentials');
    });

    it('refuses an empty password before any bind, even where the server would accept it as anonymous', async () => {
      // Arm the trap of RFC 4513 §5.1.2: with olcAllows bind_anon_dn, a DN plus an empty password binds.
      const setAllows = (op: 'add' | 'delete') =>
        dir.withClient((c) => c.modify('cn=config', new Change({ operation: op, modification: new Attribute({ type: 'olcAllows', values: ['bind_anon_dn'] }) })), dir.configAdmin);
      await setAllows('add');
      try {
        const raw = new Client({ url: dir.url });
        await raw.bind(dir.users.alice.dn, ''); // succeeds: the trap is real
        await raw.unbind();
        await expectConnectorError(make().authenticate('alice', ''), 'connector.invalid_credentials');
      } finally {
        await setAllows('delete');
      }
      // And the refusal happens before the network: a connector aimed at a silent server answers at once.
      const silent = await startSilentServer();
      cleanup.push(silent.close);
      const err = await expectConnectorError(make({ ldapUrl: silent.url, startTls: false }).authenticate('alice', ''), 'connector.invalid_credentials');
      expect(err.vendorDetail).toMatch(/empty password/);
      expect(silent.accepted()).toBe(0);
    });

    it.each([
      ['*)(uid=*', 'the classic injection'],
      ['*', 'a bare wildcard'],
      ['alice)(|(uid=*', 'closing the filter early'],
      ['(uid=*)', 'a whole filter'],
      ['alice*', 'a prefix wildcard'],
      ['\\2a', 'a pre-escaped wildcard'],
      ['ali\\', 'a trailing backslash'],
    ])('treats %s (%s) as a literal account that matches nobody', async (account) => {
      const c = make();
      await expectConnectorError(c.authenticate(account, dir.users.alice.password), 'connector.invalid_credentials');
    });

    it('refuses NUL, control characters and over-long input without contacting the directory', async () => {
      const silent = await startSilentServer();
      cleanup.push(silent.close);
      const c = make({ ldapUrl: silent.url, startTls: false });
      for (const [account, password] of [
        ['alice\u0000', 'x'],
        ['al\u0000ice', 'x'],
        ['alice\n', 'x'],
        ['a'.repeat(257), 'x'],
        ['alice', 'p'.repeat(1025)],
        ['alice', 'pass\u0000word'],
        ['\ud800alice', 'x'],
      ]) {
        await expectConnectorError(c.authenticate(account as string, password as string), 'connector.invalid_credentials');
      }
      expect(silent.accepted()).toBe(0);
    });

    it('refuses an account that matches two entries', async () => {
      const err = await expectConnectorError(make().authenticate('shared@example.test', dir.users.gus.password), 'connector.invalid_credentials');
      expect(err.vendorDetail).toMatch(/more than one entry/);
    });

    it('maps ppolicy states: administratively locked → disabled, locked, expired, must change', async () => {
      const c = make();
      await expectConnectorError(c.authenticate('bob', dir.users.bob.password), 'connector.account_disabled');
      await expectConnectorError(c.authenticate('carol', dir.users.carol.password), 'connector.account_locked');
      await expectConnectorError(c.authenticate('erin', dir.users.erin.password), 'connector.password_expired');
      // dave's bind succeeds, but only to change the password: not a sign-in.
      await expectConnectorError(c.authenticate('dave', dir.users.dave.password), 'connector.password_must_change');
    });

    it('reports directory-side lockout after failed binds, even with the right password', async () => {
      const c = make();
      for (let i = 0; i < 3; i++) await expectConnectorError(c.authenticate('frank', `wrong-${i}`), 'connector.invalid_credentials');
      await expectConnectorError(c.authenticate('frank', dir.users.frank.password), 'connector.account_locked');
    });

    it('excludes accounts with a narrower userFilter', async () => {
      const c = make({ userFilter: '(&(objectClass=inetOrgPerson)(!(employeeNumber=E-1001))(uid={{account}}))' });
      await expectConnectorError(c.authenticate('alice', dir.users.alice.password), 'connector.invalid_credentials');
    });
  });

  describe('TLS', () => {
    it('signs in over LDAPS with the generated CA', async () => {
      const p = await make({ ldapUrl: dir.ldapsUrl, startTls: false }).authenticate('alice', dir.users.alice.password);
      expect(p.username).toBe('alice');
    });

    it('fails with tls_failed when the CA is wrong (LDAPS and StartTLS) or missing (system store)', async () => {
      await expectConnectorError(make({ ldapUrl: dir.ldapsUrl, startTls: false, tlsCaCert: otherCaPem }).authenticate('alice', 'x'), 'connector.tls_failed');
      await expectConnectorError(make({ tlsCaCert: otherCaPem }).authenticate('alice', 'x'), 'connector.tls_failed');
      await expectConnectorError(make({ ldapUrl: dir.ldapsUrl, startTls: false, tlsCaCert: undefined }).authenticate('alice', 'x'), 'connector.tls_failed');
    });

    it('fails with tls_failed when ldaps:// points at a plain LDAP port', async () => {
      await expectConnectorError(make({ ldapUrl: `ldaps://127.0.0.1:${dir.port}`, startTls: false }).authenticate('alice', 'x'), 'connector.tls_failed');
    });
  });

  describe('availability', () => {
    it('fails with unavailable within the timeout when a server accepts TCP and never answers (ldap:// and ldaps://)', async () => {
      const silent = await startSilentServer();
      cleanup.push(silent.close);
      await expectConnectorError(make({ ldapUrl: silent.url, startTls: false, timeoutMs: 300 }).authenticate('alice', 'x'), 'connector.unavailable');
      await expectConnectorError(make({ ldapUrl: silent.url, startTls: true, timeoutMs: 300 }).authenticate('alice', 'x'), 'connector.unavailable');
      await expectConnectorError(make({ ldapUrl: silent.ldapsUrl, startTls: false, timeoutMs: 300 }).authenticate('alice', 'x'), 'connector.unavailable');
      expect(silent.accepted()).toBe(3);
    }, 10_000);

    it('fails with unavailable when nothing listens', async () => {
      await expectConnectorError(make({ ldapUrl: `ldap://127.0.0.1:${await closedPort()}` }).authenticate('alice', 'x'), 'connector.unavailable');
    });

    it('fails over to the next URL when the first is down or hangs', async () => {
      const silent = await startSilentServer();
      cleanup.push(silent.close);
      const down = `ldap://127.0.0.1:${await closedPort()}`;
      expect((await make({ ldapUrl: [down, dir.url] }).authenticate('alice', dir.users.alice.password)).username).toBe('alice');
      expect((await make({ ldapUrl: `${silent.url} ${dir.url}`, timeoutMs: 500 }).authenticate('alice', dir.users.alice.password)).username).toBe('alice');
      expect(silent.accepted()).toBeGreaterThan(0);
    }, 10_000);

    it('keeps directory connections within the pool size and reuses user-bind connections', async () => {
      const proxy = await startCountingProxy(dir.port);
      cleanup.push(proxy.close);
      const c = make({ ldapUrl: proxy.url, poolSize: 3 });
      const round = () =>
        Promise.allSettled(Array.from({ length: 24 }, (_, i) => c.authenticate('alice', i % 2 ? dir.users.alice.password : 'Wrong-Password-1')));
      const results = [...(await round()), ...(await round())];
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(24);
      expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(Array(24).fill('connector.invalid_credentials'));
      // At most poolSize service connections plus poolSize user binds at any moment.
      expect(proxy.maxOpen()).toBeLessThanOrEqual(6);
      // 48 sign-ins, and far fewer connections: a user-bind connection serves the next user bind,
      // whatever the last bind on it answered (a new one is opened only when none is idle, and
      // one opened for a refused bind is not kept).
      expect(proxy.total()).toBeLessThan(24);
      await new Promise((r) => setTimeout(r, 100));
      expect(proxy.open()).toBeLessThanOrEqual(6);
      await c.close();
      await new Promise((r) => setTimeout(r, 100));
      expect(proxy.open()).toBe(0);
      await expectConnectorError(c.authenticate('alice', dir.users.alice.password), 'connector.unavailable');
    });

    it('a kept user-bind connection carries nothing into the next bind: a wrong password after a right one is refused', async () => {
      const proxy = await startCountingProxy(dir.port);
      cleanup.push(proxy.close);
      const c = make({ ldapUrl: proxy.url, poolSize: 1 });
      expect((await c.authenticate('alice', dir.users.alice.password)).username).toBe('alice');
      const opened = proxy.total();
      await expectConnectorError(c.authenticate('alice', 'Wrong-Password-1'), 'connector.invalid_credentials');
      // Ppolicy answers on a kept connection too (bob is administratively locked).
      await expectConnectorError(c.authenticate('bob', dir.users.bob.password), 'connector.account_disabled');
      expect((await c.authenticate('alice', dir.users.alice.password)).username).toBe('alice');
      expect(proxy.total()).toBe(opened);
      await c.close();
    });

    it('replaces a kept user-bind connection the directory dropped while idle', async () => {
      const proxy = await startCountingProxy(dir.port);
      cleanup.push(proxy.close);
      const c = make({ ldapUrl: proxy.url, poolSize: 1, timeoutMs: 2_000 });
      expect((await c.authenticate('alice', dir.users.alice.password)).username).toBe('alice');
      proxy.cut();
      await new Promise((r) => setTimeout(r, 50));
      expect((await c.authenticate('alice', dir.users.alice.password)).username).toBe('alice');
      await expectConnectorError(c.authenticate('alice', 'Wrong-Password-1'), 'connector.invalid_credentials');
      await c.close();
    });

    it('fails closed while the directory is down and recovers by itself when it returns', async () => {
      const proxy = await startCountingProxy(dir.port);
      cleanup.push(proxy.close);
      const c = make({ ldapUrl: proxy.url, timeoutMs: 1_000 });
      expect((await c.authenticate('alice', dir.users.alice.password)).username).toBe('alice');
      await proxy.down();
      await expectConnectorError(c.authenticate('alice', dir.users.alice.password), 'connector.unavailable');
      await proxy.up();
      expect((await c.authenticate('alice', dir.users.alice.password)).username).toBe('alice');
    });

    it('answers invalid_config when the service account no longer exists', async () => {
      // A service account of our own, deleted after a first successful use.
      const doomed = { dn: `cn=doomed,ou=services,${dir.baseDn}`, password: 'Doomed-Passw0rd' };
      await dir.withClient((c) => c.add(doomed.dn, { objectClass: ['applicationProcess', 'simpleSecurityObject'], cn: 'doomed', userPassword: doomed.password }));
      const before = make({ bindDn: doomed.dn, bindPassword: doomed.password });
      expect((await before.authenticate('alice', dir.users.alice.password)).username).toBe('alice');
      await dir.withClient((c) => c.del(doomed.dn));
      // OpenLDAP answers invalidCredentials (49) for a DN that does not exist, exactly as for a wrong
      // password: nothing a signing-in user did, nothing a retry fixes. The administrator must.
      const err = await expectConnectorError(make({ bindDn: doomed.dn, bindPassword: doomed.password }).authenticate('alice', dir.users.alice.password), 'connector.invalid_config');
      expect(err.vendorDetail).toMatch(/service account bind refused/);
      const t = await make({ bindDn: doomed.dn, bindPassword: doomed.password }).test();
      expect(t).toMatchObject({ success: false, step: 'bind' });
    });
  });

  describe('test connection', () => {
    it('succeeds over TLS and says what it did', async () => {
      const t = await make().test();
      expect(t.success).toBe(true);
      expect(t.message).toContain('over TLS');
      expect(t.message).toContain(dir.service.dn);
      expect(t.message).not.toContain(dir.service.password);
    });

    it('warns when the connection is not encrypted', async () => {
      const t = await make({ startTls: false }).test();
      expect(t.success).toBe(true);
      expect(t.message).toMatch(/not encrypted/);
    });

    it('names the failing step: connect, tls, bind, search', async () => {
      const nothing = await make({ ldapUrl: `ldap://127.0.0.1:${await closedPort()}` }).test();
      expect(nothing).toMatchObject({ success: false, step: 'connect' });

      const badCa = await make({ tlsCaCert: otherCaPem }).test();
      expect(badCa).toMatchObject({ success: false, step: 'tls' });
      const badCaLdaps = await make({ ldapUrl: dir.ldapsUrl, startTls: false, tlsCaCert: otherCaPem }).test();
      expect(badCaLdaps).toMatchObject({ success: false, step: 'tls' });

      const secret = 'Not-The-Service-Password-42';
      const badBind = await make({ bindPassword: secret }).test();
      expect(badBind).toMatchObject({ success: false, step: 'bind' });
      expect(badBind.message).not.toContain(secret);

      const badBase = await make({ baseDn: 'dc=nowhere,dc=test' }).test();
      expect(badBase).toMatchObject({ success: false, step: 'search' });
    });

    it('tests every URL and reports the one that fails', async () => {
      const down = `ldap://127.0.0.1:${await closedPort()}`;
      const t = await make({ ldapUrl: [dir.url, down] }).test();
      expect(t).toMatchObject({ success: false, step: 'connect' });
      expect(t.message).toContain(down);
    });
  });

  describe('configuration', () => {
    it.each<[string, Partial<DirectoryConfigInput>]>([
      ['a non-LDAP URL', { ldapUrl: 'http://127.0.0.1' }],
      ['a URL with a DN part', { ldapUrl: 'ldap://127.0.0.1/dc=example,dc=test' }],
      ['StartTLS on ldaps://', { ldapUrl: 'ldaps://127.0.0.1', startTls: true }],
      ['bindDn without a password (an unauthenticated bind)', { bindPassword: undefined }],
      ['a userFilter without {{account}}', { userFilter: '(uid=alice)' }],
      ['a userFilter that does not parse', { userFilter: '(uid={{account}}' }],
      ['a groupFilter without {{dn}}', { groupFilter: '(objectClass=groupOfNames)' }],
      ['an unknown user field', { attributeMap: { uid: 'password' } as never }],
      ['a CA that is not PEM', { tlsCaCert: 'not a certificate' }],
      ['an unknown key', { ldapUrls: 'x' } as never],
    ])('refuses %s with invalid_config', (_what, over) => {
      let caught: unknown;
      try {
        ldapDirectory.create(config(over), testDeps());
      } catch (err) {
        caught = err;
      }
      expect((caught as ConnectorError | undefined)?.code).toBe('connector.invalid_config');
    });

    it('applies the ldap defaults and declares the secret field', () => {
      expect(ldapDirectory.manifest).toMatchObject({ id: 'ldap', kind: 'directory', types: ['ldap'], secretFields: ['bindPassword'] });
      const props = (ldapDirectory.manifest.configSchema as unknown as { properties: Record<string, { default?: unknown }> }).properties;
      expect(props.userFilter?.default).toBe('(|(uid={{account}})(mail={{account}}))');
      expect(props.groupFilter?.default).toBe('(&(objectClass=groupOfNames)(member={{dn}}))');
    });
  });
});
