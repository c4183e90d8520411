import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmittedEvent } from '@gatehouse/contracts';
import { startServer, type TestServer } from '../support/server.js';
import { ok, refused, type Envelope } from '../support/management.js';
import { signedFetch } from '../support/signed-fetch.js';

/**
 * Management access keys through the vendor `ManagementClient`, unmodified: create, list, get,
 * enable/disable, delete, exactly as its methods call them; the secret only in create's answer;
 * a disabled key refused at once; the `access-key:*` events.
 */
describe('access keys over the management API', () => {
  let s: TestServer;
  const events: EmittedEvent[] = [];
  beforeAll(async () => {
    s = await startServer();
    s.container.services.events.subscribe((e) => void events.push(e));
  });
  afterAll(async () => s?.close());

  it('creates, lists, gets, disables, enables and deletes a key with the vendor client', async () => {
    const root = s.mgmt();
    const created = ok(await root.createAccessKey({ type: 'userpool' }));
    expect(created).toHaveLength(1);
    const k = created[0]!;
    expect(k).toMatchObject({ userPoolId: s.poolId, status: 'activated', enable: true, lastDate: '', userId: '' });
    expect(k.accessKeySecret.length).toBeGreaterThanOrEqual(32);
    const key = { accessKeyId: k.accessKeyId, accessKeySecret: k.accessKeySecret };

    // The new key signs requests (a parameterless GET: the client signs `<path>?`).
    const mine = s.mgmt(key);
    const listed = ok(await mine.getAccessKeyList({}));
    expect(listed.map((x) => x.accessKeyId).sort()).toEqual([s.rootKey.accessKeyId, k.accessKeyId].sort());
    expect(JSON.stringify(listed)).not.toContain(k.accessKeySecret);
    expect(JSON.stringify(listed)).not.toContain(s.rootKey.accessKeySecret);
    expect(listed.every((x) => !('accessKeySecret' in x))).toBe(true);
    expect(ok(await mine.getAccessKeyList({ status: ['revoked'] }))).toEqual([]);
    expect(ok(await mine.getAccessKeyList({ status: ['activated'] }))).toHaveLength(2);

    const got = ok(await root.getAccessKey({ userId: '', accessKeyId: k.accessKeyId }));
    expect(got[0]).toMatchObject({ accessKeyId: k.accessKeyId, enable: true });
    expect(got[0]).not.toHaveProperty('accessKeySecret');
    // Its use was recorded (lastDate).
    expect(got[0]!.lastDate).toMatch(/^\d{4}-\d\d-\d\dT/);

    ok(await root.updateAccessKey({ accessKeyId: k.accessKeyId, enable: false }));
    refused(await mine.getAccessKeyList({}), 1300); // refused at once, like an unknown key
    expect(ok(await root.getAccessKey({ userId: '', accessKeyId: k.accessKeyId }))[0]).toMatchObject({ enable: false });
    ok(await root.updateAccessKey({ accessKeyId: k.accessKeyId, enable: true }));
    ok(await mine.getAccessKeyList({}));

    ok(<Envelope>await root.deleteAccessKey({ accessKeyId: k.accessKeyId }));
    refused(await mine.getAccessKeyList({}), 1300);
    refused(await root.getAccessKey({ userId: '', accessKeyId: k.accessKeyId }), 1080002);
    refused(<Envelope>await root.deleteAccessKey({ accessKeyId: k.accessKeyId }), 1080002);

    const names = events.filter((e) => e.subject === k.accessKeyId).map((e) => [e.name, e.actor]);
    expect(names).toEqual([
      ['access-key:created', s.rootKey.accessKeyId],
      ['access-key:updated', s.rootKey.accessKeyId],
      ['access-key:updated', s.rootKey.accessKeyId],
      ['access-key:deleted', s.rootKey.accessKeyId],
    ]);
    expect(JSON.stringify(events)).not.toContain(k.accessKeySecret);
  });

  it('refuses to disable or delete the last enabled key, and owners or tenants it does not have', async () => {
    const root = s.mgmt();
    refused(await root.updateAccessKey({ accessKeyId: s.rootKey.accessKeyId, enable: false }), 1080003);
    refused(<Envelope>await root.deleteAccessKey({ accessKeyId: s.rootKey.accessKeyId }), 1080003);
    refused(await root.createAccessKey({ type: 'userpool', userId: 'someone' }), 1000008);
    refused(await root.createAccessKey({ type: 'tenant' }), 1000008);
    refused(await root.getAccessKeyList({ tenantId: 't1' }), 1000008);
    refused(await root.updateAccessKey({ accessKeyId: 'ak_nobody', enable: false }), 1080002);
    refused(await root.updateAccessKey({ accessKeyId: s.rootKey.accessKeyId, enable: 'no' as never }), 1000002);
    // Still usable.
    ok(await root.getAccessKeyList({}));
  });

  it('accepts `<path>?` only for parameterless requests, and only when it is what was signed', async () => {
    const sdk = (await import('node:module')).createRequire(import.meta.url)('authing-node-sdk/dist/utils/buildSignature.js') as {
      buildStringToSign(m: string, u: string, h: Record<string, string>, q: Record<string, unknown>): string;
      buildAuthorization(id: string, secret: string, sts: string): string;
    };
    const sign = (resource: string) => ({
      tamper: (p: { headers: Record<string, string> }) => {
        const h = p.headers;
        const canon = Object.keys(h).filter((k) => k.startsWith('x-authing-') || k === 'date').sort().map((k) => `${k}:${h[k]!.trim()}\n`).join('');
        const sts = `GET\n${canon}${resource}`;
        h.authorization = sdk.buildAuthorization(s.rootKey.accessKeyId, s.rootKey.accessKeySecret, sts);
      },
    });
    const path = '/api/v3/list-access-key';
    expect((await signedFetch(s.url, { path, key: s.rootKey, ...sign(path) })).body.statusCode).toBe(200);
    expect((await signedFetch(s.url, { path, key: s.rootKey, ...sign(`${path}?`) })).body.statusCode).toBe(200);
    expect((await signedFetch(s.url, { path, key: s.rootKey, ...sign(`${path}??`) })).body.apiCode).toBe(1300);
    // With a parameter the exact `path?k=v` must match; `path?` is not a second form then.
    const withQuery = { path, query: { type: 'userpool' }, key: s.rootKey };
    expect((await signedFetch(s.url, withQuery)).body.statusCode).toBe(200);
    expect((await signedFetch(s.url, { ...withQuery, ...sign(`${path}?`) })).body.apiCode).toBe(1300);
  });
});
