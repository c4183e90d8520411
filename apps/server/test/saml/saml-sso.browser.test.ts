import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oc from 'openid-client';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmittedEvent } from '@gatehouse/contracts';
import { launchChromium, screenshot, signInOnHostedPage } from '../support/browser.js';
import { boundManagementClient, startServer, type TestServer } from '../support/server.js';
import { idpCertsOf, startTestSp, type TestSp } from './test-sp.js';

/**
 * SAML single sign-on in Debian's Chromium with a real SP library (@node-saml/node-saml):
 * SP-initiated, HTTP-Redirect binding in, HTTP-POST binding out, the signed response and
 * assertion validated against the IdP metadata; the same browser then reaches an OIDC app
 * (openid-client) without signing in again; SP-initiated single logout ends both.
 */
const PASSWORD = 'Correct horse battery 42!';
let s: TestServer;
let browser: Browser;
let sp: TestSp;
let sp2: TestSp;
let rpServer: Server;
let RP_CB = '';
const events: EmittedEvent[] = [];

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  return port;
}

beforeAll(async () => {
  const port = await freePort();
  s = await startServer({ config: { port, publicUrl: `http://127.0.0.1:${port}` } as never });
  s.container.services.events.subscribe((e) => void events.push(e));
  sp = await startTestSp('sp-one');
  sp2 = await startTestSp('sp-two');
  rpServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('rp callback'));
  await new Promise<void>((r) => rpServer.listen(0, '127.0.0.1', r));
  RP_CB = `http://127.0.0.1:${(rpServer.address() as AddressInfo).port}/cb`;
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await s?.close();
  await sp?.close();
  await sp2?.close();
  await new Promise((r) => rpServer?.close(r));
});

const mgmt = () => boundManagementClient({ ...s.rootKey, host: s.url });

async function createSamlApp(target: TestSp, samlConfig: Record<string, unknown> = {}): Promise<string> {
  const r = (await mgmt().createApplication({ appName: `SAML ${target.entityId.slice(-20)}`, appType: 'web', samlProviderEnabled: true, samlConfig: { spMetadataXml: target.metadata(), ...samlConfig } } as never)) as { statusCode: number; message: string; data: { appId: string; samlProviderEnabled: boolean; samlConfig: Record<string, unknown> } };
  expect(r.statusCode, r.message).toBe(200);
  expect(r.data.samlProviderEnabled).toBe(true);
  return r.data.appId;
}

async function configureSp(target: TestSp, appId: string) {
  const metadata = await (await fetch(`${s.url}/api/v2/saml-idp/${appId}/metadata`)).text();
  const sso = /SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="([^"]+)"/.exec(metadata)![1]!;
  const slo = /SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="([^"]+)"/.exec(metadata)![1]!;
  target.configure({ sso, slo, certs: idpCertsOf(metadata) });
  return { metadata, sso, slo };
}

async function createUser(email: string) {
  const u = (await s.container.services.users.create(s.poolId, { email, username: email.split('@')[0], name: 'Ada Lovelace' } as never)) as { userId: string };
  const row = (await s.container.repos.users.findById(s.poolId, u.userId))!;
  await s.container.authn.passwords.set(s.poolId, row, PASSWORD, { skipPolicy: true });
  return u.userId;
}

