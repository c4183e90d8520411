import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { startServer, type TestServer } from '../support/server.js';
import { formPost, seedUser, startOidcServer, type OidcTestServer } from './support.js';

/**
 * Issue #22: `grant_type=refresh_token` runs oidc-provider's own refresh grant handler without
 * the token endpoint's request pipeline (src/oidc/fast-refresh-token.ts). Node A runs with it,
 * node B (same database, keys and issuer) with `oidcFastEndpoints: off`. Every token is fresh
 * (jti, iat, signature, the refresh token's value), so what must be equal is everything else:
 * status, headers, the answer's members and values, the JWTs' headers and claims, the refresh
 * family's absolute expiry, the audit events, reuse detection (a replayed refresh token revokes
 * the grant) — and every error answer byte for byte. Direct calls prove the lean path answered.
 */
const form = { 'content-type': 'application/x-www-form-urlencoded' };
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
type Who = { appId: string; appSecret: string };
type Req = { body: Record<string, string> | string; headers?: Record<string, string> };

describe('the lean refresh-token grant answers as oidc-provider does', () => {
  let a: OidcTestServer;
  let b: TestServer;
  let post: Who; // client_secret_post
  let basicApp: Who; // client_secret_basic
  let other: Who;
  let userId: string;
  /** A fresh refresh token of `app`'s user (a sign-in with offline_access). */
  let fresh: (app: Who, scope?: string) => Promise<string>;

  beforeAll(async () => {
    a = await startOidcServer();
    b = await startServer({ join: { container: a.container, poolId: a.poolId, defaultAppId: '', url: a.url } as never, config: { publicUrl: a.url, oidcFastEndpoints: 'off' } });
    const apps = a.container.services.applications;
    const mk = async (extra: Record<string, unknown>) => {
      const created = await apps.create(a.poolId, { appName: `rt-${Math.random().toString(36).slice(2, 8)}`, appType: 'web', redirectUris: ['http://127.0.0.1:9/cb'], ...extra } as never);
      return { appId: created.appId, appSecret: created.appSecret };
    };
    post = await mk({});
    basicApp = await mk({ oidcConfig: { token_endpoint_auth_method: 'client_secret_basic' } });
    other = await mk({});
    userId = await seedUser(a, { email: 'rotate@example.com', username: 'rotate', name: 'Rotating User' });
    // One sign-in time for every family: two families issued across a second boundary would
    // otherwise differ in auth_time, which the comparisons below would report.
    const authTime = Math.floor(Date.now() / 1000);
    fresh = async (app, scope = 'openid profile email offline_access') => {
      const t = (await a.container.oidc.tokens.issue({ poolId: a.poolId, appId: app.appId, userId, scope, facts: { authTime, amr: ['pwd'] } } as never)) as { refresh_token?: string };
      expect(t.refresh_token).toBeTruthy();
      return t.refresh_token!;
    };
  }, 90_000);

  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const send = async (base: string, r: Req) => {
    const res = await fetch(`${base}/oidc/token`, { method: 'POST', headers: { ...form, ...r.headers }, body: typeof r.body === 'string' ? r.body : new URLSearchParams(r.body).toString() });
    const headers = Object.fromEntries([...res.headers].filter(([k]) => !['date', 'x-request-id', 'connection', 'keep-alive'].includes(k)));
    return { status: res.status, headers, text: await res.text(), requestId: res.headers.get('x-request-id')! };
  };
  const rotate = (app: Who, refreshToken: string, how: 'post' | 'basic' = 'post'): Req =>
    how === 'post'
      ? { body: { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: app.appId, client_secret: app.appSecret } }
      : { body: { grant_type: 'refresh_token', refresh_token: refreshToken }, headers: { authorization: basic(app.appId, app.appSecret) } };

  /** A direct call of the lean handler (it must answer, not defer). */
  const direct = (r: Req) => {
    const raw = new IncomingMessage(new Socket());
    raw.method = 'POST';
    raw.headers = { ...form, ...r.headers };
    return a.container.oidc.fast.refreshToken(a.poolId, { headers: raw.headers, body: typeof r.body === 'string' ? r.body : new URLSearchParams(r.body).toString(), ip: '127.0.0.1', requestId: 'direct', raw });
  };

  /** The answer and its JWTs with the per-token values taken out. */
  function shape(ans: { status: number; headers: Record<string, string>; text: string }) {
    const body = JSON.parse(ans.text) as Record<string, unknown>;
    const at = decodeJwt(String(body.access_token)) as Record<string, unknown> & { iat: number; exp: number; gh: { t: number } };
    const id = decodeJwt(String(body.id_token)) as Record<string, unknown> & { iat: number; exp: number };
    const { jti, iat, exp, gh, ...atRest } = at;
    const { iat: idIat, exp: idExp, at_hash: atHash, ...idRest } = id;
    expect([typeof jti, typeof atHash, typeof body.refresh_token]).toEqual(['string', 'string', 'string']);
    return {
      status: ans.status,
      headers: ans.headers,
      members: Object.keys(body),
      answer: { ...body, access_token: undefined, id_token: undefined, refresh_token: undefined },
      refreshTokenLength: String(body.refresh_token).length,
      atHeader: decodeProtectedHeader(String(body.access_token)),
      atClaimOrder: Object.keys(at),
      atClaims: atRest,
      atLifetime: exp - iat,
      gh: { ...gh, t: undefined, g: typeof (gh as { g?: unknown }).g }, // g: the grant's id, one per family
      idHeader: decodeProtectedHeader(String(body.id_token)),
      idClaimOrder: Object.keys(id),
      idClaims: idRest,
      idLifetime: idExp - idIat,
    };
  }

  it.each([
    ['client_secret_post', 'post', 'openid profile email offline_access'],
    ['client_secret_basic', 'basic', 'openid profile email offline_access'],
    ['a narrower sign-in scope', 'post', 'openid offline_access'],
  ] as const)('%s: the same answer and tokens, rotated twice', async (_name, how, scope) => {
    const app = how === 'basic' ? basicApp : post;
    let [la, pa] = [await fresh(app, scope), await fresh(app, scope)];
    for (let i = 0; i < 2; i++) {
      const lean = await send(a.url, rotate(app, la, how));
      const provider = await send(b.url, rotate(app, pa, how));
      expect(lean.status, lean.text).toBe(200);
      expect(shape(lean)).toEqual(shape(provider));
      [la, pa] = [JSON.parse(lean.text).refresh_token as string, JSON.parse(provider.text).refresh_token as string];
    }
    // The lean handler answered (the comparison alone would pass if it always deferred).
    expect((await direct(rotate(app, await fresh(app, scope), how)))?.status).toBe(200);
  });

  it('a rotated refresh token keeps the family’s absolute expiry, and works on the other node', async () => {
    const first = await fresh(post);
    const introspect = async (token: string) => (await formPost(`${b.url}/oidc/token/introspection`, { token, client_id: post.appId, client_secret: post.appSecret })).body as { active: boolean; exp?: number };
    const before = await introspect(first);
    expect(before.active).toBe(true);
    const rotated = JSON.parse((await send(a.url, rotate(post, first))).text) as { refresh_token: string; access_token: string };
    const after = await introspect(rotated.refresh_token);
    expect(after).toMatchObject({ active: true, exp: before.exp });
    expect((await introspect(first)).active).toBe(false); // consumed
    expect((await send(b.url, rotate(post, rotated.refresh_token))).status).toBe(200);
  });

  it('a replayed refresh token is refused and revokes the grant, as the provider does, with the same audit events', async () => {
    const events = async (requestId: string, n: number) => {
      type Event = Record<string, unknown> & { type?: unknown; data?: unknown };
      let found: Event[] = [];
      await expect
        .poll(async () => {
          found = (await a.container.services.audit.list(a.poolId, 1000)).filter((e: { request_id?: string | null }) => e.request_id === requestId) as Event[];
          return found.length;
        })
        .toBeGreaterThanOrEqual(n); // a request's events may reach the (batched) audit log apart
      // A revoked grant is named by a digest of its id: one grant per family, so only its presence compares.
      const normal = (d: Record<string, unknown>) => ('grantId' in d ? { ...d, grantId: typeof d.grantId } : d);
      return found.map(({ id, at, request_id: _r, data, ...rest }) => ({ ...rest, data: normal(JSON.parse(String(data)) as Record<string, unknown>), stamped: Boolean(id && at) }) as { type?: unknown }).sort((x, y) => String(x.type).localeCompare(String(y.type)));
    };
    const replay = async (base: string) => {
      const first = await fresh(post);
      const ok = await send(base, rotate(post, first));
      const next = JSON.parse(ok.text) as { refresh_token: string; access_token: string };
      const again = await send(base, rotate(post, first));
      const nextRefused = await send(base, rotate(post, next.refresh_token));
      const accessAfter = (await formPost(`${a.url}/oidc/token/introspection`, { token: next.access_token, client_id: post.appId, client_secret: post.appSecret })).body;
      return { ok, again, nextRefused, accessAfter, okEvents: await events(ok.requestId, 1), againEvents: await events(again.requestId, 2) };
    };
    const lean = await replay(a.url);
    const provider = await replay(b.url);
    expect(lean.again.status).toBe(400);
    expect(JSON.parse(lean.again.text)).toMatchObject({ error: 'invalid_grant' });
    for (const r of [lean, provider]) expect(r.accessAfter).toEqual({ active: false });
    expect({ ...lean.again, requestId: undefined }).toEqual({ ...provider.again, requestId: undefined });
    expect({ ...lean.nextRefused, requestId: undefined }).toEqual({ ...provider.nextRefused, requestId: undefined });
    expect(lean.okEvents).toEqual(provider.okEvents);
    expect(lean.okEvents).toEqual([expect.objectContaining({ type: 'oidc.token.refreshed', result: 'success', actor: post.appId, subject: userId, ip: '127.0.0.1', data: { grantType: 'refresh_token', clientId: post.appId } })]);
    expect(lean.againEvents).toEqual(provider.againEvents);
    expect(lean.againEvents.map((e) => e.type)).toEqual(['oidc.grant.revoked', 'oidc.token.refused']);
  });

  const refused: Array<[string, () => Promise<Req>]> = [
    ['an unknown refresh token', async () => rotate(post, 'not-a-refresh-token')],
    ['another app’s refresh token', async () => rotate(post, await fresh(other))],
    ['a wrong secret', async () => ({ body: { grant_type: 'refresh_token', refresh_token: await fresh(post), client_id: post.appId, client_secret: 'wrong' } })],
    ['no refresh_token', async () => ({ body: { grant_type: 'refresh_token', client_id: post.appId, client_secret: post.appSecret } })],
    ['a scope the refresh token does not hold', async () => ({ body: { grant_type: 'refresh_token', refresh_token: await fresh(post, 'openid offline_access'), scope: 'openid email', client_id: post.appId, client_secret: post.appSecret } })],
    ['a duplicated refresh_token', async () => ({ body: `grant_type=refresh_token&refresh_token=x&refresh_token=y&client_id=${post.appId}&client_secret=${post.appSecret}` })],
  ];

  it.each(refused)('%s: the provider’s error, byte for byte', async (_name, make) => {
    // Each node gets its own request: a single-use token in it is a fresh one each time.
    const lean = await send(a.url, await make());
    const provider = await send(b.url, await make());
    expect(lean.status).toBeGreaterThanOrEqual(400);
    expect({ ...lean, requestId: undefined }).toEqual({ ...provider, requestId: undefined });
  });

  it('unusual requests go to oidc-provider (which still answers them)', async () => {
    // A scope parameter, an HTML-preferring client, DPoP and CORS: deferred by the lean path.
    expect(await direct({ body: { grant_type: 'refresh_token', refresh_token: await fresh(post), scope: 'openid', client_id: post.appId, client_secret: post.appSecret } })).toBeUndefined();
    expect(await direct({ ...rotate(post, await fresh(post)), headers: { accept: 'text/html' } })).toBeUndefined();
    expect(await direct({ ...rotate(post, await fresh(post)), headers: { dpop: 'x.y.z' } })).toBeUndefined();
    expect(await direct({ ...rotate(post, await fresh(post)), headers: { origin: 'https://app.example.com' } })).toBeUndefined();
    const narrowed = await send(a.url, { body: { grant_type: 'refresh_token', refresh_token: await fresh(post), scope: 'openid', client_id: post.appId, client_secret: post.appSecret } });
    expect(narrowed.status, narrowed.text).toBe(200);
    expect(JSON.parse(narrowed.text)).toMatchObject({ scope: 'openid' });
  });
});
