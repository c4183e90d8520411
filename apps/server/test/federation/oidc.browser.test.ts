import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oc from 'openid-client';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import { axe, launchChromium, MATRIX, screenshot, VIEWPORTS, type MatrixLang, type Viewport } from '../support/browser.js';
import { ok } from '../support/management.js';
import { startOidcServer, type OidcTestServer } from '../oidc/support.js';
import { startUpstreamOp, type UpstreamOp } from './upstream-op.js';

/**
 * Issue "Done when" 1: the vendor ManagementClient creates an `oidc` source and connection
 * against a real upstream oidc-provider and enables it for an app; in headless Chromium a user
 * clicks its button on the hosted login inside an OIDC request from openid-client and the
 * relying party receives tokens for the federated user; the second login reuses the user; a
 * second upstream user with the same but unverified email is not linked. Also the popup path
 * (`/connections/social/<identifier>`, authing-js-sdk's `social.authorize()`), which posts the
 * user to its opener — only when the opener is one of the app's origins. The button's sign-in also
 * runs at 1280×800 and 390×844 in English and Simplified Chinese (issue 19's matrix), axe-core clean.
 */
let gh: OidcTestServer;
let op: UpstreamOp;
let browser: Browser;
let rpServer: Server;
let CB = '';
let mc: ManagementClient;
let app: { appId: string; appSecret: string };
let rp: oc.Configuration;

const ALICE = { sub: 'op-alice', email: 'alice@example.com', email_verified: true, name: 'Alice Upstream' };
const MALLORY = { sub: 'op-mallory', email: 'alice@example.com', email_verified: false, name: 'Mallory' };

