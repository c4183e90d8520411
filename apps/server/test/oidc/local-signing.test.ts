import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { PASSWORD, seedUser, startOidcServer, type OidcTestServer } from './support.js';

/**
 * Issue #22: the pool's keys are handed to oidc-provider as ExternalSigningKeys
 * (src/oidc/local-signing-key.ts), so its JWTs are signed with one synchronous node:crypto call
 * instead of WebCrypto. What must hold: no WebCrypto signature on the token paths (a library
 * upgrade that bypassed the external key would fail here), and every token still verifies
 * against the published JWKS with the algorithm in its header — ES256 access and ID tokens,
 * RS256 ID tokens — with no private member published.
 */
describe('JWTs are signed by the local signing keys', () => {
  let s: OidcTestServer;
  let userId: string;
  let web: { appId: string; appSecret: string };
  let rs: { appId: string; appSecret: string };
  let m2m: { appId: string; appSecret: string };
  let issuer: string;

  beforeAll(async () => {
    s = await startOidcServer();
    issuer = `${s.url}/oidc`;
    userId = await seedUser(s, { email: 'signer@example.com', username: 'signer' });
    const apps = s.container.services.applications;
    const mk = async (extra: Record<string, unknown>) => {
      const created = await apps.create(s.poolId, { appName: `sig-${Math.random().toString(36).slice(2, 8)}`, ...extra } as never);
      return { appId: created.appId, appSecret: created.appSecret };
    };
    web = await mk({ appType: 'web', redirectUris: ['http://127.0.0.1:9/cb'] });
    rs = await mk({ appType: 'web', redirectUris: ['http://127.0.0.1:9/cb'], oidcConfig: { id_token_signed_response_alg: 'RS256' } });
    m2m = await mk({ appType: 'api', oidcConfig: { grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post', scope: 'read:things' } });
  }, 60_000);
  afterAll(async () => {
    vi.restoreAllMocks();
    await s?.close();
  });

  it('issues client-credentials, sign-in and refreshed tokens without a WebCrypto signature, all verifiable against the JWKS', async () => {
    const subtleSign = vi.spyOn(Object.getPrototypeOf(globalThis.crypto.subtle) as SubtleCrypto, 'sign');
    // The spy sees WebCrypto signatures — what oidc-provider's jose (its webapi build) signs
    // with for a JWK — so its silence below means something.
    const { privateKey } = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign'])) as { privateKey: CryptoKey };
    await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, new TextEncoder().encode('x'));
    expect(subtleSign).toHaveBeenCalledTimes(1);
    subtleSign.mockClear();

    const cc = await fetch(`${issuer}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'client_credentials', client_id: m2m.appId, client_secret: m2m.appSecret }) });
    const ccBody = (await cc.json()) as { access_token: string };
    expect(cc.status).toBe(200);

    const signIn = await fetch(`${s.url}/api/v3/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-authing-app-id': web.appId },
      body: JSON.stringify({ connection: 'PASSWORD', passwordPayload: { email: 'signer@example.com', password: PASSWORD }, options: { scope: 'openid profile offline_access' }, client_id: web.appId, client_secret: web.appSecret }),
    });
    const signed = ((await signIn.json()) as { data: { access_token: string; id_token: string; refresh_token: string } }).data;
    const refreshed = await fetch(`${issuer}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: signed.refresh_token, client_id: web.appId, client_secret: web.appSecret }) });
    const again = (await refreshed.json()) as { access_token: string; id_token: string };
    expect(refreshed.status).toBe(200);

    const rsTokens = await s.container.oidc.tokens.issue({ poolId: s.poolId, appId: rs.appId, userId, facts: { amr: ['pwd'], authTime: Math.floor(Date.now() / 1000) } });
    expect(subtleSign).not.toHaveBeenCalled();

    const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
    for (const at of [ccBody.access_token, signed.access_token, again.access_token, rsTokens.access_token]) {
      expect(decodeProtectedHeader(at).alg).toBe('ES256');
      await jwtVerify(at, jwks, { issuer, audience: issuer, typ: 'at+jwt', algorithms: ['ES256'] });
    }
    for (const idt of [signed.id_token, again.id_token]) {
      expect(decodeProtectedHeader(idt).alg).toBe('ES256');
      await jwtVerify(idt, jwks, { issuer, audience: web.appId, algorithms: ['ES256'] });
    }
    expect(decodeProtectedHeader(rsTokens.id_token!).alg).toBe('RS256');
    const v = await jwtVerify(rsTokens.id_token!, jwks, { issuer, audience: rs.appId, algorithms: ['RS256'] });
    expect(v.payload.sub).toBe(userId);

    const published = (await (await fetch(`${issuer}/.well-known/jwks.json`)).json()) as { keys: Array<Record<string, unknown>> };
    expect(published.keys.map((k) => k.alg).sort()).toEqual(expect.arrayContaining(['ES256', 'RS256']));
    for (const k of published.keys) {
      expect(k).toMatchObject({ use: 'sig', kid: expect.any(String) });
      for (const priv of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(k[priv]).toBeUndefined();
    }
  });
});
