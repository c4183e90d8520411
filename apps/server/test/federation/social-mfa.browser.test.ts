import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import * as oc from 'openid-client';
import { Secret } from 'otpauth';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import { launchChromium, screenshot, VIEWPORTS } from '../support/browser.js';
import { ok } from '../support/management.js';
import { Browser as HttpBrowser, startOidcServer, type OidcTestServer } from '../oidc/support.js';
import { startWechatFake, type WechatFake } from '../../../../packages/connectors/test/fakes/wechat.js';
import { idClaims, totpOf } from '../mfa/support.js';
import { popupSignIn } from './support.js';
import { startUpstreamOp, type UpstreamAccount, type UpstreamOp } from './upstream-op.js';

/**
 * MFA inside a social sign-in (issue 12 with the MFA step of issue 15): a user with TOTP signs in
 * with an `oidc` connection (a real upstream oidc-provider) on the hosted login inside an OIDC
 * request from openid-client. The provider's callback sends the browser back to the login page,
 * which opens on the MFA step; a wrong code is refused in words, the right one finishes and the
 * relying party's ID token has `mfa` in `amr`. In English at 1280×800 and in Simplified Chinese at
 * 390×844 (screenshot, axe-core). The step cannot be resumed from another browser (no interaction
 * cookie), its handle is no use on the login API before the resume, and neither the resume nor
 * the flow can be replayed. The popup (authing-js-sdk `social.authorize()`) gets the vendor's
 * 1635 with an `mfaToken`, answered at /api/v3/mfa/verify. A QR code drawn in the page (WeChat
 * official account, against the WeChat fake) shows the step in the page; an app's own page's
 * poll gets the 1635.
 */
const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const API_WORDING = /\/api\/v3|payload|mfaToken|flowToken|apiCode/;

let gh: OidcTestServer;
let op: UpstreamOp;
let wechat: WechatFake;
const OA = { appId: 'wxmpsocialmfa01', appSecret: 'mp-mfa-secret', kind: 'official-account' as const, token: 'MfaToken1', openPlatform: 'op-m', originalId: 'gh_socialmfa1' };
let browser: Browser;
let rpServer: Server;
let CB = '';
let mc: ManagementClient;
let app: { appId: string; appSecret: string };
let rp: oc.Configuration;

const T = {
  en: { title: 'Two-step verification', otpCode: 'Code from the authenticator app', verify: 'Verify', wrongOtp: 'The code is wrong or was already used. Enter the current code from your app.', via: 'You signed in with Corporate SSO. One more step to finish.' },
  'zh-CN': { title: '两步验证', otpCode: '身份验证器中的验证码', verify: '验证', wrongOtp: '验证码错误或已被使用，请输入应用中当前的验证码。', via: '已通过Corporate SSO登录，还需完成一步。' },
} as const;

/** One upstream account per test: a TOTP code is accepted once per time step and user. */
const PEOPLE = ['ann', 'bo', 'cy', 'dee'] as const;
const ACCOUNTS: UpstreamAccount[] = PEOPLE.map((p) => ({ sub: `op-${p}`, email: `${p}@example.com`, email_verified: true, name: p }));
const users = new Map<string, { userId: string; secret: string }>();

