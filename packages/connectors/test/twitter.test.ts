/** X (Twitter) OAuth 2.0 + PKCE connector against the X fake (test/fakes/twitter.ts). */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { twitter } from '../src/index.js';
import { startTwitterFake, type TwitterFake } from './fakes/twitter.js';
import { expectConnectorError } from './helpers/deps.js';
import { browse, CALLBACK, newRequest, socialDeps } from './helpers/social.js';

const CONFIDENTIAL = { clientId: 'X-confidential-client', clientSecret: 'x-secret', redirectUris: [CALLBACK] };
const PUBLIC = { clientId: 'X-public-client', redirectUris: [CALLBACK] };
const USERS = [{ id: '2244994945', name: 'Alice X', username: 'alice_x', profile_image_url: 'https://pbs.twimg.com/profile_images/alice.jpg', confirmed_email: 'alice@example.com' }];

describe('twitter connector', () => {
  let fake: TwitterFake;
  let deps: ReturnType<typeof socialDeps>;
  const config = { clientId: CONFIDENTIAL.clientId, clientSecret: CONFIDENTIAL.clientSecret };
  beforeAll(async () => {
    fake = await startTwitterFake({ clients: [CONFIDENTIAL, PUBLIC], users: USERS });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    deps = socialDeps(fake.overrides);
  });

  async function signIn(cfg: Record<string, unknown> = config, login?: string) {
    const conn = twitter.create(cfg as typeof config, deps);
    const req = await newRequest();
    fake.server.nextLogin = login;
    const url = await conn.authorizationUrl(req);
    const back = await browse(url, fake.overrides);
    return { conn, req, url, back, input: { params: back.params, redirectUri: CALLBACK, codeVerifier: req.codeVerifier, nonce: req.nonce } };
  }

  it('confidential client: PKCE S256 + Basic auth; numeric id', async () => {
    const { conn, url, back, req, input } = await signIn();
    expect(Object.fromEntries(new URL(url).searchParams)).toEqual({ response_type: 'code', client_id: CONFIDENTIAL.clientId, redirect_uri: CALLBACK, scope: 'tweet.read users.read', state: req.state, code_challenge: req.codeChallenge, code_challenge_method: 'S256' });
    expect(back.params['state']).toBe(req.state);
    const p = await conn.handleCallback(input);
    expect(p).toMatchObject({ id: '2244994945', username: 'alice_x', name: 'Alice X', picture: USERS[0]!.profile_image_url });
    expect(p.email).toBeUndefined();
    expect(String(fake.requests.find((r) => r.url.pathname === '/2/oauth2/token')!.headers['authorization'])).toMatch(/^Basic /);
  });

  it('public client without a secret; users.email adds the confirmed email', async () => {
    const { conn, input } = await signIn({ clientId: PUBLIC.clientId, scopes: 'tweet.read users.read users.email' });
    expect(await conn.handleCallback(input)).toMatchObject({ id: '2244994945', email: 'alice@example.com', emailVerified: true });
    expect(twitter.manifest.trustsVerifiedEmail).toBe(false);
  });

  it('invalid_request for a used code or a wrong verifier → invalid_grant; codes live 30 s', async () => {
    const used = await signIn();
    await used.conn.handleCallback(used.input);
    await expectConnectorError(used.conn.handleCallback(used.input), 'connector.invalid_grant');
    const pkce = await signIn();
    await expectConnectorError(pkce.conn.handleCallback({ ...pkce.input, codeVerifier: (await newRequest()).codeVerifier }), 'connector.invalid_grant');
    const late = await signIn();
    fake.server.advance(31_000);
    await expectConnectorError(late.conn.handleCallback(late.input), 'connector.invalid_grant');
  });

  it('unauthorized_client (401) → auth_failed; access_denied; 429/500 and timeout', async () => {
    const secret = await signIn();
    await expectConnectorError(twitter.create({ ...config, clientSecret: 'nope' }, deps).handleCallback(secret.input), 'connector.auth_failed');
    const denied = await signIn(config, 'deny');
    await expectConnectorError(denied.conn.handleCallback(denied.input), 'connector.access_denied');
    const limited = await signIn();
    fake.failNext(429, '/2/users/me', JSON.stringify({ title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 }));
    await expectConnectorError(limited.conn.handleCallback(limited.input), 'connector.rate_limited');
    const down = await signIn();
    fake.failNext(500, '/2/oauth2/token');
    await expectConnectorError(down.conn.handleCallback(down.input), 'connector.unavailable');
    const slow = await signIn({ ...config, timeoutMs: 300 });
    fake.hangNext('/2/users/me');
    await expectConnectorError(slow.conn.handleCallback(slow.input), 'connector.unavailable');
  });
});
