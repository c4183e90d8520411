import * as oc from 'openid-client';
import type { BrowserContext } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, VIEWPORTS } from '../support/browser.js';
import { startServer, type TestServer } from '../support/server.js';
import { ok } from '../support/sign-in.js';
import { totpOf } from './support.js';
import { freePort } from '../cli/run-cli.js';

/**
 * `acr_values=mfa` in an OIDC authorization request (OIDC Core §3.1.2.1) forces the MFA step on
 * the hosted login even where the app asks for no second factor, and the ID token says so
 * (`acr` `mfa`, `amr` with the factor and `mfa`). A browser session that signed in with the
 * password alone signs in again; one that passed a second factor is reused. A user without a
 * factor enrols one. Tested in Chromium with openid-client.
 */
const CB = 'http://127.0.0.1:9/cb';
const PASSWORD = 'amber canyon drift 42';
const SECRET = 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U';

let s: TestServer;
let browser: Browser;
let config: oc.Configuration;

beforeAll(async () => {
  const port = await freePort();
  s = await startServer({ config: { port, publicUrl: `http://127.0.0.1:${port}` } as never });
  const app = await s.container.services.applications.create(s.poolId, { appName: 'Portal', appType: 'web', redirectUris: [CB] } as never);
  await s.container.authn.settings.update(s.poolId, { bruteForce: { captchaAfter: 0 } } as never);
  config = await oc.discovery(new URL(`${s.url}/oidc`), app.appId, undefined, oc.ClientSecretPost(app.appSecret), { execute: [oc.allowInsecureRequests] });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

/** Starts an authorization request in the browser; `done` resolves with the callback URL whenever the browser reaches it. */
async function authorize(context: BrowserContext, extra: Record<string, string>) {
  const page = await context.newPage();
  const verifier = oc.randomPKCECodeVerifier();
  const url = oc.buildAuthorizationUrl(config, { redirect_uri: CB, scope: 'openid email', code_challenge: await oc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 'st', ...extra });
  const done = page.waitForRequest((r) => r.url().startsWith(CB)).then(async (r) => (await oc.authorizationCodeGrant(config, new URL(r.url()), { pkceCodeVerifier: verifier, expectedState: 'st' })).claims()!);
  await page.goto(url.toString()).catch(() => undefined); // an SSO answer goes straight to the (unreachable) callback
  return { page, done };
}

async function password(page: import('playwright-core').Page, email: string) {
  await page.getByLabel('Email, phone or username').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

describe('acr_values=mfa on the hosted login', () => {
  it('is advertised in discovery', () => {
    expect(config.serverMetadata().acr_values_supported).toContain('mfa');
  });

  it('forces the second factor where the app asks none, re-authenticates a password-only session, and reuses an MFA one', async () => {
    const email = 'acr-user@example.com';
    const userId = ok(await s.mgmt().createUser({ email, password: PASSWORD })).data.userId;
    ok(await s.mgmt().importOtp({ list: [{ userId, otp: { secret: SECRET } }] }));
    const context = await browser.newContext({ locale: 'en', viewport: VIEWPORTS.desktop, extraHTTPHeaders: { 'accept-language': 'en' } });
    try {
      // Without acr_values the app (MFA off) takes the password alone.
      const plain = await authorize(context, {});
      await password(plain.page, email);
      const first = await plain.done;
      expect(first.amr).toEqual(['pwd']);
      expect(first.acr).not.toBe('mfa');

      // acr_values=mfa: the password-only session does not satisfy it — the login page again, then the second factor.
      const strong = await authorize(context, { acr_values: 'mfa' });
      await password(strong.page, email);
      await strong.page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
      await strong.page.getByLabel('Code from the authenticator app').fill(totpOf(SECRET));
      await strong.page.getByRole('button', { name: 'Verify' }).click();
      const claims = await strong.done;
      expect(claims.sub).toBe(userId);
      expect(claims.acr).toBe('mfa');
      expect(claims.amr).toEqual(expect.arrayContaining(['pwd', 'otp', 'mfa']));

      // The session passed a second factor now: the next acr_values=mfa request is answered from it.
      const again = await authorize(context, { acr_values: 'mfa' });
      const sso = await again.done;
      expect(sso.acr).toBe('mfa');
      expect(sso.auth_time).toBe(claims.auth_time);
    } finally {
      await context.close();
    }
  });

  it('makes a user without a factor enrol one', async () => {
    const email = 'acr-new@example.com';
    ok(await s.mgmt().createUser({ email, password: PASSWORD }));
    const context = await browser.newContext({ locale: 'en', viewport: VIEWPORTS.desktop, extraHTTPHeaders: { 'accept-language': 'en' } });
    try {
      const { page, done } = await authorize(context, { acr_values: 'mfa' });
      await password(page, email);
      await page.getByRole('heading', { name: 'Set up two-step verification' }).waitFor();
      await page.getByLabel('Authenticator app').check();
      await page.getByRole('button', { name: 'Continue' }).click();
      const key = (await page.getByTestId('mfa-secret').textContent())!;
      await page.getByLabel('Code from the authenticator app').fill(totpOf(key));
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByTestId('recovery-codes').locator('li').first().waitFor();
      await page.getByLabel('I have stored these codes somewhere safe').check();
      await page.getByRole('button', { name: 'Continue' }).click();
      const claims = await done;
      expect(claims.acr).toBe('mfa');
      expect(claims.amr).toEqual(expect.arrayContaining(['pwd', 'otp', 'mfa']));
    } finally {
      await context.close();
    }
  });
});
