import * as oc from 'openid-client';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { atHash, authorize, Browser, confirmLogout, formPost, PASSWORD, seedUser, startOidcServer, type OidcTestServer } from './support.js';

/**
 * Everything the provider does besides the main flows (flows.test.ts): client-credentials
 * introspection/revocation, logout, prompt=login/max_age, consent, Chinese pages, the token
 * service, ID token algorithms, key rotation, audit, client cache invalidation. SQLite.
 */
const CB = 'http://127.0.0.1:9/cb';
const BYE = 'http://127.0.0.1:9/bye';
type App = { appId: string; appSecret: string };

describe('OIDC provider features (SQLite)', () => {
  let s: OidcTestServer;
  let issuer: string;
  let web: App;
  let userId: string;
  const creds = { account: 'grace@example.com', password: PASSWORD };

  const createApp = (body: Record<string, unknown>) =>
    s.container.services.applications.create(s.poolId, { appName: `App ${Math.random().toString(36).slice(2, 7)}`, appType: 'web', redirectUris: [CB], logoutRedirectUris: [BYE], ...body } as never) as Promise<App>;

  const rp = (app: App, auth: 'post' | 'basic' = 'post') =>
    oc.discovery(new URL(issuer), app.appId, undefined, auth === 'post' ? oc.ClientSecretPost(app.appSecret) : oc.ClientSecretBasic(app.appSecret), { execute: [oc.allowInsecureRequests] });

  /** Authorization code + PKCE through the hosted pages with openid-client; returns tokens and what was shown. */
  async function codeFlow(config: oc.Configuration, browser: Browser, params: Record<string, string> = {}, login = true) {
    const verifier = oc.randomPKCECodeVerifier();
    const nonce = oc.randomNonce();
    const url = oc.buildAuthorizationUrl(config, { redirect_uri: CB, scope: 'openid profile email', code_challenge: await oc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', nonce, ...params });
    const r = await authorize(browser, url.toString(), CB, login ? creds : undefined);
    if (!r.url.startsWith(CB)) return { r, tokens: undefined };
    const cb = new URL(r.url);
    if (cb.searchParams.get('error')) return { r, tokens: undefined, error: cb.searchParams.get('error') };
    const tokens = await oc.authorizationCodeGrant(config, cb, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: oc.skipStateCheck });
    return { r, tokens };
  }

  const auditTypes = async () => (await s.container.services.audit.list(s.poolId, 500)).map((e: { type: string }) => e.type);
  async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
    let v = await fn();
    for (let i = 0; i < 50 && !ok(v); i++) {
      await new Promise((r) => setTimeout(r, 20));
      v = await fn();
    }
    return v;
  }

  beforeAll(async () => {
    s = await startOidcServer();
    issuer = `${s.url}/oidc`;
    web = await createApp({ appName: 'Portal' });
    userId = await seedUser(s, { email: 'grace@example.com', username: 'grace', name: 'Grace' });
  });
  afterAll(async () => s?.close());

  it('client credentials tokens: introspection (own app only), revocation', async () => {
    const m2m = await createApp({ appType: 'api', redirectUris: [], logoutRedirectUris: [], oidcConfig: { scope: 'read:things write:things' } });
    const other = await createApp({ appType: 'api', redirectUris: [], logoutRedirectUris: [], oidcConfig: { scope: 'read:things' } });
    const cc = await rp(m2m, 'basic');
    const t = await oc.clientCredentialsGrant(cc, { scope: 'read:things' });
    expect(t.scope).toBe('read:things');
    const intro = await oc.tokenIntrospection(cc, t.access_token);
    expect(intro).toMatchObject({ active: true, client_id: m2m.appId, scope: 'read:things', iss: issuer });
    expect(intro.sub).toBeUndefined();
    // Another app can neither introspect nor revoke it.
    const otherRp = await rp(other);
    expect((await oc.tokenIntrospection(otherRp, t.access_token)).active).toBe(false);
    await oc.tokenRevocation(otherRp, t.access_token);
    expect((await oc.tokenIntrospection(cc, t.access_token)).active).toBe(true);
    // The owner revokes it.
    await oc.tokenRevocation(cc, t.access_token);
    expect((await oc.tokenIntrospection(cc, t.access_token)).active).toBe(false);
    // A wrong secret is an authentication failure (audited below).
    const bad = await formPost(`${issuer}/token`, { grant_type: 'client_credentials', client_id: m2m.appId, client_secret: 'wrong-secret' });
    expect(bad.status).toBe(401);
    expect(bad.body.error).toBe('invalid_client');
  });

  it('RP-initiated logout: registered post_logout_redirect_uri redirects with state; an unregistered one gets an error page', async () => {
    const config = await rp(web);
    const browser = new Browser();
    const { tokens } = await codeFlow(config, browser);
    const idToken = tokens!.id_token!;

    const bad = await browser.fetch(oc.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: 'https://evil.example/bye' }).toString());
    expect(bad.status).toBe(400);
    expect(bad.headers.get('location')).toBeNull();
    expect(await bad.text()).toContain('post_logout_redirect_uri');
    // Prefix and trailing-slash variants of the registered URI are not the registered URI.
    for (const variant of [`${BYE}/`, `${BYE}x`, `${BYE}?a=1`]) {
      const r = await browser.fetch(oc.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: variant }).toString());
      expect(r.status, variant).toBe(400);
    }

    const page = await browser.fetch(oc.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: BYE, state: 'st8' }).toString());
    expect(page.status).toBe(200);
    const done = await confirmLogout(browser, page, s.url);
    expect(done.status).toBe(303);
    const to = new URL(done.headers.get('location')!);
    expect(`${to.origin}${to.pathname}`).toBe(BYE);
    expect(to.searchParams.get('state')).toBe('st8');
    // The session is gone: prompt=none now says login_required.
    const again = await codeFlow(config, browser, { prompt: 'none' }, false);
    expect(again.error).toBe('login_required');
  });

  it('prompt=login and max_age=0 force a new login despite the SSO session', async () => {
    const config = await rp(web);
    const browser = new Browser();
    const first = await codeFlow(config, browser);
    expect(first.r.shown).toEqual(['login']);
    const sso = await codeFlow(config, browser);
    expect(sso.r.shown).toEqual([]); // SSO: no page at all
    await new Promise((r) => setTimeout(r, 1100)); // auth_time has whole-second resolution
    const forced = await codeFlow(config, browser, { prompt: 'login' });
    expect(forced.r.shown).toEqual(['login']);
    expect(forced.tokens!.claims()!.auth_time!).toBeGreaterThan(first.tokens!.claims()!.auth_time!);
    const aged = await codeFlow(config, browser, { max_age: '0' });
    expect(aged.r.shown).toEqual(['login']);
    expect(typeof aged.tokens!.claims()!.auth_time).toBe('number');
  });

  it('consent page when the app requires it: allow once, remembered; deny gives access_denied', async () => {
    const app = await createApp({ appName: 'Needs Consent', loginConfig: { showAuthorizationPage: true } });
    const config = await rp(app);
    const browser = new Browser();
    const first = await codeFlow(config, browser);
    expect(first.r.shown).toEqual(['login', 'consent']);
    expect(first.tokens!.claims()!.sub).toBe(userId);
    const second = await codeFlow(config, browser);
    expect(second.r.shown).toEqual([]);
    // A new scope asks again; denying it sends access_denied to the app.
    const verifier = oc.randomPKCECodeVerifier();
    const url = oc.buildAuthorizationUrl(config, { redirect_uri: CB, scope: 'openid profile email phone', code_challenge: await oc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 'st' });
    const { res, url: at } = await browser.follow(url.toString(), CB);
    const html = await res.text();
    expect(html).toContain('Needs Consent');
    expect(html).toContain('Your phone number');
    const abort = await browser.postForm(`${at}/abort`, {});
    expect(abort.status).toBe(303);
    const { url: cb } = await browser.follow(new URL(abort.headers.get('location')!, at).toString(), CB);
    expect(new URL(cb).searchParams.get('error')).toBe('access_denied');
  });

  it('Chinese page text by Accept-Language: login, consent, error pages', async () => {
    const app = await createApp({ appName: '门户', loginConfig: { showAuthorizationPage: true } });
    const config = await rp(app);
    const zh = new Browser({ 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.5' });
    const url = oc.buildAuthorizationUrl(config, { redirect_uri: CB, scope: 'openid email', code_challenge: await oc.calculatePKCECodeChallenge(oc.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
    const { res, url: at } = await zh.follow(url.toString(), CB);
    const login = await res.text();
    expect(login).toContain('<html lang="zh-CN"');
    expect(login).toContain('登录以继续使用 门户');
    expect(login).toContain('邮箱、手机号或用户名');
    // A wrong password: the error message is Chinese too.
    const wrong = await zh.postForm(`${at}/login`, { account: creds.account, password: 'not the password' });
    expect(wrong.status).toBeGreaterThanOrEqual(400);
    expect(await wrong.text()).toMatch(/[\u4e00-\u9fff]/);
    const ok = await zh.postForm(`${at}/login`, creds);
    expect(ok.status).toBe(303);
    const { res: consent } = await zh.follow(new URL(ok.headers.get('location')!, at).toString(), CB);
    const consentHtml = await consent.text();
    expect(consentHtml).toContain('授权访问');
    expect(consentHtml).toContain('你的邮箱地址');
    // Error page (unregistered redirect_uri) in Chinese, never a redirect.
    const bad = new URL(url);
    bad.searchParams.set('redirect_uri', 'https://evil.example/cb');
    const err = await zh.fetch(bad.toString());
    expect(err.status).toBe(400);
    expect(err.headers.get('location')).toBeNull();
    expect(await err.text()).toContain('出错了');
    // English stays the default.
    const en = await new Browser({ 'accept-language': 'en-US' }).fetch(bad.toString());
    expect(await en.text()).toContain('Something went wrong');
  });

  it('token service: issue() tokens work at /oidc/me, introspection and refresh; verifyAccessToken; revokeUserSessions', async () => {
    const tokens = s.container.oidc.tokens;
    const authTime = Math.floor(Date.now() / 1000);
    const out = await tokens.issue({ poolId: s.poolId, appId: web.appId, userId, scope: 'openid profile email offline_access', facts: { amr: ['pwd'], authTime }, nonce: 'n-1' });
    expect(out).toMatchObject({ token_type: 'Bearer', expire_in: 7200, scope: 'openid profile email offline_access' });
    expect(out.refresh_token).toBeTruthy();

    const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
    const { payload: at } = await jwtVerify(out.access_token, jwks, { issuer, audience: issuer, typ: 'at+jwt', algorithms: ['ES256'] });
    expect(at.sub).toBe(userId);
    const { payload: idt, protectedHeader } = await jwtVerify(out.id_token!, jwks, { issuer, audience: web.appId });
    expect(protectedHeader.alg).toBe('ES256');
    expect(idt).toMatchObject({ sub: userId, nonce: 'n-1', auth_time: authTime, amr: ['pwd'], email: 'grace@example.com', at_hash: atHash(out.access_token) });

    const me = await fetch(`${issuer}/me`, { headers: { authorization: `Bearer ${out.access_token}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ sub: userId, email: 'grace@example.com' });
    const intro = await formPost(`${issuer}/token/introspection`, { token: out.access_token, client_id: web.appId, client_secret: web.appSecret });
    expect(intro.body).toMatchObject({ active: true, sub: userId, client_id: web.appId });
    expect(await tokens.verifyAccessToken(s.poolId, out.access_token)).toMatchObject({ userId, appId: web.appId });

    const refreshed = await formPost(`${issuer}/token`, { grant_type: 'refresh_token', refresh_token: out.refresh_token!, client_id: web.appId, client_secret: web.appSecret });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).toBeTruthy();
    expect(refreshed.body.refresh_token).not.toBe(out.refresh_token);
    const newAt = String(refreshed.body.access_token);
    expect(decodeJwt(String(refreshed.body.id_token))).toMatchObject({ sub: userId, at_hash: atHash(newAt) });

    // Password change / block / kick: everything of the user dies at once …
    await tokens.revokeUserSessions(s.poolId, userId);
    expect(await tokens.verifyAccessToken(s.poolId, newAt)).toBeNull();
    expect((await fetch(`${issuer}/me`, { headers: { authorization: `Bearer ${newAt}` } })).status).toBe(401);
    const dead = await formPost(`${issuer}/token`, { grant_type: 'refresh_token', refresh_token: String(refreshed.body.refresh_token), client_id: web.appId, client_secret: web.appSecret });
    expect(dead.body.error).toBe('invalid_grant');
    // … and a sign-in right after (same second) gets working tokens.
    const fresh = await tokens.issue({ poolId: s.poolId, appId: web.appId, userId, facts: { amr: ['pwd'], authTime: Math.floor(Date.now() / 1000) } });
    expect(await tokens.verifyAccessToken(s.poolId, fresh.access_token)).toMatchObject({ userId });
    expect(fresh.scope).toBe('openid profile');
    expect(fresh.refresh_token).toBeUndefined();
  });

  it('ID token algorithms: ES256 by default, RS256 per app, HS256 keyed with the app secret', async () => {
    const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
    const def = await codeFlow(await rp(web), new Browser());
    expect(decodeProtectedHeader(def.tokens!.id_token!).alg).toBe('ES256');

    const rsApp = await createApp({ oidcConfig: { id_token_signed_response_alg: 'RS256' } });
    const rs = await codeFlow(await rp(rsApp), new Browser());
    const rsId = rs.tokens!.id_token!;
    expect(decodeProtectedHeader(rsId).alg).toBe('RS256');
    const v = await jwtVerify(rsId, jwks, { issuer, audience: rsApp.appId, algorithms: ['RS256'] });
    expect(v.payload.at_hash).toBe(atHash(rs.tokens!.access_token));

    const hsApp = await createApp({ oidcConfig: { id_token_signed_response_alg: 'HS256' } });
    const hs = await codeFlow(await rp(hsApp), new Browser());
    const hsId = hs.tokens!.id_token!;
    expect(decodeProtectedHeader(hsId).alg).toBe('HS256');
    const h = await jwtVerify(hsId, new TextEncoder().encode(hsApp.appSecret), { issuer, audience: hsApp.appId, algorithms: ['HS256'] });
    expect(h.payload).toMatchObject({ sub: userId, at_hash: atHash(hs.tokens!.access_token) });
    await expect(jwtVerify(hsId, new TextEncoder().encode(web.appSecret), { algorithms: ['HS256'] })).rejects.toThrow();
    // The token service honours the app's choice too.
    const svc = await s.container.oidc.tokens.issue({ poolId: s.poolId, appId: hsApp.appId, userId, facts: { amr: ['pwd'], authTime: Math.floor(Date.now() / 1000) } });
    const hv = await jwtVerify(svc.id_token!, new TextEncoder().encode(hsApp.appSecret), { issuer, audience: hsApp.appId, algorithms: ['HS256'] });
    expect(hv.payload.at_hash).toBe(atHash(svc.access_token));
  });

  it('`gatehouse keys rotate`: the new key signs, the old one stays published and old tokens keep working', async () => {
    const config = await rp(web);
    const before = await codeFlow(config, new Browser());
    const oldKid = decodeProtectedHeader(before.tokens!.id_token!).kid!;
    const oldAtKid = decodeProtectedHeader(before.tokens!.access_token).kid!;

    const cfg = s.container.config;
    const res = await runCli(['keys', 'rotate', '--json'], { GATEHOUSE_DATABASE_URL: cfg.databaseUrl, GATEHOUSE_DATA_DIR: cfg.dataDir, GATEHOUSE_SECRET: 'test-master-secret-0123456789abcdefghijkl', GATEHOUSE_LOG_LEVEL: 'warn' });
    expect(res.code, res.stderr).toBe(0);
    const rotated = JSON.parse(res.stdout) as { active: { kid: string; alg: string }[]; retired: string[] };
    expect(rotated.retired).toEqual(expect.arrayContaining([oldKid, oldAtKid]));
    expect(JSON.stringify(rotated)).not.toMatch(/"d"|private/);
    // Other nodes notice within 10 s; this one is told at once, as after `rotateKeys` in-process.
    s.container.oidc.registry.invalidate(s.poolId);

    const published = (await (await fetch(`${issuer}/.well-known/jwks.json`)).json()) as { keys: { kid: string; d?: string }[] };
    const kids = published.keys.map((k) => k.kid);
    expect(kids).toEqual(expect.arrayContaining([oldKid, ...rotated.active.map((k) => k.kid)]));
    expect(published.keys.every((k) => k.d === undefined)).toBe(true);

    const after = await codeFlow(config, new Browser());
    const newKid = decodeProtectedHeader(after.tokens!.id_token!).kid!;
    expect(newKid).not.toBe(oldKid);
    expect(rotated.active.map((k) => k.kid)).toContain(newKid);
    expect(rotated.active.map((k) => k.kid)).toContain(decodeProtectedHeader(after.tokens!.access_token).kid);

    const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
    await jwtVerify(before.tokens!.id_token!, jwks, { issuer, audience: web.appId });
    await jwtVerify(before.tokens!.access_token, jwks, { issuer, audience: issuer, typ: 'at+jwt' });
    expect((await fetch(`${issuer}/me`, { headers: { authorization: `Bearer ${before.tokens!.access_token}` } })).status).toBe(200);
    expect((await oc.tokenIntrospection(config, before.tokens!.access_token)).active).toBe(true);
  });

  it('client cache: a redirect URI changed through the management API applies to the next authorization', async () => {
    const app = await createApp({ appName: 'Moving' });
    const NEW = 'http://127.0.0.1:9/new-cb';
    const config = await rp(app);
    const start = async (redirect: string) => {
      const url = oc.buildAuthorizationUrl(config, { redirect_uri: redirect, scope: 'openid', code_challenge: await oc.calculatePKCECodeChallenge(oc.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
      return new Browser().follow(url.toString(), redirect);
    };
    // Warm the cache with the old value.
    expect((await start(CB)).res.status).toBe(200);
    expect((await start(NEW)).res.status).toBe(400);

    const upd = (await s.mgmt().updateApplication({ appId: app.appId, redirectUris: [NEW] } as never)) as { statusCode: number; message: string };
    expect(upd.statusCode, upd.message).toBe(200);

    const now = await start(NEW);
    expect(now.res.status).toBe(200);
    expect(await now.res.text()).toContain('name="password"');
    const old = await start(CB);
    expect(old.res.status).toBe(400);
    expect(old.res.headers.get('location')).toBeNull();
  });

  it('audit: issuance, refresh, revocation and failed client authentication are recorded (no token values)', async () => {
    const config = await rp(web);
    const browser = new Browser();
    const { tokens } = await codeFlow(config, browser, { scope: 'openid offline_access', prompt: 'consent' });
    const refreshed = await oc.refreshTokenGrant(config, tokens!.refresh_token!);
    await oc.tokenRevocation(config, refreshed.refresh_token!);
    const types = await eventually(auditTypes, (t) => ['oidc.token.issued', 'oidc.token.refreshed', 'oidc.token.revoked', 'oidc.client_auth.failed'].every((x) => t.includes(x)));
    expect(types).toEqual(expect.arrayContaining(['oidc.token.issued', 'oidc.token.refreshed', 'oidc.token.revoked', 'oidc.client_auth.failed']));
    const all = JSON.stringify(await s.container.services.audit.list(s.poolId, 500));
    for (const secret of [tokens!.access_token, tokens!.refresh_token!, refreshed.access_token, web.appSecret]) expect(all).not.toContain(secret);
  });
});
