import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';

/** SAML signing keys per pool: staged rotation with overlap, every published key in metadata. */
let s: TestServer;
let appId = '';
beforeAll(async () => {
  s = await startServer();
  const r = (await s.mgmt().createApplication({ appName: 'Keys SP', appType: 'web', samlProviderEnabled: true, samlConfig: { spEntityId: 'https://sp.example.com/saml', acsUrls: [{ url: 'https://sp.example.com/acs', binding: 'HTTP-POST' }] } } as never)) as unknown as { statusCode: number; message: string; data: { appId: string } };
  expect(r.statusCode, r.message).toBe(200);
  appId = r.data.appId;
});
afterAll(() => s?.close());

const certs = async () => [...(await (await fetch(`${s.url}/api/v2/saml-idp/${appId}/metadata`)).text()).matchAll(/<ds:KeyName>([^<]+)<\/ds:KeyName>/g)].map((m) => m[1]);

describe('SAML signing keys', () => {
  it('stages, rotates with overlap and keeps both keys in metadata', async () => {
    const keys = s.container.ssoProtocols.samlKeys;
    const first = (await keys.signing(s.poolId)).kid;
    expect(await certs()).toEqual([first]);
    const next = await keys.stage(s.poolId);
    expect(await certs()).toEqual([first, next.kid]); // published before it signs
    expect((await keys.signing(s.poolId)).kid).toBe(first);
    const r = await keys.rotate(s.poolId);
    expect(r.active).toBe(next.kid);
    expect((await keys.signing(s.poolId)).kid).toBe(next.kid);
    expect(await certs()).toEqual([next.kid, first]); // the previous key stays for the overlap
    const r2 = await keys.rotate(s.poolId); // no staged key: a fresh one
    expect(await certs()).toEqual([r2.active, next.kid]);
    expect(r2.deleted).toEqual([first]);
    await expect(keys.remove(s.poolId, r2.active)).rejects.toMatchObject({ code: 'saml.key_not_found' });
    await keys.remove(s.poolId, next.kid);
    expect(await certs()).toEqual([r2.active]);
  });

  it('keeps pools apart: another pool has its own key', async () => {
    await s.container.services.pools.create({ name: 'Other', id: 'other-pool' });
    expect((await s.container.ssoProtocols.samlKeys.signing('other-pool')).kid).not.toBe((await s.container.ssoProtocols.samlKeys.signing(s.poolId)).kid);
  });
});
