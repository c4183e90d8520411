import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { boundManagementClient } from '../support/server.js';
import { raw } from '../support/management.js';
import { postgresAvailable, redisAvailable } from '../support/services.js';
import type { GatehouseNode } from '../support/nodes.js';
import { startSeededNodes } from '../support/seeded-nodes.js';

/**
 * Issue #22: what every sign-in re-reads although only management calls change it — the
 * application, the pool's and the app's MFA policy, whether any user has MFA trigger data — is
 * kept per node (services/applications/service.ts, services/mfa/config-cache.ts). A change made
 * through node B must hold for the very next sign-in on node A: each check first signs in on
 * both nodes (filling both caches), changes the setting through B and signs in on A at once,
 * with no wait. A node that kept the old value would let the sign-in through without MFA, or
 * accept a deleted application.
 */
const hasServices = (await postgresAvailable()) && (await redisAvailable());
const PASSWORD = 'sign-in config cache two nodes';

describe.skipIf(!hasServices)('sign-in configuration cached per node, two nodes (PostgreSQL + Redis)', () => {
  let seeded: Awaited<ReturnType<typeof startSeededNodes>> | undefined;
  let nodes: GatehouseNode[] = [];
  let app: { appId: string; appSecret: string };
  const rootKey = { accessKeyId: 'ak_cfgcache_root', accessKeySecret: 'config-cache-root-secret-0123456789abcd' };
  const emails = ['policy', 'trigger', 'app'].map((u) => `${u}@cfgcache.example`);

  beforeAll(async () => {
    seeded = await startSeededNodes({ tag: 'cfgcache', secret: 'config-cache-master-secret-0123456789abcd', rootKey, users: emails.map((email) => ({ email })), password: PASSWORD });
    ({ nodes, app } = seeded);
  }, 240_000);

  afterAll(async () => {
    await seeded?.close();
  }, 30_000);

  const signIn = async (node: GatehouseNode, email: string, client = app) => {
    const res = await fetch(`${node.url}/api/v3/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-authing-app-id': client.appId },
      body: JSON.stringify({ connection: 'PASSWORD', passwordPayload: { email, password: PASSWORD }, client_id: client.appId, client_secret: client.appSecret }),
    });
    return (await res.json()) as { statusCode: number; apiCode?: number; data?: { access_token?: string } };
  };
  const signedIn = async (node: GatehouseNode, email: string, client = app) => {
    const r = await signIn(node, email, client);
    expect(r.statusCode, JSON.stringify(r)).toBe(200);
    return r.data!.access_token!;
  };
  const mgmt = (node: GatehouseNode) => boundManagementClient({ ...rootKey, host: node.url });
  const ok = <T>(r: { statusCode: number; data?: T }) => {
    expect(r.statusCode, JSON.stringify(r)).toBe(200);
    return r.data as T;
  };

  it('an application MFA policy set through B is demanded by the next sign-in on A, and lifted again', async () => {
    const [a, b] = nodes as [GatehouseNode, GatehouseNode];
    for (const n of nodes) await signedIn(n, emails[0]!);
    ok(await raw(mgmt(b), 'POST', '/api/v3/update-application-mfa-settings', { appId: app.appId, enabledFactors: ['OTP'], mode: 'required' }));
    // Required and nothing enrolled: the sign-in stops at the enrolment challenge (1636) on both nodes.
    for (const n of [a, b]) expect(await signIn(n, emails[0]!)).toMatchObject({ apiCode: 1636 });
    ok(await raw(mgmt(b), 'POST', '/api/v3/update-application-mfa-settings', { appId: app.appId, disabledFactors: ['OTP'] }));
    for (const n of [a, b]) await signedIn(n, emails[0]!);
  }, 60_000);

  it('MFA trigger data set for one user through B is demanded by that user\'s next sign-in on A', async () => {
    const [a, b] = nodes as [GatehouseNode, GatehouseNode];
    // Both nodes have read "no user of this pool has trigger data".
    const sub = decodeJwt(await signedIn(a, emails[1]!)).sub!;
    await signedIn(b, emails[1]!);
    ok(await raw(mgmt(b), 'POST', '/api/v3/set-mfa-status', { userId: sub, mfaTriggerData: { mfaToken: '', applicationMfa: [{ mfaPolicy: 'OTP', status: 1, sort: 0 }], mode: 'required' } }));
    expect(await signIn(a, emails[1]!)).toMatchObject({ apiCode: 1636 });
    // The other users of the pool are not affected.
    await signedIn(a, emails[2]!);
    ok(await raw(mgmt(b), 'POST', '/api/v3/set-mfa-status', { userId: sub, mfaTriggerData: { mfaToken: '', applicationMfa: [], mode: 'off' } }));
    await signedIn(a, emails[1]!);
  }, 60_000);

  it('an application deleted through B is refused by the next sign-in on A', async () => {
    const [a, b] = nodes as [GatehouseNode, GatehouseNode];
    const created = ok(await raw(mgmt(b), 'POST', '/api/v3/create-application', { appName: 'Cache victim', appType: 'web' })) as { appId: string };
    const { secret } = ok(await raw(mgmt(b), 'GET', '/api/v3/get-application-secret', { appId: created.appId })) as { secret: string };
    const client = { appId: created.appId, appSecret: secret };
    for (const n of nodes) await signedIn(n, emails[2]!, client);
    ok(await raw(mgmt(b), 'POST', '/api/v3/delete-application', { appId: created.appId }));
    for (const n of [a, b]) expect((await signIn(n, emails[2]!, client)).statusCode).not.toBe(200);
  }, 60_000);
});
