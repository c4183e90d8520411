import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationClient, type ManagementClient } from 'authing-node-sdk';
import type { FakeClient } from '../../../../packages/connectors/test/fakes/oauth-core.js';
import { startGithubFake, type GithubFake } from '../../../../packages/connectors/test/fakes/github.js';
import { ok, refused } from '../support/management.js';
import { Browser, startOidcServer, type OidcTestServer } from '../oidc/support.js';
import { connectSource, popupMessageOf, popupSignIn } from './support.js';

/**
 * Linking and unlinking by the user (vendor AuthenticationClient): `generate-link-extidp-url`
 * with the user's ID token gives the hosted link confirmation; confirming there runs the round
 * trip to the provider (the GitHub fake) and links that account, which then signs in to the
 * same user. An account already linked to someone else is refused (`federation.identity_taken`)
 * and stays where it was; the confirmation cannot be skipped by a form from elsewhere, and its
 * ticket is single-use. `get-identities` lists the user's own identities; `unlink-extidp`
 * removes one, but never the last way to sign in (`federation.last_identity`, 5000020).
 */
const clients: FakeClient[] = [];
let fake: GithubFake;
let gh: OidcTestServer;
let mc: ManagementClient;
let app: { appId: string; appSecret: string; extIdpId: string };

const ghUser = (id: number, login: string, email: string, verified: boolean) => ({ id, login, name: login.toUpperCase(), email, avatar_url: `https://avatars.example/${id}`, emails: [{ email, primary: true, verified, visibility: 'public' as const }] });

beforeAll(async () => {
  fake = await startGithubFake({ clients, users: [ghUser(201, 'carol-gh', 'carol.personal@example.com', true), ghUser(202, 'solo', 'solo@example.com', false)] });
  gh = await startOidcServer({ config: { upstreamOverrides: JSON.stringify(fake.overrides) } as never });
  clients.push({ clientId: 'gh-client', clientSecret: 'gh-secret-0123456789', redirectUris: [`${gh.url}/connections/social/github/callback`] });
  mc = gh.mgmt();
  app = await connectSource(gh, mc, { type: 'github', identifier: 'github', displayName: 'GitHub', fields: { clientId: 'gh-client', clientSecret: 'gh-secret-0123456789' } });
}, 90_000);
afterAll(async () => {
  await gh?.close();
  await fake?.close();
});

const client = () => new AuthenticationClient({ appId: app.appId, appSecret: app.appSecret, appHost: gh.url, redirectUri: 'http://127.0.0.1:1/cb', scope: 'openid profile email', tokenEndPointAuthMethod: 'client_secret_post', retryTimes: 0 } as never);

/** A local user with a password, signed in through the vendor client: its ID and access tokens. */
async function localUser(email: string) {
  const password = 'link test passphrase 42';
  const u = ok(await mc.createUser({ email, emailVerified: true, password } as never));
  const ac = client();
  const t = ok((await ac.signInByEmailPassword({ email, password })) as never) as { id_token: string; access_token: string };
  ac.setAccessToken(t.access_token);
  return { userId: u.userId as string, idToken: t.id_token, ac };
}

/** Opens the link URL, confirms, signs in at GitHub as `login`; the message posted to the opener. */
async function confirmLink(url: string, login: string) {
  const b = new Browser({ 'accept-language': 'en' });
  const page = await b.fetch(url);
  const html = await page.text();
  expect(page.status, html.slice(0, 300)).toBe(200);
  const field = (n: string) => new RegExp(`name="${n}" value="([^"]+)"`).exec(html)![1]!;
  const action = new URL(/action="([^"]+)"/.exec(html)![1]!, gh.url).toString();
  const started = await b.postForm(action, { ticket: field('ticket'), csrf: field('csrf') });
  expect(started.status).toBe(303);
  const to = new URL(started.headers.get('location')!);
  expect(to.origin).toBe(fake.origin);
  to.searchParams.set('login', login);
  const { url: cb } = await b.follow(to.toString(), `${gh.url}/connections/social/github/callback`);
  return { html, message: await popupMessageOf(await b.fetch(cb)), ticket: field('ticket'), csrf: field('csrf'), action };
}

