import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader, importJWK, SignJWT, type JWK } from 'jose';
import { startServer, type TestServer } from '../support/server.js';
import { raw } from '../support/management.js';
import { formPost, seedUser, startOidcServer, type OidcTestServer } from './support.js';

/**
 * Issue #22: userinfo and introspection of Gatehouse JWT access tokens are answered by a lean
 * handler (src/oidc/fast-endpoints.ts) instead of oidc-provider's. Its answers must be
 * byte-identical to the provider's. Node A runs with the lean handler, node B (same database,
 * same keys, same issuer) with `oidcFastEndpoints: off`, i.e. oidc-provider alone; every token
 * is presented to both and the status, headers and body bytes compared: valid (sign-in, code
 * flow, client credentials), expired, revoked, wrong audience, another pool's, tampered, an ID
 * token instead of an access token. The lean handler is also called directly, to prove it
 * answered the valid cases itself (the comparison alone would pass if it always deferred).
 */
const CB = 'http://127.0.0.1:9/cb';

describe('lean userinfo and introspection answer exactly as oidc-provider does', () => {
  let a: OidcTestServer;
  let b: TestServer;
  let app: { appId: string; appSecret: string };
  let basicApp: { appId: string; appSecret: string };
  let m2m: { appId: string; appSecret: string };
  const tokens: Record<string, string> = {};
  let issue2: () => Promise<string>;

  beforeAll(async () => {
    a = await startOidcServer();
    b = await startServer({ join: { container: a.container, poolId: a.poolId, defaultAppId: '', url: a.url } as never, config: { publicUrl: a.url, oidcFastEndpoints: 'off' } });
    const apps = a.container.services.applications;
    const mk = async (extra: Record<string, unknown>) => {
      const created = await apps.create(a.poolId, { appName: `fast-${Math.random().toString(36).slice(2, 8)}`, appType: 'web', redirectUris: [CB], ...extra } as never);
      return { appId: created.appId, appSecret: created.appSecret };
    };
    app = await mk({});
    basicApp = await mk({ oidcConfig: { token_endpoint_auth_method: 'client_secret_basic' } });
    m2m = await mk({ appType: 'api', oidcConfig: { grant_types: ['client_credentials'], scope: 'read:things' } });
    const userId = await seedUser(a, { email: 'fast@example.com', username: 'fast', name: 'Fast Path' });
    const issue = (poolId: string, appId: string, uid: string, scope: string) =>
      a.container.oidc.tokens.issue({ poolId, appId, userId: uid, scope, facts: { authTime: Math.floor(Date.now() / 1000), amr: ['pwd'] } } as never);
    issue2 = async () => (await issue(a.poolId, app.appId, userId, 'openid profile')).access_token;
    const signedIn = await issue(a.poolId, app.appId, userId, 'openid profile email offline_access');
    tokens.valid = signedIn.access_token;
    tokens.idToken = signedIn.id_token!;
    tokens.narrow = (await issue(a.poolId, app.appId, userId, 'openid')).access_token;
    tokens.basicApps = (await issue(a.poolId, basicApp.appId, userId, 'openid email')).access_token;
    tokens.noOpenid = (await issue(a.poolId, app.appId, userId, 'profile')).access_token; // the service always adds openid: still a valid case
    const cc = await formPost(`${a.url}/oidc/token`, { grant_type: 'client_credentials', client_id: m2m.appId, client_secret: m2m.appSecret });
    expect(cc.status, JSON.stringify(cc.body)).toBe(200);
    tokens.clientCredentials = cc.body.access_token as string;
    const rotated = await formPost(`${a.url}/oidc/token`, { grant_type: 'refresh_token', refresh_token: signedIn.refresh_token!, client_id: app.appId, client_secret: app.appSecret });
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
    tokens.refreshed = rotated.body.access_token as string;

    // Revoked (RFC 7009) — its grant's other tokens die with it, so a grant of its own.
    tokens.revoked = (await issue(a.poolId, app.appId, userId, 'openid profile')).access_token;
    expect((await formPost(`${a.url}/oidc/token/revocation`, { token: tokens.revoked, client_id: app.appId, client_secret: app.appSecret })).status).toBe(200);

    // Revoked through the grant: a refresh-token replay kills the family's grant, and forcing
    // the user out (kick-users) revokes every token of the account issued until then. The lean
    // handler reads those tombstones together with the grant record in one KV read.
    const family = await issue(a.poolId, app.appId, userId, 'openid profile offline_access');
    const first = await formPost(`${a.url}/oidc/token`, { grant_type: 'refresh_token', refresh_token: family.refresh_token!, client_id: app.appId, client_secret: app.appSecret });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect((await formPost(`${a.url}/oidc/token`, { grant_type: 'refresh_token', refresh_token: family.refresh_token!, client_id: app.appId, client_secret: app.appSecret })).status).toBe(400);
    tokens.replayed = first.body.access_token as string;
    const kickedUser = await seedUser(a, { email: 'kicked@example.com', username: 'kicked' });
    tokens.kicked = (await issue(a.poolId, app.appId, kickedUser, 'openid profile')).access_token;
    expect((await raw(a.mgmt(), 'POST', '/api/v3/kick-users', { userId: kickedUser, appIds: [app.appId] })).statusCode).toBe(200);

    // Expired and wrong-audience tokens, signed with the pool's own key (only exp or aud differ).
    const { keys } = await a.container.oidc.keys.privateJwks(a.poolId);
    const kid = decodeProtectedHeader(tokens.narrow).kid!;
    const jwk = keys.find((k: JWK) => k.kid === kid)!;
    const key = await importJWK(jwk, 'ES256');
    const resign = (claims: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid }).sign(key);
    const base = decodeJwt(tokens.narrow);
    tokens.expired = await resign({ ...base, jti: `${base.jti}x`, iat: base.iat! - 7300, exp: Math.floor(Date.now() / 1000) - 5 });
    tokens.wrongAudience = await resign({ ...base, jti: `${base.jti}y`, aud: 'https://api.example.com' });
    tokens.tampered = `${tokens.narrow.split('.').slice(0, 2).join('.')}.${tokens.valid.split('.')[2]}`;

    // Another pool's token (its own keys and issuer).
    const pool = (await raw(a.mgmt(), 'POST', '/api/v3/create-userpool', { name: 'fast-other' })).data as { id?: string; userPoolId?: string };
    const otherPoolId = (pool.id ?? pool.userPoolId)!;
    const otherApp = await apps.create(otherPoolId, { appName: 'fast-other-app', appType: 'web', redirectUris: [CB] } as never);
    const otherUser = await seedUser(a, { email: 'other@example.com', username: 'other', poolId: otherPoolId });
    tokens.otherPool = (await issue(otherPoolId, otherApp.appId, otherUser, 'openid profile')).access_token;
  }, 90_000);

  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  /** Status, headers (minus date and the per-request id) and the exact body bytes. */
  async function answer(res: Response) {
    const headers = Object.fromEntries([...res.headers].filter(([k]) => !['date', 'x-request-id', 'connection', 'keep-alive'].includes(k)));
    return { status: res.status, headers, body: Buffer.from(await res.arrayBuffer()).toString('base64') + ` (${res.headers.get('content-type')})` };
  }
  const userinfo = async (base: string, token: string) => answer(await fetch(`${base}/oidc/me`, { headers: { authorization: `Bearer ${token}` } }));
  const introspect = async (base: string, token: string, who = app, how: 'post' | 'basic' = 'post') =>
    answer(
      await fetch(`${base}/oidc/token/introspection`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(how === 'basic' ? { authorization: `Basic ${Buffer.from(`${who.appId}:${who.appSecret}`).toString('base64')}` } : {}) },
        body: new URLSearchParams({ token, ...(how === 'post' ? { client_id: who.appId, client_secret: who.appSecret } : {}) }).toString(),
      }),
    );

  const cases = ['valid', 'narrow', 'refreshed', 'basicApps', 'noOpenid', 'clientCredentials', 'expired', 'revoked', 'replayed', 'kicked', 'wrongAudience', 'otherPool', 'tampered', 'idToken'];

  it.each(cases)('userinfo, %s token: same status, headers and bytes', async (name) => {
    const lean = await userinfo(a.url, tokens[name]!);
    const provider = await userinfo(b.url, tokens[name]!);
    expect(lean).toEqual(provider);
  });

  it.each(cases)('introspection by the app (client_secret_post), %s token: same status, headers and bytes', async (name) => {
    const lean = await introspect(a.url, tokens[name]!);
    const provider = await introspect(b.url, tokens[name]!);
    expect(lean).toEqual(provider);
  });

  it('introspection with client_secret_basic, by the token’s own client and by another, and with a wrong secret', async () => {
    for (const [token, who] of [[tokens.basicApps!, basicApp], [tokens.valid!, basicApp], [tokens.clientCredentials!, m2m]] as const) {
      expect(await introspect(a.url, token, who, 'basic')).toEqual(await introspect(b.url, token, who, 'basic'));
    }
    const wrong = { appId: basicApp.appId, appSecret: 'not-the-secret' };
    expect(await introspect(a.url, tokens.basicApps!, wrong, 'basic')).toEqual(await introspect(b.url, tokens.basicApps!, wrong, 'basic'));
  });

  it('the lean handler answered the valid cases itself and deferred the errors of userinfo', async () => {
    const fast = a.container.oidc.fast;
    const me = (token: string) => fast.userinfo(a.poolId, { method: 'GET', url: '/me', headers: { authorization: `Bearer ${token}` } });
    const body = (token: string, who = app) => new URLSearchParams({ token, client_id: who.appId, client_secret: who.appSecret }).toString();
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    for (const name of ['valid', 'narrow', 'refreshed', 'basicApps']) {
      const r = await me(tokens[name]!);
      expect(r?.status, name).toBe(200);
      expect(JSON.parse(r!.body).sub).toBe(decodeJwt(tokens[name]!).sub);
    }
    expect(JSON.parse((await me(tokens.valid!))!.body)).toMatchObject({ email: 'fast@example.com', name: 'Fast Path' });
    for (const name of ['expired', 'revoked', 'replayed', 'kicked', 'wrongAudience', 'tampered', 'clientCredentials', 'idToken', 'otherPool']) expect(await me(tokens[name]!), name).toBeUndefined();
    expect(JSON.parse((await fast.introspection(a.poolId, { headers: form, body: body(tokens.valid!) }))!.body)).toMatchObject({ active: true, client_id: app.appId });
    expect(JSON.parse((await fast.introspection(a.poolId, { headers: form, body: body(tokens.clientCredentials!, m2m) }))!.body)).toMatchObject({ active: true, client_id: m2m.appId });
    for (const name of ['expired', 'revoked', 'replayed', 'kicked', 'wrongAudience', 'tampered']) expect((await fast.introspection(a.poolId, { headers: form, body: body(tokens[name]!) }))?.body, name).toBe('{"active":false}');
    // The same token twice: the second answer comes from the per-token cache and is identical;
    // a revocation in between is still seen (the deny-list is read on every request).
    const again = await issue2();
    const once = await fast.introspection(a.poolId, { headers: form, body: body(again) });
    expect((await fast.introspection(a.poolId, { headers: form, body: body(again) }))?.body).toBe(once?.body);
    expect(JSON.parse(once!.body)).toMatchObject({ active: true });
    expect((await formPost(`${a.url}/oidc/token/revocation`, { token: again, client_id: app.appId, client_secret: app.appSecret })).status).toBe(200);
    expect((await fast.introspection(a.poolId, { headers: form, body: body(again) }))?.body).toBe('{"active":false}');
    // A wrong secret is oidc-provider's to refuse (and audit).
    expect(await fast.introspection(a.poolId, { headers: form, body: body(tokens.valid!, { appId: app.appId, appSecret: 'wrong' }) })).toBeUndefined();
  });
});
