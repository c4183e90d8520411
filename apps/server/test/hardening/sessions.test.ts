import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import * as oc from 'openid-client';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, confirmLogout, PASSWORD, seedUser, startOidcServer, type OidcTestServer } from '../oidc/support.js';
import { startServer, type TestServer } from '../support/server.js';
import { postgresAvailable, REDIS_URL, redisAvailable } from '../support/services.js';
import { createPool, raw } from '../support/management.js';

/**
 * Browser sessions and logout (security.md §0 items 19, 20, 33):
 * - a session whose user was deleted, blocked or archived is no session (never a 500), and
 *   deleting, blocking or archiving ends the user's sessions and tokens on every node;
 * - RP-initiated logout revokes the session's access and refresh tokens and sends back-channel
 *   logout tokens to apps that registered for them (through the outbound guard);
 * - every pool has its own session cookie, `__Host-` over https, with an idle timeout next to the
 *   absolute lifetime.
 * Relying party: openid-client; back-channel receiver: a local HTTP server.
 */
const hasPg = await postgresAvailable();
const hasRedis = await redisAvailable();
const CB = 'http://127.0.0.1:9/cb';
const BYE = 'http://127.0.0.1:9/bye';

interface Rp {
  config: oc.Configuration;
  appId: string;
}

async function rp(s: { url: string; container: OidcTestServer['container'] }, poolId: string, issuerBase: string, extra: Record<string, unknown> = {}): Promise<Rp> {
  const app = await s.container.services.applications.create(poolId, { appName: `rp-${Math.random().toString(36).slice(2, 8)}`, appType: 'web', redirectUris: [CB], logoutRedirectUris: [BYE], ...extra } as never);
  const config = await oc.discovery(new URL(`${issuerBase}/oidc`), app.appId, undefined, oc.ClientSecretPost(app.appSecret), { execute: [oc.allowInsecureRequests] });
  return { config, appId: app.appId };
}

/** Authorization code + PKCE through the hosted login (or SSO); returns the callback URL and, when a code came back, the tokens. */
async function codeFlow(r: Rp, browser: Browser, account: string | null, params: Record<string, string> = {}) {
  const verifier = oc.randomPKCECodeVerifier();
  const url = oc.buildAuthorizationUrl(r.config, { redirect_uri: CB, scope: 'openid profile offline_access', prompt: 'consent', code_challenge: await oc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...params });
  let { res, url: at } = await browser.follow(url.toString(), CB);
  const shown: string[] = [];
  if (!at.startsWith(CB) && res.status === 200 && (await res.clone().text()).includes('name="password"')) {
    shown.push('login');
    if (account) {
      const post = await browser.postForm(`${at}/login`, { account, password: PASSWORD });
      expect(post.status).toBe(303);
      ({ res, url: at } = await browser.follow(new URL(post.headers.get('location')!, at).toString(), CB));
    }
  }
  const cb = at.startsWith(CB) ? new URL(at) : undefined;
  const tokens = cb?.searchParams.get('code') ? await oc.authorizationCodeGrant(r.config, cb, { pkceCodeVerifier: verifier }) : undefined;
  return { status: res.status, at, shown, error: cb?.searchParams.get('error') ?? undefined, tokens };
}

const userinfoStatus = async (issuer: string, accessToken: string) => (await fetch(`${issuer}/oidc/me`, { headers: { authorization: `Bearer ${accessToken}` } })).status;

