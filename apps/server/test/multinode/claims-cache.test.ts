import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { boundManagementClient } from '../support/server.js';
import { raw } from '../support/management.js';
import { postgresAvailable, redisAvailable, REDIS_URL } from '../support/services.js';
import type { GatehouseNode } from '../support/nodes.js';
import { startSeededNodes } from '../support/seeded-nodes.js';

/**
 * Issue #22: the user and roles behind every token's claims are cached per node
 * (oidc/account-cache.ts). A change made through one node — profile, roles, block, password —
 * is visible on the very next request on both nodes: every repository write that can change a
 * claim publishes on the Redis invalidation bus before the write's response is sent. Each check
 * first reads the claims on both nodes (filling both caches), changes the user through one node
 * and reads again at once, with no wait: a cache that is not dropped answers the old value.
 */
const hasServices = (await postgresAvailable()) && (await redisAvailable());
const PASSWORD = 'claims cache two nodes';

describe.skipIf(!hasServices)('claims cache on two nodes (PostgreSQL + Redis)', () => {
  let seeded: Awaited<ReturnType<typeof startSeededNodes>> | undefined;
  let nodes: GatehouseNode[] = [];
  let app: { appId: string; appSecret: string };
  const rootKey = { accessKeyId: 'ak_claims_root', accessKeySecret: 'claims-cache-root-secret-0123456789abcd' };
  const emails = ['profile', 'roles', 'block', 'refresh'].map((u) => `${u}@claims.example`);

  beforeAll(async () => {
    seeded = await startSeededNodes({ tag: 'claims', secret: 'claims-cache-master-secret-0123456789abcd', rootKey, users: emails.map((email) => ({ email, nickname: 'before' })), password: PASSWORD });
    ({ nodes, app } = seeded);
  }, 240_000);

  afterAll(async () => {
    await seeded?.close();
  }, 30_000);

  const signIn = async (node: GatehouseNode, email: string) => {
    const res = await fetch(`${node.url}/api/v3/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-authing-app-id': app.appId },
      body: JSON.stringify({ connection: 'PASSWORD', passwordPayload: { email, password: PASSWORD }, client_id: app.appId, client_secret: app.appSecret, options: { scope: 'openid profile roles offline_access' } }),
    });
    const body = (await res.json()) as { statusCode: number; data: { access_token: string; refresh_token?: string; id_token: string } };
    expect(body.statusCode, JSON.stringify(body)).toBe(200);
    return body.data;
  };
  const userinfo = async (node: GatehouseNode, token: string) => {
    const res = await fetch(`${node.url}/oidc/me`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, claims: res.status === 200 ? ((await res.json()) as Record<string, unknown>) : undefined };
  };
  /** The claims both nodes answer now (both must agree on the status). */
  const both = async (token: string) => Promise.all(nodes.map((n) => userinfo(n, token)));
  const mgmt = (node: GatehouseNode) => boundManagementClient({ ...rootKey, host: node.url });
  const ok = <T>(r: { statusCode: number; data?: T }) => {
    expect(r.statusCode, JSON.stringify(r)).toBe(200);
    return r.data as T;
  };

  it('a profile change through node A is in userinfo on A and B on the next request', async () => {
    const [a] = nodes as [GatehouseNode];
    const t = await signIn(a, emails[0]!);
    for (const r of await both(t.access_token)) expect(r.claims?.nickname).toBe('before');
    ok(await raw(mgmt(a), 'POST', '/api/v3/update-user', { userId: decodeJwt(t.access_token).sub, nickname: 'after' }));
    for (const r of await both(t.access_token)) expect(r.claims?.nickname).toBe('after');
  }, 60_000);

  it('a role assigned, then revoked, through node B is in userinfo on A and B on the next request', async () => {
    const [a, b] = nodes as [GatehouseNode, GatehouseNode];
    const t = await signIn(a, emails[1]!);
    const sub = decodeJwt(t.access_token).sub!;
    for (const r of await both(t.access_token)) expect(r.claims?.roles).toEqual([]);
    const mb = mgmt(b);
    ok(await raw(mb, 'POST', '/api/v3/create-role', { code: 'claims-editor' }));
    ok(await raw(mb, 'POST', '/api/v3/assign-role', { code: 'claims-editor', targets: [{ targetType: 'USER', targetIdentifier: sub }] }));
    for (const r of await both(t.access_token)) expect(r.claims?.roles).toEqual(['claims-editor']);
    ok(await raw(mb, 'POST', '/api/v3/revoke-role', { code: 'claims-editor', targets: [{ targetType: 'USER', targetIdentifier: sub }] }));
    for (const r of await both(t.access_token)) expect(r.claims?.roles).toEqual([]);
  }, 60_000);

  it('a user blocked through node B is refused by userinfo on A and B on the next request', async () => {
    const [a, b] = nodes as [GatehouseNode, GatehouseNode];
    const t = await signIn(a, emails[2]!);
    for (const r of await both(t.access_token)) expect(r.status).toBe(200);
    ok(await raw(mgmt(b), 'POST', '/api/v3/update-user', { userId: decodeJwt(t.access_token).sub, status: 'Suspended' }));
    for (const r of await both(t.access_token)) expect(r.status).toBe(401);
  }, 60_000);

  it('a refreshed ID token carries a change made through the other node', async () => {
    const [a, b] = nodes as [GatehouseNode, GatehouseNode];
    const t = await signIn(a, emails[3]!);
    expect(decodeJwt(t.id_token).nickname).toBe('before');
    for (const r of await both(t.access_token)) expect(r.claims?.nickname).toBe('before');
    ok(await raw(mgmt(b), 'POST', '/api/v3/update-user', { userId: decodeJwt(t.access_token).sub, nickname: 'refreshed' }));
    const res = await fetch(`${a.url}/oidc/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: t.refresh_token!, client_id: app.appId, client_secret: app.appSecret }).toString(),
    });
    expect(res.status).toBe(200);
    expect(decodeJwt(((await res.json()) as { id_token: string }).id_token).nickname).toBe('refreshed');
  }, 60_000);
});