beforeAll(async () => {
  rpServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('callback'));
  await new Promise<void>((r) => rpServer.listen(0, '127.0.0.1', r));
  CB = `http://127.0.0.1:${(rpServer.address() as AddressInfo).port}/cb`;
  wechat = await startWechatFake({ apps: [OA], users: [{ key: 'li', nickname: '李' }] });
  gh = await startOidcServer({ config: { outboundAllow: '127.0.0.1', upstreamOverrides: JSON.stringify(wechat.overrides) } as never });
  op = await startUpstreamOp({
    clients: () => [{ client_id: 'gatehouse', client_secret: 'upstream-secret-0123456789', redirect_uris: [`${gh.url}/connections/social/corp/callback`], grant_types: ['authorization_code'], response_types: ['code'] }],
    accounts: ACCOUNTS,
  });
  mc = gh.mgmt();
  app = (await gh.container.services.applications.create(gh.poolId, { appName: 'Portal', appType: 'web', redirectUris: [CB] } as never)) as never;
  const idp = ok(await mc.createExtIdp({ name: 'Corporate', type: 'oidc' as never }));
  const conn = ok(await mc.createExtIdpConn({ extIdpId: idp.id, type: 'oidc' as never, identifier: 'corp', displayName: 'Corporate SSO', fields: { issuerUrl: op.issuer, clientId: 'gatehouse', clientSecret: 'upstream-secret-0123456789' } }));
  ok(await mc.changeExtIdpConnState({ id: conn.id, enabled: true, appId: app.appId }));
  const wx = ok(await mc.createExtIdp({ name: 'WeChat', type: 'wechat' as never }));
  const wxConn = ok(await mc.createExtIdpConn({ extIdpId: wx.id, type: 'wechatmp-qrcode' as never, identifier: 'wxmp', displayName: 'WeChat OA', fields: { appId: OA.appId, appSecret: OA.appSecret, token: OA.token } }));
  ok(await mc.changeExtIdpConnState({ id: wxConn.id, enabled: true, appId: app.appId }));
  // Optional MFA with TOTP: a user with an authenticator is asked for it at every sign-in.
  ok(await mc.updateApplicationMfaSettings({ appId: app.appId, enabledFactors: ['OTP'] } as never));
  await gh.container.authn.settings.update(gh.poolId, { bruteForce: { captchaAfter: 0 } } as never);
  // Each person's first sign-in (no factor yet: no step) creates the account; then an authenticator is set up for it.
  for (const p of PEOPLE) {
    op.state.next = `op-${p}`;
    const first = await popupSignIn({ gh, identifier: 'corp', appId: app.appId, upstreamOrigin: op.issuer });
    expect(first.code).toBe(200);
    const secret = new Secret({ size: 20 }).base32;
    ok((await mc.importOtp({ list: [{ userId: first.data!.userId, otp: { secret } }] })) as never);
    users.set(p, { userId: first.data!.userId, secret });
  }
  // The WeChat user's first scan (an app's own page) creates the account; then an authenticator.
  const first = await appPageScan();
  expect(first).toMatchObject({ status: 'signed_in', result: { code: 200 } });
  const secret = new Secret({ size: 20 }).base32;
  const wxUserId = (first.result as { data: { userId: string } }).data.userId;
  ok((await mc.importOtp({ list: [{ userId: wxUserId, otp: { secret } }] })) as never);
  users.set('li', { userId: wxUserId, secret });
  rp = await oc.discovery(new URL(`${gh.url}/oidc`), app.appId, undefined, oc.ClientSecretPost(app.appSecret), { execute: [oc.allowInsecureRequests] });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await op?.close();
  await wechat?.close();
  await gh?.close();
  await new Promise((r) => rpServer?.close(r));
});

/** An application's own page: asks for an official-account code (`app_id`), the user scans it, the page's poll answers. */
async function appPageScan(): Promise<{ status: string; result?: Record<string, unknown> }> {
  const b = new HttpBrowser();
  const base = `${gh.url}/connections/social/wxmp`;
  const qr = (await (await b.fetch(`${base}/qrcode`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ app_id: app.appId }) })).json()) as { scene: string; wechatImageUrl: string };
  expect(await wechat.scan(new URL(qr.wechatImageUrl).searchParams.get('ticket')!, 'li', `${base}/events`)).toMatchObject({ status: 200 });
  return (await (await b.fetch(`${base}/qrcode/${encodeURIComponent(qr.scene)}`)).json()) as never;
}

