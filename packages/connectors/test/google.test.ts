/**
 * Google connector against the Google fake (test/fakes/google.ts): code + PKCE + nonce, ID-token
 * validation against the fake's JWKS, the hd restriction, and every bad-token case.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { google } from '../src/index.js';
import { startGoogleFake, type GoogleFake } from './fakes/google.js';
import { expectConnectorError } from './helpers/deps.js';
import { browse, CALLBACK, newRequest, socialDeps } from './helpers/social.js';

const CLIENT = { clientId: 'web-client.apps.googleusercontent.com', clientSecret: 'GOCSPX-secret', redirectUris: [CALLBACK] };
const USERS = [
  { sub: '110000000000000000001', email: 'alice@gmail.com', email_verified: true, name: 'Alice G', given_name: 'Alice', family_name: 'G', picture: 'https://lh3.googleusercontent.com/a/alice', locale: 'en' },
  { sub: '110000000000000000002', email: 'bob@corp.example', email_verified: true, name: 'Bob W', hd: 'corp.example' },
  { sub: '110000000000000000003', email: 'carol@outlook.example', email_verified: true, name: 'Carol' },
  { sub: '110000000000000000004', email: 'dave@other.example', email_verified: true, name: 'Dave', hd: 'other.example' },
];

describe('google connector', () => {
  let fake: GoogleFake;
  let deps: ReturnType<typeof socialDeps>;
  const config = { clientId: CLIENT.clientId, clientSecret: CLIENT.clientSecret };

  beforeAll(async () => {
    fake = await startGoogleFake({ clients: [CLIENT], users: USERS });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    deps = socialDeps(fake.overrides);
  });

  async function signIn(login: string, cfg: Record<string, unknown> = config) {
    const conn = google.create(cfg as typeof config, deps);
    const req = await newRequest();
    fake.server.nextLogin = login;
    const back = await browse(await conn.authorizationUrl(req), fake.overrides);
    const input = { params: back.params, redirectUri: CALLBACK, codeVerifier: req.codeVerifier, nonce: req.nonce };
    return { conn, req, back, input };
  }

  it('sends code + PKCE + nonce to the canonical authorize URL', async () => {
    const req = await newRequest();
    const url = new URL(await google.create({ ...config, hd: 'corp.example', prompt: 'select_account' }, deps).authorizationUrl({ ...req, hints: { login_hint: 'bob@corp.example', lang: 'ignored' } }));
    expect(url.origin + url.pathname).toBe('https://accounts.google.com/o/oauth2/v2/auth');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: CLIENT.clientId,
      redirect_uri: CALLBACK,
      response_type: 'code',
      scope: 'openid profile email',
      state: req.state,
      nonce: req.nonce,
      code_challenge: req.codeChallenge,
      code_challenge_method: 'S256',
      hd: 'corp.example',
      prompt: 'select_account',
      login_hint: 'bob@corp.example',
    });
  });

  it('signs in from the validated ID token; a Gmail address is verified', async () => {
    const { conn, back, req, input } = await signIn(USERS[0]!.sub);
    expect(back.params['state']).toBe(req.state);
    const p = await conn.handleCallback(input);
    expect(p).toMatchObject({ id: USERS[0]!.sub, email: 'alice@gmail.com', emailVerified: true, name: 'Alice G', givenName: 'Alice', familyName: 'G', picture: USERS[0]!.picture, locale: 'en' });
    expect(p.raw['iss']).toBe('https://accounts.google.com');
    expect(p.raw).not.toHaveProperty('nonce');
    expect(p.raw).not.toHaveProperty('at_hash');
  });

  it('Workspace accounts (hd) are authoritative; other verified addresses are not trusted for linking', async () => {
    const bob = await signIn(USERS[1]!.sub);
    expect(await bob.conn.handleCallback(bob.input)).toMatchObject({ email: 'bob@corp.example', emailVerified: true });
    const carol = await signIn(USERS[2]!.sub);
    expect(await carol.conn.handleCallback(carol.input)).toMatchObject({ email: 'carol@outlook.example', emailVerified: false });
  });

  it('hd restricts to one Workspace domain: consumer and other-domain accounts → not_allowed', async () => {
    const cfg = { ...config, hd: 'corp.example' };
    const bob = await signIn(USERS[1]!.sub, cfg);
    expect((await bob.conn.handleCallback(bob.input)).id).toBe(USERS[1]!.sub);
    for (const u of [USERS[0]!, USERS[3]!]) {
      const s = await signIn(u.sub, cfg);
      await expectConnectorError(s.conn.handleCallback(s.input), 'connector.not_allowed');
    }
  });

  it('accepts the issuer without https:// (Google documents both)', async () => {
    const s = await signIn(USERS[0]!.sub);
    fake.tamperNextIdToken((c) => ({ ...c, iss: 'accounts.google.com' }));
    expect((await s.conn.handleCallback(s.input)).id).toBe(USERS[0]!.sub);
  });

  it.each([
    ['a wrong issuer', (c: Record<string, unknown>) => ({ ...c, iss: 'https://accounts.evil.example' })],
    ['a wrong audience', (c: Record<string, unknown>) => ({ ...c, aud: 'other-client.apps.googleusercontent.com', azp: 'other-client.apps.googleusercontent.com' })],
    ['several audiences without us as azp', (c: Record<string, unknown>) => ({ ...c, aud: [CLIENT.clientId, 'other'], azp: 'other' })],
    ['a wrong nonce', (c: Record<string, unknown>) => ({ ...c, nonce: 'replayed-nonce' })],
    ['no nonce', (c: Record<string, unknown>) => ({ ...c, nonce: undefined })],
    ['an expired token', (c: Record<string, unknown>) => ({ ...c, iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 })],
    ['a forged signature', (c: Record<string, unknown>) => ({ claims: c, rogue: true as const })],
  ])('refuses an ID token with %s → invalid_token', async (_label, tamper) => {
    const s = await signIn(USERS[0]!.sub);
    fake.tamperNextIdToken(tamper);
    await expectConnectorError(s.conn.handleCallback(s.input), 'connector.invalid_token');
  });

  it('caches the JWKS and refetches it once for an unknown key id', async () => {
    const a = await signIn(USERS[0]!.sub);
    await a.conn.handleCallback(a.input);
    const b = await signIn(USERS[0]!.sub);
    await b.conn.handleCallback(b.input);
    expect(deps.http.calls.filter((c) => c.includes('/oauth2/v3/certs'))).toHaveLength(1);
    // A token under an unknown kid: one refetch (the provider may have rotated), then refused.
    const token = await fake.keys.sign({ iss: 'https://accounts.google.com', aud: CLIENT.clientId, sub: 'x', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 60 }, { kid: 'rotated-away' });
    await expectConnectorError(a.conn.handleMobile!({ idToken: token }), 'connector.invalid_token');
    await expectConnectorError(a.conn.handleMobile!({ idToken: token }), 'connector.invalid_token');
    expect(deps.http.calls.filter((c) => c.includes('/oauth2/v3/certs'))).toHaveLength(2);
  });

  it('provider errors: access_denied, used code, wrong secret, 500, timeout', async () => {
    const denied = await signIn('deny');
    await expectConnectorError(denied.conn.handleCallback(denied.input), 'connector.access_denied');

    const used = await signIn(USERS[0]!.sub);
    await used.conn.handleCallback(used.input);
    await expectConnectorError(used.conn.handleCallback(used.input), 'connector.invalid_grant');

    const bad = await signIn(USERS[0]!.sub);
    await expectConnectorError(google.create({ ...config, clientSecret: 'nope' }, deps).handleCallback(bad.input), 'connector.auth_failed');

    const down = await signIn(USERS[0]!.sub);
    fake.failNext(503, '/token');
    await expectConnectorError(down.conn.handleCallback(down.input), 'connector.unavailable');

    deps = socialDeps(fake.overrides); // empty JWKS cache
    const slow = await signIn(USERS[0]!.sub, { ...config, timeoutMs: 300 });
    fake.hangNext('/oauth2/v3/certs');
    await expectConnectorError(slow.conn.handleCallback(slow.input), 'connector.unavailable');
  });

  it('google:mobile accepts ID tokens for the configured mobile client ids only', async () => {
    const conn = google.create({ ...config, mobileClientIds: ['android-client.apps.googleusercontent.com'] }, deps);
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: 'https://accounts.google.com', aud: 'android-client.apps.googleusercontent.com', azp: 'android-client.apps.googleusercontent.com', sub: USERS[0]!.sub, email: 'alice@gmail.com', email_verified: true, iat: now, exp: now + 600 };
    expect(await conn.handleMobile!({ idToken: await fake.keys.sign(claims) })).toMatchObject({ id: USERS[0]!.sub, emailVerified: true });
    await expectConnectorError(conn.handleMobile!({ idToken: await fake.keys.sign({ ...claims, aud: 'someone-elses-app' }) }), 'connector.invalid_token');
    await expectConnectorError(conn.handleMobile!({ idToken: await fake.keys.sign({ ...claims, nonce: 'n1' }), nonce: 'n2' }), 'connector.invalid_token');
    await expectConnectorError(conn.handleMobile!({}), 'connector.invalid_grant');
  });
});
