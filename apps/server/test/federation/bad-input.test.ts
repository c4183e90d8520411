import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import type { Config } from '../../src/config/schema.js';
import { ok } from '../support/management.js';
import { postgresAvailable, redisAvailable, REDIS_URL } from '../support/services.js';
import { Browser, startOidcServer, type OidcTestServer } from '../oidc/support.js';
import { startUpstreamOp, type UpstreamOp } from './upstream-op.js';

/**
 * Bad input on the social round trip, on SQLite and on PostgreSQL + Redis, against a real
 * upstream oidc-provider: a forged, missing, replayed or foreign-browser `state`; the provider's
 * `access_denied`; an upstream 500 (nothing created); a code injected into another sign-in
 * (PKCE verifier and nonce of that sign-in do not match); a forged RFC 9207 `iss`. Each is
 * refused with its catalogued error, shown on the page (the popup's message carries the code).
 */
const hasPg = await postgresAvailable();
const hasRedis = await redisAvailable();

function suite(label: string, opts: { db?: 'sqlite' | 'postgres'; config?: Partial<Config> }, skip: boolean) {
  describe.skipIf(skip)(`social round trip refuses bad input on ${label}`, () => {
    let gh: OidcTestServer;
    let op: UpstreamOp;
    let mc: ManagementClient;
    let appId = '';
    let appSecret = '';
    const CALLBACK = () => `${gh.url}/connections/social/corp/callback`;

    beforeAll(async () => {
      gh = await startOidcServer({ db: opts.db, config: { outboundAllow: '127.0.0.1', ...opts.config } as never });
      op = await startUpstreamOp({
        clients: () => [{ client_id: 'gatehouse', client_secret: 'upstream-secret-0123456789', redirect_uris: [CALLBACK()], grant_types: ['authorization_code'], response_types: ['code'] }],
        accounts: [{ sub: 'op-bob', email: 'bob@example.com', email_verified: true, name: 'Bob' }],
      });
      mc = gh.mgmt();
      const app = (await gh.container.services.applications.create(gh.poolId, { appName: 'Bad input', appType: 'web', redirectUris: ['http://127.0.0.1:1/cb'] } as never)) as { appId: string; appSecret: string };
      appId = app.appId;
      appSecret = app.appSecret;
      const idp = ok(await mc.createExtIdp({ name: 'Corporate', type: 'oidc' as never }));
      const conn = ok(await mc.createExtIdpConn({ extIdpId: idp.id, type: 'oidc' as never, identifier: 'corp', displayName: 'Corporate SSO', fields: { issuerUrl: op.issuer, clientId: 'gatehouse', clientSecret: 'upstream-secret-0123456789' } }));
      ok(await mc.changeExtIdpConnState({ id: conn.id, enabled: true, appId }));
    }, 90_000);
    afterAll(async () => {
      await op?.close();
      await gh?.close();
    });

    /** Starts a popup round trip in `b` and follows the provider until it sends the browser back: the callback URL (not yet opened). */
    async function toCallback(b: Browser): Promise<URL> {
      const { url } = await b.follow(`${gh.url}/connections/social/corp?app_id=${appId}`, CALLBACK());
      expect(url.startsWith(CALLBACK()), url).toBe(true);
      return new URL(url);
    }
    const refusedWith = async (res: Response, code: string) => {
      const html = await res.text();
      expect(html, html.slice(0, 400)).toContain(code);
      expect(html).not.toContain('"code":200');
    };
    const userCount = async () => Number((await gh.container.db.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).where('pool_id', '=', gh.poolId).executeTakeFirstOrThrow()).n);

    it('a genuine callback signs in once; replaying it is refused', async () => {
      const b = new Browser();
      const cb = await toCallback(b);
      const first = await b.fetch(cb.toString());
      expect(first.status).toBe(200);
      expect(await first.text()).toContain('"code":200');
      await refusedWith(await b.fetch(cb.toString()), 'federation.state_invalid');
    });

    it('refuses a forged, missing or foreign-browser state before exchanging the code', async () => {
      const b = new Browser();
      const cb = await toCallback(b);
      const forged = new URL(cb);
      forged.searchParams.set('state', 'A'.repeat(43));
      await refusedWith(await b.fetch(forged.toString()), 'federation.state_invalid');
      const missing = new URL(cb);
      missing.searchParams.delete('state');
      await refusedWith(await b.fetch(missing.toString()), 'federation.state_invalid');
      // Another browser (login CSRF: an attacker's callback URL opened in the victim's browser).
      await refusedWith(await new Browser().fetch(cb.toString()), 'federation.state_invalid');
      // The state was spent by that attempt: failing closed, the genuine browser must start again.
      await refusedWith(await b.fetch(cb.toString()), 'federation.state_invalid');
    });

    it("shows the provider's access_denied with its own error", async () => {
      op.state.next = 'deny';
      try {
        const b = new Browser();
        const cb = await toCallback(b);
        expect(cb.searchParams.get('error')).toBe('access_denied');
        await refusedWith(await b.fetch(cb.toString()), 'federation.access_denied');
      } finally {
        op.state.next = 'op-bob';
      }
    });

    it('an upstream 500 at the token endpoint is refused as unavailable and creates nothing', async () => {
      const before = await userCount();
      op.state.fail = true;
      try {
        const b = new Browser();
        const cb = await toCallback(b);
        await refusedWith(await b.fetch(cb.toString()), 'federation.upstream_unavailable');
      } finally {
        op.state.fail = false;
      }
      expect(await userCount()).toBe(before);
    });

    it('refuses a code injected into another sign-in of the same browser (PKCE verifier and nonce differ)', async () => {
      const b = new Browser();
      const a = await toCallback(b);
      const c = await toCallback(b);
      const injected = new URL(c);
      injected.searchParams.set('code', a.searchParams.get('code')!);
      const res = await b.fetch(injected.toString());
      const html = await res.text();
      expect(html).toMatch(/federation\.(upstream_refused|invalid_token)/);
      expect(html).not.toContain('"code":200');
    });

    it('refuses a callback whose RFC 9207 iss names another issuer (mix-up)', async () => {
      const b = new Browser();
      const cb = await toCallback(b);
      cb.searchParams.set('iss', 'http://127.0.0.1:9/');
      const html = await (await b.fetch(cb.toString())).text();
      expect(html).toMatch(/federation\.(invalid_token|upstream_refused)/);
      expect(html).not.toContain('"code":200');
    });

    it('refuses a start for an unknown app, an unknown connection, a disabled one and an unregistered redirect_url', async () => {
      await refusedWith(await fetch(`${gh.url}/connections/social/corp?app_id=nope`, { redirect: 'manual' }), 'application.not_found');
      await refusedWith(await fetch(`${gh.url}/connections/social/nope?app_id=${appId}`, { redirect: 'manual' }), 'federation.connection_not_found');
      const other = (await gh.container.services.applications.create(gh.poolId, { appName: 'Other', appType: 'web', redirectUris: ['http://127.0.0.1:1/cb'] } as never)) as { appId: string };
      await refusedWith(await fetch(`${gh.url}/connections/social/corp?app_id=${other.appId}`, { redirect: 'manual' }), 'federation.connection_disabled');
      await refusedWith(await fetch(`${gh.url}/connections/social/corp?app_id=${appId}&redirected=1&redirect_url=${encodeURIComponent('https://evil.example/cb')}`, { redirect: 'manual' }), 'federation.redirect_not_allowed');
    });

    it('signin-by-mobile refuses a bad code with a catalogued envelope error', async () => {
      const res = await fetch(`${gh.url}/api/v3/signin-by-mobile`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-authing-app-id': appId }, body: JSON.stringify({ extIdpConnidentifier: 'corp', connection: 'oidc', oidcPayload: { code: 'not-a-code' }, client_id: appId, client_secret: appSecret }) });
      const env = (await res.json()) as { statusCode: number; apiCode: number };
      expect(env.statusCode).not.toBe(200);
      expect([5000012, 5000015, 5000016, 5000021]).toContain(env.apiCode);
    });
  });
}

suite('SQLite', {}, false);
suite('PostgreSQL + Redis', { db: 'postgres', config: { redisUrl: REDIS_URL } }, !hasPg || !hasRedis);