describe('linking and unlinking external identities (AuthenticationClient)', () => {
  let carol: Awaited<ReturnType<typeof localUser>>;

  it('a signed-in user links GitHub on the hosted confirmation; GitHub then signs in to that user', async () => {
    carol = await localUser('carol@example.com');
    const { url } = ok((await carol.ac.generateLinkExtIdpUrl({ extIdpConnIdentifier: 'github', appId: app.appId, idToken: carol.idToken })) as never) as { url: string };
    expect(url.startsWith(`${gh.url}/connections/social/github/link?ticket=`)).toBe(true);
    expect(url).not.toContain(carol.idToken); // the URL carries a ticket, never the user's token
    const { html, message } = await confirmLink(url, 'carol-gh');
    expect(html).toContain('carol@example.com'); // the page names the account being linked
    expect(message).toMatchObject({ code: 200, data: [expect.objectContaining({ provider: 'github', userIdInIdp: '201', extIdpId: app.extIdpId })] });
    expect(ok((await carol.ac.getIdentities()) as never)).toEqual([expect.objectContaining({ provider: 'github', userIdInIdp: '201' })]);
    const signedIn = await popupSignIn({ gh, identifier: 'github', appId: app.appId, upstreamOrigin: fake.origin, tweak: (u) => u.searchParams.set('login', 'carol-gh') });
    expect(signedIn).toMatchObject({ code: 200, data: { userId: carol.userId } });
  });

  it('refuses to link a GitHub account already linked to someone else; it stays linked where it was', async () => {
    const dave = await localUser('dave@example.com');
    const { url } = ok((await dave.ac.generateLinkExtIdpUrl({ extIdpConnIdentifier: 'github', appId: app.appId, idToken: dave.idToken })) as never) as { url: string };
    const { message } = await confirmLink(url, 'carol-gh');
    expect(message).toMatchObject({ code: 409, apiCode: 5000007, message: 'federation.identity_taken', data: null });
    expect(ok((await dave.ac.getIdentities()) as never)).toEqual([]);
    expect(ok((await carol.ac.getIdentities()) as never)).toEqual([expect.objectContaining({ userIdInIdp: '201' })]);
  });

  it('the confirmation cannot be skipped: a post without this page’s cookie is refused; a ticket works once; bad tokens get no URL', async () => {
    const erin = await localUser('erin@example.com');
    const { url } = ok((await erin.ac.generateLinkExtIdpUrl({ extIdpConnIdentifier: 'github', appId: app.appId, idToken: erin.idToken })) as never) as { url: string };
    const ticket = new URL(url).searchParams.get('ticket')!;
    // Another site's auto-submitted form (no SameSite cookie from the confirmation page).
    const forged = await new Browser().postForm(`${gh.url}/connections/social/github/link`, { ticket, csrf: 'A'.repeat(43) });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('login.csrf_invalid');
    // The genuine confirmation still works, once.
    const first = await confirmLink(url, 'solo');
    expect(first.message.code).toBe(200);
    const again = await new Browser().fetch(url);
    expect(await again.text()).toContain('federation.state_invalid');
    // No URL without a valid ID token of this app.
    refused((await client().generateLinkExtIdpUrl({ extIdpConnIdentifier: 'github', appId: app.appId, idToken: `${erin.idToken.slice(0, -4)}AAAA` })) as never, 2020);
    refused((await client().generateLinkExtIdpUrl({ extIdpConnIdentifier: 'nope', appId: app.appId, idToken: erin.idToken })) as never, 5000002);
    // Erin now holds GitHub "solo" and a password: unlinking it is allowed, and leaves nothing linked.
    ok((await erin.ac.unlinkExtIdp({ extIdpId: app.extIdpId })) as never);
    expect(ok((await erin.ac.getIdentities()) as never)).toEqual([]);
    refused((await erin.ac.unlinkExtIdp({ extIdpId: app.extIdpId })) as never, 5000008);
  });

  it('never unlinks the last way to sign in', async () => {
    // "solo" (free again) signs in with GitHub: its email is unverified, so the account has no email, no password — GitHub is its only way in.
    const solo = await popupSignIn({ gh, identifier: 'github', appId: app.appId, upstreamOrigin: fake.origin, tweak: (u) => u.searchParams.set('login', 'solo') });
    expect(solo.code).toBe(200);
    const ac = client();
    ac.setAccessToken(solo.data!.tokens!.access_token);
    refused((await ac.unlinkExtIdp({ extIdpId: app.extIdpId })) as never, 5000020);
    expect(ok((await ac.getIdentities()) as never)).toEqual([expect.objectContaining({ userIdInIdp: '202' })]);
    // Carol has a password: her GitHub link can go.
    ok((await carol.ac.unlinkExtIdp({ extIdpId: app.extIdpId })) as never);
    expect(ok((await carol.ac.getIdentities()) as never)).toEqual([]);
  });
});
