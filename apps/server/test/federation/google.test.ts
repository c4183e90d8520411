import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import type { FakeClient } from '../../../../packages/connectors/test/fakes/oauth-core.js';
import { startGoogleFake } from '../../../../packages/connectors/test/fakes/google.js';
import { ok } from '../support/management.js';
import { Browser, startOidcServer, type OidcTestServer } from '../oidc/support.js';

/**
 * `google` against the Google fake through GATEHOUSE_UPSTREAM_OVERRIDES (accounts.google.com,
 * oauth2.googleapis.com … mapped to the fake, which signs real ID tokens): a new user, the same
 * user on the second login, and an unverified Google email neither linked nor stored.
 */
const clients: FakeClient[] = [];
let fake: Awaited<ReturnType<typeof startGoogleFake>>;
let gh: OidcTestServer;
let mc: ManagementClient;
let appId = '';

beforeAll(async () => {
  fake = await startGoogleFake({ clients, users: [{ sub: 'g-1', email: 'gina@gmail.com', email_verified: true, name: 'Gina' }, { sub: 'g-2', email: 'gina@gmail.com', email_verified: false, name: 'Not Gina' }] });
  gh = await startOidcServer({ config: { upstreamOverrides: JSON.stringify(fake.overrides) } as never });
  clients.push({ clientId: 'g-client.apps.googleusercontent.com', clientSecret: 'g-secret-0123456789', redirectUris: [`${gh.url}/connections/social/google/callback`] });
  mc = gh.mgmt();
  const app = (await gh.container.services.applications.create(gh.poolId, { appName: 'G app', appType: 'web', redirectUris: ['http://127.0.0.1:1/cb'] } as never)) as { appId: string };
  appId = app.appId;
  const idp = ok(await mc.createExtIdp({ name: 'Google', type: 'google' as never }));
  const conn = ok(await mc.createExtIdpConn({ extIdpId: idp.id, type: 'google' as never, identifier: 'google', displayName: 'Google', fields: { clientId: 'g-client.apps.googleusercontent.com', clientSecret: 'g-secret-0123456789' } }));
  ok(await mc.changeExtIdpConnState({ id: conn.id, enabled: true, appId }));
}, 90_000);
afterAll(async () => {
  await gh?.close();
  await fake?.close();
});

async function signIn(login: string): Promise<{ code: number; message: string; data: { userId: string; email?: string | null } | null }> {
  const b = new Browser();
  const cb = `${gh.url}/connections/social/google/callback`;
  const first = await b.fetch(`${gh.url}/connections/social/google?app_id=${appId}`);
  const to = new URL(first.headers.get('location')!);
  expect(to.origin).toBe(fake.origin);
  to.searchParams.set('login_hint', login);
  const { url } = await b.follow(to.toString(), cb);
  const html = await (await b.fetch(url)).text();
  const m = /var m=(\{.*?\});var o=/.exec(html);
  if (!m) throw new Error(`no popup message: ${html.slice(0, 400)}`);
  return JSON.parse(m[1]!.replace(/\\u003c/g, '<')) as never;
}

describe('google through GATEHOUSE_UPSTREAM_OVERRIDES', () => {
  it('signs a new user in, finds the same user again, and does not link an unverified email', async () => {
    const one = await signIn('g-1');
    expect(one).toMatchObject({ code: 200, data: { email: 'gina@gmail.com' } });
    expect((await signIn('g-1')).data!.userId).toBe(one.data!.userId);
    const other = await signIn('g-2');
    expect(other.code).toBe(200);
    expect(other.data!.userId).not.toBe(one.data!.userId);
    expect(other.data!.email ?? null).toBeNull();
  });
});
