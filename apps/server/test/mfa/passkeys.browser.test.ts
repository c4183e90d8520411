import * as oc from 'openid-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axe, launchChromium, MATRIX, screenshot, VIEWPORTS, type MatrixLang, type Viewport } from '../support/browser.js';
import { startServer, type TestServer } from '../support/server.js';
import { ok } from '../support/sign-in.js';
import { freePort } from '../cli/run-cli.js';

/**
 * Issue #15, passkeys in headless Chromium with a CDP virtual authenticator (ctap2, internal,
 * resident keys, user verification): a user registers a passkey on the hosted page (the app
 * requires MFA and the user has no factor), later signs in passwordless inside an OIDC request
 * from openid-client, and, separately, uses the passkey as the second factor after a password.
 * The relying party is `localhost` (WebAuthn refuses IP addresses as RP IDs). Each story runs at
 * 1280×800 and 390×844, in English and Simplified Chinese (issue 19's matrix): a user, a context
 * and an authenticator per row, one browser for the file; axe-core clean on every screen.
 */
const CB = 'http://localhost:9/cb';
const PASSWORD = 'amber canyon drift 42';
let s: TestServer;
let browser: Browser;
let config: oc.Configuration;

/** The page's words (apps/login/src/i18n.ts, passkey.tsx, mfa-step.tsx). */
const T = {
  en: { tabPassword: 'Password', tabPasskey: 'Passkey', account: 'Email, phone or username', password: 'Password', submit: 'Sign in', enrollTitle: 'Set up two-step verification', factor: 'Passkey or security key', cont: 'Continue', saved: 'I have stored these codes somewhere safe', passkeyButton: 'Sign in with a passkey', title: 'Two-step verification', usePasskey: 'Use a passkey' },
  'zh-CN': { tabPassword: '密码登录', tabPasskey: '通行密钥', account: '邮箱、手机号或用户名', password: '密码', submit: '登录', enrollTitle: '设置两步验证', factor: '通行密钥或安全密钥', cont: '继续', saved: '我已将这些恢复码保存在安全的地方', passkeyButton: '使用通行密钥登录', title: '两步验证', usePasskey: '使用通行密钥' },
} as const satisfies Record<MatrixLang, unknown>;

