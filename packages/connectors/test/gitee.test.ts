/** Gitee connector against the Gitee fake (test/fakes/gitee.ts). */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gitee } from '../src/index.js';
import { startGiteeFake, type GiteeFake } from './fakes/gitee.js';
import { expectConnectorError } from './helpers/deps.js';
import { browse, CALLBACK, newRequest, socialDeps } from './helpers/social.js';

const CLIENT = { clientId: 'gitee-client', clientSecret: 'gitee-secret', redirectUris: [CALLBACK] };
const USERS = [
  { id: 7001, login: 'zhangsan', name: '张三', avatar_url: 'https://foruda.gitee.com/avatar/zs.png', email: null, emails: [{ email: 'zs@example.cn', state: 'confirmed' as const, scope: ['primary', 'commit'] }] },
  { id: 7002, login: 'lisi', name: '李四', avatar_url: 'https://gitee.com/assets/no_portrait.png', email: 'zs@example.cn', emails: [{ email: 'zs@example.cn', state: 'unconfirmed' as const, scope: ['primary'] }] },
];

describe('gitee connector', () => {
  let fake: GiteeFake;
  let deps: ReturnType<typeof socialDeps>;
  const config = { clientId: CLIENT.clientId, clientSecret: CLIENT.clientSecret };
  beforeAll(async () => {
    fake = await startGiteeFake({ clients: [CLIENT], users: USERS });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    deps = socialDeps(fake.overrides);
  });

  async function signIn(login: string, cfg: Record<string, unknown> = config) {
    const conn = gitee.create(cfg as typeof config, deps);
    const req = await newRequest();
    fake.server.nextLogin = login;
    const url = await conn.authorizationUrl(req);
    const back = await browse(url, fake.overrides);
    return { conn, req, url, back, input: { params: back.params, redirectUri: CALLBACK, codeVerifier: req.codeVerifier, nonce: req.nonce } };
  }

  it('signs in: numeric id, confirmed primary email only', async () => {
    const { conn, url, back, req, input } = await signIn('zhangsan');
    expect(Object.fromEntries(new URL(url).searchParams)).toEqual({ client_id: CLIENT.clientId, redirect_uri: CALLBACK, response_type: 'code', scope: 'user_info emails', state: req.state });
    expect(back.params['state']).toBe(req.state);
    expect(await conn.handleCallback(input)).toMatchObject({ id: '7001', username: 'zhangsan', name: '张三', email: 'zs@example.cn', emailVerified: true });
    const l = await signIn('lisi');
    const p = await l.conn.handleCallback(l.input);
    expect(p.id).toBe('7002');
    expect(p.email).toBeUndefined();
  });

  it('without the emails scope there is no email and no emails call', async () => {
    const { conn, input } = await signIn('zhangsan', { ...config, scopes: 'user_info' });
    expect((await conn.handleCallback(input)).email).toBeUndefined();
    expect(deps.http.calls.some((c) => c.includes('/api/v5/emails'))).toBe(false);
  });

  it('errors: access_denied, invalid_grant (401) for a used code, invalid_client, 500, timeout, garbage', async () => {
    const denied = await signIn('deny');
    await expectConnectorError(denied.conn.handleCallback(denied.input), 'connector.access_denied');
    const used = await signIn('zhangsan');
    await used.conn.handleCallback(used.input);
    await expectConnectorError(used.conn.handleCallback(used.input), 'connector.invalid_grant');
    const wrongRedirect = await signIn('zhangsan');
    await expectConnectorError(wrongRedirect.conn.handleCallback({ ...wrongRedirect.input, redirectUri: 'https://elsewhere.example/cb' }), 'connector.invalid_grant');
    const secret = await signIn('zhangsan');
    await expectConnectorError(gitee.create({ ...config, clientSecret: 'x' }, deps).handleCallback(secret.input), 'connector.auth_failed');
    const down = await signIn('zhangsan');
    fake.failNext(500, '/api/v5/user');
    await expectConnectorError(down.conn.handleCallback(down.input), 'connector.unavailable');
    const slow = await signIn('zhangsan', { ...config, timeoutMs: 300 });
    fake.hangNext('/oauth/token');
    await expectConnectorError(slow.conn.handleCallback(slow.input), 'connector.unavailable');
    const garbage = await signIn('zhangsan');
    fake.failNext(200, '/api/v5/emails', '{"unexpected":true}');
    await expectConnectorError(garbage.conn.handleCallback(garbage.input), 'connector.invalid_response');
  });
});
