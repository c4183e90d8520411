import { AuthenticationClient } from 'authing-node-sdk';
import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, Browser, confirmLogout, PASSWORD, seedUser, startOidcServer, type OidcTestServer } from './support.js';

/**
 * The vendor's AuthenticationClient (npm authing-node-sdk, unmodified) against Gatehouse's
 * OIDC provider: every OIDC method the issue lists, each token endpoint auth method. The
 * client creates its own axios instance and passes baseURL per request, so no re-binding of
 * global axios defaults is needed (unlike the ManagementClient, see test/support/server.ts).
 */
const CB = 'http://127.0.0.1:9/cb';
const BYE = 'http://127.0.0.1:9/bye';
type Method = 'client_secret_post' | 'client_secret_basic' | 'none';
type App = { appId: string; appSecret: string };

describe('vendor AuthenticationClient (authing-node-sdk) against the OIDC provider', () => {
  let s: OidcTestServer;
  let userId: string;
  const apps = {} as Record<Method, App>;
  const creds = { account: 'linus@example.com', password: PASSWORD };

  const client = (method: Method, extra: Record<string, unknown> = {}) => {
    const app = apps[method];
    return new AuthenticationClient({
      appId: app.appId,
      ...(method === 'none' ? {} : { appSecret: app.appSecret }),
      appHost: s.url,
      redirectUri: CB,
      logoutRedirectUri: BYE,
      scope: 'openid profile email offline_access',
      tokenEndPointAuthMethod: method,
      introspectionEndPointAuthMethod: method,
      revocationEndPointAuthMethod: method,
      retryTimes: 0,
      ...extra,
    } as ConstructorParameters<typeof AuthenticationClient>[0]);
  };

  /** buildAuthorizeUrl → hosted login → the code (and the PKCE verifier when used). */
  async function signIn(ac: AuthenticationClient, pkce = false) {
    const { url, state, nonce } = ac.buildAuthorizeUrl({ scope: 'openid profile email offline_access' }) as { url: string; state: string; nonce: string };
    let authUrl = url;
    let codeVerifier: string | undefined;
    if (pkce) {
      codeVerifier = ac.generateCodeChallenge();
      authUrl += `&code_challenge=${ac.getCodeChallengeDigest({ codeChallenge: codeVerifier, method: 'S256' })}&code_challenge_method=S256`;
    }
    const r = await authorize(new Browser(), authUrl, CB, creds);
    const cb = new URL(r.url);
    expect(cb.searchParams.get('state')).toBe(state);
    return { code: cb.searchParams.get('code')!, codeVerifier, nonce };
  }

  beforeAll(async () => {
    s = await startOidcServer();
    const create = (body: Record<string, unknown>) =>
      s.container.services.applications.create(s.poolId, { appName: `Vendor ${Math.random().toString(36).slice(2, 7)}`, redirectUris: [CB], logoutRedirectUris: [BYE], ...body } as never) as Promise<App>;
    apps.client_secret_post = await create({ appType: 'web' });
    apps.client_secret_basic = await create({ appType: 'web', oidcConfig: { token_endpoint_auth_method: 'client_secret_basic' } });
    apps.none = await create({ appType: 'spa' });
    userId = await seedUser(s, { email: 'linus@example.com', username: 'linus' });
  });
  afterAll(async () => s?.close());

  it('buildAuthorizeUrl: the vendor URL is accepted as is (issuer path, prompt=consent for offline_access)', async () => {
    const ac = client('client_secret_post');
    const { url } = ac.buildAuthorizeUrl() as { url: string };
    const u = new URL(url);
    expect(`${u.origin}${u.pathname}`).toBe(`${s.url}/oidc/auth`);
    expect(u.searchParams.get('prompt')).toBe('consent');
    const page = await new Browser().follow(url, CB);
    expect(page.res.status).toBe(200);
    expect(await page.res.text()).toContain('name="password"');
    // forced → prompt=login
    expect(new URL((ac.buildAuthorizeUrl({ forced: true }) as { url: string }).url).searchParams.get('prompt')).toBe('login');
  });

  for (const method of ['client_secret_post', 'client_secret_basic', 'none'] as const) {
    it(`getAccessTokenByCode with ${method}${method === 'none' ? ' + PKCE' : ''}; refresh; introspect; userinfo; revoke`, async () => {
      const ac = client(method);
      const { code, codeVerifier, nonce } = await signIn(ac, method === 'none');
      const tokens = await ac.getAccessTokenByCode(code, codeVerifier ? { codeVerifier } : undefined);
      expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 7200, scope: 'openid profile email offline_access' });
      expect(tokens.refresh_token).toBeTruthy();
      const id = await ac.parseIDToken(tokens.id_token!);
      expect(id).toMatchObject({ sub: userId, nonce, aud: apps[method].appId, iss: `${s.url}/oidc` });

      const refreshed = (await ac.getNewAccessTokenByRefreshToken(tokens.refresh_token!)) as { access_token: string; refresh_token: string; id_token: string };
      expect(refreshed.access_token).toBeTruthy();
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);

      const intro = (await ac.introspectToken(refreshed.access_token)) as { active: boolean; sub?: string };
      expect(intro).toMatchObject({ active: true, sub: userId });

      const info = (await ac.getUserInfoByAccessToken(refreshed.access_token)) as { sub: string; email: string };
      expect(info).toMatchObject({ sub: userId, email: 'linus@example.com' });

      expect(await ac.revokeToken(refreshed.access_token)).toBe(true);
      expect(((await ac.introspectToken(refreshed.access_token)) as { active: boolean }).active).toBe(false);
      // A PKCE-less redemption is impossible for the public client.
      if (method === 'none') {
        const again = await signIn(ac, true);
        await expect(ac.getAccessTokenByCode(again.code)).rejects.toMatchObject({ response: { status: 400 } });
      }
    });
  }

  it('vendor defaults: client_secret_basic at the token endpoint with the default introspection/revocation methods', async () => {
    // The client then sends the Basic header to introspection/revocation as well as client_secret in the body.
    const ac = client('client_secret_basic', { introspectionEndPointAuthMethod: undefined, revocationEndPointAuthMethod: undefined });
    const { code } = await signIn(ac);
    const tokens = await ac.getAccessTokenByCode(code);
    expect(((await ac.introspectToken(tokens.access_token)) as { active: boolean }).active).toBe(true);
    expect(await ac.revokeToken(tokens.access_token)).toBe(true);
    expect(((await ac.introspectToken(tokens.access_token)) as { active: boolean }).active).toBe(false);
  });

  it('getUserInfoByAccessToken: query (default), header and form body', async () => {
    const ac = client('client_secret_post');
    const { code } = await signIn(ac);
    const { access_token } = await ac.getAccessTokenByCode(code);
    for (const opts of [undefined, { method: 'GET', tokenPlace: 'header' }, { method: 'POST', tokenPlace: 'header' }, { method: 'POST', tokenPlace: 'body' }, { method: 'POST', tokenPlace: 'query' }] as const) {
      const info = (await ac.getUserInfoByAccessToken(access_token, opts as never)) as { sub: string };
      expect(info.sub, JSON.stringify(opts)).toBe(userId);
    }
  });

  it('parseIDToken: ES256 (default), RS256 and HS256 (verified with the app secret)', async () => {
    for (const alg of ['RS256', 'HS256'] as const) {
      const app = (await s.container.services.applications.create(s.poolId, { appName: `Alg ${alg}`, appType: 'web', redirectUris: [CB], oidcConfig: { id_token_signed_response_alg: alg } } as never)) as App;
      const ac = new AuthenticationClient({ appId: app.appId, appSecret: app.appSecret, appHost: s.url, redirectUri: CB, retryTimes: 0 } as never);
      const { code } = await signIn(ac);
      const { id_token } = await ac.getAccessTokenByCode(code);
      expect(decodeProtectedHeader(id_token!).alg).toBe(alg);
      expect(await ac.parseIDToken(id_token!)).toMatchObject({ sub: userId, aud: app.appId });
    }
    const ac = client('client_secret_post');
    const { code } = await signIn(ac);
    const { id_token } = await ac.getAccessTokenByCode(code);
    expect(decodeProtectedHeader(id_token!).alg).toBe('ES256');
    expect((await ac.parseIDToken(id_token!)).sub).toBe(userId);
    // A tampered token fails verification.
    const [h, p, sig] = id_token!.split('.');
    const evil = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), sub: 'someone-else' })).toString('base64url');
    await expect(ac.parseIDToken(`${h}.${evil}.${sig}`)).rejects.toThrow();
  });

  it('buildLogoutUrl: ends the session and returns to the registered logout URI', async () => {
    const ac = client('client_secret_post');
    const browser = new Browser();
    const { url } = ac.buildAuthorizeUrl() as { url: string };
    const r = await authorize(browser, url, CB, creds);
    const { id_token } = await ac.getAccessTokenByCode(new URL(r.url).searchParams.get('code')!);
    const logoutUrl = ac.buildLogoutUrl({ idToken: id_token, redirectUri: BYE, state: 'bye-state' })!;
    expect(logoutUrl.startsWith(`${s.url}/oidc/session/end?`)).toBe(true);
    const page = await browser.fetch(logoutUrl);
    expect(page.status).toBe(200);
    const done = await confirmLogout(browser, page, s.url);
    expect(done.status).toBe(303);
    const to = new URL(done.headers.get('location')!);
    expect(`${to.origin}${to.pathname}`).toBe(BYE);
    expect(to.searchParams.get('state')).toBe('bye-state');
  });

  it('getAccessTokenByClientCredentials: allowed scopes granted, others refused', async () => {
    const m2m = (await s.container.services.applications.create(s.poolId, { appName: 'Vendor M2M', appType: 'api', oidcConfig: { scope: 'read:things' } } as never)) as App;
    const ac = new AuthenticationClient({ appId: m2m.appId, appSecret: m2m.appSecret, appHost: s.url, retryTimes: 0 } as never);
    const t = (await ac.getAccessTokenByClientCredentials('read:things', { accessKey: m2m.appId, accessSecret: m2m.appSecret })) as { access_token: string; scope: string; expires_in: number };
    expect(t).toMatchObject({ scope: 'read:things', expires_in: 7200, token_type: 'Bearer' });
    const parsed = await ac.parseAccessToken(t.access_token);
    expect(parsed).toMatchObject({ client_id: m2m.appId, scope: 'read:things' });
    await expect(ac.getAccessTokenByClientCredentials('admin', { accessKey: m2m.appId, accessSecret: m2m.appSecret })).rejects.toMatchObject({ response: { status: 400, data: { error: 'invalid_scope' } } });
    await expect(ac.getAccessTokenByClientCredentials('read:things', { accessKey: m2m.appId, accessSecret: 'wrong' })).rejects.toMatchObject({ response: { status: 401 } });
  });

  it('protocol "oauth": the same provider under /oauth', async () => {
    const ac = client('client_secret_post', { protocol: 'oauth' });
    const { url } = ac.buildAuthorizeUrl({ scope: 'openid profile', redirectUri: CB } as never) as { url: string };
    expect(url.startsWith(`${s.url}/oauth/auth?`)).toBe(true);
    const r = await authorize(new Browser(), url, CB, creds);
    const code = new URL(r.url).searchParams.get('code')!;
    expect(code).toBeTruthy();
    const tokens = await ac.getAccessTokenByCode(code);
    expect(((await ac.getUserInfoByAccessToken(tokens.access_token)) as { sub: string }).sub).toBe(userId);
  });
});