describe('SAML SSO through the hosted login', () => {
  it('signs in SP-initiated (Redirect in, POST out), reaches an OIDC app without a second login, and single logout ends both', async () => {
    // node-saml reads InResponseTo of a LogoutResponse only over HTTP-Redirect: that binding for this SP's SLO.
    const appId = await createSamlApp(sp, { attributeMappings: { email: 'email', displayName: 'name', roles: 'roles' }, sloBinding: 'HTTP-Redirect' });
    const { metadata } = await configureSp(sp, appId);
    // The stable alias serves the same document.
    expect(await (await fetch(`${s.url}/saml/${appId}/metadata`)).text()).toBe(metadata);
    const userId = await createUser('ada@example.com');

    // An OIDC app of the same pool, with openid-client as its relying party.
    const oidcApp = (await mgmt().createApplication({ appName: 'Portal', appType: 'web', redirectUris: [RP_CB] } as never)) as { data: { appId: string } };
    const secret = await s.container.services.applications.getSecret(s.poolId, oidcApp.data.appId);
    const rp = await oc.discovery(new URL(`${s.url}/oidc`), oidcApp.data.appId, undefined, oc.ClientSecretPost(secret), { execute: [oc.allowInsecureRequests] });

    const context = await browser.newContext({ locale: 'en' });
    const page = await context.newPage();
    await page.goto(`${sp.url}/login?relay=deep-link`);
    // The hosted login of the SAML app (its own branding, methods and policy).
    await page.waitForURL(/\/interaction\//);
    await signInOnHostedPage(page, 'ada@example.com', PASSWORD);
    await page.waitForURL(`${sp.url}/acs`);
    await expect.poll(() => page.locator('#sp').textContent()).toMatch(/signed in as/);
    await screenshot(page, 'saml/sp-signed-in');
    expect(sp.refused).toEqual([]);
    const profile = sp.accepted.at(-1)!;
    expect(profile.email).toBe('ada@example.com');
    expect(profile.displayName).toBe('Ada Lovelace');
    expect(profile.nameIDFormat).toBe('urn:oasis:names:tc:SAML:2.0:nameid-format:persistent');
    expect(profile.nameID).not.toBe(userId); // pairwise, not the raw user id
    expect(await page.locator('#sp').textContent()).toContain('relay=deep-link');
    // One `login` event for this sign-in, naming the protocol it came through.
    const logins = () => events.filter((e) => e.name === 'login' && (e.data as { appId: string }).appId === appId).map((e) => (e.data as { protocol: string }).protocol);
    await expect.poll(logins).toEqual(['saml']);

    // The OIDC app: no login page, the same user.
    const verifier = oc.randomPKCECodeVerifier();
    const authUrl = oc.buildAuthorizationUrl(rp, { redirect_uri: RP_CB, scope: 'openid email', code_challenge: await oc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 'st1' });
    await page.goto(authUrl.href);
    await page.waitForURL((u) => u.href.startsWith(RP_CB));
    const tokens = await oc.authorizationCodeGrant(rp, new URL(page.url()), { pkceCodeVerifier: verifier, expectedState: 'st1' });
    expect(tokens.claims()!.sub).toBe(userId);
    expect((await oc.fetchUserInfo(rp, tokens.access_token, userId)).email).toBe('ada@example.com');

    // A second SAML login in the same session is an SSO reuse: no login page, its own `login` event (method sso).
    await page.goto(`${sp.url}/login`);
    await page.waitForURL(`${sp.url}/acs`);
    await expect.poll(() => sp.accepted.length).toBe(2);
    const after = () => events.filter((e) => e.name === 'login' && (e.data as { appId: string }).appId === appId).map((e) => `${(e.data as { protocol: string }).protocol}/${(e.data as { method: string }).method}`);
    await expect.poll(after).toEqual(['saml/password', 'saml/sso']);

    // SP-initiated single logout (HTTP-Redirect both ways): a successful LogoutResponse to the SP's request …
    await page.goto(`${sp.url}/logout`);
    await page.waitForURL(new RegExp(`^${sp.url}/slo\\?SAMLResponse=`));
    await expect.poll(() => page.locator('#sp').textContent()).toBe('logged out');
    expect(sp.logoutResponses).toBe(1);
    // … the OIDC session is gone: prompt=none fails, and the OIDC app's access token is revoked (as /oidc/session/end does;
    // offline_access grants persist logout by OIDC design).
    const none = oc.buildAuthorizationUrl(rp, { redirect_uri: RP_CB, scope: 'openid', prompt: 'none', state: 'st2', code_challenge: await oc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    await page.goto(none.href);
    await page.waitForURL((u) => u.href.startsWith(RP_CB));
    expect(new URL(page.url()).searchParams.get('error')).toBe('login_required');
    await expect(oc.fetchUserInfo(rp, tokens.access_token, userId)).rejects.toThrow();
    const intro = await oc.tokenIntrospection(rp, tokens.access_token);
    expect(intro.active).toBe(false);
    // … and the SP must sign in again.
    await page.goto(`${sp.url}/login`);
    await page.waitForURL(/\/interaction\//);
    await context.close();
  }, 120_000);

  it('logging out of one SP logs the browser out of the other SPs of the session (front-channel)', async () => {
    const a = await createSamlApp(sp, { sloBinding: 'HTTP-Redirect' });
    await configureSp(sp, a);
    const b = await createSamlApp(sp2); // its metadata's SLO binding: HTTP-POST
    await configureSp(sp2, b);
    await createUser('grace@example.com');
    const context = await browser.newContext({ locale: 'en' });
    const page = await context.newPage();
    await page.goto(`${sp.url}/login`);
    await page.waitForURL(/\/interaction\//);
    await signInOnHostedPage(page, 'grace@example.com', PASSWORD);
    await page.waitForURL(`${sp.url}/acs`);
    await page.goto(`${sp2.url}/login`);
    await page.waitForURL(`${sp2.url}/acs`); // SSO: no login page
    const before = sp2.logoutRequests.length;
    await page.goto(`${sp.url}/logout`);
    // The browser visits sp2's SLO (LogoutRequest), comes back with its LogoutResponse, then returns to sp.
    await expect.poll(async () => `${page.url()} ${await page.locator('body').textContent()} ${sp2.refused.join()}`).toMatch(new RegExp(`^${sp.url}/slo`));
    await expect.poll(() => page.locator('#sp').textContent()).toBe('logged out');
    expect(sp2.logoutRequests.length).toBe(before + 1);
    expect(sp2.logoutRequests.at(-1)!.nameID).toBe(sp2.accepted.at(-1)!.nameID);
    expect(sp.refused.concat(sp2.refused)).toEqual([]);
    await context.close();
  }, 120_000);
});
