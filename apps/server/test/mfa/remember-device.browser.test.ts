import * as oc from 'openid-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot, VIEWPORTS } from '../support/browser.js';
import { authClient, startServer, type TestServer } from '../support/server.js';
import { ok } from '../support/sign-in.js';
import { totpOf } from './support.js';
import { freePort } from '../cli/run-cli.js';

/**
 * "Remember this device" on the hosted login, in Chromium inside OIDC requests from
 * openid-client: after a second factor the user opts in; the browser gets an HttpOnly cookie and
 * later password sign-ins of that user in that browser skip the MFA step for the policy's days.
 * It does not help another user or another browser, `acr_values=mfa` still asks, and it stops
 * counting when the user resets a factor or the user's sessions are revoked.
 */
const CB = 'http://127.0.0.1:9/cb';
const PASSWORD = 'amber canyon drift 42';
const SECRET = 'NBSWY3DPEB3W64TMMQQHC5LJMNVSAYTS';
const T = {
  en: { remember: 'Remember this device for 30 days', title: 'Two-step verification', code: 'Code from the authenticator app', verify: 'Verify' },
  'zh-CN': { remember: '在此设备上 30 天内免于两步验证', title: '两步验证', code: '身份验证器中的验证码', verify: '验证' },
} as const;

let s: TestServer;
let browser: Browser;
let config: oc.Configuration;
let appId: string;
let appSecret: string;

