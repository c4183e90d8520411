/**
 * GitLab connector against the GitLab fake (test/fakes/gitlab.ts), for gitlab.com and a
 * self-managed instance under another base URL (its own issuer and keys).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gitlab } from '../src/index.js';
import { startGitlabFake, type GitlabFake } from './fakes/gitlab.js';
import { expectConnectorError } from './helpers/deps.js';
import { badIdTokens } from './helpers/id-token-cases.js';
import { browse, CALLBACK, newRequest, socialDeps } from './helpers/social.js';

const CLIENT = { clientId: 'gl-app-id', clientSecret: 'gloas-secret', redirectUris: [CALLBACK] };
const USERS = [
  { sub: '4242', username: 'alice', name: 'Alice GL', email: 'alice@example.com', email_verified: true, avatar: 'https://gitlab.com/uploads/alice.png', groups: ['acme', 'acme/devs'] },
  { sub: '4343', username: 'bob', name: 'Bob GL', email: 'bob@example.com', email_verified: false },
];

describe('gitlab connector', () => {
  let saas: GitlabFake;
  let selfManaged: GitlabFake;
  let deps: ReturnType<typeof socialDeps>;
  const config = { clientId: CLIENT.clientId, clientSecret: CLIENT.clientSecret };

  beforeAll(async () => {
    saas = await startGitlabFake({ baseUrl: 'https://gitlab.com', clients: [CLIENT], users: USERS });
    selfManaged = await startGitlabFake({ baseUrl: 'https://git.corp.example/gitlab', clients: [CLIENT], users: USERS });
  });
  afterAll(async () => {
    await saas.close();
    await selfManaged.close();
  });
  beforeEach(() => {
    deps = socialDeps({ ...saas.overrides, ...selfManaged.overrides });
  });

  async function signIn(fake: GitlabFake, login: string, cfg: Record<string, unknown> = config) {
    const conn = gitlab.create(cfg as typeof config, deps);
    const req = await newRequest();
    fake.server.nextLogin = login;
    const url = await conn.authorizationUrl(req);
    const back = await browse(url, fake.overrides);
    return { conn, req, url, back, input: { params: back.params, redirectUri: CALLBACK, codeVerifier: req.codeVerifier, nonce: req.nonce } };
  }

  it('gitlab.com: PKCE + nonce, numeric id, groups from userinfo', async () => {
    const { conn, url, back, req, input } = await signIn(saas, 'alice');
    expect(url.startsWith('https://gitlab.com/oauth/authorize?')).toBe(true);
    expect(new URL(url).searchParams.get('code_challenge')).toBe(req.codeChallenge);
    expect(back.params['state']).toBe(req.state);
    const p = await conn.handleCallback(input);
    expect(p).toMatchObject({ id: '4242', username: 'alice', name: 'Alice GL', email: 'alice@example.com', emailVerified: true, groups: ['acme', 'acme/devs'] });
    expect(deps.http.calls.map((c) => c.split('?')[0])).toEqual(['POST https://gitlab.com/oauth/token', 'GET https://gitlab.com/oauth/discovery/keys', 'GET https://gitlab.com/oauth/userinfo']);
  });

  it('a self-managed baseUrl is the issuer; a token from gitlab.com is refused there', async () => {
    const cfg = { ...config, baseUrl: 'https://git.corp.example/gitlab/' };
    const s = await signIn(selfManaged, 'bob', cfg);
    expect(s.url.startsWith('https://git.corp.example/gitlab/oauth/authorize?')).toBe(true);
    expect(await s.conn.handleCallback(s.input)).toMatchObject({ id: '4343', emailVerified: false });
    const t = await signIn(selfManaged, 'bob', cfg);
    selfManaged.tamperNextIdToken((c) => ({ ...c, iss: 'https://gitlab.com' }));
    await expectConnectorError(t.conn.handleCallback(t.input), 'connector.invalid_token');
    expect(gitlab.manifest.trustsVerifiedEmail).toBe(false);
  });

  it.each(badIdTokens())('refuses an ID token with %s', async (_l, tamper) => {
    const s = await signIn(saas, 'alice');
    saas.tamperNextIdToken(tamper);
    await expectConnectorError(s.conn.handleCallback(s.input), 'connector.invalid_token');
  });

  it('refuses userinfo for another subject', async () => {
    const s = await signIn(saas, 'alice');
    saas.tamperNextIdToken((c) => ({ ...c, sub: '9999' }));
    await expectConnectorError(s.conn.handleCallback(s.input), 'connector.invalid_token');
  });

  it('provider errors: access_denied, replayed code, wrong PKCE verifier, wrong secret, 500, timeout', async () => {
    const denied = await signIn(saas, 'deny');
    await expectConnectorError(denied.conn.handleCallback(denied.input), 'connector.access_denied');
    const used = await signIn(saas, 'alice');
    await used.conn.handleCallback(used.input);
    await expectConnectorError(used.conn.handleCallback(used.input), 'connector.invalid_grant');
    const pkce = await signIn(saas, 'alice');
    await expectConnectorError(pkce.conn.handleCallback({ ...pkce.input, codeVerifier: (await newRequest()).codeVerifier }), 'connector.invalid_grant');
    const secret = await signIn(saas, 'alice');
    await expectConnectorError(gitlab.create({ ...config, clientSecret: 'x' }, deps).handleCallback(secret.input), 'connector.auth_failed');
    const down = await signIn(saas, 'alice');
    saas.failNext(502, '/oauth/userinfo');
    await expectConnectorError(down.conn.handleCallback(down.input), 'connector.unavailable');
    const slow = await signIn(saas, 'alice', { ...config, timeoutMs: 300 });
    saas.hangNext('/oauth/token');
    await expectConnectorError(slow.conn.handleCallback(slow.input), 'connector.unavailable');
  });

  it('gitlab:mobile redeems an app-obtained code', async () => {
    const code = saas.server.issueCode({ clientId: CLIENT.clientId, redirectUri: 'com.example.app:/oauth', scope: 'openid profile email', user: USERS[0]!, extra: {} });
    expect(await gitlab.create(config, deps).handleMobile!({ code, redirectUri: 'com.example.app:/oauth' })).toMatchObject({ id: '4242' });
  });
});
