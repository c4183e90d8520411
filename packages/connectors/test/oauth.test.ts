/** The custom `oauth` connector against a generic OAuth 2.0 fake (test/fakes/oauth2-generic.ts) with a nested user-info shape. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { oauth } from '../src/index.js';
import { startGenericOAuthFake, type GenericOAuthFake } from './fakes/oauth2-generic.js';
import { expectConnectorError } from './helpers/deps.js';
import { browse, CALLBACK, newRequest, socialDeps } from './helpers/social.js';

const PROVIDER = 'https://sso.partner.example';
const CLIENT = { clientId: 'partner-client', clientSecret: 'partner-secret', redirectUris: [CALLBACK] };
const USERS = [
  { uid: 31337, mail: 'alice@partner.example', mailVerified: true, nick: 'alice', avatar: 'https://sso.partner.example/a.png' },
  { uid: 31338, mail: 'bob@partner.example', mailVerified: false, nick: 'bob', avatar: '' },
];

describe('oauth (custom) connector', () => {
  let fake: GenericOAuthFake;
  let formFake: GenericOAuthFake;
  let deps: ReturnType<typeof socialDeps>;
  const config = {
    authorizationEndpoint: `${PROVIDER}/oauth2/authorize`,
    tokenEndpoint: `${PROVIDER}/oauth2/token`,
    userInfoEndpoint: `${PROVIDER}/api/me`,
    clientId: CLIENT.clientId,
    clientSecret: CLIENT.clientSecret,
    scopes: 'profile',
    claims: { id: 'data.user.uid', email: 'data.user.contact.mail', emailVerified: 'data.user.contact.verified', name: 'data.user.nick', picture: 'data.user.avatar', username: 'data.user.nick' },
  };
  beforeAll(async () => {
    fake = await startGenericOAuthFake({ clients: [CLIENT], users: USERS });
    formFake = await startGenericOAuthFake({ clients: [CLIENT], users: USERS, formEncodedTokens: true });
  });
  afterAll(async () => {
    await fake.close();
    await formFake.close();
  });
  beforeEach(() => {
    deps = socialDeps({ [PROVIDER]: fake.origin });
  });

  async function signIn(login: string, cfg: Record<string, unknown> = config, f = fake) {
    const conn = oauth.create(cfg as typeof config, deps);
    const req = await newRequest();
    f.server.nextLogin = login;
    const url = await conn.authorizationUrl(req);
    const back = await browse(url, { [PROVIDER]: f.origin });
    return { conn, req, url, back, input: { params: back.params, redirectUri: CALLBACK, codeVerifier: req.codeVerifier, nonce: req.nonce } };
  }

  it('maps nested claims; the numeric id becomes a string; PKCE is sent', async () => {
    const { conn, url, req, back, input } = await signIn('alice');
    expect(Object.fromEntries(new URL(url).searchParams)).toEqual({ response_type: 'code', client_id: CLIENT.clientId, redirect_uri: CALLBACK, scope: 'profile', state: req.state, code_challenge: req.codeChallenge, code_challenge_method: 'S256' });
    expect(back.params['state']).toBe(req.state);
    expect(await conn.handleCallback(input)).toMatchObject({ id: '31337', email: 'alice@partner.example', emailVerified: true, name: 'alice', username: 'alice', picture: USERS[0]!.avatar });
    const bob = await signIn('bob');
    const p = await bob.conn.handleCallback(bob.input);
    expect(p).toMatchObject({ id: '31338', emailVerified: false });
    expect(p.picture).toBeUndefined();
    expect(oauth.manifest.trustsVerifiedEmail).toBe(false);
  });

  it('Basic client auth, access token in the query, form-encoded token responses', async () => {
    deps = socialDeps({ [PROVIDER]: formFake.origin });
    const s = await signIn('alice', { ...config, tokenEndpointAuthMethod: 'client_secret_basic', userInfoTokenIn: 'query' }, formFake);
    expect((await s.conn.handleCallback(s.input)).id).toBe('31337');
    const tokenReq = formFake.requests.find((r) => r.url.pathname === '/oauth2/token')!;
    expect(String(tokenReq.headers['authorization'])).toMatch(/^Basic /);
    expect(formFake.requests.find((r) => r.url.pathname === '/api/me')!.url.searchParams.get('access_token')).toBeTruthy();
  });

  it('a mapping that finds no id is invalid_response; default paths read top-level fields', async () => {
    const s = await signIn('alice', { ...config, claims: { id: 'data.user.nope' } });
    await expectConnectorError(s.conn.handleCallback(s.input), 'connector.invalid_response');
    const d = await signIn('alice', { ...config, claims: {} });
    await expectConnectorError(d.conn.handleCallback(d.input), 'connector.invalid_response');
  });

  it('errors: access_denied, used code, wrong PKCE verifier, wrong secret, user info 401, 500, timeout', async () => {
    const denied = await signIn('deny');
    await expectConnectorError(denied.conn.handleCallback(denied.input), 'connector.access_denied');
    const used = await signIn('alice');
    await used.conn.handleCallback(used.input);
    await expectConnectorError(used.conn.handleCallback(used.input), 'connector.invalid_grant');
    const pkce = await signIn('alice');
    await expectConnectorError(pkce.conn.handleCallback({ ...pkce.input, codeVerifier: (await newRequest()).codeVerifier }), 'connector.invalid_grant');
    const secret = await signIn('alice');
    await expectConnectorError(oauth.create({ ...config, clientSecret: 'no' }, deps).handleCallback(secret.input), 'connector.auth_failed');
    const unauthorized = await signIn('alice');
    fake.failNext(401, '/api/me', '{"code":40101}');
    await expectConnectorError(unauthorized.conn.handleCallback(unauthorized.input), 'connector.invalid_response');
    const down = await signIn('alice');
    fake.failNext(500, '/oauth2/token');
    await expectConnectorError(down.conn.handleCallback(down.input), 'connector.unavailable');
    const slow = await signIn('alice', { ...config, timeoutMs: 300 });
    fake.hangNext('/api/me');
    await expectConnectorError(slow.conn.handleCallback(slow.input), 'connector.unavailable');
  });

  it('validates endpoints and claim paths', () => {
    expect(() => oauth.create({ ...config, tokenEndpoint: 'javascript:alert(1)' }, deps)).toThrow(/invalid_config.*\/tokenEndpoint/);
    expect(() => oauth.create({ ...config, claims: { id: '__proto__..x' } }, deps)).toThrow(/invalid_config.*\/claims\/id/);
  });
});