/** axe-core in the page (evaluated over the DevTools protocol, so the page's CSP stays strict). */
async function axe(page: Page): Promise<string[]> {
  await page.evaluate(`${AXE}\n;0`);
  const r = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as { violations: Array<{ id: string; impact: string }> };
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact})`);
}

const wrongCode = (secret: string) => {
  const now = [totpOf(secret, -1), totpOf(secret), totpOf(secret, 1)];
  return ['000000', '111111', '222222', '333333'].find((c) => !now.includes(c))!;
};

/** Opens the OIDC request's hosted login in a new context and clicks the connection's button. */
async function startSocial(person: (typeof PEOPLE)[number], lang: 'en' | 'zh-CN', width: keyof typeof VIEWPORTS, before?: (context: BrowserContext, page: Page) => Promise<void>) {
  op.state.next = `op-${person}`;
  const context = await browser.newContext({ locale: lang, viewport: VIEWPORTS[width], extraHTTPHeaders: { 'accept-language': lang } });
  const page = await context.newPage();
  if (before) await before(context, page);
  const verifier = oc.randomPKCECodeVerifier();
  const url = oc.buildAuthorizationUrl(rp, { redirect_uri: CB, scope: 'openid email', state: 'st', code_challenge: await oc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
  await page.goto(url.toString());
  await page.getByRole('button', { name: 'Corporate SSO' }).click();
  return { context, page, verifier, t: T[lang] };
}

/** Clicks and waits for the browser to reach the relying party; the ID token's claims. */
async function finish(page: Page, verifier: string, click: () => Promise<void>) {
  const [request] = await Promise.all([page.waitForRequest((r) => r.url().startsWith(CB), { timeout: 30_000 }), click()]);
  const tokens = await oc.authorizationCodeGrant(rp, new URL(request.url()), { pkceCodeVerifier: verifier, expectedState: 'st' });
  return tokens.claims()!;
}

describe('MFA inside a social sign-in on the hosted login (Chromium, openid-client)', () => {
  for (const [person, lang, width] of [['ann', 'en', 'desktop'], ['bo', 'zh-CN', 'phone']] as const) {
    it(`${lang} at ${width} width: asks for the TOTP code after the provider, refuses a wrong one in words, finishes with mfa in amr`, async () => {
      const { userId, secret } = users.get(person)!;
      const { context, page, verifier, t } = await startSocial(person, lang, width);
      try {
        await page.getByRole('heading', { name: t.title }).waitFor({ timeout: 30_000 });
        expect(new URL(page.url()).pathname).toMatch(/^\/interaction\/[^/]+\/resume$/);
        await expect(page.getByTestId('step-via').textContent()).resolves.toBe(t.via);
        await page.getByLabel(t.otpCode).fill(wrongCode(secret));
        await page.getByRole('button', { name: t.verify }).click();
        await page.getByRole('alert').filter({ hasText: t.wrongOtp }).waitFor();
        expect(await page.content()).not.toMatch(API_WORDING);
        await screenshot(page, `federation/social-mfa-wrong-${lang}-${width}`);
        expect(await axe(page)).toEqual([]);
        await page.getByLabel(t.otpCode).fill(totpOf(secret));
        const claims = await finish(page, verifier, () => page.getByRole('button', { name: t.verify }).click());
        expect(claims.sub).toBe(userId);
        expect(claims.amr).toEqual(expect.arrayContaining(['otp', 'mfa']));
        expect(claims.acr).toBe('mfa');
      } finally {
        await context.close();
      }
    }, 120_000);
  }

  it('the step cannot be resumed from another browser, its handle is no use on the login API, and nothing can be replayed', async () => {
    const { userId, secret } = users.get('cy')!;
    const other = await browser.newContext();
    let captured: { url: string; form: Record<string, string> } | undefined;
    const foreign: { resume?: number; resumeBody?: string; api?: number; apiError?: string } = {};
    const { context, page, verifier, t } = await startSocial('cy', 'en', 'desktop', async (_c, p) => {
      // The callback's page posts the flow to the interaction: before it arrives, another browser
      // (no interaction cookie) tries the same post and the login API with the same handle.
      await p.route('**/interaction/*/resume', async (route) => {
        const form = Object.fromEntries(new URLSearchParams(route.request().postData() ?? ''));
        captured = { url: route.request().url(), form };
        const r1 = await other.request.post(captured.url, { form, maxRedirects: 0 });
        foreign.resume = r1.status();
        foreign.resumeBody = await r1.text();
        const r2 = await other.request.post(`${gh.url}/login/api/apps/${app.appId}/continue`, {
          headers: { 'x-gatehouse-flow': form.flow!, 'x-gatehouse-csrf': form.csrf!, origin: gh.url },
          data: { step: 'mfa', input: { factorType: 'OTP', passCode: totpOf(secret) } },
        });
        foreign.api = r2.status();
        foreign.apiError = ((await r2.json()) as { error?: string }).error;
        await route.continue();
      });
    });
    try {
      await page.getByRole('heading', { name: t.title }).waitFor({ timeout: 30_000 });
      expect(captured?.form).toEqual({ flow: expect.any(String), csrf: expect.any(String) });
      // The other browser: no interaction cookie, so no step page; the handle alone does not continue the sign-in.
      expect(foreign.resume).toBe(400);
      expect(foreign.resumeBody).toContain('interaction_expired');
      expect(foreign.resumeBody).not.toContain('"screen":"step"');
      expect(foreign.api).toBe(400);
      expect(foreign.apiError).toBe('flow.step_mismatch');

      // The same post again from this browser (its cookie): the flow moved on, so the resume is refused.
      const again = await context.request.post(captured!.url, { form: captured!.form, maxRedirects: 0 });
      expect(again.status()).toBe(401); // login.flow_invalid: the handle it carried is dead
      const againHtml = await again.text();
      expect(againHtml).not.toContain('"screen":"step"');
      expect(againHtml).toContain('"screen":"login"');

      // The pair the page now holds finishes the sign-in once.
      const boot = JSON.parse((await page.locator('#gh-boot').textContent())!) as { flow: string; csrf: string };
      expect(boot.flow).not.toBe(captured!.form.flow);
      await page.getByLabel(t.otpCode).fill(totpOf(secret));
      const claims = await finish(page, verifier, () => page.getByRole('button', { name: t.verify }).click());
      expect(claims.sub).toBe(userId);
      expect(claims.amr).toEqual(expect.arrayContaining(['mfa']));

      // After success: the resume and the flow are gone.
      const replay = await context.request.post(captured!.url, { form: captured!.form, maxRedirects: 0 });
      expect(replay.status()).toBe(400);
      expect(await replay.text()).not.toContain('"screen":"step"');
      const late = await context.request.post(`${gh.url}/login/api/apps/${app.appId}/continue`, {
        headers: { 'x-gatehouse-flow': boot.flow, 'x-gatehouse-csrf': boot.csrf, origin: gh.url },
        data: { step: 'mfa', input: { factorType: 'OTP', passCode: totpOf(secret, 1) } },
      });
      expect(late.status()).toBe(401);
      expect(((await late.json()) as { error?: string }).error).toBe('login.flow_invalid');
    } finally {
      await context.close();
      await other.close();
    }
  }, 120_000);

  it('the popup (authing-js-sdk social.authorize) gets the vendor 1635 with an mfaToken, answered at /api/v3/mfa/verify', async () => {
    const { userId, secret } = users.get('dee')!;
    op.state.next = 'op-dee';
    const m = await popupSignIn({ gh, identifier: 'corp', appId: app.appId, upstreamOrigin: op.issuer });
    expect(m).toMatchObject({ code: 401, apiCode: 1635, message: 'mfa.required', data: { mfaToken: expect.any(String), applicableFactors: expect.arrayContaining(['OTP']) } });
    const mfaToken = (m.data as unknown as { mfaToken: string }).mfaToken;
    const verify = async (passCode: string) =>
      (await (await fetch(`${gh.url}/api/v3/mfa/verify`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-authing-app-id': app.appId }, body: JSON.stringify({ mfaToken, factorType: 'OTP', passCode }) })).json()) as { statusCode: number; apiCode?: number; data: { id_token?: string } };
    expect(await verify(wrongCode(secret))).toMatchObject({ apiCode: 6001 });
    const done = await verify(totpOf(secret));
    expect(done.statusCode).toBe(200);
    const claims = idClaims(done.data.id_token!);
    expect(claims.sub).toBe(userId);
    expect(claims.amr).toEqual(expect.arrayContaining(['otp', 'mfa']));
    // The mfaToken is spent.
    expect((await verify(totpOf(secret, 1))).statusCode).not.toBe(200);
  }, 60_000);

  it('a QR code in the page: after the scan the page shows the step and finishes with mfa; an app page\'s poll gets the 1635', async () => {
    const { userId, secret } = users.get('li')!;
    const polled = await appPageScan();
    expect(polled).toMatchObject({ status: 'step', result: { code: 401, apiCode: 1635, message: 'mfa.required', data: { mfaToken: expect.any(String) } } });

    const context = await browser.newContext({ locale: 'en', extraHTTPHeaders: { 'accept-language': 'en' } });
    try {
      const page = await context.newPage();
      const verifier = oc.randomPKCECodeVerifier();
      const url = oc.buildAuthorizationUrl(rp, { redirect_uri: CB, scope: 'openid', state: 'st', code_challenge: await oc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
      await page.goto(url.toString());
      const qrResponse = page.waitForResponse((r) => r.url().endsWith('/connections/social/wxmp/qrcode') && r.request().method() === 'POST');
      await page.getByRole('button', { name: 'WeChat OA' }).click();
      const qr = (await (await qrResponse).json()) as { wechatImageUrl: string };
      expect(await wechat.scan(new URL(qr.wechatImageUrl).searchParams.get('ticket')!, 'li', `${gh.url}/connections/social/wxmp/events`)).toMatchObject({ status: 200 });
      await page.getByRole('heading', { name: T.en.title }).waitFor({ timeout: 30_000 });
      await expect(page.getByTestId('step-via').textContent()).resolves.toBe('You signed in with WeChat OA. One more step to finish.');
      await page.getByLabel(T.en.otpCode).fill(totpOf(secret));
      const claims = await finish(page, verifier, () => page.getByRole('button', { name: T.en.verify }).click());
      expect(claims.sub).toBe(userId);
      expect(claims.amr).toEqual(expect.arrayContaining(['otp', 'mfa']));
    } finally {
      await context.close();
    }
  }, 120_000);
});
