import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axe, launchChromium, MATRIX, screenshot, VIEWPORTS, type MatrixLang, type Viewport } from '../support/browser.js';
import { captureLog } from '../passcode/support.js';
import { authClient, boundManagementClient, startServer, type TestServer } from '../support/server.js';

/**
 * The login UI in Debian's Chromium: the hosted page (through /login?app_id → the OIDC
 * authorization → /interaction/:uid) and the <gatehouse-login> element on a page of another
 * origin. Each hosted flow at 1280×800 and 390×844, in English and Simplified Chinese, with a
 * screenshot in test-artifacts/ and axe-core finding no serious or critical violation.
 */
/** The relying party's callback: a real local server (the page must really arrive there). */
let CB = '';
let callbackServer: Server;
const PASSWORD = 'Correct horse battery 42!';

let s: TestServer;
let browser: Browser;
const log = captureLog();
let port = 0;

beforeAll(async () => {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  port = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  s = await startServer({ logger: log.logger, config: { port, publicUrl: `http://127.0.0.1:${port}`, smsProvider: 'console', emailProvider: 'console', sendLimitIpPerHour: 100000 } as never });
  callbackServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('callback'));
  await new Promise<void>((r) => callbackServer.listen(0, '127.0.0.1', r));
  CB = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/cb`;
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await s?.close();
  await new Promise((r) => callbackServer?.close(r));
});

const mgmt = () => boundManagementClient({ ...s.rootKey, host: s.url });
async function createApp(body: Record<string, unknown>): Promise<string> {
  const r = (await mgmt().createApplication({ appName: `Portal ${Math.random().toString(36).slice(2, 6)}`, appType: 'web', redirectUris: [CB], ...body } as never)) as { statusCode: number; message: string; data: { appId: string } };
  expect(r.statusCode, r.message).toBe(200);
  return r.data.appId;
}
async function createUser(email: string, password = PASSWORD) {
  const u = await s.container.services.users.create(s.poolId, { email } as never);
  const row = (await s.container.repos.users.findById(s.poolId, (u as { userId: string }).userId))!;
  await s.container.authn.passwords.set(s.poolId, row, password, { skipPolicy: true });
  return (u as { userId: string }).userId;
}

interface Ctx {
  context: BrowserContext;
  page: Page;
  csp: string[];
}
async function open(appId: string, opts: { viewport?: Viewport; lang?: string } = {}): Promise<Ctx> {
  const lang = opts.lang ?? 'en';
  const context = await browser.newContext({ viewport: VIEWPORTS[opts.viewport ?? 'desktop'], locale: lang, extraHTTPHeaders: { 'accept-language': lang } });
  const page = await context.newPage();
  const csp: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) csp.push(m.text());
  });
  await page.goto(`${s.url}/login?app_id=${appId}`);
  await page.locator('.gh-card:not(.gh-fallback)').waitFor();
  return { context, page, csp };
}

const codeFromLog = (to: string) => log.lastCode(to);
const atCallback = async (page: Page) => {
  await page.waitForURL((u) => u.toString().startsWith(CB));
  return new URL(page.url()).searchParams.get('code');
};

/** The page's words in the two languages of the matrix (apps/login/src/i18n.ts). */
const L = {
  en: { title: 'Sign in', account: 'Email, phone or username', password: 'Password', submit: 'Sign in', email: 'Email', code: 'Verification code', send: 'Send code', resend: /Send again in/, emailTab: 'Email code', register: 'Create an account', again: 'Repeat the password', create: 'Create account', mustAgree: 'accept the agreements', forgot: 'Forgot password?', newPassword: 'New password', setPassword: 'Set new password', resetDone: 'password was changed', back: 'Back to sign in', qrTab: 'Scan QR code', qrAlt: 'QR code to scan with the app', scanned: 'Confirm in the app' },
  'zh-CN': { title: '登录', account: '邮箱、手机号或用户名', password: '密码', submit: '登录', email: '邮箱', code: '验证码', send: '发送验证码', resend: /秒后可重新发送/, emailTab: '邮箱验证码', register: '注册账号', again: '再次输入密码', create: '注册', mustAgree: '同意相关协议', forgot: '忘记密码？', newPassword: '新密码', setPassword: '设置新密码', resetDone: '密码已修改', back: '返回登录', qrTab: '扫码登录', qrAlt: '用 App 扫描的登录二维码', scanned: '已扫码' },
} as const satisfies Record<MatrixLang, unknown>;
/** A distinct identifier per row of the matrix. */
const tag = (viewport: Viewport, lang: MatrixLang) => `${viewport}-${lang.toLowerCase()}`;

describe('hosted login page', () => {
  let passwordApp: Promise<string> | undefined;
  it.each(MATRIX)('password sign-in at $viewport in $lang: accessible, strict CSP, back to the app with a code', async ({ viewport, lang }) => {
    passwordApp ??= (async () => {
      const id = await createApp({});
      await createUser('ada@example.com');
      return id;
    })();
    const { context, page, csp } = await open(await passwordApp, { viewport, lang });
    await expect.poll(() => page.locator('h1').textContent()).toBe(L[lang].title);
    expect(await axe(page)).toEqual([]);
    await screenshot(page, `login-ui/password-${viewport}-${lang}`);
    // Keyboard only: the account field has focus, Tab moves to the password, Enter submits.
    await page.keyboard.type('ada@example.com');
    await page.keyboard.press('Tab');
    expect(await page.getByLabel(L[lang].password, { exact: true }).evaluate((el) => el === (el.getRootNode() as unknown as { activeElement: unknown }).activeElement)).toBe(true);
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    expect(await atCallback(page)).toBeTruthy();
    expect(csp).toEqual([]);
    await context.close();
  });

  it('wrong passwords bring the captcha (bound to the page) and the right answer signs in', async () => {
    const appId = await createApp({});
    await createUser('cap@example.com');
    const { context, page } = await open(appId);
    // Every image the page fetches, in order: the one on screen is the last (a refused try
    // replaces it, since a captcha is single use).
    const captchas: Response[] = [];
    page.on('response', (r) => {
      if (r.url().endsWith('/captcha') && r.request().method() === 'POST') captchas.push(r);
    });
    for (let i = 0; i < 3; i++) {
      await page.getByLabel(L.en.account).fill('cap@example.com');
      await page.getByLabel(L.en.password, { exact: true }).fill('wrong password');
      // Each refusal is awaited as an answer: the alert of the previous one already says "incorrect".
      const answered = page.waitForResponse((r) => r.url().endsWith('/sign-in') && r.request().method() === 'POST');
      await page.getByRole('button', { name: L.en.submit }).click();
      await answered;
      await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('incorrect');
    }
    // The third refusal asks for a captcha (the attempt guard's threshold): the page shows one.
    await page.getByRole('img', { name: /captcha/i }).waitFor();
    await expect.poll(() => captchas.length).toBe(1);
    const { token } = (await captchas[0]!.json()) as { token: string };
    expect(await axe(page)).toEqual([]);
    await screenshot(page, 'login-ui/captcha-desktop-en');
    // The right password with a wrong answer is refused, and a new image replaces the spent one.
    await page.getByLabel('Characters in the image').fill('wrong');
    await page.getByLabel(L.en.password, { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: L.en.submit }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/captcha|characters/i);
    const shown = async () => {
      const src = await page.getByRole('img', { name: /captcha/i }).getAttribute('src');
      for (const r of captchas.slice(1)) {
        const body = (await r.json()) as { token: string; image: string };
        if (body.image === src) return body.token;
      }
      return null;
    };
    await expect.poll(shown).not.toBeNull();
    const current = (await shown())!;
    expect(current).not.toBe(token);
    // The first image's answer was spent by the refused try.
    expect(await s.container.kv.get(`p:${s.poolId}:captcha:${token}`)).toBeNull();
    const answer = (await s.container.kv.get(`p:${s.poolId}:captcha:${current}`))!;
    await page.getByLabel('Characters in the image').fill(answer);
    await page.getByLabel(L.en.password, { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: L.en.submit }).click();
    expect(await atCallback(page)).toBeTruthy();
    await context.close();
  });

  let codeApp: Promise<string> | undefined;
  it.each(MATRIX)('email code sign-in at $viewport in $lang registers a new account (auto-registration), with the resend timer', async ({ viewport, lang }) => {
    codeApp ??= createApp({ loginConfig: { enabledBasicLoginMethods: ['EMAIL_PASSWORD', 'EMAIL_CODE'] } });
    const t = L[lang];
    const email = `new-${tag(viewport, lang)}@example.com`;
    expect(await s.container.repos.users.findBy(s.poolId, 'email', email)).toBeFalsy();
    const { context, page } = await open(await codeApp, { viewport, lang });
    await page.getByRole('tab', { name: t.emailTab }).click();
    await page.getByLabel(t.email, { exact: true }).fill(email);
    await page.getByRole('button', { name: t.send }).click();
    await expect.poll(() => page.getByRole('button', { name: t.resend }).isDisabled(), { timeout: 10_000 }).toBe(true);
    await page.getByLabel(t.code, { exact: true }).fill(codeFromLog(email));
    expect(await axe(page)).toEqual([]);
    await screenshot(page, `login-ui/email-code-${viewport}-${lang}`);
    await page.getByRole('button', { name: t.submit, exact: true }).click();
    expect(await atCallback(page)).toBeTruthy();
    expect(await s.container.repos.users.findBy(s.poolId, 'email', email)).toBeTruthy();
    await context.close();
  });

  let agreementApp: Promise<string> | undefined;
  it.each(MATRIX)('registration with a required agreement at $viewport in $lang: refused until ticked, then signed in', async ({ viewport, lang }) => {
    agreementApp ??= createApp({ brandingConfig: { showAgreement: true, agreements: [{ displayAt: ['RegisterPage'], isRequired: true, lang: 'en-US', content: 'I accept the [terms](https://example.com/terms)' }, { displayAt: ['RegisterPage'], isRequired: true, lang: 'zh-CN', content: '我同意[服务条款](https://example.com/terms)' }] } });
    const t = L[lang];
    const email = `reg-${tag(viewport, lang)}@example.com`;
    const { context, page } = await open(await agreementApp, { viewport, lang });
    await page.getByRole('button', { name: t.register }).click();
    await page.getByLabel(t.email, { exact: true }).fill(email);
    await page.getByLabel(t.password, { exact: true }).fill(PASSWORD);
    await page.getByLabel(t.again).fill(PASSWORD);
    await page.getByRole('button', { name: t.create, exact: true }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain(t.mustAgree);
    expect(await s.container.repos.users.findBy(s.poolId, 'email', email)).toBeFalsy();
    await page.getByRole('checkbox').check();
    expect(await axe(page)).toEqual([]);
    await screenshot(page, `login-ui/register-${viewport}-${lang}`);
    await page.getByRole('button', { name: t.create, exact: true }).click();
    expect(await atCallback(page)).toBeTruthy();
    expect(await s.container.repos.users.findBy(s.poolId, 'email', email)).toBeTruthy();
    await context.close();
  });

  let forgotApp: Promise<string> | undefined;
  it.each(MATRIX)('forgot password at $viewport in $lang: a code to the email, a new password, then sign-in with it', async ({ viewport, lang }) => {
    forgotApp ??= createApp({});
    const t = L[lang];
    const email = `forgot-${tag(viewport, lang)}@example.com`;
    const fresh = `A brand new passphrase ${tag(viewport, lang)}`;
    // Reset codes go only to verified contacts (docs/security.md, "Passwords and recovery").
    await s.container.services.users.update(s.poolId, { userId: await createUser(email), emailVerified: true } as never);
    const { context, page } = await open(await forgotApp, { viewport, lang });
    await page.getByRole('button', { name: t.forgot }).click();
    await page.getByLabel(t.email, { exact: true }).fill(email);
    await page.getByRole('button', { name: t.send }).click();
    await expect.poll(() => page.getByRole('status').first().textContent(), { timeout: 10_000 }).toContain(email);
    await page.getByLabel(t.code, { exact: true }).fill(codeFromLog(email));
    await page.getByLabel(t.newPassword).fill(fresh);
    expect(await axe(page)).toEqual([]);
    await screenshot(page, `login-ui/forgot-${viewport}-${lang}`);
    await page.getByRole('button', { name: t.setPassword }).click();
    await expect.poll(() => page.getByRole('status').first().textContent(), { timeout: 10_000 }).toContain(t.resetDone);
    await page.getByRole('button', { name: t.back }).click();
    await page.getByLabel(t.account).fill(email);
    await page.getByLabel(t.password, { exact: true }).fill(fresh);
    await page.getByRole('button', { name: t.submit, exact: true }).click();
    expect(await atCallback(page)).toBeTruthy();
    await context.close();
  });

  let qrApp: Promise<string> | undefined;
  it.each(MATRIX)('QR sign-in at $viewport in $lang: the app (vendor client) scans and confirms, the page follows live and signs in', async ({ viewport, lang }) => {
    qrApp ??= createApp({ loginConfig: { enabledBasicLoginMethods: ['EMAIL_PASSWORD', 'SELF_BUILT_APP_QRCODE'] } });
    const appId = await qrApp;
    const t = L[lang];
    const email = `qr-${tag(viewport, lang)}@example.com`;
    const userId = await createUser(email);
    const secret = await s.container.services.applications.getSecret(s.poolId, appId);
    const phone = authClient({ appId, appSecret: secret, host: s.url });
    const signedIn = (await phone.signInByEmailPassword({ email, password: PASSWORD })) as { data: { access_token: string } };
    phone.setAccessToken(signedIn.data.access_token);
    const { context, page } = await open(appId, { viewport, lang });
    await page.getByRole('tab', { name: t.qrTab }).click();
    const img = page.getByRole('img', { name: t.qrAlt });
    await img.waitFor();
    const qrcodeId = decodeURIComponent(/\/qrcode\/([^/]+)\.png$/.exec((await img.getAttribute('src'))!)![1]!);
    expect(await axe(page)).toEqual([]);
    await screenshot(page, `login-ui/qrcode-${viewport}-${lang}`);
    expect(await phone.setQrCodeStatus({ qrcodeId, action: 'SCAN' as never })).toMatchObject({ statusCode: 200 });
    await expect.poll(() => page.getByRole('status').first().textContent(), { timeout: 15_000 }).toContain(t.scanned);
    expect(await axe(page)).toEqual([]);
    expect(await phone.setQrCodeStatus({ qrcodeId, action: 'CONFIRM' as never })).toMatchObject({ statusCode: 200 });
    expect(await atCallback(page)).toBeTruthy();
    const events = await s.container.services.audit.list(s.poolId, 50, 'login');
    expect(events.some((e) => e.subject === userId && JSON.parse(e.data).method === 'qrcode')).toBe(true);
    await context.close();
  });
});

describe('<gatehouse-login> on a page of another origin', () => {
  let site: Server;
  let siteUrl = '';
  beforeAll(async () => {
    site = createServer((req, res) => {
      const appId = new URL(req.url!, 'http://x').searchParams.get('app') ?? '';
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><html lang="en"><head><title>Shop</title><script type="module" src="${s.url}/login/element/gatehouse-login.js"></script></head><body>` +
          `<h1>Shop</h1><gatehouse-login app-id="${appId}" host="${s.url}"></gatehouse-login>` +
          `<script>window.events=[];for (const n of ['login','register','error','close']) document.addEventListener(n, (e) => { if (e.target.localName === 'gatehouse-login') window.events.push({ name: n, detail: e.detail }); });</script></body></html>`,
      );
    });
    await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
    siteUrl = `http://localhost:${(site.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => site.close(r)));

  it('signs in and emits `login` with the token set; an unregistered origin gets `error`', async () => {
    const appId = await createApp({ appType: 'spa', redirectUris: [`${siteUrl}/callback`] });
    await createUser('shop@example.com');
    const context = await browser.newContext({ viewport: VIEWPORTS.phone });
    const page = await context.newPage();
    await page.goto(`${siteUrl}/?app=${appId}`);
    await page.getByLabel(L.en.account).fill('shop@example.com');
    await page.getByLabel(L.en.password, { exact: true }).fill(PASSWORD);
    expect(await axe(page)).toEqual([]);
    await screenshot(page, 'login-ui/element-phone-en');
    await page.getByRole('button', { name: L.en.submit }).click();
    await page.waitForFunction('window.events.some((e) => e.name === "login")');
    const events = (await page.evaluate('window.events')) as Array<{ name: string; detail: { tokens: { access_token: string; id_token: string }; userId: string } }>;
    const login = events.find((e) => e.name === 'login')!;
    expect(login.detail.tokens.access_token).toBeTruthy();
    const me = await fetch(`${s.url}/oidc/me`, { headers: { authorization: `Bearer ${login.detail.tokens.access_token}` } });
    expect(me.status).toBe(200);
    // The same page for an app that does not list this origin: the element reports an error.
    const other = await createApp({ appType: 'spa', redirectUris: ['https://elsewhere.example/cb'] });
    await page.goto(`${siteUrl}/?app=${other}`);
    await page.waitForFunction('window.events.some((e) => e.name === "error")');
    await context.close();
  });
});
