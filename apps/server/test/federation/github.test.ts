import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import type { FakeClient } from '../../../../packages/connectors/test/fakes/oauth-core.js';
import { startGithubFake, type GithubFake } from '../../../../packages/connectors/test/fakes/github.js';
import { ok } from '../support/management.js';
import { Browser, startOidcServer, type OidcTestServer } from '../oidc/support.js';

/**
 * `github` against the GitHub fake through GATEHOUSE_UPSTREAM_OVERRIDES (github.com and
 * api.github.com mapped to the fake): the popup round trip signs a new user in, the second login
 * finds the same user, and the linking rules hold — GitHub's verified primary email auto-links
 * to a local account whose email is verified, and is refused (link required) when the local
 * email is not verified.
 */
const clients: FakeClient[] = [];
let fake: GithubFake;
let gh: OidcTestServer;
let mc: ManagementClient;
let appId = '';

const user = (id: number, login: string, email: string, verified: boolean) => ({ id, login, name: login.toUpperCase(), email, avatar_url: `https://avatars.example/${id}`, emails: [{ email, primary: true, verified, visibility: 'public' as const }] });

beforeAll(async () => {
  fake = await startGithubFake({ clients, users: [user(101, 'octo', 'octo@example.com', true), user(102, 'linker', 'linker@example.com', true), user(103, 'claimer', 'claimer@example.com', true)] });
  gh = await startOidcServer({ config: { upstreamOverrides: JSON.stringify(fake.overrides) } as never });
  clients.push({ clientId: 'gh-client', clientSecret: 'gh-secret-0123456789', redirectUris: [`${gh.url}/connections/social/github/callback`] });
  mc = gh.mgmt();
  const app = (await gh.container.services.applications.create(gh.poolId, { appName: 'GH app', appType: 'web', redirectUris: ['http://127.0.0.1:1/cb'] } as never)) as { appId: string };
  appId = app.appId;
  const idp = ok(await mc.createExtIdp({ name: 'GitHub', type: 'github' as never }));
  const conn = ok(await mc.createExtIdpConn({ extIdpId: idp.id, type: 'github' as never, identifier: 'github', displayName: 'GitHub', fields: { clientId: 'gh-client', clientSecret: 'gh-secret-0123456789' } }));
  ok(await mc.changeExtIdpConnState({ id: conn.id, enabled: true, appId }));
}, 90_000);
afterAll(async () => {
  await gh?.close();
  await fake?.close();
});

/** A popup round trip as `login` at the fake; the message the page would post. */
async function signIn(login: string): Promise<{ code: number; message: string; data: { userId: string; email?: string } | null }> {
  const b = new Browser();
  const cb = `${gh.url}/connections/social/github/callback`;
  const start = `${gh.url}/connections/social/github?app_id=${appId}`;
  const first = await b.fetch(start);
  const to = new URL(first.headers.get('location')!);
  expect(to.origin).toBe(fake.origin); // the browser redirect is rewritten too
  to.searchParams.set('login', login);
  const { url } = await b.follow(to.toString(), cb);
  const html = await (await b.fetch(url)).text();
  const m = /var m=(\{.*?\});var o=/.exec(html);
  if (!m) throw new Error(`no popup message: ${html.slice(0, 400)}`);
  return JSON.parse(m[1]!.replace(/\\u003c/g, '<')) as never;
}

describe('github through GATEHOUSE_UPSTREAM_OVERRIDES', () => {
  it('signs a new user in, then finds the same user', async () => {
    const one = await signIn('octo');
    expect(one).toMatchObject({ code: 200, data: { email: 'octo@example.com' } });
    const two = await signIn('octo');
    expect(two.data!.userId).toBe(one.data!.userId);
    expect(ok(await mc.getUserIdentities({ userId: one.data!.userId }))).toEqual([expect.objectContaining({ provider: 'github', userIdInIdp: '101' })]);
  });

  it('auto-links on a verified email both sides, and refuses when the local email is not verified', async () => {
    const local = ok(await mc.createUser({ email: 'linker@example.com', emailVerified: true }));
    const linked = await signIn('linker');
    expect(linked).toMatchObject({ code: 200, data: { userId: local.userId } });
    ok(await mc.createUser({ email: 'claimer@example.com', emailVerified: false }));
    const refused = await signIn('claimer');
    expect(refused).toMatchObject({ code: 409, message: 'federation.link_required', data: null });
  });
});
