/**
 * The generic `oidc` connector against a real OpenID Provider (oidc-provider, started here):
 * discovery, PKCE, nonce, RFC 9207 iss, ID-token validation with the provider's JWKS, UserInfo.
 * Bad ID tokens are produced by re-signing the provider's own token response on the way back
 * (with the provider's key, so only the changed claim is wrong, or with a rogue key).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeJwt, generateKeyPair, importJWK, SignJWT, type KeyLike } from 'jose';
import { createFetchHttpClient, type HttpClient } from '@gatehouse/connector-kit';
import { oidc } from '../src/index.js';
import { startOidcProviderIdp, type OidcProviderIdp } from './fakes/oidc-provider.js';
import { startHttpFake, type HttpFake } from './fakes/http.js';
import { expectConnectorError } from './helpers/deps.js';
import { browse, CALLBACK, newRequest, socialDeps } from './helpers/social.js';

const ISSUER = 'https://op.example.test';
const ACCOUNTS = [
  { sub: 'u-alice', email: 'alice@example.com', email_verified: true, name: 'Alice OP', preferred_username: 'alice' },
  { sub: 'u-mallory', email: 'alice@example.com', email_verified: false, name: 'Mallory', preferred_username: 'mallory' },
];

describe('oidc connector against oidc-provider', () => {
  let op: OidcProviderIdp;
  let broken: HttpFake;
  let deps: ReturnType<typeof socialDeps>;
  let opKey: KeyLike;
  let rogueKey: KeyLike;
  /** Applied to the next token response's id_token: changed claims, re-signed. */
  let tamper: { claims: (c: Record<string, unknown>) => Record<string, unknown>; rogue?: boolean } | undefined;
  /** Sends the next request whose path starts with `prefix` to the broken server instead. */
  let divert: string | undefined;
  const config = { issuerUrl: ISSUER, clientId: 'gatehouse', clientSecret: 'op-client-secret' };

  beforeAll(async () => {
    op = await startOidcProviderIdp({
      issuer: ISSUER,
      clients: [
        { client_id: 'gatehouse', client_secret: 'op-client-secret', redirect_uris: [CALLBACK], grant_types: ['authorization_code'], response_types: ['code'] },
        { client_id: 'gatehouse-public', token_endpoint_auth_method: 'none', redirect_uris: [CALLBACK], grant_types: ['authorization_code'], response_types: ['code'] },
        { client_id: 'gatehouse-post', client_secret: 'post-secret', token_endpoint_auth_method: 'client_secret_post', redirect_uris: [CALLBACK], grant_types: ['authorization_code'], response_types: ['code'] },
      ],
      accounts: ACCOUNTS,
    });
    broken = await startHttpFake(() => ({ status: 200, body: '{}' }));
    opKey = (await importJWK(op.signingJwk, 'RS256')) as KeyLike;
    rogueKey = (await generateKeyPair('RS256')).privateKey;
  });
  afterAll(async () => {
    await op.close();
    await broken.close();
  });
  beforeEach(() => {
    tamper = undefined;
    divert = undefined;
    deps = socialDeps(op.overrides);
    const inner = deps.http;
    const direct = createFetchHttpClient({ defaultTimeoutMs: 5_000 });
    const wrapped: HttpClient = async (url, init) => {
      if (divert && new URL(url).pathname.startsWith(divert)) {
        divert = undefined;
        const u = new URL(url);
        return direct(broken.origin + u.pathname + u.search, init);
      }
      const res = await inner(url, init);
      if (tamper && url === `${ISSUER}/token` && res.status === 200) {
        const t = tamper;
        tamper = undefined;
        const body = JSON.parse(res.text) as { id_token: string };
        body.id_token = await new SignJWT(t.claims(decodeJwt(body.id_token))).setProtectedHeader({ alg: 'RS256', kid: 'op-key-1' }).sign(t.rogue ? rogueKey : opKey);
        return { ...res, text: JSON.stringify(body) };
      }
      return res;
    };
    deps.http = Object.assign(wrapped, { calls: inner.calls });
  });
  const tamperNext = (t: NonNullable<typeof tamper>) => {
    tamper = t;
  };

  async function signIn(login: string, cfg: Record<string, unknown> = config) {
    const conn = oidc.create(cfg as typeof config, deps);
    const req = await newRequest();
    op.nextLogin = login;
    const url = await conn.authorizationUrl(req);
    const back = await browse(url, op.overrides);
    return { conn, req, url, back, input: { params: back.params, redirectUri: CALLBACK, codeVerifier: req.codeVerifier, nonce: req.nonce } };
  }

  it('discovers the provider and sends code + PKCE + nonce', async () => {
    const { url, req, back } = await signIn('u-alice');
    const u = new URL(url);
    expect(u.origin + u.pathname).toBe(`${ISSUER}/auth`);
    expect(u.searchParams.get('code_challenge')).toBe(req.codeChallenge);
    expect(u.searchParams.get('nonce')).toBe(req.nonce);
    expect(u.searchParams.get('scope')).toBe('openid profile email');
    expect(back.target).toBe(CALLBACK);
    expect(back.params['state']).toBe(req.state);
    expect(back.params['iss']).toBe(ISSUER); // RFC 9207
  });

  it('signs in with sub; the same user again gets the same id; verified email trusted, unverified not', async () => {
    const first = await signIn('u-alice');
    const p1 = await first.conn.handleCallback(first.input);
    expect(p1).toMatchObject({ id: 'u-alice', email: 'alice@example.com', emailVerified: true, name: 'Alice OP', username: 'alice' });
    const again = await signIn('u-alice');
    expect((await again.conn.handleCallback(again.input)).id).toBe('u-alice');
    const mallory = await signIn('u-mallory');
    expect(await mallory.conn.handleCallback(mallory.input)).toMatchObject({ id: 'u-mallory', email: 'alice@example.com', emailVerified: false });
    expect(deps.http.calls.filter((c) => c.endsWith('/.well-known/openid-configuration'))).toHaveLength(1);
  });

  it('userIdClaim picks another claim; a missing one is refused', async () => {
    const s = await signIn('u-alice', { ...config, userIdClaim: 'preferred_username' });
    expect((await s.conn.handleCallback(s.input)).id).toBe('alice');
    const t = await signIn('u-alice', { ...config, userIdClaim: 'employee_number' });
    await expectConnectorError(t.conn.handleCallback(t.input), 'connector.invalid_token');
  });

  it('public clients (no secret) and client_secret_post clients work', async () => {
    const pub = await signIn('u-alice', { issuerUrl: ISSUER, clientId: 'gatehouse-public' });
    expect((await pub.conn.handleCallback(pub.input)).id).toBe('u-alice');
    const post = await signIn('u-alice', { issuerUrl: ISSUER, clientId: 'gatehouse-post', clientSecret: 'post-secret' });
    expect((await post.conn.handleCallback(post.input)).id).toBe('u-alice');
  });

  it.each([
    ['a wrong issuer', (c: Record<string, unknown>) => ({ ...c, iss: 'https://other-op.example.test' })],
    ['a wrong audience', (c: Record<string, unknown>) => ({ ...c, aud: 'another-client' })],
    ['a wrong nonce', (c: Record<string, unknown>) => ({ ...c, nonce: 'nope' })],
    ['an expired token', (c: Record<string, unknown>) => ({ ...c, iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 })],
  ])('refuses an ID token with %s (signed by the provider key)', async (_l, change) => {
    const s = await signIn('u-alice');
    tamperNext({ claims: change });
    await expectConnectorError(s.conn.handleCallback(s.input), 'connector.invalid_token');
  });

  it('refuses an ID token with a forged signature', async () => {
    const s = await signIn('u-alice');
    tamperNext({ claims: (c) => c, rogue: true });
    await expectConnectorError(s.conn.handleCallback(s.input), 'connector.invalid_token');
  });

  it('refuses a token with another subject than UserInfo', async () => {
    const s = await signIn('u-alice');
    tamperNext({ claims: (c) => ({ ...c, sub: 'u-mallory' }) });
    await expectConnectorError(s.conn.handleCallback(s.input), 'connector.invalid_token');
  });

  it('refuses an authorization response from another issuer (RFC 9207 mix-up)', async () => {
    const s = await signIn('u-alice');
    await expectConnectorError(s.conn.handleCallback({ ...s.input, params: { ...s.back.params, iss: 'https://evil-op.example' } }), 'connector.invalid_response');
    const { iss: _drop, ...withoutIss } = s.back.params;
    await expectConnectorError(s.conn.handleCallback({ ...s.input, params: withoutIss }), 'connector.invalid_response');
  });

  it('provider errors: access_denied, replayed code, wrong PKCE verifier, wrong secret', async () => {
    const denied = await signIn('deny');
    expect(denied.back.params['error']).toBe('access_denied');
    await expectConnectorError(denied.conn.handleCallback(denied.input), 'connector.access_denied');
    const used = await signIn('u-alice');
    await used.conn.handleCallback(used.input);
    await expectConnectorError(used.conn.handleCallback(used.input), 'connector.invalid_grant');
    const pkce = await signIn('u-alice');
    await expectConnectorError(pkce.conn.handleCallback({ ...pkce.input, codeVerifier: (await newRequest()).codeVerifier }), 'connector.invalid_grant');
    const secret = await signIn('u-alice');
    await expectConnectorError(oidc.create({ ...config, clientSecret: 'wrong' }, deps).handleCallback(secret.input), 'connector.auth_failed');
  });

  it('an issuerUrl that differs from the discovered issuer is a config error', async () => {
    await expectConnectorError(oidc.create({ ...config, issuerUrl: `${ISSUER}/` }, deps).authorizationUrl(await newRequest()), 'connector.invalid_config');
  });

  it('upstream 500 and timeout → unavailable', async () => {
    const s = await signIn('u-alice');
    broken.failNext(500, '/token');
    divert = '/token';
    await expectConnectorError(s.conn.handleCallback(s.input), 'connector.unavailable');
    const t = await signIn('u-alice', { ...config, timeoutMs: 300 });
    broken.hangNext('/me');
    divert = '/me';
    await expectConnectorError(t.conn.handleCallback(t.input), 'connector.unavailable');
  });
});
