import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { startServer, type TestServer } from '../support/server.js';
import { scopedKv } from '../../src/storage/kv/scoped.js';
import { leanSignInTokens } from '../../src/oidc/fast-signin-tokens.js';
import { startOidcServer, type OidcTestServer } from './support.js';

/**
 * A sign-in's access token, ID token and grant are built by src/oidc/fast-signin-tokens.ts
 * instead of oidc-provider's models. Node A runs with it, node B (same database, keys and
 * issuer) with `oidcFastEndpoints: off`, i.e. the models. A token holds a fresh `jti`, `iat`, `exp`
 * and signature, so the two cannot be byte-identical; what must be the same is everything else:
 * each JWT's header, its claims in their order with the same values, the lifetimes, the stored
 * grant, the answer's members. And each node must accept the other's tokens.
 */
const PASSWORD = 'Gx7!quartz-Harbor-92';
const atHash = (token: string) => createHash('sha256').update(token).digest().subarray(0, 16).toString('base64url');
type Tokens = { access_token: string; id_token?: string; refresh_token?: string; scope?: string; token_type?: string; expire_in?: number };

describe('the lean sign-in tokens are the tokens oidc-provider’s models issue', () => {
  let a: OidcTestServer;
  let b: TestServer;
  let web: { appId: string; appSecret: string };
  let short: { appId: string; appSecret: string };
  let hs: { appId: string; appSecret: string };
  let userId: string;

  beforeAll(async () => {
    a = await startOidcServer();
    b = await startServer({ join: { container: a.container, poolId: a.poolId, defaultAppId: '', url: a.url } as never, config: { publicUrl: a.url, oidcFastEndpoints: 'off' } });
    const apps = a.container.services.applications;
    const mk = async (extra: Record<string, unknown>) => {
      const created = await apps.create(a.poolId, { appName: `lean-${Math.random().toString(36).slice(2, 8)}`, appType: 'web', redirectUris: ['http://127.0.0.1:9/cb'], ...extra } as never);
      return { appId: created.appId, appSecret: created.appSecret };
    };
    web = await mk({ oidcConfig: { grant_types: ['authorization_code', 'refresh_token'] } });
    short = await mk({ oidcConfig: { grant_types: ['authorization_code', 'refresh_token'], access_token_expire: 600, id_token_expire: 300 } });
    hs = await mk({ oidcConfig: { id_token_signed_response_alg: 'HS256' } });
    const created = (await a.container.services.users.create(a.poolId, {
      email: 'lean@example.com',
      username: 'lean',
      phone: '+8613800000042',
      name: 'Lean Tokens',
      nickname: 'lean',
      givenName: 'Lean',
      familyName: 'Tokens',
      gender: 'F',
      birthdate: '1990-01-02',
      address: '1 Lean Street',
      postalCode: '100000',
      country: 'CN',
      password: PASSWORD,
    } as never)) as { userId: string };
    userId = created.userId;
  }, 90_000);

  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const signIn = async (base: string, app: { appId: string; appSecret: string }, scope?: string) => {
    const res = await fetch(`${base}/api/v3/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-authing-app-id': app.appId },
      body: JSON.stringify({ connection: 'PASSWORD', passwordPayload: { email: 'lean@example.com', password: PASSWORD }, ...(scope ? { options: { scope } } : {}), client_id: app.appId, client_secret: app.appSecret }),
    });
    const body = (await res.json()) as { statusCode: number; data: Tokens };
    expect(body.statusCode, JSON.stringify(body)).toBe(200);
    return body.data;
  };

  /** A JWT with its per-token values (jti, iat, exp, auth_time, mint time, signature, at_hash) taken out. */
  function shape(token: string) {
    const claims = decodeJwt(token) as Record<string, unknown> & { iat: number; exp: number };
    const { jti, iat, exp, gh, at_hash, auth_time, ...rest } = claims as Record<string, unknown> & { iat: number; exp: number; gh?: { t: number; g?: string } };
    // auth_time is the sign-in's own second: two sign-ins may straddle one.
    if (auth_time !== undefined) expect(Math.abs((auth_time as number) - iat)).toBeLessThanOrEqual(10);
    return {
      header: decodeProtectedHeader(token),
      claimOrder: Object.keys(claims),
      claims: rest,
      lifetime: exp - iat,
      jti: typeof jti,
      gh: gh ? { ...gh, t: typeof gh.t, g: typeof gh.g } : undefined,
      atHash: typeof at_hash,
      length: token.length,
    };
  }

  /** The grant an access token names, as stored, with its per-grant values taken out. */
  async function storedGrant(token: string) {
    const g = (decodeJwt(token) as { gh: { g: string } }).gh.g;
    const raw = await scopedKv(a.container.kv, a.poolId).get(`oidc:Grant:${g}`);
    expect(raw).toBeTruthy();
    const rec = JSON.parse(raw!) as Record<string, unknown> & { iat: number; exp: number };
    const { iat, exp, jti, ...rest } = rec;
    expect(jti).toBe(g);
    // The stored-at stamp is the adapter's (adapter.ts), in milliseconds: only its presence matters.
    return { keys: Object.keys(rec).filter((k) => typeof rec[k] !== 'number' || k === 'iat' || k === 'exp'), rest: Object.fromEntries(Object.entries(rest).filter(([, v]) => typeof v !== 'number')), lifetime: exp - iat };
  }

  function same(lean: Tokens, model: Tokens) {
    expect(Object.keys(lean)).toEqual(Object.keys(model));
    expect({ ...lean, access_token: undefined, id_token: undefined, refresh_token: undefined }).toEqual({ ...model, access_token: undefined, id_token: undefined, refresh_token: undefined });
    expect(shape(lean.access_token)).toEqual(shape(model.access_token));
    expect(shape(lean.id_token!)).toEqual(shape(model.id_token!));
    // at_hash binds each ID token to its own access token (OIDC Core §3.1.3.6).
    expect(decodeJwt(lean.id_token!).at_hash).toBe(atHash(lean.access_token));
    expect(decodeJwt(model.id_token!).at_hash).toBe(atHash(model.access_token));
    expect(typeof lean.refresh_token).toBe(typeof model.refresh_token);
  }

  it('over /api/v3/signin: the default scope, and every claim scope with a refresh token, for two lifetimes', async () => {
    // Node A builds these apps' tokens itself (the comparison below would pass trivially otherwise).
    const { registry } = a.container.oidc;
    const { provider } = await registry.entry(a.poolId);
    for (const app of [web, short]) expect(leanSignInTokens(provider, (await registry.client(a.poolId, app.appId)) as never)).toBeDefined();
    for (const app of [web, short]) {
      for (const scope of [undefined, 'openid profile username email phone address roles external_id offline_access']) {
        const lean = await signIn(a.url, app, scope);
        const model = await signIn(b.url, app, scope);
        same(lean, model);
        expect(await storedGrant(lean.access_token)).toEqual(await storedGrant(model.access_token));
      }
    }
    const t = decodeJwt((await signIn(a.url, short)).access_token);
    expect(t.exp! - t.iat!).toBe(600);
    expect(decodeJwt((await signIn(a.url, short)).id_token!)).toMatchObject({ aud: short.appId, sub: userId, name: 'Lean Tokens', amr: ['pwd'] });
  });

  it('through the token service: a nonce, an acr, hooks’ claims (never one the account sets) in the ID token', async () => {
    const input = {
      poolId: a.poolId,
      appId: web.appId,
      userId,
      scope: 'openid profile email',
      nonce: 'n-0S6_WzA2Mj',
      facts: { amr: ['pwd', 'otp'], acr: 'mfa', authTime: Math.floor(Date.now() / 1000) - 5 },
      idTokenClaims: { tier: 'gold', nested: { a: 1, b: [1, 2] }, name: 'not the account’s', c_hash: 'raw value' },
    };
    const lean = await a.container.oidc.tokens.issue(input);
    const model = await b.container.oidc.tokens.issue(input);
    same(lean, model);
    const id = decodeJwt(lean.id_token!);
    expect(id).toMatchObject({ nonce: 'n-0S6_WzA2Mj', acr: 'mfa', amr: ['pwd', 'otp'], tier: 'gold', nested: { a: 1, b: [1, 2] }, name: 'Lean Tokens', auth_time: input.facts.authTime });
    // A hook's c_hash is hashed like the provider's own (OIDC Core §3.3.2.11), on both paths.
    expect(id.c_hash).toBe(createHash('sha256').update('raw value').digest().subarray(0, 16).toString('base64url'));
  });

  it('each node accepts the other’s tokens: userinfo, introspection, refresh', async () => {
    const lean = await signIn(a.url, web, 'openid profile offline_access');
    const model = await signIn(b.url, web, 'openid profile offline_access');
    for (const base of [a.url, b.url]) {
      for (const t of [lean, model]) {
        const me = await fetch(`${base}/oidc/me`, { headers: { authorization: `Bearer ${t.access_token}` } });
        expect(me.status).toBe(200);
        expect(((await me.json()) as { sub: string }).sub).toBe(userId);
        const intro = await fetch(`${base}/oidc/token/introspection`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: t.access_token, client_id: web.appId, client_secret: web.appSecret }) });
        expect(await intro.json()).toMatchObject({ active: true, sub: userId, client_id: web.appId });
      }
    }
    const refreshed = await fetch(`${b.url}/oidc/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: lean.refresh_token!, client_id: web.appId, client_secret: web.appSecret }) });
    expect(refreshed.status).toBe(200);
    // Revoking the user's sessions kills the lean tokens on both nodes (the grant marker).
    await a.container.oidc.tokens.revokeUserSessions(a.poolId, userId);
    for (const base of [a.url, b.url]) expect((await fetch(`${base}/oidc/me`, { headers: { authorization: `Bearer ${lean.access_token}` } })).status).toBe(401);
  });

  it('leaves to the models what it does not build: an ID token keyed with the app secret (HS256)', async () => {
    const { registry } = a.container.oidc;
    expect(leanSignInTokens((await registry.entry(a.poolId)).provider, (await registry.client(a.poolId, hs.appId)) as never)).toBeUndefined();
    const lean = await signIn(a.url, hs);
    const model = await signIn(b.url, hs);
    expect(decodeProtectedHeader(lean.id_token!).alg).toBe('HS256');
    same(lean, model);
  });
});
