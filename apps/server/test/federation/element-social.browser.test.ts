import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Secret } from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot, VIEWPORTS } from '../support/browser.js';
import { ok } from '../support/management.js';
import { startOidcServer, type OidcTestServer } from '../oidc/support.js';
import { idClaims, totpOf } from '../mfa/support.js';
import { startUpstreamOp, type UpstreamOp } from './upstream-op.js';

/**
 * Connection buttons inside the embeddable element (docs/login-ui.md "Connections in the
 * element"): `<gatehouse-login>` on a shop page of another origin, an `oidc` connection to a
 * real upstream oidc-provider. The button's round trip runs in a popup; the popup's last page
 * posts the flow's outcome to the shop's origin only, and the element goes on in place:
 *  - no second factor → `login` with the user's tokens;
 *  - TOTP enrolled → the element shows the MFA step (a wrong code is refused in words), the
 *    right code → `login`, `mfa` in the ID token's `amr`;
 *  - the provider refuses → the element says so and emits no `login`;
 *  - a forged message (from the page itself, or naming the right event from another window)
 *    is ignored.
 */
let gh: OidcTestServer;
let op: UpstreamOp;
let browser: Browser;
let site: Server;
let siteUrl = '';
let appId = '';
const secrets = new Map<string, string>();

beforeAll(async () => {
  site = createServer((req, res) => {
    const lang = new URL(req.url!, 'http://x').searchParams.get('lang') ?? 'en';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
      `<!doctype html><html lang="${lang}"><head><title>Shop</title><script type="module" src="${gh.url}/login/element/gatehouse-login.js"></script></head><body>` +
        `<main><h1>Shop</h1><gatehouse-login app-id="${appId}" host="${gh.url}" lang="${lang}"></gatehouse-login></main>` +
        `<script>window.events=[];for (const n of ['login','register','error']) document.addEventListener(n, (e) => { if (e.target.localName === 'gatehouse-login') window.events.push({ name: n, detail: e.detail }); });</script></body></html>`,
    );
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  // `localhost`: another origin than the server's 127.0.0.1.
  siteUrl = `http://localhost:${(site.address() as AddressInfo).port}`;
  gh = await startOidcServer({ config: { outboundAllow: '127.0.0.1' } as never });
  op = await startUpstreamOp({
    clients: () => [{ client_id: 'gatehouse', client_secret: 'upstream-secret-0123456789', redirect_uris: [`${gh.url}/connections/social/corp/callback`], grant_types: ['authorization_code'], response_types: ['code'] }],
    accounts: ['gus', 'fay', 'hal'].map((p) => ({ sub: `op-${p}`, email: `${p}@example.com`, email_verified: true, name: p })),
  });
  const mc = gh.mgmt();
  const app = (await gh.container.services.applications.create(gh.poolId, { appName: 'Shop', appType: 'spa', redirectUris: [`${siteUrl}/callback`] } as never)) as { appId: string };
  appId = app.appId;
  const idp = ok(await mc.createExtIdp({ name: 'Corporate', type: 'oidc' as never }));
  const conn = ok(await mc.createExtIdpConn({ extIdpId: idp.id, type: 'oidc' as never, identifier: 'corp', displayName: 'Corporate SSO', fields: { issuerUrl: op.issuer, clientId: 'gatehouse', clientSecret: 'upstream-secret-0123456789' } }));
  ok(await mc.changeExtIdpConnState({ id: conn.id, enabled: true, appId }));
  ok(await mc.updateApplicationMfaSettings({ appId, enabledFactors: ['OTP'] } as never));
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await op?.close();
  await gh?.close();
  await new Promise((r) => site?.close(r));
});

type Events = Array<{ name: string; detail: { userId?: string; tokens?: { access_token: string; id_token?: string }; code?: string } }>;
const events = async (page: Page) => (await page.evaluate('window.events')) as Events;

/** Opens the shop, clicks the element's connection button; the popup the click opened. */
async function clickConnection(person: string, lang: 'en' | 'zh-CN' = 'en') {
  op.state.next = person === 'deny' ? 'deny' : `op-${person}`;
  const context = await browser.newContext({ viewport: VIEWPORTS.desktop, locale: lang });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  await page.goto(`${siteUrl}/?lang=${lang}`);
  const button = page.locator('gatehouse-login button.gh-conn', { hasText: 'Corporate SSO' });
  await button.waitFor();
  const [popup] = await Promise.all([page.waitForEvent('popup'), button.click()]);
  // Listened to at once: the popup closes itself as soon as it has posted the outcome.
  const closed = popup.isClosed() ? Promise.resolve() : popup.waitForEvent('close', { timeout: 60_000 }).then(() => undefined);
  return { context, page, popup: { waitForEvent: (_e: 'close', _o?: unknown) => closed } };
}

const userIdOf = async (access: string) => {
  const me = await fetch(`${gh.url}/oidc/me`, { headers: { authorization: `Bearer ${access}` } });
  expect(me.status).toBe(200);
  return ((await me.json()) as { sub: string }).sub;
};

describe('<gatehouse-login>: connection buttons run in a popup and the element goes on in place', () => {
  it('no second factor: the popup closes and the element emits `login` with the user\'s tokens; the shop page never left', async () => {
    const { context, page, popup } = await clickConnection('gus');
    try {
      await popup.waitForEvent('close', { timeout: 60_000 });
      await page.waitForFunction('window.events.some((e) => e.name === "login")');
      expect(new URL(page.url()).origin).toBe(siteUrl);
      const login = (await events(page)).find((e) => e.name === 'login')!;
      expect(await userIdOf(login.detail.tokens!.access_token)).toBe(login.detail.userId);
      const got = ok(await gh.mgmt().getUser({ userId: login.detail.userId! }) as never) as { email: string };
      expect(got.email).toBe('gus@example.com');
    } finally {
      await context.close();
    }
  }, 120_000);

  it('TOTP enrolled: the element shows the MFA step after the popup, refuses a wrong code in words, the right one emits `login` with mfa', async () => {
    // The first sign-in creates the account; then it gets an authenticator.
    const first = await clickConnection('fay');
    await first.page.waitForFunction('window.events.some((e) => e.name === "login")');
    const userId = (await events(first.page)).find((e) => e.name === 'login')!.detail.userId!;
    await first.context.close();
    const secret = new Secret({ size: 20 }).base32;
    secrets.set('fay', secret);
    ok((await gh.mgmt().importOtp({ list: [{ userId, otp: { secret } }] })) as never);

    const { context, page, popup } = await clickConnection('fay', 'zh-CN');
    try {
      await popup.waitForEvent('close', { timeout: 60_000 });
      await expect.poll(() => page.locator('gatehouse-login h2').textContent(), { timeout: 30_000 }).toBe('两步验证');
      expect((await events(page)).some((e) => e.name === 'login')).toBe(false);
      const code = page.getByLabel('身份验证器中的验证码');
      const now = [totpOf(secret, -1), totpOf(secret), totpOf(secret, 1)];
      await code.fill(['000000', '111111', '222222'].find((c) => !now.includes(c))!);
      await page.getByRole('button', { name: '验证', exact: true }).click();
      await page.locator('gatehouse-login [role="alert"]').filter({ hasText: '验证码错误或已被使用' }).waitFor();
      await screenshot(page, 'federation/element-social-mfa-zh-CN');
      await code.fill(totpOf(secret));
      await page.getByRole('button', { name: '验证', exact: true }).click();
      await page.waitForFunction('window.events.some((e) => e.name === "login")');
      const login = (await events(page)).find((e) => e.name === 'login')!;
      expect(login.detail.userId).toBe(userId);
      expect(idClaims(login.detail.tokens!.id_token!).amr).toEqual(expect.arrayContaining(['otp', 'mfa']));
      expect(await userIdOf(login.detail.tokens!.access_token)).toBe(userId);
    } finally {
      await context.close();
    }
  }, 180_000);

  it('the provider refuses: the element says so in its language and emits no `login`', async () => {
    const { context, page, popup } = await clickConnection('deny');
    try {
      await popup.waitForEvent('close', { timeout: 60_000 });
      const alert = page.locator('gatehouse-login [role="alert"]');
      await alert.waitFor();
      // The provider's refusal (federation.access_denied) in the element's words, not a code.
      expect(await alert.textContent()).toMatch(/cancel/i);
      expect(await alert.textContent()).not.toMatch(/federation\./);
      expect((await events(page)).some((e) => e.name === 'login')).toBe(false);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('forged messages are ignored: from the shop page itself, and from a Gatehouse window the element did not open', async () => {
    op.state.next = 'op-hal';
    const context = await browser.newContext({ viewport: VIEWPORTS.desktop });
    try {
      // The element's popup is held at its first request (the form post to /start; the provider's
      // redirects are not routable) until the forgeries were sent, so they arrive while the
      // element waits for its popup.
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      await context.route('**/connections/social/corp/start', async (route) => {
        await held;
        await route.continue();
      });
      const page = await context.newPage();
      await page.goto(`${siteUrl}/?lang=en`);
      const button = page.locator('gatehouse-login button.gh-conn', { hasText: 'Corporate SSO' });
      await button.waitFor();
      const startReached = context.waitForEvent('request', (r) => r.url().endsWith('/connections/social/corp/start'));
      const [popup] = await Promise.all([page.waitForEvent('popup'), button.click()]);
      const closed = popup.waitForEvent('close', { timeout: 60_000 });
      await startReached;
      const forged = { event: { source: 'gatehouse', eventType: 'loginFlow' }, outcome: { status: 'complete', finish: { kind: 'tokens', tokens: { access_token: 'forged' }, userId: 'forged' } } };
      // From the page itself (the shop's origin, not Gatehouse's).
      const json = JSON.stringify(forged);
      await page.evaluate(`window.postMessage(${json}, '*')`);
      // From a window at Gatehouse's origin that the shop page opened (not the element's popup).
      const [stranger] = await Promise.all([page.waitForEvent('popup'), page.evaluate(`void window.open(${JSON.stringify(`${gh.url}/login/element/gatehouse-login.js`)}, 'stranger')`)]);
      await stranger.waitForLoadState();
      await stranger.evaluate(`window.opener.postMessage(${json}, ${JSON.stringify(siteUrl)})`);
      await stranger.close();
      await page.waitForTimeout(300);
      expect(await events(page)).toEqual([]);
      // The element's own popup then finishes: exactly one `login`, the real user's.
      release();
      await closed;
      await page.waitForFunction('window.events.some((e) => e.name === "login")');
      const all = await events(page);
      expect(all.map((e) => e.name)).toEqual(['login']);
      expect(all[0]!.detail.userId).not.toBe('forged');
      expect(await userIdOf(all[0]!.detail.tokens!.access_token)).toBe(all[0]!.detail.userId);
    } finally {
      await context.close();
    }
  }, 120_000);
});
