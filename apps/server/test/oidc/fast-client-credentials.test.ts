import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { startServer, type TestServer } from '../support/server.js';
import { formPost, startOidcServer, type OidcTestServer } from './support.js';

/**
 * Issue #22: `grant_type=client_credentials` is answered by a lean handler
 * (src/oidc/fast-client-credentials.ts) instead of oidc-provider's token endpoint. Node A runs
 * with it, node B (same database, keys and issuer) with `oidcFastEndpoints: off`. A token holds
 * a fresh `jti`, `iat` and signature, so the two answers cannot be byte-identical; what must be
 * the same is everything else: status, headers, the answer's members in their order and values,
 * the JWT's header, its claims in their order with the same values (the times shifted alike),
 * the audit event — and every error answer byte for byte, since those are left to the provider.
 * Direct calls prove the lean handler answered the valid cases itself.
 */
const form = { 'content-type': 'application/x-www-form-urlencoded' };
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
type Who = { appId: string; appSecret: string };

describe('the lean client-credentials token endpoint answers as oidc-provider does', () => {
  let a: OidcTestServer;
  let b: TestServer;
  let m2m: Who; // client_secret_post, default scope
  let m2mBasic: Who; // client_secret_basic, two API scopes
  let web: Who; // no client_credentials grant

  beforeAll(async () => {
    a = await startOidcServer();
    b = await startServer({ join: { container: a.container, poolId: a.poolId, defaultAppId: '', url: a.url } as never, config: { publicUrl: a.url, oidcFastEndpoints: 'off' } });
    const apps = a.container.services.applications;
    const mk = async (extra: Record<string, unknown>) => {
      const created = await apps.create(a.poolId, { appName: `cc-${Math.random().toString(36).slice(2, 8)}`, ...extra } as never);
      return { appId: created.appId, appSecret: created.appSecret };
    };
    m2m = await mk({ appType: 'api', oidcConfig: { grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post', scope: 'read:things' } });
    m2mBasic = await mk({ appType: 'api', oidcConfig: { grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic', scope: 'read:things write:things', access_token_expire: 600 } });
    web = await mk({ appType: 'web', redirectUris: ['http://127.0.0.1:9/cb'] });
  }, 90_000);

  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  type Req = { body: Record<string, string> | string; headers?: Record<string, string> };
  const send = async (base: string, r: Req) => {
    const res = await fetch(`${base}/oidc/token`, { method: 'POST', headers: { ...form, ...r.headers }, body: typeof r.body === 'string' ? r.body : new URLSearchParams(r.body).toString() });
    const headers = Object.fromEntries([...res.headers].filter(([k]) => !['date', 'x-request-id', 'connection', 'keep-alive'].includes(k)));
    return { status: res.status, headers, text: await res.text(), requestId: res.headers.get('x-request-id')! };
  };

  /** The answer and its JWT with the per-token values (jti, iat, exp, signature, mint time) taken out. */
  function shape(ans: { status: number; headers: Record<string, string>; text: string }) {
    const body = JSON.parse(ans.text) as Record<string, unknown>;
    const token = String(body.access_token);
    const claims = decodeJwt(token) as Record<string, unknown> & { iat: number; exp: number; gh: { t: number } };
    const { jti, iat, exp, gh, ...rest } = claims;
    expect(typeof jti).toBe('string');
    return {
      status: ans.status,
      headers: ans.headers,
      members: Object.keys(body),
      answer: { ...body, access_token: undefined },
      header: decodeProtectedHeader(token),
      claimOrder: Object.keys(claims),
      claims: rest,
      lifetime: exp - iat,
      mintedAt: Math.abs(gh.t - iat * 1000) < 1000,
      gh: { ...gh, t: undefined },
      tokenLength: token.length,
    };
  }

  const valid: Array<[string, () => Req]> = [
    ['client_secret_post, the app’s default scope', () => ({ body: { grant_type: 'client_credentials', client_id: m2m.appId, client_secret: m2m.appSecret } })],
    ['client_secret_post, an explicit scope', () => ({ body: { grant_type: 'client_credentials', scope: 'read:things', client_id: m2m.appId, client_secret: m2m.appSecret } })],
    ['client_secret_basic, two scopes (one repeated)', () => ({ body: { grant_type: 'client_credentials', scope: 'write:things read:things write:things' }, headers: { authorization: basic(m2mBasic.appId, m2mBasic.appSecret) } })],
    ['client_secret_basic, the default scopes and its own lifetime', () => ({ body: { grant_type: 'client_credentials' }, headers: { authorization: basic(m2mBasic.appId, m2mBasic.appSecret) } })],
    ['client_secret_post to an app registered with basic', () => ({ body: { grant_type: 'client_credentials', scope: 'read:things', client_id: m2mBasic.appId, client_secret: m2mBasic.appSecret } })],
    ['Basic with the client_id repeated in the body', () => ({ body: { grant_type: 'client_credentials', client_id: m2mBasic.appId }, headers: { authorization: basic(m2mBasic.appId, m2mBasic.appSecret) } })],
  ];

  it.each(valid)('%s: the same answer and token', async (_name, req) => {
    const lean = await send(a.url, req());
    const provider = await send(b.url, req());
    expect(lean.status, lean.text).toBe(200);
    expect(shape(lean)).toEqual(shape(provider));
    // The lean handler answered it (the comparison alone would pass if it always deferred).
    const r = req();
    const direct = await a.container.oidc.fast.clientCredentials(a.poolId, { headers: { ...form, ...r.headers }, body: typeof r.body === 'string' ? r.body : new URLSearchParams(r.body).toString(), ip: '127.0.0.1', requestId: 'direct' });
    expect(direct?.status).toBe(200);
  });

  it('the lean token works like the provider’s: introspected on the other node, revoked there, refused by both', async () => {
    const lean = JSON.parse((await send(a.url, valid[0]![1]())).text) as { access_token: string };
    const intro = (base: string) => formPost(`${base}/oidc/token/introspection`, { token: lean.access_token, client_id: m2m.appId, client_secret: m2m.appSecret });
    expect((await intro(b.url)).body).toMatchObject({ active: true, client_id: m2m.appId, scope: 'read:things', token_type: 'Bearer' });
    expect((await formPost(`${b.url}/oidc/token/revocation`, { token: lean.access_token, client_id: m2m.appId, client_secret: m2m.appSecret })).status).toBe(200);
    expect((await intro(a.url)).body).toEqual({ active: false });
    expect((await intro(b.url)).body).toEqual({ active: false });
  });

  it('records the same audit event as the provider’s grant.success', async () => {
    const lean = await send(a.url, valid[2]![1]());
    const provider = await send(b.url, valid[2]![1]());
    const event = async (requestId: string) => {
      let found: Record<string, unknown> | undefined;
      await expect
        .poll(async () => {
          found = (await a.container.services.audit.list(a.poolId, 500)).find((e: { request_id?: string | null }) => e.request_id === requestId) as Record<string, unknown> | undefined;
          return found;
        })
        .toBeDefined();
      const { id, at, request_id: _r, ...rest } = found!;
      expect([id, at]).not.toContain(undefined);
      return rest;
    };
    const [l, p] = [await event(lean.requestId), await event(provider.requestId)];
    expect(l).toMatchObject({ type: 'oidc.token.issued', result: 'success', actor: m2mBasic.appId, subject: null, ip: '127.0.0.1' });
    expect(JSON.parse(String(l.data))).toEqual({ grantType: 'client_credentials', clientId: m2mBasic.appId });
    expect(l).toEqual(p);
  });

  const refused: Array<[string, () => Req]> = [
    ['a wrong secret (post)', () => ({ body: { grant_type: 'client_credentials', client_id: m2m.appId, client_secret: 'wrong' } })],
    ['a wrong secret (basic)', () => ({ body: { grant_type: 'client_credentials' }, headers: { authorization: basic(m2mBasic.appId, 'wrong') } })],
    ['an unknown client', () => ({ body: { grant_type: 'client_credentials', client_id: 'no-such-app', client_secret: 'x' } })],
    ['no client authentication', () => ({ body: { grant_type: 'client_credentials', client_id: m2m.appId } })],
    // (Basic and the same id and secret in the body again is accepted: mount.ts drops the copy.)
    ['Basic and another client_secret in the body', () => ({ body: { grant_type: 'client_credentials', client_id: m2mBasic.appId, client_secret: 'other' }, headers: { authorization: basic(m2mBasic.appId, m2mBasic.appSecret) } })],
    ['Basic and a different client_id', () => ({ body: { grant_type: 'client_credentials', client_id: m2m.appId }, headers: { authorization: basic(m2mBasic.appId, m2mBasic.appSecret) } })],
    ['a malformed Basic header', () => ({ body: { grant_type: 'client_credentials' }, headers: { authorization: 'Basic %%%' } })],
    ['an app without the grant', () => ({ body: { grant_type: 'client_credentials', client_id: web.appId, client_secret: web.appSecret } })],
    ['a scope the app may not have', () => ({ body: { grant_type: 'client_credentials', scope: 'read:things admin', client_id: m2m.appId, client_secret: m2m.appSecret } })],
    ['an OIDC scope outside the app’s', () => ({ body: { grant_type: 'client_credentials', scope: 'openid email', client_id: m2m.appId, client_secret: m2m.appSecret } })],
    ['a scope with invalid characters', () => ({ body: { grant_type: 'client_credentials', scope: 'read:things "x"', client_id: m2m.appId, client_secret: m2m.appSecret } })],
    ['an unknown resource', () => ({ body: { grant_type: 'client_credentials', resource: 'https://api.example.com/', client_id: m2m.appId, client_secret: m2m.appSecret } })],
    ['a duplicated grant_type', () => ({ body: `grant_type=client_credentials&grant_type=client_credentials&client_id=${m2m.appId}&client_secret=${m2m.appSecret}` })],
    ['a duplicated scope', () => ({ body: `grant_type=client_credentials&scope=read:things&scope=read:things&client_id=${m2m.appId}&client_secret=${m2m.appSecret}` })],
    ['an unsupported grant type', () => ({ body: { grant_type: 'password', username: 'x', password: 'y', client_id: m2m.appId, client_secret: m2m.appSecret } })],
    ['no grant_type', () => ({ body: { client_id: m2m.appId, client_secret: m2m.appSecret } })],
    ['a CORS request from an origin the app did not register', () => ({ body: { grant_type: 'client_credentials', client_id: m2m.appId, client_secret: m2m.appSecret }, headers: { origin: 'https://app.example.com' } })],
    ['a JSON body', () => ({ body: JSON.stringify({ grant_type: 'client_credentials', client_id: m2m.appId, client_secret: m2m.appSecret }), headers: { 'content-type': 'application/json' } })],
  ];

  it.each(refused)('%s: the provider’s error, byte for byte, on both nodes', async (_name, req) => {
    const lean = await send(a.url, req());
    const provider = await send(b.url, req());
    expect(lean.status).toBeGreaterThanOrEqual(400);
    expect({ ...lean, requestId: undefined }).toEqual({ ...provider, requestId: undefined });
    const r = req();
    const body = typeof r.body === 'string' ? r.body : new URLSearchParams(r.body).toString();
    expect(await a.container.oidc.fast.clientCredentials(a.poolId, { headers: { ...form, ...r.headers }, body, ip: '127.0.0.1', requestId: 'direct' })).toBeUndefined();
  });

  it('an extra parameter oidc-provider ignores, and DPoP, go to the provider (which issues the token for the first)', async () => {
    for (const r of [
      { body: { grant_type: 'client_credentials', client_id: m2m.appId, client_secret: m2m.appSecret, foo: 'bar' } },
    ] as Req[]) {
      const body = typeof r.body === 'string' ? r.body : new URLSearchParams(r.body).toString();
      expect(await a.container.oidc.fast.clientCredentials(a.poolId, { headers: { ...form, ...r.headers }, body, ip: '127.0.0.1', requestId: 'direct' })).toBeUndefined();
      const lean = await send(a.url, r);
      expect([lean.status, lean.text]).toEqual([200, expect.stringContaining('access_token')]);
      expect(shape(lean)).toEqual(shape(await send(b.url, r)));
    }
    expect(await a.container.oidc.fast.clientCredentials(a.poolId, { headers: { ...form, dpop: 'x.y.z' }, body: new URLSearchParams({ grant_type: 'client_credentials', client_id: m2m.appId, client_secret: m2m.appSecret }).toString(), ip: '127.0.0.1', requestId: 'direct' })).toBeUndefined();
  });

  it('a deleted app is refused at once (the lean handler reads the same client cache, dropped on change)', async () => {
    const apps = a.container.services.applications;
    const temp = await apps.create(a.poolId, { appName: 'cc-deleted', appType: 'api', oidcConfig: { grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post' } } as never);
    const req = { body: { grant_type: 'client_credentials', client_id: temp.appId, client_secret: temp.appSecret } };
    expect((await send(a.url, req)).status).toBe(200);
    await apps.delete(a.poolId, temp.appId);
    const after = await send(a.url, req);
    expect([after.status, JSON.parse(after.text).error]).toEqual([401, 'invalid_client']);
  });
});
