import * as oc from 'openid-client';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot, VIEWPORTS } from '../support/browser.js';
import { startServer, type TestServer } from '../support/server.js';
import { captureLog } from '../passcode/support.js';
import { ok } from '../support/sign-in.js';
import { freePort } from '../cli/run-cli.js';

/**
 * The email factor on the hosted login, in English and Chinese: an app that requires MFA with
 * `EMAIL` enabled lets a user without a factor enrol an email address (a code is sent to it and
 * typed back), shows the recovery codes once, and later sign-ins ask for a code sent to that
 * address. The ID token's `amr` has `email` and `mfa`. Tested in Chromium inside OIDC requests.
 */
const CB = 'http://127.0.0.1:9/cb';
const PASSWORD = 'amber canyon drift 42';
const T = {
  en: { account: 'Email, phone or username', password: 'Password', submit: 'Sign in', enrollTitle: 'Set up two-step verification', email: 'Email code', address: 'Email address', cont: 'Continue', code: 'Code from the email', verify: 'Verify', saved: 'I have stored these codes somewhere safe', title: 'Two-step verification', send: 'Send code', sent: 'A code was sent.' },
  'zh-CN': { account: '邮箱、手机号或用户名', password: '密码', submit: '登录', enrollTitle: '设置两步验证', email: '邮箱验证码', address: '邮箱地址', cont: '继续', code: '邮件中的验证码', verify: '验证', saved: '我已将这些恢复码保存在安全的地方', title: '两步验证', send: '发送验证码', sent: '验证码已发送。' },
} as const;

let s: TestServer;
let browser: Browser;
let config: oc.Configuration;
const log = captureLog();

beforeAll(async () => {
  const port = await freePort();
  s = await startServer({ logger: log.logger, config: { port, publicUrl: `http://127.0.0.1:${port}`, emailProvider: 'console', sendLimitIpPerHour: 100000 } as never });
  const app = await s.container.services.applications.create(s.poolId, { appName: 'Portal', appType: 'web', redirectUris: [CB] } as never);
  ok(await s.mgmt().updateApplicationMfaSettings({ appId: app.appId, enabledFactors: ['OTP', 'EMAIL'], mode: 'required' } as never));
  await s.container.authn.settings.update(s.poolId, { bruteForce: { captchaAfter: 0 } } as never);
  // Enrolment and the next sign-in's code go to one address within a minute (the reference allows one per minute and channel).
  ok(await s.mgmt().makeRequest({ method: 'POST', url: '/api/v3/update-messaging-settings', data: { quotas: { recipientPerMinute: 100 } } }));
  config = await oc.discovery(new URL(`${s.url}/oidc`), app.appId, undefined, oc.ClientSecretPost(app.appSecret), { execute: [oc.allowInsecureRequests] });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

async function start(lang: 'en' | 'zh-CN', width: keyof typeof VIEWPORTS, email: string) {
  const context = await browser.newContext({ locale: lang, viewport: VIEWPORTS[width], extraHTTPHeaders: { 'accept-language': lang } });
  const page = await context.newPage();
  const verifier = oc.randomPKCECodeVerifier();
  const url = oc.buildAuthorizationUrl(config, { redirect_uri: CB, scope: 'openid email', code_challenge: await oc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 'st' });
  const done = page.waitForRequest((r) => r.url().startsWith(CB)).then(async (r) => (await oc.authorizationCodeGrant(config, new URL(r.url()), { pkceCodeVerifier: verifier, expectedState: 'st' })).claims()!);
  await page.goto(url.toString());
  const t = T[lang];
  await page.getByLabel(t.account).fill(email);
  await page.getByLabel(t.password, { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: t.submit, exact: true }).click();
  return { context, page, done, t };
}

describe('email factor on the hosted login', () => {
  for (const [lang, width] of [['en', 'desktop'], ['zh-CN', 'phone']] as const) {
    it(`${lang} at ${width} width: enrols an email address with a code, then signs in with a code sent to it`, async () => {
      const account = `email-factor-${lang}@example.com`.toLowerCase();
      const mfaAddress = `second-${lang}@example.org`.toLowerCase();
      const userId = ok(await s.mgmt().createUser({ email: account, password: PASSWORD })).data.userId;
      const first = await start(lang, width, account);
      try {
        const { page, t } = first;
        await page.getByRole('heading', { name: t.enrollTitle }).waitFor();
        await page.getByLabel(t.email).check();
        await page.getByLabel(t.address).fill(mfaAddress);
        const before = log.messagesTo(mfaAddress).length;
        await page.getByRole('button', { name: t.cont }).click();
        await page.getByRole('status').filter({ hasText: t.sent }).waitFor();
        await expect.poll(() => log.messagesTo(mfaAddress).length).toBeGreaterThan(before);
        await screenshot(page, `mfa/enroll-email-${lang}-${width}`);
        await page.getByLabel(t.code).fill(log.lastCode(mfaAddress));
        await page.getByRole('button', { name: t.verify }).click();
        await page.getByTestId('recovery-codes').locator('li').first().waitFor();
        await page.getByLabel(t.saved).check();
        await page.getByRole('button', { name: t.cont }).click();
        const claims = await first.done;
        expect(claims.sub).toBe(userId);
        expect(claims.amr).toEqual(expect.arrayContaining(['pwd', 'email', 'mfa']));
      } finally {
        await first.context.close();
      }
      expect(ok(await s.mgmt().getUserMfaInfo({ userId })).data).toMatchObject({ emailMfaStatus: 'enabled', totpStatus: 'disabled' });

      const again = await start(lang, width, account);
      try {
        const { page, t } = again;
        await page.getByRole('heading', { name: t.title }).waitFor();
        const before = log.messagesTo(mfaAddress).length;
        await page.getByRole('button', { name: t.send }).click();
        await expect.poll(() => log.messagesTo(mfaAddress).length).toBeGreaterThan(before);
        await page.getByLabel(t.code).fill(log.lastCode(mfaAddress));
        await page.getByRole('button', { name: t.verify }).click();
        const claims = await again.done;
        expect(claims.amr).toEqual(expect.arrayContaining(['pwd', 'email', 'mfa']));
      } finally {
        await again.context.close();
      }
    });
  }
});
