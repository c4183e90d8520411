import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import { createPool, ok, raw, refused } from '../support/management.js';
import { startServer, type TestDb, type TestServer } from '../support/server.js';
import { postgresAvailable } from '../support/services.js';

/**
 * Applications through the vendor's own `ManagementClient` (authing-node-sdk, unmodified),
 * against a real server on SQLite and on PostgreSQL: the same suite for both (design.md §6).
 */
const hasPg = await postgresAvailable();

const SECRET_RE = /^[A-Za-z0-9_-]{43,}$/;
let seq = 0;
const uniq = (label: string) => `${label}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;

function applicationsSuite(db: TestDb) {
  describe.skipIf(db === 'postgres' && !hasPg)(`applications management API on ${db}`, () => {
    let srv: TestServer;
    let mc: ManagementClient;

    const create = (body: Record<string, unknown>) => raw(mc, 'POST', '/api/v3/create-application', { appName: uniq('App'), ...body });

    beforeAll(async () => {
      srv = await startServer({ db });
      mc = srv.mgmt();
    });
    afterAll(async () => {
      await srv?.close();
    });

    it('creates a web app with an oidcConfig and reads it back with the vendor shape', async () => {
      const res = await mc.createApplication({
        appName: 'My Web App',
        appType: 'web' as never,
        appDescription: 'the portal',
        redirectUris: ['https://portal.example.com/callback', 'http://127.0.0.1:8080/cb'],
        logoutRedirectUris: ['https://portal.example.com/'],
        oidcConfig: { grant_types: ['authorization_code', 'refresh_token'], id_token_signed_response_alg: 'ES256', access_token_expire: 3600, skip_consent: true } as never,
      });
      const app = ok(res);
      expect(app.appId).toMatch(/^[0-9a-f]{24}$/);
      expect(app).toMatchObject({
        appName: 'My Web App',
        appIdentifier: 'my-web-app',
        appType: 'web',
        appDescription: 'the portal',
        userPoolId: srv.poolId,
        isIntegrateApp: false,
        defaultProtocol: 'oidc',
        redirectUris: ['https://portal.example.com/callback', 'http://127.0.0.1:8080/cb'],
        logoutRedirectUris: ['https://portal.example.com/'],
        samlProviderEnabled: false,
        casProviderEnabled: false,
      });
      expect(app.oidcConfig).toMatchObject({
        client_id: app.appId,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
        id_token_signed_response_alg: 'ES256',
        access_token_expire: 3600,
        skip_consent: true,
        require_proof_key: false,
        redirect_uris: ['https://portal.example.com/callback', 'http://127.0.0.1:8080/cb'],
      });
      expect(JSON.stringify(res)).not.toMatch(/secret"\s*:\s*"/i);

      const got = ok(await mc.getApplication({ appId: app.appId }));
      expect(got).toEqual(app);
      expect(got.loginConfig).toMatchObject({ enabledBasicLoginMethods: expect.any(Array) });
      expect(got.brandingConfig).toMatchObject({ guardVersion: 'Advanced' });
    });

    it('keeps the secret URL-safe, out of get/list responses and readable through get-application-secret', async () => {
      const app = ok(await create({}));
      const secret = ok(await mc.getApplicationSecret({ appId: app.appId })).secret;
      expect(secret).toMatch(SECRET_RE);
      const got = await mc.getApplication({ appId: app.appId });
      const list = await mc.listApplications({ page: 1, limit: 100 });
      for (const body of [got, list]) expect(JSON.stringify(body)).not.toContain(secret);
      expect(ok(await mc.getApplicationSecret({ appId: app.appId })).secret).toBe(secret);
    });

    it('stores the secret sealed, verifies it by digest, and the default app has one too', async () => {
      const app = ok(await create({}));
      const secret = ok(await mc.getApplicationSecret({ appId: app.appId })).secret;
      const row = await srv.container.db.db.selectFrom('applications').selectAll().where('id', '=', app.appId).executeTakeFirstOrThrow();
      expect(JSON.stringify(row)).not.toContain(secret);
      expect(row.secret_enc).toMatch(/^v1\./);
      const apps = srv.container.services.applications;
      expect(await apps.verifySecret(srv.poolId, app.appId, secret)).toBe(true);
      expect(await apps.verifySecret(srv.poolId, app.appId, `${secret.slice(0, -1)}x`)).toBe(false);
      expect(await apps.verifySecret('other-pool', app.appId, secret)).toBe(false);
      expect(await apps.verifySecret(srv.poolId, 'no-such-app', secret)).toBe(false);
      expect(ok(await mc.getApplicationSecret({ appId: srv.defaultAppId })).secret).toMatch(SECRET_RE);
    });

    it('applies type defaults: 7200 s access tokens, public spa/native clients with forced PKCE, api on client credentials', async () => {
      const web = ok(await create({ appType: 'web' }));
      expect(web.oidcConfig).toMatchObject({ access_token_expire: 7200, token_endpoint_auth_method: 'client_secret_post', id_token_signed_response_alg: 'ES256' });

      const spa = ok(await create({ appType: 'spa', redirectUris: ['https://spa.example.com/cb'], oidcConfig: { require_proof_key: false } }));
      expect(spa.oidcConfig).toMatchObject({ token_endpoint_auth_method: 'none', require_proof_key: true, grant_types: ['authorization_code', 'refresh_token'] });

      const native = ok(await create({ appType: 'native', redirectUris: ['com.example.app:/oauth2redirect', 'http://127.0.0.1/cb', 'http://[::1]:7000/cb'] }));
      expect(native.oidcConfig).toMatchObject({ token_endpoint_auth_method: 'none', require_proof_key: true });
      expect(native.redirectUris).toContain('com.example.app:/oauth2redirect');

      const api = ok(await create({ appType: 'api', oidcConfig: { scope: 'read:orders write:orders', token_endpoint_auth_method: 'client_secret_basic' } }));
      expect(api.oidcConfig).toMatchObject({ grant_types: ['client_credentials'], response_types: [], token_endpoint_auth_method: 'client_secret_basic', scope: 'read:orders write:orders' });

      // A public client cannot be given a secret-based method, nor an api app none.
      refused(await create({ appType: 'spa', oidcConfig: { token_endpoint_auth_method: 'client_secret_post' } }), 4000002);
      refused(await create({ appType: 'api', oidcConfig: { token_endpoint_auth_method: 'none' } }), 4000002);
      // A vendor type this server does not run is named, not silently mapped.
      refused(await create({ appType: 'gateway-agent' }), 1000008);
    });

    it('derives a unique appIdentifier and refuses a taken explicit one', async () => {
      const a = ok(await raw(mc, 'POST', '/api/v3/create-application', { appName: 'Same Name' }));
      const b = ok(await raw(mc, 'POST', '/api/v3/create-application', { appName: 'Same Name' }));
      expect(a.appIdentifier).toBe('same-name');
      expect(b.appIdentifier).toMatch(/^same-name-[a-z0-9]+$/);
      const cn = ok(await raw(mc, 'POST', '/api/v3/create-application', { appName: '门户' }));
      expect(cn.appIdentifier).toMatch(/^app(-[a-z0-9]+)?$/);
      refused(await create({ appIdentifier: 'same-name' }), 4000004);
      refused(await create({ appIdentifier: 'bad identifier!' }), 1000002);
    });

    it('lists with paging, totalCount and keywords', async () => {
      const tag = uniq('listing').replace(/-/g, '');
      for (let i = 0; i < 5; i++) ok(await raw(mc, 'POST', '/api/v3/create-application', { appName: `${tag} ${i}` }));
      const all = ok(await mc.listApplications({ page: 1, limit: 100 }));
      expect(all.totalCount).toBe(all.list.length);
      expect(all.list[0]!.appId).toBe(srv.defaultAppId); // the default app first

      const p1 = ok(await mc.listApplications({ page: 1, limit: 2, keywords: tag }));
      const p2 = ok(await mc.listApplications({ page: 2, limit: 2, keywords: tag }));
      const p3 = ok(await mc.listApplications({ page: 3, limit: 2, keywords: tag }));
      expect(p1.totalCount).toBe(5);
      expect([p1.list.length, p2.list.length, p3.list.length]).toEqual([2, 2, 1]);
      const ids = [...p1.list, ...p2.list, ...p3.list].map((a) => a.appId);
      expect(new Set(ids).size).toBe(5);
      // LIKE wildcards in the search text are literal.
      expect(ok(await mc.listApplications({ page: 1, limit: 10, keywords: '%' })).totalCount).toBe(0);
      expect(ok(await mc.listApplications({ page: 1, limit: 10, keywords: tag.toUpperCase() })).totalCount).toBe(5);
      expect(ok(await mc.listApplications({ page: 1, limit: 10, isIntegrateApp: true })).totalCount).toBe(0);
    });

    it('updates partially and re-validates the merged oidcConfig', async () => {
      const app = ok(await create({ redirectUris: ['https://a.example.com/cb'], oidcConfig: { id_token_signed_response_alg: 'ES256' } }));
      ok(
        await mc.updateApplication({
          appId: app.appId,
          appName: 'Renamed',
          redirectUris: ['https://b.example.com/cb'],
          ssoEnabled: true,
          oidcConfig: { access_token_expire: 600 } as never,
        }),
      );
      const got = ok(await mc.getApplication({ appId: app.appId }));
      expect(got).toMatchObject({ appName: 'Renamed', appIdentifier: app.appIdentifier, redirectUris: ['https://b.example.com/cb'], ssoEnabled: true });
      expect(got.ssoEnabledAt).toEqual(expect.any(String));
      expect(got.oidcConfig).toMatchObject({ access_token_expire: 600, id_token_signed_response_alg: 'ES256', token_endpoint_auth_method: 'client_secret_post' });
      expect(got.brandingConfig).toMatchObject({ defaultLanguage: 'zh-CN', guardVersion: 'Advanced' });

      // Going public forces PKCE; a confidential-only setting then no longer fits.
      ok(await raw(mc, 'POST', '/api/v3/update-application', { appId: app.appId, oidcConfig: { token_endpoint_auth_method: 'none' } }));
      expect(ok(await mc.getApplication({ appId: app.appId })).oidcConfig).toMatchObject({ token_endpoint_auth_method: 'none', require_proof_key: true });
      refused(await raw(mc, 'POST', '/api/v3/update-application', { appId: app.appId, oidcConfig: { id_token_signed_response_alg: 'HS256' } }), 4000002);
      refused(await raw(mc, 'POST', '/api/v3/update-application', { appId: app.appId, redirectUris: ['javascript:alert(1)'] }), 4000001);
      // Refused updates wrote nothing.
      expect(ok(await mc.getApplication({ appId: app.appId })).redirectUris).toEqual(['https://b.example.com/cb']);
      refused(await raw(mc, 'POST', '/api/v3/update-application', { appId: 'nope', appName: 'x' }), 2011);
    });

    it('deletes an app: afterwards it is gone (2011) with its secret', async () => {
      const app = ok(await create({}));
      ok(await mc.deleteApplication({ appId: app.appId }));
      refused(await mc.getApplication({ appId: app.appId }), 2011);
      refused(await mc.getApplicationSecret({ appId: app.appId }), 2011);
      refused(await mc.deleteApplication({ appId: app.appId }), 2011);
    });

    it('never deletes the default app', async () => {
      refused(await mc.deleteApplication({ appId: srv.defaultAppId }), 4000003);
      expect(ok(await mc.getApplication({ appId: srv.defaultAppId }))).toMatchObject({ isDefault: true });
    });

    it.each([
      ['javascript:alert(1)'],
      ['JAVASCRIPT:alert(1)'],
      ['JavaScript://example.com/%0Aalert(1)'],
      ['data:text/html,<script>alert(1)</script>'],
      ['java\tscript:alert(1)'],
      [' https://ok.example.com/cb'],
      ['https://*.example.com/cb'],
      ['https://app.example.com/*'],
      ['/relative/callback'],
      ['app.example.com/cb'],
      ['https://app.example.com/cb#fragment'],
      ['https://app.example.com/cb#'],
      ['http://app.example.com/cb'],
      ['https://user:pass@app.example.com/cb'],
      ['com.example.app:/cb'], // a custom scheme on a web app
    ])('refuses the redirect URI %j with 4000001', async (uri) => {
      const before = ok(await mc.listApplications({ page: 1, limit: 1 })).totalCount;
      refused(await create({ redirectUris: ['https://fine.example.com/cb', uri] }), 4000001);
      refused(await create({ logoutRedirectUris: [uri] }), 4000001);
      refused(await create({ oidcConfig: { redirect_uris: [uri] } }), 4000001);
      expect(ok(await mc.listApplications({ page: 1, limit: 1 })).totalCount).toBe(before); // no partial write
    });

    it('says which redirect URI and why, in the caller language', async () => {
      const en = await create({ redirectUris: ['https://x.example.com/cb#frag'] });
      expect(en.message).toContain('https://x.example.com/cb#frag');
      expect(en.message).toMatch(/fragment/);
      const zh = await raw(srv.mgmt(srv.rootKey, 'zh-CN'), 'POST', '/api/v3/create-application', { appName: uniq('z'), redirectUris: ['javascript:alert(1)'] });
      expect(zh.message).toContain('回调地址不合法');
    });

    it.each([
      ['implicit grant', { grant_types: ['implicit'] }],
      ['password grant', { grant_types: ['password'] }],
      ['unknown grant', { grant_types: ['urn:example:magic'] }],
      ['implicit response type', { response_types: ['token'] }],
      ['hybrid response type', { response_types: ['code id_token'] }],
      ['unknown alg', { id_token_signed_response_alg: 'PS512' }],
      ['alg none', { id_token_signed_response_alg: 'none' }],
      ['unknown auth method', { token_endpoint_auth_method: 'private_key_jwt' }],
      ['lifetime out of range', { access_token_expire: 5 }],
      ['alias disagreement', { access_token_expire: 600, access_token_lifetime: 900 }],
      ['refresh without code', { grant_types: ['refresh_token'] }],
      ['client_id other than appId', { client_id: 'someone-else' }],
      ['bad scope token', { scope: 'read "write"' }],
    ])('refuses an oidcConfig with %s (4000002)', async (_label, oidcConfig) => {
      refused(await create({ oidcConfig }), 4000002);
    });

    it('refuses unknown fields and names unsupported vendor fields', async () => {
      refused(await create({ oidcConfig: { no_such_field: 1 } }), 1000002);
      refused(await create({ notAField: true }), 1000002);
      refused(await create({ oidcConfig: { access_token_expire: '3600' } }), 1000002); // bodies are not coerced
      for (const body of [{ template: 'slack' }, { defaultProtocol: 'asa' }, { oidcConfig: { jwks_uri: 'https://x.example.com/jwks' } }, { appType: 'mfa' }]) {
        const res = await create(body);
        refused(res, 1000008);
        expect(res.message).toMatch(/not supported/);
      }
      // SAML and CAS settings are validated by their areas (docs/saml.md, docs/cas.md).
      refused(await create({ samlConfig: {} }), 7600001);
      refused(await create({ samlProviderEnabled: true }), 7600001);
      refused(await create({ casConfig: {} }), 7610001);
      // Explicitly off is accepted.
      ok(await create({ samlProviderEnabled: false, casProviderEnabled: false }));
    });

    it('confines every operation to the calling key’s pool', async () => {
      const a = ok(await create({ redirectUris: ['https://a.example.com/cb'] }));
      const { pool, client: mb } = await createPool(srv, mc, uniq('B'));

      refused(await mb.getApplication({ appId: a.appId }), 2011);
      refused(await mb.getApplicationSecret({ appId: a.appId }), 2011);
      refused(await mb.updateApplication({ appId: a.appId, appName: 'pwned' }), 2011);
      refused(await mb.deleteApplication({ appId: a.appId }), 2011);
      const listB = ok(await mb.listApplications({ page: 1, limit: 100 }));
      expect(listB.list.map((x: { appId: string }) => x.appId)).toEqual([pool.defaultAppId]);
      // B may reuse A's identifiers: they are unique per pool only.
      expect(ok(await raw(mb, 'POST', '/api/v3/create-application', { appName: 'x', appIdentifier: a.appIdentifier })).appIdentifier).toBe(a.appIdentifier);

      expect(ok(await mc.getApplication({ appId: a.appId }))).toMatchObject({ appName: a.appName });
    });
  });
}

applicationsSuite('sqlite');
applicationsSuite('postgres');