describe('a session whose user was deleted, blocked or archived', () => {
  let s: OidcTestServer;
  beforeAll(async () => {
    s = await startOidcServer();
  });
  afterAll(async () => s?.close());

  for (const [what, act] of [
    ['deleted', (mc: ReturnType<OidcTestServer['mgmt']>, userId: string) => raw(mc, 'POST', '/api/v3/delete-users-batch', { userIds: [userId] })],
    ['blocked', (mc: ReturnType<OidcTestServer['mgmt']>, userId: string) => raw(mc, 'POST', '/api/v3/update-user', { userId, status: 'Suspended' })],
    ['archived', (mc: ReturnType<OidcTestServer['mgmt']>, userId: string) => raw(mc, 'POST', '/api/v3/update-user', { userId, status: 'Archived' })],
  ] as const) {
    it(`${what}: prompt=none says login_required, otherwise the login page; its tokens stop working — never a 500`, async () => {
      const r = await rp(s, s.poolId, s.url);
      const email = `${what}@example.com`;
      const userId = await seedUser(s, { email, username: what });
      const browser = new Browser();
      const first = await codeFlow(r, browser, email);
      expect(first.tokens?.access_token).toBeTruthy();
      expect((await codeFlow(r, browser, null, { prompt: 'none' })).tokens).toBeTruthy(); // SSO works before

      expect((await act(s.mgmt(), userId)).statusCode).toBe(200);
      const none = await codeFlow(r, browser, null, { prompt: 'none' });
      expect(none.error).toBe('login_required');
      const page = await codeFlow(r, browser, null);
      expect(page.status).toBe(200);
      expect(page.shown).toEqual(['login']);
      expect(await userinfoStatus(s.url, first.tokens!.access_token)).toBe(401);
      await expect(oc.refreshTokenGrant(r.config, first.tokens!.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    });
  }

  it('treats an orphaned session (user gone without revocation, e.g. removed from the database) as no session', async () => {
    const r = await rp(s, s.poolId, s.url);
    const userId = await seedUser(s, { email: 'orphan@example.com', username: 'orphan' });
    const browser = new Browser();
    expect((await codeFlow(r, browser, 'orphan@example.com')).tokens).toBeTruthy();
    await s.container.db.db.deleteFrom('users').where('id', '=', userId).execute();
    expect((await codeFlow(r, browser, null, { prompt: 'none' })).error).toBe('login_required');
    const page = await codeFlow(r, browser, null);
    expect([page.status, page.shown]).toEqual([200, ['login']]);
  });
});

describe.skipIf(!hasPg || !hasRedis)('deleting a user ends their session on every node (PostgreSQL + Redis)', () => {
  let a: OidcTestServer;
  let b: TestServer;
  beforeAll(async () => {
    a = await startOidcServer({ db: 'postgres', config: { redisUrl: REDIS_URL } });
    b = await startServer({ join: { container: a.container, poolId: a.poolId, defaultAppId: '', url: a.url } as never, config: { redisUrl: REDIS_URL, publicUrl: a.url } });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('a deletion through node B ends the browser session and tokens held at node A', async () => {
    const r = await rp(a, a.poolId, a.url);
    const userId = await seedUser(a, { email: 'twonodes@example.com', username: 'twonodes' });
    const browser = new Browser();
    const first = await codeFlow(r, browser, 'twonodes@example.com');
    expect(first.tokens).toBeTruthy();
    expect((await raw(b.mgmt(), 'POST', '/api/v3/delete-users-batch', { userIds: [userId] })).statusCode).toBe(200);
    expect((await codeFlow(r, browser, null, { prompt: 'none' })).error).toBe('login_required');
    expect(await userinfoStatus(a.url, first.tokens!.access_token)).toBe(401);
    expect(await userinfoStatus(b.url, first.tokens!.access_token)).toBe(401);
  });
});

describe('RP-initiated logout and back-channel logout', () => {
  let s: OidcTestServer;
  let receiver: Server;
  let receiverUrl: string;
  const received: Array<{ path: string; body: URLSearchParams }> = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        received.push({ path: req.url ?? '', body: new URLSearchParams(raw) });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
    // The receiver is on loopback: only the operator's allow-list lets the outbound guard reach it.
    s = await startOidcServer({ config: { outboundAllow: '127.0.0.1' } });
  });
  afterAll(async () => {
    await s?.close();
    await new Promise((r) => receiver?.close(r));
  });

  it('revokes the access and refresh tokens of every app in the session and notifies those that registered', async () => {
    const portal = await rp(s, s.poolId, s.url, { oidcConfig: { backchannel_logout_uri: `${receiverUrl}/portal/logout`, backchannel_logout_session_required: true } });
    const shop = await rp(s, s.poolId, s.url, { oidcConfig: { backchannel_logout_uri: `${receiverUrl}/shop/logout` } });
    const quiet = await rp(s, s.poolId, s.url);
    const userId = await seedUser(s, { email: 'logout@example.com', username: 'logout' });
    const browser = new Browser();
    const p = await codeFlow(portal, browser, 'logout@example.com');
    const sh = await codeFlow(shop, browser, null); // SSO
    const q = await codeFlow(quiet, browser, null);
    expect([p.shown, sh.shown, q.shown]).toEqual([['login'], [], []]);
    for (const t of [p, sh, q]) expect(await userinfoStatus(s.url, t.tokens!.access_token)).toBe(200);

    const page = await browser.fetch(oc.buildEndSessionUrl(portal.config, { id_token_hint: p.tokens!.id_token!, post_logout_redirect_uri: BYE }).toString());
    expect(page.status).toBe(200);
    expect((await confirmLogout(browser, page, s.url)).status).toBe(303);

    // Every app's tokens of that session are revoked, offline_access refresh tokens included.
    for (const [t, r] of [[p, portal], [sh, shop], [q, quiet]] as const) {
      expect(await userinfoStatus(s.url, t.tokens!.access_token)).toBe(401);
      await expect(oc.refreshTokenGrant(r.config, t.tokens!.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    }
    // Back-channel logout tokens (OIDC Back-Channel Logout 1.0 §2.4) to the two registered apps.
    expect(received.map((r) => r.path).sort()).toEqual(['/portal/logout', '/shop/logout']);
    const jwks = createRemoteJWKSet(new URL(`${s.url}/oidc/.well-known/jwks.json`));
    for (const [path, app, sid] of [['/portal/logout', portal, true], ['/shop/logout', shop, false]] as const) {
      const token = received.find((r) => r.path === path)!.body.get('logout_token')!;
      expect(decodeProtectedHeader(token).typ).toBe('logout+jwt');
      const { payload } = await jwtVerify(token, jwks, { issuer: `${s.url}/oidc`, audience: app.appId });
      expect(payload.sub).toBe(userId);
      expect(payload.events).toEqual({ 'http://schemas.openid.net/event/backchannel-logout': {} });
      expect(payload.nonce).toBeUndefined();
      expect(typeof payload.jti).toBe('string');
      if (sid) expect(payload.sid).toBe(p.tokens!.claims()!.sid);
    }
    // The session is gone too.
    expect((await codeFlow(portal, browser, null, { prompt: 'none' })).error).toBe('login_required');
  });

  it('refuses a back-channel logout URI into the internal network unless the operator allowed it', async () => {
    const mc = s.mgmt();
    const bad = await raw(mc, 'POST', '/api/v3/create-application', { appName: 'meta', appType: 'web', redirectUris: [CB], oidcConfig: { backchannel_logout_uri: 'http://169.254.169.254/latest/meta-data/' } });
    expect(bad, bad.message).toMatchObject({ apiCode: 1010001 });
    const frag = await raw(mc, 'POST', '/api/v3/create-application', { appName: 'frag', appType: 'web', redirectUris: [CB], oidcConfig: { backchannel_logout_uri: 'https://rp.example/logout#x' } });
    expect(frag.statusCode).not.toBe(200);
    const ok = await raw(mc, 'POST', '/api/v3/create-application', { appName: 'local', appType: 'web', redirectUris: [CB], oidcConfig: { backchannel_logout_uri: `${receiverUrl}/ok` } });
    expect(ok.statusCode, ok.message).toBe(200);
    expect(ok.data.oidcConfig).toMatchObject({ backchannel_logout_uri: `${receiverUrl}/ok` });
  });
});

describe('session cookies', () => {
  let s: OidcTestServer;
  beforeAll(async () => {
    s = await startOidcServer({ config: { sessionMaxAgeSeconds: 600, sessionIdleTimeoutSeconds: 300 } });
  });
  afterAll(async () => s?.close());

  it('signing in to pool B keeps the session of pool A', async () => {
    const a = await rp(s, s.poolId, s.url);
    const userA = await seedUser(s, { email: 'poolA@example.com', username: 'poola' });
    const { pool } = await createPool(s as never, s.mgmt(), 'second pool');
    const poolB = pool.userPoolId as string;
    const b = await rp(s, poolB, `${s.url}/pools/${poolB}`);
    const userB = await seedUser(s, { email: 'poolB@example.com', username: 'poolb', poolId: poolB });

    const browser = new Browser();
    expect((await codeFlow(a, browser, 'poolA@example.com')).tokens).toBeTruthy();
    expect((await codeFlow(b, browser, 'poolB@example.com')).tokens).toBeTruthy();
    const backToA = await codeFlow(a, browser, null, { prompt: 'none' });
    expect(backToA.error).toBeUndefined();
    expect(backToA.tokens!.claims()!.sub).toBe(userA);
    const backToB = await codeFlow(b, browser, null, { prompt: 'none' });
    expect(backToB.tokens!.claims()!.sub).toBe(userB);
  });

  it('signs the session cookie as Keygrip does (HMAC-SHA1 of name=value, base64url) and takes a wrong signature as no session', async () => {
    const a = await rp(s, s.poolId, s.url);
    await seedUser(s, { email: 'signed@example.com', username: 'signed' });
    const browser = new Browser();
    expect((await codeFlow(a, browser, 'signed@example.com')).tokens).toBeTruthy();
    const jar = (browser as unknown as { cookies: Map<string, string> }).cookies;
    const name = `gh_session_${s.poolId}`;
    const value = jar.get(name)!;
    const sig = jar.get(`${name}.sig`)!;
    // Cookies signed before the signer changed (and by any Keygrip-based node) stay valid.
    expect(sig).toBe(createHmac('sha1', s.container.box.digest(`oidc-cookie-key:${s.poolId}`)).update(`${name}=${value}`).digest('base64url'));
    // One character changed (same length), then a signature of another length: no session either way.
    for (const forged of [`${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`, `${sig}A`]) {
      jar.set(name, value);
      jar.set(`${name}.sig`, forged);
      expect((await codeFlow(a, browser, null, { prompt: 'none' })).error).toBe('login_required');
    }
    jar.set(name, value);
    jar.set(`${name}.sig`, sig);
    expect((await codeFlow(a, browser, null, { prompt: 'none' })).tokens).toBeTruthy(); // the forgery, not the session, was refused
  });

  it('ends a session that was idle longer than the idle timeout, and caps it at the absolute lifetime', async () => {
    const a = await rp(s, s.poolId, s.url);
    await seedUser(s, { email: 'idle@example.com', username: 'idle' });
    const browser = new Browser();
    const jar: string[] = [];
    const orig = browser.fetch.bind(browser);
    browser.fetch = async (url, init) => {
      const res = await orig(url, init);
      jar.push(...res.headers.getSetCookie());
      return res;
    };
    expect((await codeFlow(a, browser, 'idle@example.com')).tokens).toBeTruthy();
    const session = jar.filter((c) => c.startsWith(`gh_session_${s.poolId}=`)).at(-1)!;
    expect(session).toMatch(/httponly/i);
    expect(session).toMatch(/samesite=lax/i);
    const expires = Date.parse(/expires=([^;]+)/i.exec(session)![1]!);
    expect(expires - Date.now()).toBeLessThanOrEqual(600_000);
    expect(expires - Date.now()).toBeGreaterThan(500_000);
    const sessionId = /=([^;]+)/.exec(session)![1]!;
    expect(await s.container.kv.ttl(`p:${s.poolId}:oidc:Session:${sessionId}`)).toBeLessThanOrEqual(600_000);

    expect((await codeFlow(a, browser, null, { prompt: 'none' })).tokens).toBeTruthy(); // used: still alive
    // The idle window passes: its last-use mark (living sessionIdleTimeoutSeconds) runs out.
    expect(await s.container.kv.del(`p:${s.poolId}:oidc:seen:${sessionId}`)).toBe(true);
    expect((await codeFlow(a, browser, null, { prompt: 'none' })).error).toBe('login_required');
  });
});

describe('__Host- cookies when the public URL is https', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({ config: { publicUrl: 'https://id.example.test' } });
  });
  afterAll(async () => s?.close());

  it('sets the session cookie as __Host- (Secure, Path=/, no Domain) and the interaction cookies as __Secure-', async () => {
    const app = await s.container.services.applications.create(s.poolId, { appName: 'https-rp', appType: 'web', redirectUris: ['https://rp.example/cb'] } as never);
    await seedUser(s as never, { email: 'secure@example.com', username: 'secure' });
    const local = (u: string) => u.replace('https://id.example.test', s.url);
    const cookies = new Map<string, string>();
    const all: string[] = [];
    const go = async (url: string, init: RequestInit = {}) => {
      const res = await fetch(local(url), { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
      for (const c of res.headers.getSetCookie()) {
        all.push(c);
        const [pair] = c.split(';');
        const i = pair!.indexOf('=');
        cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
      }
      return res;
    };
    const verifier = oc.randomPKCECodeVerifier();
    let res = await go(`https://id.example.test/oidc/auth?client_id=${app.appId}&response_type=code&scope=openid&redirect_uri=${encodeURIComponent('https://rp.example/cb')}&code_challenge=${await oc.calculatePKCECodeChallenge(verifier)}&code_challenge_method=S256`);
    const interaction = res.headers.get('location')!;
    res = await go(`${interaction}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ account: 'secure@example.com', password: PASSWORD }).toString() });
    for (let i = 0; i < 5 && res.status >= 300 && res.status < 400 && !res.headers.get('location')!.startsWith('https://rp.example'); i++) res = await go(new URL(res.headers.get('location')!, 'https://id.example.test').toString());
    expect(res.headers.get('location')).toMatch(/^https:\/\/rp\.example\/cb\?code=/);
    const session = all.find((c) => c.startsWith(`__Host-gh_session_${s.poolId}=`));
    expect(session).toBeDefined();
    expect(session).toMatch(/;\s*secure/i);
    expect(session).toMatch(/;\s*path=\/(;|$)/i);
    expect(session).not.toMatch(/domain=/i);
    expect(all.some((c) => c.startsWith(`__Secure-gh_interaction_${s.poolId}=`) && /;\s*secure/i.test(c))).toBe(true);
    expect(all.some((c) => /^gh_session/.test(c))).toBe(false);
  });
});
