import * as oc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot, VIEWPORTS } from '../support/browser.js';
import { startOidcServer, type OidcTestServer } from '../oidc/support.js';

/**
 * The hosted login is not a dead end after a few wrong passwords: when the attempt guard asks
 * for a captcha the page shows one (with a way to get another image) and accepts the answer, in
 * English and Chinese, at desktop and phone widths. No API path or payload field name ever
 * reaches the person at the screen.
 */
const CB = 'http://127.0.0.1:9/cb';
const PASSWORD = 'amber canyon drift 42';
const API_WORDING = /passwordPayload|\/api\/v3|payload|invalid_client client|get-captcha-code/;

const T = {
  en: { account: 'Email, phone or username', password: 'Password', submit: 'Sign in', wrong: 'The account or password is incorrect.', captcha: 'Characters in the image', another: 'Show another image' },
  'zh-CN': { account: '邮箱、手机号或用户名', password: '密码', submit: '登录', wrong: '账号或密码错误。', captcha: '图片中的字符', another: '换一张图片' },
} as const;

describe('hosted login: captcha after failed attempts', () => {
  let s: OidcTestServer;
  let browser: Browser;
  let config: oc.Configuration;

  beforeAll(async () => {
    s = await startOidcServer();
    const app = await s.container.services.applications.create(s.poolId, { appName: 'Portal', appType: 'web', redirectUris: [CB] } as never);
    config = await oc.discovery(new URL(`${s.url}/oidc`), app.appId, undefined, oc.ClientSecretPost(app.appSecret), { execute: [oc.allowInsecureRequests] });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  /** The answer of a captcha the page fetched (a test reads it from the KV; a person reads the image). */
  async function answerOf(token: string): Promise<string> {
    const answer = await s.container.kv.get(`p:${s.poolId}:captcha:${token}`);
    if (!answer) throw new Error('no captcha answer stored for the shown token');
    return answer;
  }
  const nextCaptcha = (page: Page) => page.waitForResponse((r) => r.url().endsWith('/captcha')).then(async (r) => ((await r.json()) as { token: string }).token);

  for (const lang of ['en', 'zh-CN'] as const) {
    for (const [width, viewport] of Object.entries(VIEWPORTS)) {
      it(`${lang} at ${width} width: friendly errors, a captcha with a new-image button, then the right answer signs in`, async () => {
        const t = T[lang];
        const email = `captcha-${lang}-${width}@example.com`.toLowerCase();
        const u = await s.container.services.users.create(s.poolId, { email });
        await s.container.authn.passwords.set(s.poolId, (await s.container.repos.users.findById(s.poolId, u.userId))!, PASSWORD);
        const context = await browser.newContext({ locale: lang, viewport, extraHTTPHeaders: { 'accept-language': lang } });
        const page = await context.newPage();
        try {
          const url = oc.buildAuthorizationUrl(config, { redirect_uri: CB, scope: 'openid', code_challenge: await oc.calculatePKCECodeChallenge(oc.randomPKCECodeVerifier()), code_challenge_method: 'S256', state: 's' });
          await page.goto(url.toString());
          // Three wrong passwords: words for a person, no API wording.
          for (let i = 0; i < 3; i++) {
            await page.getByLabel(t.account).fill(email);
            await page.getByLabel(t.password, { exact: true }).fill(`wrong guess ${i}`);
            await page.getByRole('button', { name: t.submit, exact: true }).click();
            await page.getByRole('alert').filter({ hasText: t.wrong }).waitFor();
          }
          expect(await page.content()).not.toMatch(API_WORDING);
          // The next attempt needs a captcha: the page shows it, then a new image on request.
          const first = nextCaptcha(page);
          await page.getByLabel(t.password, { exact: true }).fill(PASSWORD);
          await page.getByRole('button', { name: t.submit, exact: true }).click();
          const firstToken = await first;
          await page.getByLabel(t.captcha).waitFor();
          await screenshot(page, `hosted-login/captcha-${lang}-${width}`);
          const second = nextCaptcha(page);
          await page.getByRole('button', { name: t.another }).click();
          const token = await second;
          expect(token).not.toBe(firstToken);
          expect(await page.content()).not.toMatch(API_WORDING);
          // The right answer and the right password finish the OIDC request.
          await page.getByLabel(t.captcha).fill(await answerOf(token));
          await page.getByLabel(t.password, { exact: true }).fill(PASSWORD);
          const [request] = await Promise.all([page.waitForRequest((r) => r.url().startsWith(CB)), page.getByRole('button', { name: t.submit, exact: true }).click()]);
          expect(new URL(request.url()).searchParams.get('code')).toEqual(expect.any(String));
        } finally {
          await context.close();
        }
      });
    }

    it(`${lang}: an unknown application gets a page in words, not a protocol error`, async () => {
      const context = await browser.newContext({ locale: lang, extraHTTPHeaders: { 'accept-language': lang } });
      const page = await context.newPage();
      try {
        const res = await page.goto(`${s.url}/oidc/auth?client_id=nope&redirect_uri=${encodeURIComponent(CB)}&response_type=code&scope=openid`);
        expect(res?.status()).toBe(400);
        const alert = await page.getByRole('alert').textContent();
        expect(alert).toBe(lang === 'en' ? 'The application that sent you here is not known to this server.' : '将你带到这里的应用未在本服务注册。');
        expect(await page.content()).not.toMatch(API_WORDING);
      } finally {
        await context.close();
      }
    });
  }
});
