import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { Redis } from 'ioredis';
import { boundManagementClient } from '../support/server.js';
import { raw } from '../support/management.js';
import { postgresAvailable, redisAvailable, REDIS_URL } from '../support/services.js';
import type { GatehouseNode } from '../support/nodes.js';
import { startSeededNodes } from '../support/seeded-nodes.js';

/**
 * Issue #22: JWT access tokens are not stored. Introspection and userinfo verify them locally
 * and consult only the revocation state in the shared KV (the jti deny-list, the grant and
 * account tombstones). Two real `gatehouse start` processes on one PostgreSQL database and one
 * Redis: a token revoked through one node is refused by userinfo and introspection on every
 * node within one second — by RFC 7009 revocation, by a refresh-token replay (the family's
 * grant dies), and by a forced logout of the user (kick-users) — and the KV holds no record of
 * an access token, only the deny-list entry once it is revoked, living the token's remaining life.
 */
const hasServices = (await postgresAvailable()) && (await redisAvailable());
const PASSWORD = 'jwt revocation two nodes';
const WITHIN_MS = 1000;

describe.skipIf(!hasServices)('revoking a JWT access token on two nodes (PostgreSQL + Redis)', () => {
  let seeded: Awaited<ReturnType<typeof startSeededNodes>> | undefined;
  let nodes: GatehouseNode[] = [];
  let app: { appId: string; appSecret: string };
  let redis: Redis;
  const rootKey = { accessKeyId: 'ak_jwtrev_root', accessKeySecret: 'jwtrev-root-secret-0123456789abcdef' };
  const users = ['revoke', 'replay', 'kick', 'stored'].map((u) => `${u}@example.com`);

  beforeAll(async () => {
    seeded = await startSeededNodes({ tag: 'jwtrev', secret: 'jwt-revocation-master-secret-0123456789ab', rootKey, users: users.map((email) => ({ email })), password: PASSWORD });
    ({ nodes, app } = seeded);
    redis = new Redis(REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1 });
  }, 240_000);

  afterAll(async () => {
    redis?.disconnect();
    await seeded?.close();
  }, 30_000);

  const signIn = async (node: GatehouseNode, email: string) => {
    const res = await fetch(`${node.url}/api/v3/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-authing-app-id': app.appId },
      body: JSON.stringify({ connection: 'PASSWORD', passwordPayload: { email, password: PASSWORD }, client_id: app.appId, client_secret: app.appSecret, options: { scope: 'openid profile offline_access' } }),
    });
    const body = (await res.json()) as { statusCode: number; data: { access_token: string; refresh_token?: string } };
    expect(body.statusCode, JSON.stringify(body)).toBe(200);
    return body.data;
  };
  const form = (node: GatehouseNode, path: string, params: Record<string, string>) =>
    fetch(`${node.url}/oidc${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ ...params, client_id: app.appId, client_secret: app.appSecret }).toString() });
  const userinfo = async (node: GatehouseNode, token: string) => (await fetch(`${node.url}/oidc/me`, { headers: { authorization: `Bearer ${token}` } })).status;
  const active = async (node: GatehouseNode, token: string) => ((await (await form(node, '/token/introspection', { token })).json()) as { active: boolean }).active;

  /** Both endpoints on both nodes: true when the token works everywhere, false when refused everywhere. */
  async function state(token: string): Promise<boolean | 'mixed'> {
    const seen = (await Promise.all(nodes.flatMap((n) => [userinfo(n, token).then((s) => s === 200), active(n, token)]))) as boolean[];
    return seen.every(Boolean) ? true : seen.every((x) => !x) ? false : 'mixed';
  }
  /** Refused on every node within WITHIN_MS of the revoking response. */
  async function refusedEverywhereWithinOneSecond(token: string, since: number) {
    let last: boolean | 'mixed' = true;
    while (Date.now() - since <= WITHIN_MS) {
      last = await state(token);
      if (last === false) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(last, `still accepted somewhere ${Date.now() - since} ms after the revocation`).toBe(false);
  }

  it('RFC 7009 revocation on node A: refused by userinfo and introspection on A and B', async () => {
    const [a, b] = nodes as [GatehouseNode, GatehouseNode];
    const t = await signIn(a, users[0]!);
    expect(await state(t.access_token)).toBe(true);
    const other = await signIn(b, users[0]!); // another grant of the same user stays valid
    const res = await form(a, '/token/revocation', { token: t.access_token, token_type_hint: 'access_token' });
    expect(res.status).toBe(200);
    await refusedEverywhereWithinOneSecond(t.access_token, Date.now());
    expect(await state(other.access_token)).toBe(true);
  }, 30_000);

  it('a refresh-token replay on node B revokes the family: its access tokens are refused everywhere', async () => {
    const [a, b] = nodes as [GatehouseNode, GatehouseNode];
    const t = await signIn(a, users[1]!);
    const rotated = await form(b, '/token', { grant_type: 'refresh_token', refresh_token: t.refresh_token! });
    expect(rotated.status).toBe(200);
    const next = (await rotated.json()) as { access_token: string };
    expect(await state(next.access_token)).toBe(true);
    const replay = await form(a, '/token', { grant_type: 'refresh_token', refresh_token: t.refresh_token! });
    expect(replay.status).toBe(400);
    const since = Date.now();
    await refusedEverywhereWithinOneSecond(next.access_token, since);
    await refusedEverywhereWithinOneSecond(t.access_token, since);
  }, 30_000);

  it('forcing the user out (kick-users) through B: every access token of the user is refused everywhere', async () => {
    const [a, b] = nodes as [GatehouseNode, GatehouseNode];
    const t1 = await signIn(a, users[2]!);
    const t2 = await signIn(b, users[2]!);
    const mgmt = boundManagementClient({ ...rootKey, host: b.url });
    const sub = decodeJwt(t1.access_token).sub!;
    expect((await raw(mgmt, 'POST', '/api/v3/kick-users', { userId: sub, appIds: [app.appId] })).statusCode).toBe(200);
    const since = Date.now();
    await refusedEverywhereWithinOneSecond(t1.access_token, since);
    await refusedEverywhereWithinOneSecond(t2.access_token, since);
    // A sign-in after the kick works again.
    expect(await state((await signIn(a, users[2]!)).access_token)).toBe(true);
  }, 30_000);

  it('the KV holds no record of an access token; revoking adds only its deny-list entry, living the token’s remaining life', async () => {
    const [a] = nodes as [GatehouseNode];
    const t = await signIn(a, users[3]!);
    const claims = decodeJwt(t.access_token);
    const keysOf = async () => {
      const found: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await redis.scan(cursor, 'MATCH', `*${claims.jti}*`, 'COUNT', 1000);
        found.push(...batch);
        cursor = next;
      } while (cursor !== '0');
      return found;
    };
    expect(await state(t.access_token)).toBe(true); // used on both nodes: still nothing stored
    expect(await keysOf()).toEqual([]);
    expect((await form(a, '/token/revocation', { token: t.access_token })).status).toBe(200);
    const keys = await keysOf();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toContain(`oidc:denied:${claims.jti}`);
    const ttlMs = await redis.pttl(keys[0]!);
    const remainingMs = claims.exp! * 1000 - Date.now();
    expect(ttlMs).toBeGreaterThan(remainingMs - 5000);
    expect(ttlMs).toBeLessThanOrEqual(remainingMs + 2000);
  }, 30_000);
});