beforeAll(async () => {
  const port = await freePort();
  s = await startServer({ config: { port, publicUrl: `http://localhost:${port}` } as never });
  const app = ok(
    await s.mgmt().createApplication({ appName: 'Passkey portal', appIdentifier: 'passkey-portal', appType: 'web', redirectUris: [CB], loginConfig: { enabledBasicLoginMethods: ['EMAIL_PASSWORD', 'PHONE_PASSWORD', 'USERNAME_PASSWORD', 'PASSKEY'] } } as never),
  ).data;
  ok(await s.mgmt().updateApplicationMfaSettings({ appId: app.appId, enabledFactors: ['OTP', 'WEBAUTHN'], mode: 'required' } as never));
  config = await oc.discovery(new URL(`http://localhost:${port}/oidc`), app.appId, undefined, oc.ClientSecretPost(await s.container.services.applications.getSecret(s.poolId, app.appId)), { execute: [oc.allowInsecureRequests] });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

for (const { viewport, lang } of MATRIX) {
  describe(`passkeys on the hosted login at ${viewport} in ${lang} (CDP virtual authenticator)`, { timeout: 60_000 }, () => {
    const t = T[lang];
    const email = `passkey-${viewport}-${lang.toLowerCase()}@example.com`;
    const shot = (name: string) => `mfa/${name}-${lang}-${viewport satisfies Viewport}`;
    let context: BrowserContext;
    let page: Page;
    let userId: string;

    beforeAll(async () => {
      userId = ok(await s.mgmt().createUser({ email, password: PASSWORD } as never)).data.userId;
      context = await browser.newContext({ viewport: VIEWPORTS[viewport], locale: lang, extraHTTPHeaders: { 'accept-language': lang } });
      page = await context.newPage();
      // The virtual authenticator belongs to this page (it survives navigations, as a platform authenticator would).
      const cdp = await context.newCDPSession(page);
      await cdp.send('WebAuthn.enable');
      await cdp.send('WebAuthn.addVirtualAuthenticator', { options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true } });
    }, 60_000);
    afterAll(async () => {
      await context?.close();
    });

    /** A new OIDC authorization request (no SSO session: each sign-in starts at the login page). */
    async function authorize() {
      await context.clearCookies();
      const verifier = oc.randomPKCECodeVerifier();
      const url = oc.buildAuthorizationUrl(config, { redirect_uri: CB, scope: 'openid email', code_challenge: await oc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 'st' });
      // The previous sign-in ended on the callback, an address nobody listens on: Chromium may still be
      // committing its error page, which interrupts this navigation. Then it is simply repeated.
      for (let i = 0; ; i++) {
        try {
          await page.goto(url.toString());
          break;
        } catch (err) {
          if (i >= 3 || !/interrupted by another navigation/.test((err as Error).message)) throw err;
          // Either the error page interrupted us (go again) or our own request went on to the login page.
          await page.waitForTimeout(300);
          if (page.url().includes('/interaction/')) {
            await page.waitForLoadState();
            break;
          }
        }
      }
      return verifier;
    }
    async function finish(verifier: string, click: () => Promise<void>) {
      const [request] = await Promise.all([page.waitForRequest((r) => r.url().startsWith(CB)), click()]);
      const tokens = await oc.authorizationCodeGrant(config, new URL(request.url()), { pkceCodeVerifier: verifier, expectedState: 'st' });
      return tokens.claims()!;
    }
    async function password() {
      await page.getByRole('tab', { name: t.tabPassword }).click();
      await page.getByLabel(t.account).fill(email);
      await page.getByRole('textbox', { name: t.password, exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: t.submit, exact: true }).click();
    }

    it('registers a passkey on the hosted page when the app requires MFA', async () => {
      const verifier = await authorize();
      await password();
      await page.getByRole('heading', { name: t.enrollTitle }).waitFor();
      await page.getByLabel(t.factor).check();
      expect(await axe(page)).toEqual([]);
      await screenshot(page, shot('passkey-enroll'));
      await page.getByRole('button', { name: t.cont }).click();
      const codes = page.getByTestId('recovery-codes').locator('li');
      await codes.first().waitFor();
      expect(await codes.count()).toBe(10);
      await page.getByLabel(t.saved).check();
      const claims = await finish(verifier, () => page.getByRole('button', { name: t.cont }).click());
      expect(claims.sub).toBe(userId);
      expect(claims.amr).toEqual(expect.arrayContaining(['pwd', 'hwk', 'mfa']));
      const creds = await s.container.mfa.webauthn.list(s.poolId, userId);
      expect(creds).toHaveLength(1);
    });

    it('signs in passwordless with the passkey inside an OIDC request', async () => {
      const verifier = await authorize();
      await page.getByRole('tab', { name: t.tabPasskey, exact: true }).click();
      await page.getByRole('button', { name: t.passkeyButton }).waitFor();
      expect(await axe(page)).toEqual([]);
      await screenshot(page, shot('passkey-tab'));
      const claims = await finish(verifier, () => page.getByRole('button', { name: t.passkeyButton }).click());
      expect(claims.sub).toBe(userId);
      expect(claims.amr).toEqual(expect.arrayContaining(['hwk', 'user', 'mfa']));
      expect(claims.amr).not.toContain('pwd');
      const [cred] = await s.container.mfa.webauthn.list(s.poolId, userId);
      expect(cred!.lastUsedAt).not.toBeNull();
    });

    it('uses the passkey as the second factor after a password', async () => {
      const verifier = await authorize();
      await password();
      await page.getByRole('heading', { name: t.title }).waitFor();
      expect(await axe(page)).toEqual([]);
      await screenshot(page, shot('passkey-second-factor'));
      const claims = await finish(verifier, () => page.getByRole('button', { name: t.usePasskey }).click());
      expect(claims.sub).toBe(userId);
      expect(claims.amr).toEqual(expect.arrayContaining(['pwd', 'hwk', 'mfa']));
    });
  });
}
