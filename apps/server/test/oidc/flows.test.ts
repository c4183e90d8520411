import * as oc from 'openid-client';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atHash, Browser, confirmLogout, startOidcServer, type OidcTestServer } from './support.js';
import { postgresAvailable, REDIS_URL, redisAvailable } from '../support/services.js';

const hasPg = await postgresAvailable();
const hasRedis = await redisAvailable();

const CB = 'http://127.0.0.1:9/cb';
const PASSWORD = 'correct horse battery staple 42';

/** The main flows through openid-client, the certified relying party; run per storage setup. */
function flowsSuite(label: string, opts: Parameters<typeof startOidcServer>[0], skip = false) {
  describe.skipIf(skip)(`OIDC provider through openid-client (${label})`, () => {
    let s: OidcTestServer;
    let web: { appId: string; appSecret: string };
    let config: oc.Configuration;
    let userId: string;

    beforeAll(async () => {
      s = await startOidcServer(opts);
      const apps = s.container.services.applications;
      web = await apps.create(s.poolId, { appName: 'Portal', appType: 'web', redirectUris: [CB], logoutRedirectUris: ['http://127.0.0.1:9/bye'] } as never);
      const user = await s.container.services.users.create(s.poolId, { email: 'ada@example.com', username: 'ada', name: 'Ada' } as never);
      userId = (user as { userId: string }).userId;
      const row = (await s.container.repos.users.findById(s.poolId, userId))!;
      await s.container.authn.passwords.set(s.poolId, row, PASSWORD, { skipPolicy: true });
      config = await oc.discovery(new URL(`${s.url}/oidc`), web.appId, undefined, oc.ClientSecretPost(web.appSecret), { execute: [oc.allowInsecureRequests] });
    });
    afterAll(async () => s?.close());

    /** Runs the browser part: authorize → hosted login → callback URL. */
    async function signIn(browser: Browser, extra: Record<string, string> = {}, login = true) {
      const verifier = oc.randomPKCECodeVerifier();
      const nonce = oc.randomNonce();
      const state = oc.randomState();
      const url = oc.buildAuthorizationUrl(config, {
        redirect_uri: CB,
        scope: 'openid profile email offline_access',
        code_challenge: await oc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        nonce,
        state,
        prompt: 'consent',
        ...extra,
      });
      let { res, url: at } = await browser.follow(url.toString(), CB);
      if (login && !at.startsWith(CB)) {
        expect(res.status).toBe(200);
        expect(await res.text()).toContain('name="password"');
        const post = await browser.postForm(`${at}/login`, { account: 'ada@example.com', password: PASSWORD });
        expect(post.status).toBe(303);
        ({ res, url: at } = await browser.follow(new URL(post.headers.get('location')!, at).toString(), CB));
      }
      return { callback: at, verifier, nonce, state };
    }

    it('discovery: exact issuer, S256 only, JWKS at the vendor path', () => {
      const m = config.serverMetadata();
      expect(m.issuer).toBe(`${s.url}/oidc`);
      expect(m.code_challenge_methods_supported).toEqual(['S256']);
      expect(m.jwks_uri).toBe(`${s.url}/oidc/.well-known/jwks.json`);
      expect(m.response_types_supported).toEqual(['code']);
    });

    it('authorization code + PKCE through the hosted login; ID token checks; userinfo; refresh rotation and reuse detection', async () => {
      const browser = new Browser();
      const { callback, verifier, nonce, state } = await signIn(browser, { max_age: '300' });
      expect(callback.startsWith(CB)).toBe(true);
      const tokens = await oc.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state, maxAge: 300 });
      const claims = tokens.claims()!;
      expect(claims.sub).toBe(userId);
      expect(claims.nonce).toBe(nonce);
      expect(typeof claims.auth_time).toBe('number');
      expect(claims.at_hash).toBe(atHash(tokens.access_token));
      expect(claims.amr).toEqual(['pwd']);
      expect(decodeProtectedHeader(tokens.id_token!).alg).toBe('ES256'); // the app default
      // JWT access token (RFC 9068) verifies offline against the JWKS.
      const jwks = createRemoteJWKSet(new URL(`${s.url}/oidc/.well-known/jwks.json`));
      const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, { issuer: `${s.url}/oidc`, audience: `${s.url}/oidc`, typ: 'at+jwt' });
      expect(protectedHeader.alg).toBe('ES256');
      expect(payload.sub).toBe(userId);
      expect(tokens.expires_in).toBe(7200);

      const info = await oc.fetchUserInfo(config, tokens.access_token, userId);
      expect(info.email).toBe('ada@example.com');
      // access_token query parameter (the vendor client's default)
      const q = await fetch(`${s.url}/oidc/me?access_token=${encodeURIComponent(tokens.access_token)}`);
      expect(q.status).toBe(200);

      const rt1 = tokens.refresh_token!;
      const refreshed = await oc.refreshTokenGrant(config, rt1);
      expect(refreshed.refresh_token).toBeTruthy();
      expect(refreshed.refresh_token).not.toBe(rt1);
      // Replaying the rotated token fails and revokes the family.
      await expect(oc.refreshTokenGrant(config, rt1)).rejects.toMatchObject({ error: 'invalid_grant' });
      await expect(oc.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
      const intro = await oc.tokenIntrospection(config, refreshed.access_token);
      expect(intro.active).toBe(false);
    });

    it('introspection, revocation; SSO session; prompt=none; logout', async () => {
      const browser = new Browser();
      const first = await signIn(browser);
      const t = await oc.authorizationCodeGrant(config, new URL(first.callback), { pkceCodeVerifier: first.verifier, expectedNonce: first.nonce, expectedState: first.state });
      const intro = await oc.tokenIntrospection(config, t.access_token);
      expect(intro.active).toBe(true);
      expect(intro.sub).toBe(userId);
      await oc.tokenRevocation(config, t.access_token);
      expect((await oc.tokenIntrospection(config, t.access_token)).active).toBe(false);

      // SSO: a second authorization with the session cookie needs no login.
      const second = await signIn(browser, { prompt: 'none' }, false);
      expect(new URL(second.callback).searchParams.get('code')).toBeTruthy();

      // prompt=none without a session → login_required
      const none = await signIn(new Browser(), { prompt: 'none' }, false);
      expect(new URL(none.callback).searchParams.get('error')).toBe('login_required');

      // RP-initiated logout with a registered post_logout_redirect_uri
      const endUrl = oc.buildEndSessionUrl(config, { id_token_hint: t.id_token!, post_logout_redirect_uri: 'http://127.0.0.1:9/bye', state: 'x' });
      const page = await browser.fetch(endUrl.toString());
      expect(page.status).toBe(200);
      const done = await confirmLogout(browser, page, s.url);
      expect(done.status).toBe(303);
      expect(done.headers.get('location')).toContain('http://127.0.0.1:9/bye');
      const after = await signIn(browser, { prompt: 'none' }, false);
      expect(new URL(after.callback).searchParams.get('error')).toBe('login_required');

      // unregistered post_logout_redirect_uri → error page, no redirect
      const bad = await browser.fetch(oc.buildEndSessionUrl(config, { id_token_hint: t.id_token!, post_logout_redirect_uri: 'https://evil.example/' }).toString());
      expect(bad.status).toBe(400);
    });

    it('client credentials with the app default scopes; device flow', async () => {
      const m2m = await s.container.services.applications.create(s.poolId, { appName: 'Worker', appType: 'api', oidcConfig: { scope: 'read:things' } } as never);
      const cc = await oc.discovery(new URL(`${s.url}/oidc`), m2m.appId, undefined, oc.ClientSecretBasic(m2m.appSecret), { execute: [oc.allowInsecureRequests] });
      const t = await oc.clientCredentialsGrant(cc);
      expect(t.scope).toBe('read:things');
      expect(t.expires_in).toBe(7200);
      expect((await oc.tokenIntrospection(cc, t.access_token)).active).toBe(true);
      // A scope outside the app's allowed scopes is refused (RFC 6749 §5.2 invalid_scope), not silently dropped.
      await expect(oc.clientCredentialsGrant(cc, { scope: 'admin' })).rejects.toMatchObject({ error: 'invalid_scope' });
      await expect(oc.clientCredentialsGrant(cc, { scope: 'read:things admin' })).rejects.toMatchObject({ error: 'invalid_scope' });
      expect((await oc.clientCredentialsGrant(cc, { scope: 'read:things' })).scope).toBe('read:things');

      const tv = await s.container.services.applications.create(s.poolId, { appName: 'TV', appType: 'native', redirectUris: ['com.example.tv:/cb'] } as never);
      const dc = await oc.discovery(new URL(`${s.url}/oidc`), tv.appId, undefined, oc.None(), { execute: [oc.allowInsecureRequests] });
      const da = await oc.initiateDeviceAuthorization(dc, { scope: 'openid profile' });
      const browser = new Browser();
      // 1. code entry page
      const page = await browser.fetch(da.verification_uri);
      expect(page.status).toBe(200);
      const html = await page.text();
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1]!;
      // 2. confirmation page (the user checks the code against the device)
      const confirm = await browser.postForm(da.verification_uri, { xsrf, user_code: da.user_code });
      expect(confirm.status).toBe(200);
      const confirmHtml = await confirm.text();
      expect(confirmHtml).toContain('TV');
      expect(confirmHtml).toContain('id="op.deviceConfirmForm"');
      const x2 = /name="xsrf" value="([^"]+)"/.exec(confirmHtml)![1]!;
      const act = /id="op.deviceConfirmForm" method="post" action="([^"]+)"/.exec(confirmHtml)![1]!;
      const hiddenCode = /name="user_code" value="([^"]+)"/.exec(confirmHtml)![1]!;
      const go = await browser.postForm(new URL(act, s.url).toString(), { xsrf: x2, user_code: hiddenCode, confirm: 'yes' });
      expect(go.status).toBeGreaterThanOrEqual(300);
      // 3. hosted login
      let r = await browser.follow(new URL(go.headers.get('location')!, s.url).toString(), 'never');
      expect(await r.res.text()).toContain('name="password"');
      const post = await browser.postForm(`${r.url}/login`, { account: 'ada', password: PASSWORD });
      expect(post.status).toBe(303);
      // 4. back to the device endpoint: success page
      r = await browser.follow(new URL(post.headers.get('location')!, r.url).toString(), 'never');
      expect(r.res.status).toBe(200);
      expect(await r.res.text()).toContain('connected');
      const dt = await oc.pollDeviceAuthorizationGrant(dc, da);
      expect(dt.access_token).toBeTruthy();
      expect(dt.claims()!.sub).toBe(userId);
    });

    it('negative: unknown client and unregistered redirect_uri get an error page, never a redirect', async () => {
      const bad = new URL(`${s.url}/oidc/auth`);
      bad.search = new URLSearchParams({ client_id: web.appId, redirect_uri: 'https://evil.example/cb', response_type: 'code', scope: 'openid', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' }).toString();
      const r1 = await fetch(bad, { redirect: 'manual', headers: { accept: 'text/html' } });
      expect(r1.status).toBe(400);
      expect(r1.headers.get('location')).toBeNull();
      bad.searchParams.set('client_id', 'nope');
      const r2 = await fetch(bad, { redirect: 'manual', headers: { accept: 'text/html' } });
      expect(r2.status).toBe(400);
      expect(r2.headers.get('location')).toBeNull();
    });

    it('negative: code reuse revokes; PKCE downgrade refused', async () => {
      const browser = new Browser();
      const a = await signIn(browser);
      const t = await oc.authorizationCodeGrant(config, new URL(a.callback), { pkceCodeVerifier: a.verifier, expectedNonce: a.nonce, expectedState: a.state });
      const code = new URL(a.callback).searchParams.get('code')!;
      const again = await fetch(`${s.url}/oidc/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: CB, code_verifier: a.verifier, client_id: web.appId, client_secret: web.appSecret }).toString(),
      });
      expect(again.status).toBe(400);
      expect(((await again.json()) as { error: string }).error).toBe('invalid_grant');
      expect((await oc.tokenIntrospection(config, t.access_token)).active).toBe(false);

      // code_verifier without a code_challenge at authorization (downgrade) is refused
      const b = await signIn(new Browser(), {});
      void b;
      const url = oc.buildAuthorizationUrl(config, { redirect_uri: CB, scope: 'openid', state: 's', nonce: 'n' });
      const c = new Browser();
      let { res, url: at } = await c.follow(url.toString(), CB);
      if (!at.startsWith(CB)) {
        const post = await c.postForm(`${at}/login`, { account: 'ada', password: PASSWORD });
        ({ res, url: at } = await c.follow(new URL(post.headers.get('location')!, at).toString(), CB));
      }
      void res;
      const code2 = new URL(at).searchParams.get('code')!;
      const down = await fetch(`${s.url}/oidc/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: code2, redirect_uri: CB, code_verifier: oc.randomPKCECodeVerifier(), client_id: web.appId, client_secret: web.appSecret }).toString(),
      });
      expect(down.status).toBe(400);
    });
  });
}

flowsSuite('SQLite, SQL KV', {});
flowsSuite('PostgreSQL + Redis', { db: 'postgres', config: { redisUrl: REDIS_URL } }, !hasPg || !hasRedis);
