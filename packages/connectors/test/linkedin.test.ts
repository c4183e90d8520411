/**
 * LinkedIn (OpenID Connect) against the LinkedIn fake (test/fakes/linkedin.ts), including its
 * `invalid_request` answer for a bad code and both issuer spellings.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { linkedin } from '../src/index.js';
import { startLinkedinFake, type LinkedinFake } from './fakes/linkedin.js';
import { expectConnectorError } from './helpers/deps.js';
import { badIdTokens } from './helpers/id-token-cases.js';
import { browse, CALLBACK, newRequest, socialDeps } from './helpers/social.js';

const CLIENT = { clientId: '78abcdefghijkl', clientSecret: 'WPL_AP1.secret', redirectUris: [CALLBACK] };
const USERS = [{ sub: 'yrZCpj2Z12', email: 'alice@example.com', email_verified: true, given_name: 'Alice', family_name: 'Link', picture: 'https://media.licdn.com/alice.jpg' }];

describe('linkedin connector', () => {
  let fake: LinkedinFake;
  let deps: ReturnType<typeof socialDeps>;
  const config = { clientId: CLIENT.clientId, clientSecret: CLIENT.clientSecret };

  beforeAll(async () => {
    fake = await startLinkedinFake({ clients: [CLIENT], users: USERS });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    deps = socialDeps(fake.overrides);
  });

  async function signIn(login?: string, cfg: Record<string, unknown> = config) {
    const conn = linkedin.create(cfg as typeof config, deps);
    const req = await newRequest();
    fake.server.nextLogin = login;
    const url = await conn.authorizationUrl(req);
    const back = await browse(url, fake.overrides);
    return { conn, req, url, back, input: { params: back.params, redirectUri: CALLBACK, codeVerifier: req.codeVerifier, nonce: req.nonce } };
  }

  it('signs in from the ID token; emails are not trusted for linking', async () => {
    const { conn, url, back, req, input } = await signIn();
    expect(url.startsWith('https://www.linkedin.com/oauth/v2/authorization?')).toBe(true);
    expect(back.params['state']).toBe(req.state);
    expect(await conn.handleCallback(input)).toMatchObject({ id: 'yrZCpj2Z12', name: 'Alice Link', email: 'alice@example.com', emailVerified: true, picture: USERS[0]!.picture });
    expect(linkedin.manifest.trustsVerifiedEmail).toBe(false);
  });

  it('accepts both issuer spellings and a token without nonce', async () => {
    const a = await signIn();
    fake.tamperNextIdToken((c) => ({ ...c, iss: 'https://www.linkedin.com', nonce: undefined }));
    expect((await a.conn.handleCallback(a.input)).id).toBe('yrZCpj2Z12');
  });

  it.each(badIdTokens())('refuses an ID token with %s', async (_l, tamper) => {
    const s = await signIn();
    fake.tamperNextIdToken(tamper);
    await expectConnectorError(s.conn.handleCallback(s.input), 'connector.invalid_token');
  });

  it('invalid_request "Unable to retrieve access token" (used/expired code) → invalid_grant; invalid_client → auth_failed', async () => {
    const used = await signIn();
    await used.conn.handleCallback(used.input);
    await expectConnectorError(used.conn.handleCallback(used.input), 'connector.invalid_grant');
    const expired = await signIn();
    fake.server.expireCodes();
    await expectConnectorError(expired.conn.handleCallback(expired.input), 'connector.invalid_grant');
    const secret = await signIn();
    await expectConnectorError(linkedin.create({ ...config, clientSecret: 'no' }, deps).handleCallback(secret.input), 'connector.auth_failed');
  });

  it('user_cancelled_authorize → access_denied; 500 and timeout → unavailable', async () => {
    const denied = await signIn('deny');
    expect(denied.back.params['error']).toBe('user_cancelled_authorize');
    await expectConnectorError(denied.conn.handleCallback(denied.input), 'connector.access_denied');
    const down = await signIn();
    fake.failNext(500, '/oauth/v2/accessToken');
    await expectConnectorError(down.conn.handleCallback(down.input), 'connector.unavailable');
    const slow = await signIn(undefined, { ...config, timeoutMs: 300 });
    fake.hangNext('/oauth/v2/accessToken');
    await expectConnectorError(slow.conn.handleCallback(slow.input), 'connector.unavailable');
  });
});
