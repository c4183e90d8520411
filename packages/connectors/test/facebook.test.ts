/**
 * Facebook connector against the Facebook fake (test/fakes/facebook.ts): Graph error subcodes,
 * appsecret_proof, and the mobile token check through /debug_token.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { facebook } from '../src/index.js';
import { startFacebookFake, type FacebookFake } from './fakes/facebook.js';
import { expectConnectorError } from './helpers/deps.js';
import { browse, CALLBACK, newRequest, socialDeps } from './helpers/social.js';

const APP = { clientId: '1234567890123', clientSecret: 'fb-app-secret', redirectUris: [CALLBACK] };
const OTHER_APP = { clientId: '9999999999999', clientSecret: 'other-secret', redirectUris: [] };
const USERS = [{ id: '10158000000000001', name: 'Alice Face', first_name: 'Alice', last_name: 'Face', email: 'alice@example.com', picture: 'https://platform-lookaside.fbsbx.com/alice' }];

describe('facebook connector', () => {
  let fake: FacebookFake;
  let deps: ReturnType<typeof socialDeps>;
  const config = { clientId: APP.clientId, clientSecret: APP.clientSecret };
  beforeAll(async () => {
    fake = await startFacebookFake({ version: 'v23.0', clients: [APP, OTHER_APP], users: USERS });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    deps = socialDeps(fake.overrides);
  });

  async function signIn(login?: string) {
    const conn = facebook.create(config, deps);
    const req = await newRequest();
    fake.server.nextLogin = login;
    const url = await conn.authorizationUrl(req);
    const back = await browse(url, fake.overrides);
    return { conn, req, url, back, input: { params: back.params, redirectUri: CALLBACK, codeVerifier: req.codeVerifier, nonce: req.nonce } };
  }

  it('signs in with the app-scoped id; email unverified; appsecret_proof sent', async () => {
    const { conn, url, back, req, input } = await signIn();
    expect(url.startsWith('https://www.facebook.com/v23.0/dialog/oauth?')).toBe(true);
    expect(new URL(url).searchParams.get('scope')).toBe('public_profile,email');
    expect(back.params['state']).toBe(req.state);
    expect(await conn.handleCallback(input)).toMatchObject({ id: USERS[0]!.id, name: 'Alice Face', givenName: 'Alice', email: 'alice@example.com', emailVerified: false, picture: USERS[0]!.picture });
    expect(fake.appsecretProofs.at(-1)).toBe(true);
  });

  it('Graph errors: 36009 used, 36007 expired, 36008 redirect mismatch → invalid_grant; code 1 bad secret → auth_failed', async () => {
    const used = await signIn();
    await used.conn.handleCallback(used.input);
    expect((await expectConnectorError(used.conn.handleCallback(used.input), 'connector.invalid_grant')).vendorDetail).toContain('36009');
    const expired = await signIn();
    fake.server.expireCodes();
    expect((await expectConnectorError(expired.conn.handleCallback(expired.input), 'connector.invalid_grant')).vendorDetail).toContain('36007');
    const redirect = await signIn();
    expect((await expectConnectorError(redirect.conn.handleCallback({ ...redirect.input, redirectUri: `${CALLBACK}?x=1` }), 'connector.invalid_grant')).vendorDetail).toContain('36008');
    const secret = await signIn();
    await expectConnectorError(facebook.create({ ...config, clientSecret: 'wrong' }, deps).handleCallback(secret.input), 'connector.auth_failed');
  });

  it('error_reason=user_denied → access_denied; 500 and timeout → unavailable', async () => {
    const denied = await signIn('deny');
    expect(denied.back.params['error_reason']).toBe('user_denied');
    await expectConnectorError(denied.conn.handleCallback(denied.input), 'connector.access_denied');
    const down = await signIn();
    fake.failNext(500, '/v23.0/me');
    await expectConnectorError(down.conn.handleCallback(down.input), 'connector.unavailable');
    const slow = await signIn();
    fake.hangNext('/v23.0/oauth/access_token');
    await expectConnectorError(facebook.create({ ...config, timeoutMs: 300 }, deps).handleCallback(slow.input), 'connector.unavailable');
  });

  it('facebook:mobile checks the SDK token belongs to this app (debug_token) before trusting it', async () => {
    const conn = facebook.create(config, deps);
    expect(await conn.handleMobile!({ accessToken: fake.issueUserToken(APP.clientId, USERS[0]!.id) })).toMatchObject({ id: USERS[0]!.id });
    // A token the same user gave to another app must not sign in here.
    await expectConnectorError(conn.handleMobile!({ accessToken: fake.issueUserToken(OTHER_APP.clientId, USERS[0]!.id) }), 'connector.invalid_token');
    await expectConnectorError(conn.handleMobile!({ accessToken: 'EAAforged' }), 'connector.invalid_grant');
    await expectConnectorError(conn.handleMobile!({}), 'connector.invalid_grant');
  });
});