beforeAll(async () => {
  rpServer = createServer((req, res) => {
    if (req.url?.startsWith('/opener')) {
      // The relying party's own page: opens the popup and records the message it receives.
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>RP</title><script>window.got=[];addEventListener("message",function(e){window.got.push({origin:e.origin,data:e.data});});</script>');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end('callback');
  });
  await new Promise<void>((r) => rpServer.listen(0, '127.0.0.1', r));
  CB = `http://127.0.0.1:${(rpServer.address() as AddressInfo).port}/cb`;
  // Upstream calls go to loopback in this test: the operator allows it (GATEHOUSE_OUTBOUND_ALLOW).
  gh = await startOidcServer({ config: { outboundAllow: '127.0.0.1' } as never });
  op = await startUpstreamOp({
    clients: () => [{ client_id: 'gatehouse', client_secret: 'upstream-secret-0123456789', redirect_uris: [`${gh.url}/connections/social/corp/callback`], grant_types: ['authorization_code'], response_types: ['code'] }],
    accounts: [ALICE, MALLORY],
  });
  mc = gh.mgmt();
  app = (await gh.container.services.applications.create(gh.poolId, { appName: 'Portal', appType: 'web', redirectUris: [CB] } as never)) as never;
  const idp = ok(await mc.createExtIdp({ name: 'Corporate', type: 'oidc' as never }));
  const conn = ok(await mc.createExtIdpConn({ extIdpId: idp.id, type: 'oidc' as never, identifier: 'corp', displayName: 'Corporate SSO', fields: { issuerUrl: op.issuer, clientId: 'gatehouse', clientSecret: 'upstream-secret-0123456789' } }));
  ok(await mc.changeExtIdpConnState({ id: conn.id, enabled: true, appId: app.appId }));
  rp = await oc.discovery(new URL(`${gh.url}/oidc`), app.appId, undefined, oc.ClientSecretPost(app.appSecret), { execute: [oc.allowInsecureRequests] });
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await op?.close();
  await gh?.close();
  await new Promise((r) => rpServer?.close(r));
});

/** One sign-in through the hosted login's connection button, in a fresh browser context; returns the RP's ID-token claims. */
async function signInWithButton(opts: { shot?: string; viewport?: Viewport; lang?: MatrixLang } = {}) {
  const { shot, viewport = 'desktop', lang = 'en' } = opts;
  const verifier = oc.randomPKCECodeVerifier();
  const state = oc.randomState();
  const url = oc.buildAuthorizationUrl(rp, { redirect_uri: CB, scope: 'openid profile email', state, code_challenge: await oc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
  const context = await browser.newContext({ viewport: VIEWPORTS[viewport], locale: lang, extraHTTPHeaders: { 'accept-language': lang } });
  try {
    const page = await context.newPage();
    await page.goto(url.toString());
    const button = page.getByRole('button', { name: 'Corporate SSO' });
    await button.waitFor();
    if (shot) {
      expect(await page.locator('html').getAttribute('lang')).toBe(lang);
      expect(await axe(page)).toEqual([]);
      await screenshot(page, shot);
    }
    await button.click();
    await page.waitForURL((u) => u.toString().startsWith(CB), { timeout: 30_000 }).catch(async (err: unknown) => {
      throw new Error(`did not reach the relying party: at ${page.url()}: ${(await page.content()).replace(/<style>[\s\S]*<\/style>/, '').slice(0, 1500)}`, { cause: err });
    });
    const tokens = await oc.authorizationCodeGrant(rp, new URL(page.url()), { pkceCodeVerifier: verifier, expectedState: state });
    return tokens.claims()!;
  } finally {
    await context.close();
  }
}

describe('oidc identity source on the hosted login (Chromium, openid-client)', () => {
  let aliceId = '';

  it('signs a new user in through the upstream provider and the relying party gets tokens', async () => {
    op.state.next = ALICE.sub;
    const claims = await signInWithButton({ shot: 'federation/hosted-login-connection-button' });
    aliceId = claims.sub;
    const user = await gh.container.repos.users.findById(gh.poolId, aliceId);
    expect(user).toMatchObject({ email: 'alice@example.com', email_verified: 1, name: 'Alice Upstream' });
    const ids = ok(await mc.getUserIdentities({ userId: aliceId }));
    expect(ids).toEqual([expect.objectContaining({ provider: 'oidc', type: 'generic', userIdInIdp: ALICE.sub })]);
  }, 90_000);

  it('the second login reuses the same user', async () => {
    op.state.next = ALICE.sub;
    const claims = await signInWithButton();
    expect(claims.sub).toBe(aliceId);
    expect(ok(await mc.getUserIdentities({ userId: aliceId }))).toHaveLength(1);
  }, 90_000);

  it.each(MATRIX)('the button at $viewport in $lang: accessible, signs the same user in', async ({ viewport, lang }) => {
    op.state.next = ALICE.sub;
    const claims = await signInWithButton({ viewport, lang, shot: `login-ui/social-${viewport}-${lang}` });
    expect(claims.sub).toBe(aliceId);
  }, 90_000);

  it('a second upstream user with the same but unverified email is not linked', async () => {
    op.state.next = MALLORY.sub;
    const claims = await signInWithButton();
    expect(claims.sub).not.toBe(aliceId);
    const mallory = await gh.container.repos.users.findById(gh.poolId, claims.sub);
    // The unverified address is neither linked nor stored: it cannot claim or block the account.
    expect(mallory?.email ?? null).toBeNull();
    expect(ok(await mc.getUserIdentities({ userId: claims.sub }))).toEqual([expect.objectContaining({ userIdInIdp: MALLORY.sub })]);
    expect(ok(await mc.getUserIdentities({ userId: aliceId }))).toEqual([expect.objectContaining({ userIdInIdp: ALICE.sub })]);
  }, 90_000);

  it('the popup posts the user with a token to an opener of the app, and nothing to a foreign opener', async () => {
    op.state.next = ALICE.sub;
    const { data: list } = (await (await fetch(`${gh.url}/api/v3/get-application-enabled-extidps`, { headers: { 'x-authing-app-id': app.appId } })).json()) as { data: Array<{ identifier: string; bindUrl: string; type: string; name: string }> };
    expect(list).toEqual([expect.objectContaining({ identifier: 'corp', type: 'oidc', extIdpType: 'oidc', name: 'Corporate SSO' })]);
    const bindUrl = list[0]!.bindUrl;
    expect(bindUrl).toBe(`${gh.url}/connections/social/corp?app_id=${app.appId}`);

    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(CB.replace('/cb', '/opener'));
      const [popup] = await Promise.all([context.waitForEvent('page'), page.evaluate(`void window.open(${JSON.stringify(bindUrl)}, 'social', 'width=500,height=600')`)]);
      await popup.waitForEvent('close', { timeout: 30_000 });
      const got = (await page.evaluate('window.got')) as Array<{ origin: string; data: { code: number; data: { userId: string; token: string; email: string; tokens: { access_token: string } }; event: { source: string; eventType: string } } }>;
      expect(got).toHaveLength(1);
      expect(got[0]!.origin).toBe(gh.url);
      expect(got[0]!.data).toMatchObject({ code: 200, event: { source: 'authing', eventType: 'socialLogin' }, data: { userId: aliceId, email: 'alice@example.com' } });
      // The token is a real one of this app.
      const me = await fetch(`${gh.url}/api/v3/get-profile`, { headers: { authorization: `Bearer ${got[0]!.data.data.tokens.access_token}`, 'x-authing-app-id': app.appId } });
      expect(((await me.json()) as { data: { userId: string } }).data.userId).toBe(aliceId);

      // An opener on another origin (not one of the app's) opens the same URL: nothing is posted to it.
      const foreign = createServer((_q, r) => r.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>evil</title><script>window.got=[];addEventListener("message",function(e){window.got.push(e.data);});</script>'));
      await new Promise<void>((r) => foreign.listen(0, '127.0.0.1', r));
      try {
        const evil = await context.newPage();
        await evil.goto(`http://127.0.0.1:${(foreign.address() as AddressInfo).port}/`);
        const [p2] = await Promise.all([context.waitForEvent('page'), evil.evaluate(`void window.open(${JSON.stringify(bindUrl)}, 'x')`)]);
        await p2.waitForEvent('close', { timeout: 30_000 });
        expect(await evil.evaluate('window.got')).toEqual([]);
      } finally {
        await new Promise((r) => foreign.close(r));
      }
    } finally {
      await context.close();
    }
  }, 90_000);
});
