import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCa, slapdAvailable, startSilentServer, startSlapd, type SlapdFixture } from '../../../../packages/connectors/test/fixtures/directories/index.js';
import { authClient, startServer, type TestServer } from '../support/server.js';
import { ok } from './support.js';

/**
 * `POST /api/v3/test-ext-idp-conn` with `{ type, fields }` (before saving) against a real slapd:
 * connect → TLS → bind as the service account → search, answering which step failed and never
 * the password. The directory's loopback address is allowed through the outbound guard by the
 * operator; without that it is refused as a configuration error.
 */
const hasSlapd = slapdAvailable();

describe.skipIf(!hasSlapd)('test-ext-idp-conn (slapd)', () => {
  let dir: SlapdFixture;
  let s: TestServer;
  beforeAll(async () => {
    dir = await startSlapd();
    s = await startServer({ config: { outboundAllow: '127.0.0.1' } as never });
  }, 60_000);
  afterAll(async () => {
    await s?.close();
    await dir?.stop();
  });
  const fields = (extra: Record<string, unknown> = {}) => ({ ldapUrl: dir.url, startTls: true, tlsCaCert: dir.caPem, bindDn: dir.service.dn, bindPassword: dir.service.password, baseDn: dir.peopleDn, timeoutMs: 2_000, ...extra });
  const call = (data: Record<string, unknown>, srv = s) => srv.mgmt().makeRequest({ method: 'POST', url: '/api/v3/test-ext-idp-conn', data }) as Promise<any>;

  it('succeeds over StartTLS and LDAPS with the generated CA', async () => {
    expect(ok(await call({ type: 'ldap', fields: fields() }))).toMatchObject({ success: true, step: 'search' });
    const r = ok(await call({ type: 'ldap', fields: fields({ ldapUrl: dir.ldapsUrl, startTls: false }) }));
    expect(r).toMatchObject({ success: true, step: 'search' });
    expect(r.message).toContain('over TLS');
  });

  it('names the failing step: bind (wrong password, never echoed), search, tls (wrong CA), connect', async () => {
    const badPw = 'Not-The-Password-123';
    const bind = ok(await call({ type: 'ldap', fields: fields({ bindPassword: badPw }) }));
    expect(bind).toMatchObject({ success: false, step: 'bind' });
    expect(bind.message).not.toContain(badPw);
    const gone = ok(await call({ type: 'ldap', fields: fields({ bindDn: 'cn=deleted,ou=services,dc=example,dc=test' }) }));
    expect(gone).toMatchObject({ success: false, step: 'bind' });
    expect(ok(await call({ type: 'ldap', fields: fields({ baseDn: 'ou=nowhere,dc=example,dc=test' }) }))).toMatchObject({ success: false, step: 'search' });
    const rogue = createTestCa(mkdtempSync(join(tmpdir(), 'gh-rogue-ca-')), 'Rogue CA').caPem;
    expect(ok(await call({ type: 'ldap', fields: fields({ tlsCaCert: rogue }) }))).toMatchObject({ success: false, step: 'tls' });
    expect(ok(await call({ type: 'ldap', fields: fields({ ldapUrl: 'ldap://127.0.0.1:1', startTls: false }) }))).toMatchObject({ success: false, step: 'connect' });
    const silent = await startSilentServer();
    try {
      expect(ok(await call({ type: 'ldap', fields: fields({ ldapUrl: silent.url, startTls: false, timeoutMs: 300 }) }))).toMatchObject({ success: false });
    } finally {
      await silent.close();
    }
  });

  it('answers invalid fields with the reason (step connect), without the password', async () => {
    const r = ok(await call({ type: 'ldap', fields: fields({ ldapUrl: 'http://127.0.0.1', bindPassword: 'Secret-Value-99' }) }));
    expect(r).toMatchObject({ success: false, step: 'connect' });
    expect(r.message).toMatch(/ldapUrl/);
    expect(r.message).not.toContain('Secret-Value-99');
    const bad = await call({ type: 'kerberos', fields: fields() });
    expect(bad.statusCode).not.toBe(200);
    const neither = await call({});
    expect(neither.statusCode).not.toBe(200);
  });

  it('signInByLDAP and signInByAD for an application without such a connection answer directory.not_configured', async () => {
    const secret = await s.container.services.applications.getSecret(s.poolId, s.defaultAppId);
    const c = authClient({ appId: s.defaultAppId, appSecret: secret, host: s.url });
    expect(((await c.signInByLDAP({ sAMAccountName: 'alice', password: dir.users.alice.password })) as any).apiCode).toBe(5020002);
    expect(((await c.signInByAD({ sAMAccountName: 'alice', password: dir.users.alice.password })) as any).apiCode).toBe(5020002);
  });

  it('a directory address the operator has not allowed is refused as a configuration error', async () => {
    const strict = await startServer();
    try {
      const r = ok(await call({ type: 'ldap', fields: fields() }, strict));
      expect(r).toMatchObject({ success: false, step: 'connect' });
      expect(r.message).toMatch(/not allowed/);
    } finally {
      await strict.close();
    }
  });
});
