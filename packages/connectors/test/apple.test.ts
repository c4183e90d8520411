/**
 * Sign in with Apple against the Apple fake (test/fakes/apple.ts), which verifies our ES256
 * client-secret JWT with the team's public key, insists on form_post, and posts the `user` JSON
 * on the first authorization only.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apple } from '../src/index.js';
import { startAppleFake, type AppleFake } from './fakes/apple.js';
import { expectConnectorError } from './helpers/deps.js';
import { browse, CALLBACK, newRequest, socialDeps } from './helpers/social.js';

const TEAM = 'TEAM123456';
const KEY_ID = 'KEY1234567';
const ec = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
const teamKey = ec();
const privateKey = teamKey.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const SERVICES_ID = 'com.example.signin';
const BUNDLE_ID = 'com.example.app';
const USERS = [
  { sub: '001234.abcdef0123456789abcdef0123456789.0123', email: 'x7k2m9@privaterelay.appleid.com', isPrivateEmail: true, firstName: 'Alice', lastName: 'Apple' },
  { sub: '001234.fedcba9876543210fedcba9876543210.0456', email: 'bob@icloud.com', firstName: 'Bob', lastName: 'B' },
];

describe('apple connector', () => {
  let fake: AppleFake;
  let deps: ReturnType<typeof socialDeps>;
  const config = { clientId: SERVICES_ID, teamId: TEAM, keyId: KEY_ID, privateKey, bundleIds: [BUNDLE_ID] };

  beforeAll(async () => {
    fake = await startAppleFake({
      teamId: TEAM,
      keys: { [KEY_ID]: teamKey.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
      clients: [
        { clientId: SERVICES_ID, redirectUris: [CALLBACK] },
        { clientId: BUNDLE_ID, redirectUris: [] },
      ],
      users: USERS,
    });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    deps = socialDeps(fake.overrides);
  });

  async function signIn(login: string, cfg: Record<string, unknown> = config) {
    const conn = apple.create(cfg as typeof config, deps);
    const req = await newRequest();
    fake.server.nextLogin = login;
    const back = await browse(await conn.authorizationUrl(req), fake.overrides);
    return { conn, req, back, input: { params: back.params, redirectUri: CALLBACK, codeVerifier: req.codeVerifier, nonce: req.nonce } };
  }

  it('asks for name and email with response_mode=form_post', async () => {
    const req = await newRequest();
    const url = new URL(await apple.create(config, deps).authorizationUrl(req));
    expect(url.origin + url.pathname).toBe('https://appleid.apple.com/auth/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: SERVICES_ID, redirect_uri: CALLBACK, response_type: 'code', response_mode: 'form_post', scope: 'name email', state: req.state, nonce: req.nonce });
    expect(apple.manifest.responseMode).toBe('form_post');
  });

  it('first login: the form post carries the user JSON; name from it, email from the signed ID token', async () => {
    const { conn, req, back, input } = await signIn(USERS[0]!.sub);
    expect(back.method).toBe('POST');
    expect(back.params['state']).toBe(req.state);
    expect(JSON.parse(back.params['user']!)).toMatchObject({ name: { firstName: 'Alice', lastName: 'Apple' } });
    const p = await conn.handleCallback(input);
    expect(p).toMatchObject({ id: USERS[0]!.sub, email: USERS[0]!.email, emailVerified: true, name: 'Alice Apple', givenName: 'Alice', familyName: 'Apple' });
    expect(p.raw['is_private_email']).toBe('true');
    expect(fake.clientSecrets.at(-1)).toEqual({ ok: true });
  });

  it('later logins have no user JSON; a forged user email is ignored', async () => {
    const first = await signIn(USERS[1]!.sub);
    await first.conn.handleCallback(first.input);
    const again = await signIn(USERS[1]!.sub);
    expect(again.back.params['user']).toBeUndefined();
    const p = await again.conn.handleCallback({ ...again.input, params: { ...again.back.params, user: JSON.stringify({ email: 'victim@example.com', name: { firstName: 'Eve' } }) } });
    expect(p).toMatchObject({ id: USERS[1]!.sub, email: 'bob@icloud.com', name: 'Eve' });
  });

  it('a client secret signed with another key, for another team or expired is invalid_client → auth_failed', async () => {
    const other = ec().privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    for (const [cfg, reason] of [
      [{ ...config, privateKey: other }, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'],
      [{ ...config, teamId: 'OTHERTEAM1' }, 'ERR_JWT_CLAIM_VALIDATION_FAILED'],
      [{ ...config, keyId: 'UNKNOWNKEY' }, 'kid'],
    ] as const) {
      const s = await signIn(USERS[0]!.sub);
      await expectConnectorError(apple.create(cfg, deps).handleCallback(s.input), 'connector.auth_failed');
      expect(fake.clientSecrets.at(-1)).toEqual({ ok: false, reason });
    }
    const s = await signIn(USERS[0]!.sub);
    const stale = socialDeps(fake.overrides, { now: new Date(Date.now() - 3_600_000) });
    await expectConnectorError(apple.create(config, stale).handleCallback(s.input), 'connector.auth_failed');
    expect(fake.clientSecrets.at(-1)).toEqual({ ok: false, reason: 'ERR_JWT_EXPIRED' });
  });

  it('user_cancelled_authorize → access_denied; a code older than five minutes → invalid_grant; a used one too', async () => {
    const denied = await signIn('deny');
    expect(denied.back.params['error']).toBe('user_cancelled_authorize');
    await expectConnectorError(denied.conn.handleCallback(denied.input), 'connector.access_denied');

    const late = await signIn(USERS[0]!.sub);
    const skip = 5 * 60_000 + 1000;
    fake.server.advance(skip);
    try {
      // Our clock moves with the fake's, so the client secret itself is fresh.
      const later = socialDeps(fake.overrides, { now: new Date(Date.now() + skip) });
      await expectConnectorError(apple.create(config, later).handleCallback(late.input), 'connector.invalid_grant');
      expect(fake.clientSecrets.at(-1)).toEqual({ ok: true });
    } finally {
      fake.server.advance(-skip);
    }

    const used = await signIn(USERS[0]!.sub);
    await used.conn.handleCallback(used.input);
    await expectConnectorError(used.conn.handleCallback(used.input), 'connector.invalid_grant');
  });

  it.each([
    ['issuer', (c: Record<string, unknown>) => ({ ...c, iss: 'https://appleid.apple.com.evil.example' })],
    ['audience', (c: Record<string, unknown>) => ({ ...c, aud: 'com.other.signin' })],
    ['nonce', (c: Record<string, unknown>) => ({ ...c, nonce: 'x' })],
    ['expiry', (c: Record<string, unknown>) => ({ ...c, exp: Math.floor(Date.now() / 1000) - 300 })],
    ['signature', (c: Record<string, unknown>) => ({ claims: c, rogue: true as const })],
  ])('refuses an ID token with a wrong %s → invalid_token', async (_l, tamper) => {
    const s = await signIn(USERS[0]!.sub);
    fake.tamperNextIdToken(tamper);
    await expectConnectorError(s.conn.handleCallback(s.input), 'connector.invalid_token');
  });

  it('upstream 500 and timeout → unavailable', async () => {
    const s = await signIn(USERS[0]!.sub);
    fake.failNext(500, '/auth/token');
    await expectConnectorError(s.conn.handleCallback(s.input), 'connector.unavailable');
    const t = await signIn(USERS[0]!.sub, { ...config, timeoutMs: 300 });
    fake.hangNext('/auth/token');
    await expectConnectorError(t.conn.handleCallback(t.input), 'connector.unavailable');
  });

  it('apple (native): a code issued to the bundle id, client secret with sub = bundle id, token audience = bundle id', async () => {
    const code = fake.server.issueCode({ clientId: BUNDLE_ID, redirectUri: undefined, scope: 'name email', nonce: 'hashed-nonce', user: USERS[1]!, extra: {} });
    const conn = apple.create(config, deps);
    const p = await conn.handleMobile!({ code, nonce: 'hashed-nonce', user: { name: { firstName: 'Bob', lastName: 'B' } } });
    expect(p).toMatchObject({ id: USERS[1]!.sub, email: 'bob@icloud.com', name: 'Bob B' });
    const code2 = fake.server.issueCode({ clientId: BUNDLE_ID, redirectUri: undefined, scope: 'email', user: USERS[1]!, extra: {} });
    await expectConnectorError(conn.handleMobile!({ code: code2, bundleId: 'com.not.configured' }), 'connector.invalid_config');
    await expectConnectorError(conn.handleMobile!({ nonce: 'x' }), 'connector.invalid_grant');
  });

  it('refuses a private key that is not P-256', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => apple.create({ ...config, privateKey: rsa }, deps)).toThrow(/invalid_config.*P-256/);
    expect(() => apple.create({ ...config, privateKey: 'x'.repeat(200) }, deps)).toThrow(/invalid_config/);
    expect(apple.manifest.secretFields).toEqual(['privateKey']);
  });
});
