/**
 * Sign in with Slack against the Slack fake (test/fakes/slack.ts): HTTP 200 `ok:false` errors,
 * team-scoped subjects and the workspace restriction.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { slack } from '../src/index.js';
import { startSlackFake, type SlackFake } from './fakes/slack.js';
import { expectConnectorError } from './helpers/deps.js';
import { badIdTokens } from './helpers/id-token-cases.js';
import { browse, CALLBACK, newRequest, socialDeps } from './helpers/social.js';

const CLIENT = { clientId: '1234567890.0987654321', clientSecret: 'slack-secret', redirectUris: [CALLBACK] };
const USERS = [
  { login: 'alice', sub: 'U0R7JM', teamId: 'T0R7GR', teamName: 'Acme', email: 'alice@acme.example', email_verified: true, name: 'Alice Slack', picture: 'https://secure.gravatar.com/avatar/a.png' },
  { login: 'eve', sub: 'U0R7JM', teamId: 'T0OTHER', teamName: 'Other', email: 'eve@other.example', email_verified: true, name: 'Eve (same user id, other workspace)' },
];

describe('slack connector', () => {
  let fake: SlackFake;
  let deps: ReturnType<typeof socialDeps>;
  const config = { clientId: CLIENT.clientId, clientSecret: CLIENT.clientSecret };

  beforeAll(async () => {
    fake = await startSlackFake({ clients: [CLIENT], users: USERS });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    deps = socialDeps(fake.overrides);
  });

  async function signIn(login: 'alice' | 'eve' | 'deny', cfg: Record<string, unknown> = config) {
    const conn = slack.create(cfg as typeof config, deps);
    const req = await newRequest();
    const url = await conn.authorizationUrl(req);
    fake.server.nextLogin = login;
    const back = await browse(url, fake.overrides);
    return { conn, req, url, back, input: { params: back.params, redirectUri: CALLBACK, codeVerifier: req.codeVerifier, nonce: req.nonce } };
  }

  it('signs in with team_id:user_id as the subject', async () => {
    const { conn, url, back, req, input } = await signIn('alice');
    expect(new URL(url).origin + new URL(url).pathname).toBe('https://slack.com/openid/connect/authorize');
    expect(back.params['state']).toBe(req.state);
    const p = await conn.handleCallback(input);
    expect(p).toMatchObject({ id: 'T0R7GR:U0R7JM', email: 'alice@acme.example', emailVerified: true, name: 'Alice Slack' });
    expect(p.raw['https://slack.com/team_name']).toBe('Acme');
  });

  it('the same user id in another workspace is another identity; teamId restricts', async () => {
    const other = await signIn('eve');
    expect((await other.conn.handleCallback(other.input)).id).toBe('T0OTHER:U0R7JM');
    const cfg = { ...config, teamId: 'T0R7GR' };
    const restricted = await signIn('eve', cfg);
    expect(new URL(restricted.url).searchParams.get('team')).toBe('T0R7GR');
    await expectConnectorError(restricted.conn.handleCallback(restricted.input), 'connector.not_allowed');
    const ok = await signIn('alice', cfg);
    expect((await ok.conn.handleCallback(ok.input)).id).toBe('T0R7GR:U0R7JM');
  });

  it.each(badIdTokens())('refuses an ID token with %s', async (_l, tamper) => {
    const s = await signIn('alice');
    fake.tamperNextIdToken(tamper);
    await expectConnectorError(s.conn.handleCallback(s.input), 'connector.invalid_token');
  });

  it('ok:false errors: invalid_code (used) → invalid_grant, bad_client_secret → auth_failed, bad_redirect_uri → invalid_config', async () => {
    const used = await signIn('alice');
    await used.conn.handleCallback(used.input);
    expect((await expectConnectorError(used.conn.handleCallback(used.input), 'connector.invalid_grant')).vendorDetail).toContain('invalid_code');
    const secret = await signIn('alice');
    await expectConnectorError(slack.create({ ...config, clientSecret: 'nope' }, deps).handleCallback(secret.input), 'connector.auth_failed');
    const redirect = await signIn('alice');
    await expectConnectorError(redirect.conn.handleCallback({ ...redirect.input, redirectUri: 'https://elsewhere.example/cb' }), 'connector.invalid_config');
  });

  it('access_denied, 500 and timeout', async () => {
    const denied = await signIn('deny');
    await expectConnectorError(denied.conn.handleCallback(denied.input), 'connector.access_denied');
    const down = await signIn('alice');
    fake.failNext(500, '/api/openid.connect.token');
    await expectConnectorError(down.conn.handleCallback(down.input), 'connector.unavailable');
    const slow = await signIn('alice', { ...config, timeoutMs: 300 });
    fake.hangNext('/openid/connect/keys');
    await expectConnectorError(slow.conn.handleCallback(slow.input), 'connector.unavailable');
  });
});
