import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ok } from '../support/management.js';
import { formPost, seedUser, startOidcServer, type OidcTestServer } from './support.js';

/**
 * Issue #22: the lean userinfo handler (src/oidc/fast-endpoints.ts) keeps each token's answer
 * with what it was computed from — the verified token, its grant's stored record, the client and
 * the account cache's user row and role codes — and answers from it while all of them are the
 * same. A change of any of them must show at once: the answer is read anew, never stale.
 */
const USER = 'USER' as never;

describe('userinfo answers kept per token are never stale', () => {
  let s: OidcTestServer;
  let app: { appId: string; appSecret: string };
  let userId: string;
  const me = async (token: string) => {
    const res = await fetch(`${s.url}/oidc/me`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
  };
  const issue = async (scope: string) =>
    (await s.container.oidc.tokens.issue({ poolId: s.poolId, appId: app.appId, userId, scope, facts: { authTime: Math.floor(Date.now() / 1000), amr: ['pwd'] } } as never)) as { access_token: string };

  beforeAll(async () => {
    s = await startOidcServer();
    const created = await s.container.services.applications.create(s.poolId, { appName: 'userinfo-answers', appType: 'web', redirectUris: ['http://127.0.0.1:9/cb'] } as never);
    app = { appId: created.appId, appSecret: created.appSecret };
    userId = await seedUser(s, { email: 'answers@example.com', username: 'answers', name: 'First Name' });
  }, 60_000);
  afterAll(async () => s?.close());

  it('a token presented again is answered without computing its claims again', async () => {
    const { access_token: token } = await issue('openid profile email roles');
    const spy = vi.spyOn(s.container.oidc.registry, 'accountClaims');
    try {
      const first = await me(token);
      expect(first).toMatchObject({ status: 200, body: { sub: userId, name: 'First Name', email: 'answers@example.com', roles: [] } });
      expect((await me(token)).body).toEqual(first.body);
      expect((await me(token)).body).toEqual(first.body);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('shows a changed profile, a new role, a blocked user and a revoked token at once', async () => {
    const mc = s.mgmt();
    const { access_token: token } = await issue('openid profile roles');
    expect((await me(token)).body).toMatchObject({ name: 'First Name', roles: [] });

    ok(await mc.updateUser({ userId, name: 'Second Name' } as never));
    expect((await me(token)).body).toMatchObject({ name: 'Second Name', roles: [] });

    const code = `answers-${Date.now()}`;
    ok(await mc.createRole({ code, name: 'Answers' } as never));
    ok(await mc.assignRole({ code, targets: [{ targetType: USER, targetIdentifier: userId }] } as never));
    expect((await me(token)).body).toMatchObject({ name: 'Second Name', roles: [code] });

    const { access_token: other } = await issue('openid profile roles');
    expect((await me(other)).status).toBe(200);
    expect((await formPost(`${s.url}/oidc/token/revocation`, { token: other, client_id: app.appId, client_secret: app.appSecret })).status).toBe(200);
    expect((await me(other)).status).toBe(401);
    expect((await me(token)).status).toBe(200);

    // Suspending the user ends their tokens; after reactivation a new token shows the account.
    ok(await mc.updateUser({ userId, status: 'Suspended' } as never));
    expect((await me(token)).status).toBe(401);
    ok(await mc.updateUser({ userId, status: 'Activated' } as never));
    expect((await me(token)).status).toBe(401);
    expect((await me((await issue('openid profile roles')).access_token)).body).toMatchObject({ name: 'Second Name', roles: [code] });
  });

  it('organisation scopes are read anew on every request', async () => {
    const { access_token: token } = await issue('openid groups');
    const spy = vi.spyOn(s.container.oidc.registry, 'accountClaims');
    try {
      expect((await me(token)).status).toBe(200);
      expect((await me(token)).status).toBe(200);
      expect(spy).toHaveBeenCalledTimes(2);
    } finally {
      spy.mockRestore();
    }
  });
});
