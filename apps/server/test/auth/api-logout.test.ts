import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authClient, startServer, type TestServer } from '../support/server.js';
import { ok, prepareDefaultApp } from '../support/sign-in.js';

/**
 * Logout through the JSON API with the vendor's authing-js-sdk v4 (`AuthenticationClient.logout()`,
 * `GET /api/v2/logout?app_id=…` with the user's access token; Guard bundles it): every access
 * token, refresh token and session of the user ends; another user's stay; without a valid token
 * the call is refused and ends nothing.
 */
const require = createRequire(import.meta.url);
const PASSWORD = 'logout passphrase 42';
let s: TestServer;
let appSecret = '';
beforeAll(async () => {
  s = await startServer();
  appSecret = await prepareDefaultApp(s);
  for (const email of ['ada@example.com', 'bob@example.com']) {
    const u = (await s.container.services.users.create(s.poolId, { email } as never)) as { userId: string };
    await s.container.authn.passwords.set(s.poolId, (await s.container.repos.users.findById(s.poolId, u.userId))!, PASSWORD, { skipPolicy: true });
  }
});
afterAll(async () => s?.close());

const jsClient = (token?: string) => {
  const { AuthenticationClient } = require('authing-js-sdk') as typeof import('authing-js-sdk');
  return new AuthenticationClient({ appId: s.defaultAppId, appHost: s.url, timeout: 10_000, ...(token ? { token } : {}) });
};

describe('logout through the JSON API (authing-js-sdk)', () => {
  it('ends the user\'s access and refresh tokens; another user\'s stay; no token, no logout', async () => {
    const c = authClient({ appId: s.defaultAppId, appSecret, host: s.url });
    const signIn = async (email: string) => ok(await c.signInByEmailPassword({ email, password: PASSWORD, options: { scope: 'openid profile offline_access' } })).data as { access_token: string; refresh_token?: string };
    const ada = await signIn('ada@example.com');
    const ada2 = await signIn('ada@example.com');
    const bob = await signIn('bob@example.com');
    const active = async (t: string) => {
      const u = authClient({ appId: s.defaultAppId, appSecret, host: s.url });
      u.setAccessToken(t);
      const r = (await u.getProfile({})) as { statusCode: number; apiCode?: number };
      if (r.statusCode !== 200) expect(r.apiCode).toBe(2020);
      return r.statusCode === 200;
    };
    expect(await active(ada.access_token)).toBe(true);

    // Without a token (or with a wrong one) nothing ends: 2020 "not signed in".
    await expect(jsClient().logout()).rejects.toMatchObject({ code: 2020 });
    await expect(jsClient('not-a-token').logout()).rejects.toMatchObject({ code: 2020 });
    expect(await active(ada.access_token)).toBe(true);

    await jsClient(ada.access_token).logout();
    expect(await active(ada.access_token)).toBe(false);
    expect(await active(ada2.access_token)).toBe(false);
    if (ada.refresh_token) await expect(c.getNewAccessTokenByRefreshToken(ada.refresh_token)).rejects.toBeTruthy();
    // Bob is untouched.
    expect(await active(bob.access_token)).toBe(true);
    // A logged-out token cannot log out again.
    await expect(jsClient(ada.access_token).logout()).rejects.toMatchObject({ code: 2020 });
    // The session:ended event is in the audit log.
    const rows = await s.container.services.audit.list(s.poolId, 50, 'session:ended');
    expect(rows.map((r: { subject: string | null }) => r.subject)).toEqual([(await s.container.repos.users.findBy(s.poolId, 'email', 'ada@example.com'))!.id]);
  });
});
