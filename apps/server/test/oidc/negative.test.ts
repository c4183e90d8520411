import { createPublicKey } from 'node:crypto';
import * as oc from 'openid-client';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, SignJWT, UnsecuredJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, Browser, formPost, PASSWORD, seedUser, startOidcServer, type OidcTestServer } from './support.js';
import { postgresAvailable, REDIS_URL, redisAvailable } from '../support/services.js';

const hasPg = await postgresAvailable();
const hasRedis = await redisAvailable();

/**
 * Negative tests from reference/security.md §0: alg confusion (item 21), cross-pool tokens and
 * codes (item 33), redirect URI variants (item 22). On SQLite (SQL KV) and on PostgreSQL + Redis.
 */
const CB = 'http://127.0.0.1:9/cb';
type App = { appId: string; appSecret: string };

function negativeSuite(label: string, opts: Parameters<typeof startOidcServer>[0], skip = false) {
  describe.skipIf(skip)(`OIDC negative cases (${label})`, () => {
    let s: OidcTestServer;
    let issuerA: string;
    let issuerB: string;
    let poolB: string;
    let appA: App;
    let appB: App;
    let userA: string;
    let tokensA: oc.TokenEndpointResponse & oc.TokenEndpointResponseHelpers;
    let tokensB: oc.TokenEndpointResponse & oc.TokenEndpointResponseHelpers;
    let rpA: oc.Configuration;
    let rpB: oc.Configuration;

    const rp = (issuer: string, app: App) => oc.discovery(new URL(issuer), app.appId, undefined, oc.ClientSecretPost(app.appSecret), { execute: [oc.allowInsecureRequests] });

    async function codeFor(config: oc.Configuration, account: string) {
      const verifier = oc.randomPKCECodeVerifier();
      const url = oc.buildAuthorizationUrl(config, { redirect_uri: CB, scope: 'openid profile email', code_challenge: await oc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
      const r = await authorize(new Browser(), url.toString(), CB, { account, password: PASSWORD });
      return { callback: new URL(r.url), verifier, r };
    }
    const redeem = async (config: oc.Configuration, account: string) => {
      const { callback, verifier } = await codeFor(config, account);
      return oc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: oc.skipStateCheck });
    };
    const me = (issuer: string, token: string) => fetch(`${issuer}/me`, { headers: { authorization: `Bearer ${token}` } });

    beforeAll(async () => {
      s = await startOidcServer(opts);
      issuerA = `${s.url}/oidc`;
      const pool = await s.container.services.pools.create({ name: 'Pool B' });
      poolB = pool.id;
      issuerB = `${s.url}/pools/${poolB}/oidc`;
      const mk = (poolId: string, name: string) => s.container.services.applications.create(poolId, { appName: name, appType: 'web', redirectUris: [CB] } as never) as Promise<App>;
      appA = await mk(s.poolId, 'A app');
      appB = await mk(poolB, 'B app');
      userA = await seedUser(s, { email: 'a@example.com', username: 'alice' });
      await seedUser(s, { email: 'b@example.com', username: 'bob', poolId: poolB });
      rpA = await rp(issuerA, appA);
      rpB = await rp(issuerB, appB);
      tokensA = await redeem(rpA, 'a@example.com');
      tokensB = await redeem(rpB, 'b@example.com');
    });
    afterAll(async () => s?.close());

    describe('alg confusion and forged tokens (security §0 item 21)', () => {
      const publicPems = async () => {
        const { keys } = (await (await fetch(`${issuerA}/.well-known/jwks.json`)).json()) as { keys: JWK[] };
        return keys.map((k) => ({ kid: k.kid!, alg: k.alg!, pem: createPublicKey({ key: k as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }) as string }));
      };
      /** Re-signs the token's payload with HS256 keyed with each public key (PEM), keeping the kid, and with alg none. */
      const forgeries = async (token: string) => {
        const payload = decodeJwt(token);
        const header = decodeProtectedHeader(token);
        const out: string[] = [];
        for (const k of await publicPems()) {
          out.push(await new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: header.typ, kid: k.kid }).sign(new TextEncoder().encode(k.pem)));
        }
        out.push(new UnsecuredJWT(payload).encode());
        out.push(`${Buffer.from(JSON.stringify({ alg: 'none', typ: header.typ, kid: header.kid })).toString('base64url')}.${token.split('.')[1]}.`);
        return out;
      };

      it('every published key declares its alg; no private parts', async () => {
        const { keys } = (await (await fetch(`${issuerA}/.well-known/jwks.json`)).json()) as { keys: JWK[] };
        expect(keys.length).toBeGreaterThanOrEqual(2);
        for (const k of keys) {
          expect(['ES256', 'RS256']).toContain(k.alg);
          expect(k.d).toBeUndefined();
          expect(k.use).toBe('sig');
        }
      });

      it('an access token re-signed with HS256 over the public key, or with alg none, is refused at /oidc/me, introspection and by verification', async () => {
        expect((await me(issuerA, tokensA.access_token)).status).toBe(200);
        const jwks = createRemoteJWKSet(new URL(`${issuerA}/.well-known/jwks.json`));
        for (const forged of await forgeries(tokensA.access_token)) {
          expect((await me(issuerA, forged)).status).toBe(401);
          expect((await fetch(`${issuerA}/me?access_token=${encodeURIComponent(forged)}`)).status).toBe(401);
          expect((await oc.tokenIntrospection(rpA, forged)).active).toBe(false);
          expect(await s.container.oidc.tokens.verifyAccessToken(s.poolId, forged)).toBeNull();
          await expect(jwtVerify(forged, jwks, { issuer: issuerA, audience: issuerA, algorithms: ['ES256', 'RS256'] })).rejects.toThrow();
        }
        // The genuine token is unaffected.
        expect((await me(issuerA, tokensA.access_token)).status).toBe(200);
      });

      it('an ID token re-signed with HS256 over the public key, or alg none, is refused as id_token_hint and by verification', async () => {
        const jwks = createRemoteJWKSet(new URL(`${issuerA}/.well-known/jwks.json`));
        await jwtVerify(tokensA.id_token!, jwks, { issuer: issuerA, audience: appA.appId });
        for (const forged of await forgeries(tokensA.id_token!)) {
          await expect(jwtVerify(forged, jwks, { issuer: issuerA, audience: appA.appId, algorithms: ['ES256', 'RS256'] })).rejects.toThrow();
          const r = await fetch(`${issuerA}/session/end?id_token_hint=${encodeURIComponent(forged)}&post_logout_redirect_uri=${encodeURIComponent(CB)}`, { redirect: 'manual' });
          expect(r.status).toBe(400);
          expect(r.headers.get('location')).toBeNull();
        }
      });

      it('a token with a known jti but another signature is not found', async () => {
        const [h, p] = tokensA.access_token.split('.');
        const other = `${h}.${p}.${Buffer.from('x'.repeat(64)).toString('base64url')}`;
        expect((await me(issuerA, other)).status).toBe(401);
        expect((await oc.tokenIntrospection(rpA, other)).active).toBe(false);
      });
    });

    describe('cross-pool isolation (security §0 item 33)', () => {
      it('each pool has its own issuer, audience and keys', async () => {
        expect(decodeJwt(tokensA.access_token)).toMatchObject({ iss: issuerA, aud: issuerA });
        expect(decodeJwt(tokensB.access_token)).toMatchObject({ iss: issuerB, aud: issuerB });
        expect(rpB.serverMetadata().issuer).toBe(issuerB);
        const kids = async (iss: string) => ((await (await fetch(`${iss}/.well-known/jwks.json`)).json()) as { keys: JWK[] }).keys.map((k) => k.kid);
        const [a, b] = [await kids(issuerA), await kids(issuerB)];
        expect(a.filter((k) => b.includes(k))).toEqual([]);
      });

      it("pool B's access token is refused at pool A's userinfo, and introspection in A says inactive", async () => {
        expect((await me(issuerB, tokensB.access_token)).status).toBe(200);
        expect((await me(issuerA, tokensB.access_token)).status).toBe(401);
        expect((await oc.tokenIntrospection(rpA, tokensB.access_token)).active).toBe(false);
        expect(await s.container.oidc.tokens.verifyAccessToken(s.poolId, tokensB.access_token)).toBeNull();
        // and the other way round
        expect((await me(issuerB, tokensA.access_token)).status).toBe(401);
        expect((await oc.tokenIntrospection(rpB, tokensA.access_token)).active).toBe(false);
        // B's token does not verify against A's keys either.
        await expect(jwtVerify(tokensB.access_token, createRemoteJWKSet(new URL(`${issuerA}/.well-known/jwks.json`)), { issuer: issuerA })).rejects.toThrow();
      });

      it("pool A's code cannot be redeemed at pool B; pool A's refresh token neither", async () => {
        const { callback, verifier } = await codeFor(rpA, 'a@example.com');
        const code = callback.searchParams.get('code')!;
        const atB = await formPost(`${issuerB}/token`, { grant_type: 'authorization_code', code, redirect_uri: CB, code_verifier: verifier, client_id: appB.appId, client_secret: appB.appSecret });
        expect(atB.status).toBe(400);
        expect(atB.body.error).toBe('invalid_grant');
        // A's client does not exist in pool B at all.
        const asA = await formPost(`${issuerB}/token`, { grant_type: 'authorization_code', code, redirect_uri: CB, code_verifier: verifier, client_id: appA.appId, client_secret: appA.appSecret });
        expect(asA.status).toBe(401);
        expect(asA.body.error).toBe('invalid_client');
        // The code still works where it belongs (the failed attempts did not consume it).
        const ok = await oc.authorizationCodeGrant(rpA, callback, { pkceCodeVerifier: verifier, expectedState: oc.skipStateCheck });
        expect(ok.claims()!.sub).toBe(userA);
      });

      it("pool A's client is unknown at pool B's authorization endpoint (error page, no redirect); A's users cannot sign in on B", async () => {
        const url = new URL(`${issuerB}/auth`);
        url.search = new URLSearchParams({ client_id: appA.appId, redirect_uri: CB, response_type: 'code', scope: 'openid', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' }).toString();
        const r = await fetch(url, { redirect: 'manual' });
        expect(r.status).toBe(400);
        expect(r.headers.get('location')).toBeNull();

        const { r: attempt } = await codeFor(rpB, 'a@example.com');
        expect(attempt.url.startsWith(CB)).toBe(false);
        expect(attempt.res.status).toBeGreaterThanOrEqual(400);
      });

      it('an unknown pool gives 404', async () => {
        expect((await fetch(`${s.url}/pools/nope-pool/oidc/.well-known/openid-configuration`)).status).toBe(404);
      });
    });

    describe('redirect URI variants are refused (security §0 item 22)', () => {
      const variants = [
        `${CB}/`, // trailing slash
        'http://127.0.0.1:9/CB', // path case
        'HTTP://127.0.0.1:9/cb', // scheme case
        `${CB}?extra=1`, // extra query
        'http://127.0.0.1:9/cb#frag',
        'http://127.0.0.1:10/cb', // other port (web apps: no variable loopback port)
        'http://127.0.0.1:9/cb/../cb',
        'http://127.0.0.1:9/cbx',
        'https://127.0.0.1:9/cb',
        'javascript:alert(1)//127.0.0.1:9/cb',
        'JaVaScRiPt:alert(1)',
        'data:text/html,hi',
      ];
      it.each(variants)('%s → error page, no redirect', async (redirect) => {
        const url = new URL(`${issuerA}/auth`);
        url.search = new URLSearchParams({ client_id: appA.appId, redirect_uri: redirect, response_type: 'code', scope: 'openid', state: 's', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' }).toString();
        const r = await fetch(url, { redirect: 'manual', headers: { accept: 'text/html' } });
        expect(r.status).toBe(400);
        expect(r.headers.get('location')).toBeNull();
        expect(await r.text()).toContain('redirect_uri');
      });

      it('a code issued for the registered URI cannot be redeemed with a variant', async () => {
        const { callback, verifier } = await codeFor(rpA, 'a@example.com');
        const code = callback.searchParams.get('code')!;
        for (const redirect of [`${CB}/`, `${CB}?extra=1`]) {
          const r = await formPost(`${issuerA}/token`, { grant_type: 'authorization_code', code, redirect_uri: redirect, code_verifier: verifier, client_id: appA.appId, client_secret: appA.appSecret });
          expect(r.body.error).toBe('invalid_grant');
        }
      });
    });
  });
}

negativeSuite('SQLite, SQL KV', {});
negativeSuite('PostgreSQL + Redis', { db: 'postgres', config: { redisUrl: REDIS_URL } }, !hasPg || !hasRedis);
