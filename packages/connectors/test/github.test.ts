/**
 * GitHub connector against the GitHub fake (test/fakes/github.ts), which checks client
 * credentials, redirect URI, PKCE and single-use expiring codes and answers with GitHub's error
 * shapes (HTTP 200 `error=bad_verification_code`).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { github } from '../src/index.js';
import { startGithubFake, type GithubFake } from './fakes/github.js';
import { expectConnectorError } from './helpers/deps.js';
import { browse, CALLBACK, newRequest, socialDeps } from './helpers/social.js';

const CLIENT = { clientId: 'Iv1.gh-client', clientSecret: 'gh-secret-0000', redirectUris: [CALLBACK] };
const ALICE = {
  id: 5001,
  login: 'alice',
  name: 'Alice Liddell',
  email: 'alice-public@example.com',
  avatar_url: 'https://avatars.githubusercontent.com/u/5001',
  emails: [
    { email: 'alice-old@example.com', primary: false, verified: true, visibility: null },
    { email: 'alice@example.com', primary: true, verified: true, visibility: 'private' as const },
  ],
};
const MALLORY = {
  id: 6666,
  login: 'mallory',
  name: null,
  email: 'alice@example.com', // public profile email set to the victim's: must not be used
  avatar_url: 'https://avatars.githubusercontent.com/u/6666',
  emails: [
    { email: 'alice@example.com', primary: true, verified: false, visibility: 'public' as const },
    { email: 'mallory@example.com', primary: false, verified: true, visibility: null },
  ],
};

describe('github connector', () => {
  let fake: GithubFake;
  let deps: ReturnType<typeof socialDeps>;
  const config = { clientId: CLIENT.clientId, clientSecret: CLIENT.clientSecret };

  beforeAll(async () => {
    fake = await startGithubFake({ clients: [CLIENT], users: [ALICE, MALLORY] });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    deps = socialDeps(fake.overrides);
  });

  async function signIn(login = 'alice', cfg: Record<string, unknown> = config) {
    const conn = github.create(cfg as typeof config, deps);
    const req = await newRequest();
    const url = await conn.authorizationUrl(req);
    fake.server.nextLogin = login;
    const back = await browse(url, fake.overrides);
    return { conn, req, url, back };
  }

  it('builds the authorize URL with state, scopes and an S256 challenge', async () => {
    const req = await newRequest();
    const url = new URL(await github.create(config, deps).authorizationUrl(req));
    expect(url.origin + url.pathname).toBe('https://github.com/login/oauth/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: CLIENT.clientId,
      redirect_uri: CALLBACK,
      scope: 'read:user user:email',
      state: req.state,
      code_challenge: req.codeChallenge,
      code_challenge_method: 'S256',
    });
  });

  it('signs in: numeric id as subject, the verified primary email, no tokens in raw', async () => {
    const { conn, req, back } = await signIn();
    expect(back.target).toBe(CALLBACK);
    expect(back.params['state']).toBe(req.state);
    const profile = await conn.handleCallback({ params: back.params, redirectUri: CALLBACK, codeVerifier: req.codeVerifier, nonce: req.nonce });
    expect(profile).toMatchObject({ id: '5001', username: 'alice', name: 'Alice Liddell', email: 'alice@example.com', emailVerified: true, picture: ALICE.avatar_url });
    expect(JSON.stringify(profile.raw)).not.toMatch(/gho_|access_token/);
    expect(profile.raw['login']).toBe('alice');
    // Every call went through the injected client, to GitHub's canonical URLs.
    expect(deps.http.calls.map((c) => c.replace(/\?.*/, ''))).toEqual(['POST https://github.com/login/oauth/access_token', 'GET https://api.github.com/user', 'GET https://api.github.com/user/emails']);
  });

  it('ignores the public profile email and an unverified primary email', async () => {
    const { conn, req, back } = await signIn('mallory');
    const profile = await conn.handleCallback({ params: back.params, redirectUri: CALLBACK, codeVerifier: req.codeVerifier, nonce: req.nonce });
    expect(profile.id).toBe('6666');
    expect(profile.email).toBeUndefined();
    expect(profile.emailVerified).toBeUndefined();
  });

  it('without the user:email scope the profile has no email', async () => {
    const { conn, req, back } = await signIn('alice', { ...config, scopes: 'read:user' });
    const profile = await conn.handleCallback({ params: back.params, redirectUri: CALLBACK, codeVerifier: req.codeVerifier, nonce: req.nonce });
    expect(profile.id).toBe('5001');
    expect(profile.email).toBeUndefined();
  });

  it('maps error=access_denied to connector.access_denied', async () => {
    const { conn, req, back } = await signIn('deny');
    expect(back.params['error']).toBe('access_denied');
    await expectConnectorError(conn.handleCallback({ params: back.params, redirectUri: CALLBACK, codeVerifier: req.codeVerifier, nonce: req.nonce }), 'connector.access_denied');
  });

  it('a replayed code is bad_verification_code (HTTP 200) → invalid_grant', async () => {
    const { conn, req, back } = await signIn();
    const input = { params: back.params, redirectUri: CALLBACK, codeVerifier: req.codeVerifier, nonce: req.nonce };
    await conn.handleCallback(input);
    const err = await expectConnectorError(conn.handleCallback(input), 'connector.invalid_grant');
    expect(err.vendorDetail).toContain('bad_verification_code');
  });

  it('an expired code → invalid_grant', async () => {
    const { conn, req, back } = await signIn();
    fake.server.expireCodes();
    await expectConnectorError(conn.handleCallback({ params: back.params, redirectUri: CALLBACK, codeVerifier: req.codeVerifier, nonce: req.nonce }), 'connector.invalid_grant');
  });

  it('a wrong PKCE verifier → invalid_grant', async () => {
    const { conn, req, back } = await signIn();
    const other = await newRequest();
    await expectConnectorError(conn.handleCallback({ params: back.params, redirectUri: CALLBACK, codeVerifier: other.codeVerifier, nonce: req.nonce }), 'connector.invalid_grant');
  });

  it('a different redirect URI at the token endpoint → redirect_uri_mismatch → invalid_config', async () => {
    const { conn, req, back } = await signIn();
    const err = await expectConnectorError(conn.handleCallback({ params: back.params, redirectUri: `${CALLBACK}/other`, codeVerifier: req.codeVerifier, nonce: req.nonce }), 'connector.invalid_config');
    expect(err.vendorDetail).toContain('redirect_uri_mismatch');
  });

  it('a wrong client secret → incorrect_client_credentials → auth_failed', async () => {
    const { req, back } = await signIn();
    const conn = github.create({ ...config, clientSecret: 'wrong' }, deps);
    await expectConnectorError(conn.handleCallback({ params: back.params, redirectUri: CALLBACK, codeVerifier: req.codeVerifier, nonce: req.nonce }), 'connector.auth_failed');
  });

  it('upstream 500, a timeout and an unreadable body are unavailable / invalid_response', async () => {
    let s = await signIn();
    fake.failNext(500, '/login/oauth/access_token');
    await expectConnectorError(s.conn.handleCallback({ params: s.back.params, redirectUri: CALLBACK, codeVerifier: s.req.codeVerifier, nonce: s.req.nonce }), 'connector.unavailable');

    deps = socialDeps(fake.overrides);
    s = await signIn('alice', { ...config, timeoutMs: 300 });
    fake.hangNext('/user');
    await expectConnectorError(s.conn.handleCallback({ params: s.back.params, redirectUri: CALLBACK, codeVerifier: s.req.codeVerifier, nonce: s.req.nonce }), 'connector.unavailable');

    s = await signIn();
    fake.failNext(200, '/user', '<html>not json</html>');
    await expectConnectorError(s.conn.handleCallback({ params: s.back.params, redirectUri: CALLBACK, codeVerifier: s.req.codeVerifier, nonce: s.req.nonce }), 'connector.invalid_response');
  });

  it('a callback without a code → invalid_response', async () => {
    await expectConnectorError(github.create(config, deps).handleCallback({ params: { state: 'x' }, redirectUri: CALLBACK, codeVerifier: 'v'.repeat(43), nonce: 'n' }), 'connector.invalid_response');
  });

  it('github:mobile exchanges a code the app obtained itself', async () => {
    const conn = github.create(config, deps);
    fake.server.nextLogin = 'alice';
    const back = await browse(`https://github.com/login/oauth/authorize?client_id=${CLIENT.clientId}&scope=read:user%20user:email`, fake.overrides);
    const profile = await conn.handleMobile!({ code: back.params['code']! });
    expect(profile).toMatchObject({ id: '5001', email: 'alice@example.com', emailVerified: true });
    await expectConnectorError(conn.handleMobile!({ code: back.params['code']! }), 'connector.invalid_grant');
    await expectConnectorError(conn.handleMobile!({ token: 'x' }), 'connector.invalid_grant');
  });

  it('refuses config without a secret, naming the field', () => {
    expect(() => github.create({ clientId: 'x' } as typeof config, deps)).toThrow(/invalid_config.*\/clientSecret/);
    expect(github.manifest.secretFields).toEqual(['clientSecret']);
  });
});