beforeAll(async () => {
  const port = await freePort();
  s = await startServer({ config: { port, publicUrl: `http://127.0.0.1:${port}` } as never });
  const app = await s.container.services.applications.create(s.poolId, { appName: 'Portal', appType: 'web', redirectUris: [CB] } as never);
  appId = app.appId;
  appSecret = app.appSecret;
  ok(await s.mgmt().updateApplicationMfaSettings({ appId, enabledFactors: ['OTP'], rememberDeviceDays: 30 } as never));
  await s.container.authn.settings.update(s.poolId, { bruteForce: { captchaAfter: 0 } } as never);
  config = await oc.discovery(new URL(`${s.url}/oidc`), appId, undefined, oc.ClientSecretPost(app.appSecret), { execute: [oc.allowInsecureRequests] });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

async function userWithOtp(email: string) {
  const userId = ok(await s.mgmt().createUser({ email, password: PASSWORD })).data.userId as string;
  ok(await s.mgmt().importOtp({ list: [{ userId, otp: { secret: SECRET } }] }));
  return userId;
}

/** A password sign-in inside an OIDC request (prompt=login: the browser's SSO session is not reused). */
async function signIn(context: BrowserContext, email: string, lang: 'en' | 'zh-CN' = 'en', extra: Record<string, string> = {}) {
  const page = await context.newPage();
  const verifier = oc.randomPKCECodeVerifier();
  const url = oc.buildAuthorizationUrl(config, { redirect_uri: CB, scope: 'openid email', prompt: 'login', code_challenge: await oc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 'st', ...extra });
  const done = page.waitForRequest((r) => r.url().startsWith(CB)).then(async (r) => oc.authorizationCodeGrant(config, new URL(r.url()), { pkceCodeVerifier: verifier, expectedState: 'st' }));
  await page.goto(url.toString());
  await page.getByLabel(lang === 'en' ? 'Email, phone or username' : '邮箱、手机号或用户名').fill(email);
  await page.getByLabel(lang === 'en' ? 'Password' : '密码', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: lang === 'en' ? 'Sign in' : '登录', exact: true }).click();
  return { page, done, t: T[lang] };
}

/** Waits for the MFA step or the finish, whichever comes first. */
async function mfaAsked(page: Page, done: Promise<unknown>, t: (typeof T)['en' | 'zh-CN']): Promise<boolean> {
  return Promise.race([page.getByRole('heading', { name: t.title }).waitFor().then(() => true), done.then(() => false)]);
}

/** `step`: the TOTP time step from now (−1, 0 or +1 are accepted; each step once per factor, so one sign-in after another uses a later one). */
async function passMfa(page: Page, t: (typeof T)['en' | 'zh-CN'], step: number, remember: boolean | 'not offered') {
  const box = page.getByLabel(t.remember);
  await page.getByLabel(t.code).waitFor();
  if (remember === 'not offered') expect(await box.count()).toBe(0);
  else expect(await box.isChecked()).toBe(false); // opt-in
  if (remember === true) await box.check();
  await page.getByLabel(t.code).fill(totpOf(SECRET, step));
  await page.getByRole('button', { name: t.verify }).click();
}

const deviceCookies = async (context: BrowserContext) => (await context.cookies()).filter((c) => c.name.startsWith('gh_mfa_rd_'));

describe('remember this device', () => {
  it('skips MFA for the user in this browser only, not for acr_values=mfa, and stops after a factor reset or a session revocation', async () => {
    const userId = await userWithOtp('remember-me@example.com');
    await userWithOtp('someone-else@example.com');
    const context = await browser.newContext({ locale: 'en', viewport: VIEWPORTS.desktop, extraHTTPHeaders: { 'accept-language': 'en' } });
    const other = await browser.newContext({ locale: 'en', viewport: VIEWPORTS.desktop, extraHTTPHeaders: { 'accept-language': 'en' } });
    try {
      // Without opting in: no cookie, the next sign-in asks again.
      let r = await signIn(context, 'remember-me@example.com');
      expect(await mfaAsked(r.page, r.done, r.t)).toBe(true);
      await passMfa(r.page, r.t, -1, false);
      await r.done;
      expect(await deviceCookies(context)).toEqual([]);

      r = await signIn(context, 'remember-me@example.com');
      expect(await mfaAsked(r.page, r.done, r.t)).toBe(true);
      await screenshot(r.page, 'mfa/remember-device-en-desktop');
      await passMfa(r.page, r.t, 0, true);
      await r.done;
      const [cookie, ...more] = await deviceCookies(context);
      expect(more).toEqual([]);
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/interaction' });
      expect(cookie!.value).not.toContain(userId);
      const days = (cookie!.expires * 1000 - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(29);
      expect(days).toBeLessThanOrEqual(30);

      // Remembered: the password alone finishes, and the ID token says no second factor happened.
      r = await signIn(context, 'remember-me@example.com');
      expect(await mfaAsked(r.page, r.done, r.t)).toBe(false);
      const skipped = (await r.done).claims()!;
      expect(skipped.sub).toBe(userId);
      expect(skipped.amr).toEqual(['pwd']);
      expect(skipped.acr).not.toBe('mfa');

      // Another user in this browser, and this user in another browser, are asked.
      r = await signIn(context, 'someone-else@example.com');
      expect(await mfaAsked(r.page, r.done, r.t)).toBe(true);
      await r.page.close();
      r = await signIn(other, 'remember-me@example.com');
      expect(await mfaAsked(r.page, r.done, r.t)).toBe(true);
      await r.page.close();
      // A request that asks for MFA itself is not skipped.
      r = await signIn(context, 'remember-me@example.com', 'en', { acr_values: 'mfa' });
      expect(await mfaAsked(r.page, r.done, r.t)).toBe(true);
      await passMfa(r.page, r.t, 1, 'not offered');
      const tokens = await r.done;
      expect(tokens.claims()!.acr).toBe('mfa');

      // The user resets the OTP factor (then enrols it again): the remembered device no longer counts.
      const me = authClient({ appId, appSecret, host: s.url });
      me.setAccessToken(tokens.access_token);
      const [factor] = ok(await me.listEnrolledFactors()).data;
      ok(await me.resetFactor({ factorId: factor.factorId }));
      ok(await s.mgmt().importOtp({ list: [{ userId, otp: { secret: SECRET } }] }));
      r = await signIn(context, 'remember-me@example.com');
      expect(await mfaAsked(r.page, r.done, r.t)).toBe(true);
      await passMfa(r.page, r.t, 0, true);
      await r.done;
      r = await signIn(context, 'remember-me@example.com');
      expect(await mfaAsked(r.page, r.done, r.t)).toBe(false);
      await r.done;

      // The administrator revokes the user's sessions (force logout): the remembered device goes with them.
      ok(await s.mgmt().kickUsers({ userId, appIds: [appId] } as never));
      r = await signIn(context, 'remember-me@example.com');
      expect(await mfaAsked(r.page, r.done, r.t)).toBe(true);
      await r.page.close();
    } finally {
      await context.close();
      await other.close();
    }
  });

  it('zh-CN at phone width: offers the choice in Chinese', async () => {
    await userWithOtp('remember-zh@example.com');
    const context = await browser.newContext({ locale: 'zh-CN', viewport: VIEWPORTS.phone, extraHTTPHeaders: { 'accept-language': 'zh-CN' } });
    try {
      let r = await signIn(context, 'remember-zh@example.com', 'zh-CN');
      expect(await mfaAsked(r.page, r.done, r.t)).toBe(true);
      await screenshot(r.page, 'mfa/remember-device-zh-CN-phone');
      await passMfa(r.page, r.t, 0, true);
      await r.done;
      r = await signIn(context, 'remember-zh@example.com', 'zh-CN');
      expect(await mfaAsked(r.page, r.done, r.t)).toBe(false);
      await r.done;
    } finally {
      await context.close();
    }
  });
});
