import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { launchChromium, screenshot } from '../support/browser.js';
import { boundManagementClient, startServer, type TestServer } from '../support/server.js';

/**
 * The vendor's own sign-in component, Authing Guard 5 (`@authing/guard`, unmodified, its
 * published browser bundle), on a page of another origin with `host` pointing at Gatehouse:
 * it loads the app's public configuration, renders, and signs a user in by password through
 * Gatehouse's engine; a wrong password shows an error; a page of an origin the app does not
 * list is refused before anything happens. Profile completion: a sign-in that must complete the
 * profile answers in Guard's shape (1642, a top-level flowHandle, `metaData`), Guard shows its
 * completion form and answers through `POST /interaction/authFlow`, and the engine finishes with
 * Guard's flow end (1600) and the user.
 */
const require = createRequire(import.meta.url);
const guardDir = require.resolve('@authing/guard/package.json').replace(/package\.json$/, '');
const GUARD_JS = readFileSync(`${guardDir}dist/global/guard.min.js`);
const GUARD_CSS = readFileSync(`${guardDir}dist/global/guard.min.css`);
const PASSWORD = 'Correct horse battery 42!';
// Guard is a 2.5 MB bundle that renders with React 16: give a loaded CI machine time.
vi.setConfig({ testTimeout: 180_000 });

let s: TestServer;
let browser: Browser;
let site: Server;
let siteUrl = '';

beforeAll(async () => {
  // Guard loads assets from the public URL the config names: it must be where the server is.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  s = await startServer({ config: { port, publicUrl: `http://127.0.0.1:${port}` } as never });
  site = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    if (url.pathname === '/guard.min.js') return res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(GUARD_JS);
    if (url.pathname === '/guard.min.css') return res.writeHead(200, { 'content-type': 'text/css; charset=utf-8' }).end(GUARD_CSS);
    if (url.pathname !== '/') return res.writeHead(404).end();
    const appId = url.searchParams.get('app') ?? '';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
      `<!doctype html><html lang="en"><head><title>Shop</title><link rel="stylesheet" href="/guard.min.css"><script src="/guard.min.js"></script></head><body><div id="root"></div><script>
        window.events = [];
        const guard = new GuardFactory.Guard({ appId: ${JSON.stringify(appId)}, host: ${JSON.stringify(s.url)}, redirectUri: location.origin + '/cb', lang: 'en-US' });
        guard.on('load', () => window.events.push({ name: 'load' }));
        guard.on('login', (user) => window.events.push({ name: 'login', detail: user }));
        guard.on('login-error', (e) => window.events.push({ name: 'login-error', detail: e }));
        guard.on('load-error', (e) => window.events.push({ name: 'load-error', detail: String(e && e.message || e) }));
        guard.start('#root');
      </script></body></html>`,
    );
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await s?.close();
  await new Promise((r) => site?.close(r));
});

const mgmt = () => boundManagementClient({ ...s.rootKey, host: s.url });
async function createSpa(redirectUris: string[]): Promise<string> {
  const r = (await mgmt().createApplication({ appName: `Shop ${Math.random().toString(36).slice(2, 6)}`, appType: 'spa', redirectUris } as never)) as { statusCode: number; message: string; data: { appId: string } };
  expect(r.statusCode, r.message).toBe(200);
  return r.data.appId;
}
async function createUser(email: string) {
  const u = (await s.container.services.users.create(s.poolId, { email } as never)) as { userId: string };
  const row = (await s.container.repos.users.findById(s.poolId, u.userId))!;
  await s.container.authn.passwords.set(s.poolId, row, PASSWORD, { skipPolicy: true });
  return u.userId;
}
type GuardEvent = { name: string; detail?: { id?: string; email?: string; token?: string; message?: string } & Record<string, unknown> };

describe('Authing Guard 5 against Gatehouse', () => {
  it('renders from the public config, signs in by password through the engine, and the token works', async () => {
    const appId = await createSpa([`${siteUrl}/cb`]);
    const userId = await createUser('guard@example.com');
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const page = await context.newPage();
    page.setDefaultTimeout(120_000);
    await page.goto(`${siteUrl}/?app=${appId}`, { waitUntil: 'commit' });
    const password = page.locator('input[type=password]');
    await password.waitFor();
    await screenshot(page, 'login-ui/guard-desktop-en');

    // A wrong password first: Guard shows the refusal and stays on the form.
    await page.locator('#authing-guard-container-v4 input').first().fill('guard@example.com');
    await password.fill('not the password');
    await page.getByRole('button', { name: 'Sign In' }).click();
    await expect.poll(async () => page.locator('.authing-ant-message').textContent().catch(() => ''), { timeout: 30_000 }).toMatch(/\S/);
    expect(((await page.evaluate('window.events')) as GuardEvent[]).some((e) => e.name === 'login')).toBe(false);

    await password.fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign In' }).click();
    await page.waitForFunction('window.events.some((e) => e.name === "login")');
    const login = ((await page.evaluate('window.events')) as GuardEvent[]).find((e) => e.name === 'login')!;
    expect(login.detail?.id).toBe(userId);
    expect(login.detail?.email).toBe('guard@example.com');
    // The token Guard holds is a Gatehouse access token of this user.
    const me = await fetch(`${s.url}/oidc/me`, { headers: { authorization: `Bearer ${login.detail!.token}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { sub: string }).sub).toBe(userId);
    // The sign-in went through the engine's finish: counted once (the wrong password was not).
    expect(login.detail?.loginsCount).toBe(1);
    await context.close();
  });

  it('refuses a page of an origin the application does not list, before signing anyone in', async () => {
    const appId = await createSpa(['https://elsewhere.example/cb']);
    await createUser('stranger@example.com');
    const r = await fetch(`${s.url}/api/v2/login/account`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: siteUrl, 'x-authing-app-id': appId },
      body: JSON.stringify({ account: 'stranger@example.com', password: 'irrelevant' }),
    });
    const body = (await r.json()) as { code: number; message: string };
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
    expect(body.code).not.toBe(200);
    expect(body.message).toMatch(/origin/i);
    // The same for the public configuration Guard loads first.
    const cfg = await fetch(`${s.url}/api/v2/applications/${appId}/public-config`, { headers: { origin: siteUrl } });
    expect(((await cfg.json()) as { code: number }).code).not.toBe(200);
  });

  it('serves only public clients: an app with a client secret is refused on the Guard paths', async () => {
    const r0 = (await mgmt().createApplication({ appName: 'Web app', appType: 'web', redirectUris: [`${siteUrl}/cb`] } as never)) as { data: { appId: string } };
    await createUser('web@example.com');
    const r = await fetch(`${s.url}/api/v2/login/account`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: siteUrl, 'x-authing-app-id': r0.data.appId },
      body: JSON.stringify({ account: 'web@example.com', password: 'anything' }),
    });
    const body = (await r.json()) as { code: number; apiCode: number };
    expect(body.code).not.toBe(200);
    expect(body.code).toBe(body.apiCode);
  });

  it('answers the GraphQL `user` query for a signed-in user and "not signed in" otherwise; other operations are named as unsupported', async () => {
    const appId = await createSpa([`${siteUrl}/cb`]);
    const gql = (body: unknown, token?: string) =>
      fetch(`${s.url}/graphql/v2`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-authing-app-id': appId, ...(token ? { authorization: token } : {}) }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<{ data: { user?: { id: string } } | null; errors?: Array<{ message: { code: number; message: string } }> }>);
    const anon = await gql({ query: 'query user($id: String) { user(id: $id) { id } }', variables: {} });
    expect(anon.errors?.[0]?.message.code).toBe(2020);
    const other = await gql({ query: 'mutation loginByEmail($input: LoginByEmailInput!) { loginByEmail(input: $input) { id } }' });
    expect(other.errors?.[0]?.message.message).toContain('loginByEmail');
    // With a token from the Guard password path.
    const userId = await createUser('gql@example.com');
    const encrypted = await encryptForPool();
    const login = (await (
      await fetch(`${s.url}/api/v2/login/account`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-authing-app-id': appId }, body: JSON.stringify({ account: 'gql@example.com', password: encrypted }) })
    ).json()) as { code: number; data: { token: string } };
    expect(login.code).toBe(200);
    const me = await gql({ query: 'query user($id: String) { user(id: $id) { id } }' }, login.data.token);
    expect(me.data?.user?.id).toBe(userId);
  });
});

describe('Authing Guard 5: profile completion', () => {
  let appId = '';
  const SCHOOL = { 'en-US': 'School', 'zh-CN': '学校', 'zh-TW': '學校', 'ja-JP': '学校名' } as const;
  beforeAll(async () => {
    const m = mgmt();
    const i18n = { label: Object.fromEntries(Object.entries(SCHOOL).map(([k, v]) => [k, { enabled: true, value: v }])) };
    expect(await m.setCustomFields({ list: [{ targetType: 'USER' as never, key: 'school', dataType: 'STRING' as never, label: 'School', validateRules: { minLength: 3 } as never, i18n: i18n as never }] })).toMatchObject({ statusCode: 200 });
    appId = await createSpa([`${siteUrl}/cb`]);
    const upd = await m.updateApplication({ appId, registerConfig: { completeProfile: { enabled: true, fields: [{ type: 'udf', key: 'school', required: true }, { type: 'user', key: 'nickname' }] } } } as never);
    expect(upd).toMatchObject({ statusCode: 200 });
  });

  /** A call as Guard's HTTP client sends it: JSON, its x-authing-* headers, the page's origin. */
  const guardPost = async (path: string, body: unknown, lang = 'en-US') => {
    const r = await fetch(`${s.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: siteUrl, 'x-authing-app-id': appId, 'x-authing-request-from': 'Guard@5.3.9', 'x-authing-lang': lang },
      body: JSON.stringify(body),
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('access-control-allow-origin')).toBe(siteUrl);
    return (await r.json()) as { code: number; statusCode: number; apiCode?: number; message: string; flowHandle?: string; data: any };
  };

  it('over HTTP as Guard sends it: 1642 with flowHandle and metaData, refusals as messages, authFlow finishes with 1600 and the user', async () => {
    const userId = await createUser('complete@example.com');
    const encrypted = await encryptForPool();
    const first = await guardPost('/api/v2/login/account', { account: 'complete@example.com', password: encrypted, withCustomData: false }, 'ja-JP');
    // Guard: statusCode 3xx = another module, chosen by apiCode (1642 = COMPLETE_INFO); the flowHandle at the top.
    expect(first, JSON.stringify(first)).toMatchObject({ code: 1642, apiCode: 1642, data: { skip: false } });
    expect(Math.floor(first.statusCode / 100)).toBe(3);
    expect(first.flowHandle).toMatch(/\S{32,}/);
    // Labelled in the caller's language (x-authing-lang): the custom field's i18n label, the built-in field's own.
    expect(first.data.metaData).toEqual([
      { name: 'school', label: '学校名', type: 'text', required: true, validateRules: [] },
      { name: 'nickname', label: 'ニックネーム', type: 'text', required: false, validateRules: [] },
    ]);
    const flowHandle = first.flowHandle!;
    const authFlow = (action: string, data: unknown, handle: string | undefined = flowHandle) => guardPost('/interaction/authFlow', { action, data, flowHandle: handle });

    // Refusals are 4xx messages (Guard shows them and keeps the form); nothing is written, the flow waits.
    const short = await authFlow('complete-completion', { fieldValues: [{ name: 'school', value: 'MI' }] });
    expect(short).toMatchObject({ code: 7200005, statusCode: 400, apiCode: 7200005 });
    expect(short.message).toContain('school');
    expect(await authFlow('complete-completion', { fieldValues: [{ name: 'nickname', value: 'ada' }] })).toMatchObject({ apiCode: 7200010, statusCode: 400 });
    expect(await authFlow('skip-completion', undefined)).toMatchObject({ apiCode: 7200010 });
    expect(await authFlow('complete-completion', { fieldValues: [{ name: 'email', value: 'x@example.com' }, { name: 'school', value: 'Yale' }] })).toMatchObject({ apiCode: 7200011 });
    const unsupported = await authFlow('verify-totp', { totp: '000000' });
    expect(unsupported).toMatchObject({ apiCode: 7400009, statusCode: 400 });
    expect(unsupported.message).toContain('verify-totp');
    expect(await authFlow('complete-completion', { fieldValues: [] }, 'not-a-flow-handle')).toMatchObject({ statusCode: 401 });
    expect(JSON.parse((await s.container.repos.users.findById(s.poolId, userId))!.custom_data)).toEqual({});

    // The answer Guard's form sends: fieldValues of { name, value }.
    const done = await authFlow('complete-completion', { fieldValues: [{ name: 'school', value: 'Yale' }, { name: 'nickname', value: 'ada' }] });
    expect(done, JSON.stringify(done)).toMatchObject({ apiCode: 1600, data: { user: { id: userId, email: 'complete@example.com', nickname: 'ada' } } });
    expect(Math.floor(done.statusCode / 100)).toBe(3);
    // The engine's finish: counted once, a working token of the user.
    expect(done.data.user.loginsCount).toBe(1);
    const me = await fetch(`${s.url}/oidc/me`, { headers: { authorization: `Bearer ${done.data.user.token}` } });
    expect(((await me.json()) as { sub: string }).sub).toBe(userId);
    const got = (await mgmt().getUser({ userId, withCustomData: true })) as { data: { customData?: Record<string, unknown>; nickname?: string } };
    expect(got.data.customData).toMatchObject({ school: 'Yale' });
    // Single use: the finished flow cannot be answered again.
    expect((await authFlow('complete-completion', { fieldValues: [{ name: 'school', value: 'Yale' }] })).statusCode).toBeGreaterThanOrEqual(400);
    // The country names Guard's form loads for a field named `country` (it submits the ISO code).
    const countries = (await (await fetch(`${s.url}/api/v2/country-list`, { headers: { origin: siteUrl, 'x-authing-app-id': appId } })).json()) as { code: number; data: { en: Record<string, string>; zh: Record<string, string> } };
    expect(countries).toMatchObject({ code: 200, data: { en: { CN: 'China', JP: 'Japan' }, zh: { CN: '中国' } } });
    expect(countries.data.en.EU).toBeUndefined();
    // Nothing missing any more: the next Guard sign-in finishes at once.
    expect(await guardPost('/api/v2/login/account', { account: 'complete@example.com', password: encrypted })).toMatchObject({ code: 200, data: { id: userId } });
  });

  it('a page of another origin cannot answer a waiting flow', async () => {
    await createUser('origin@example.com');
    const first = await guardPost('/api/v2/login/account', { account: 'origin@example.com', password: await encryptForPool() });
    expect(first.apiCode).toBe(1642);
    const r = await fetch(`${s.url}/interaction/authFlow`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://evil.example', 'x-authing-app-id': appId },
      body: JSON.stringify({ action: 'complete-completion', data: { fieldValues: [{ name: 'school', value: 'Evil U' }] }, flowHandle: first.flowHandle }),
    });
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
    expect(((await r.json()) as { apiCode: number }).apiCode).toBe(7400003);
  });

  it('in Chromium with Guard\'s bundle: sign in, Guard shows its completion form, the answer signs in and is saved', async () => {
    const userId = await createUser('guard-complete@example.com');
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const page = await context.newPage();
    page.setDefaultTimeout(120_000);
    await page.goto(`${siteUrl}/?app=${appId}`, { waitUntil: 'commit' });
    const password = page.locator('input[type=password]');
    await password.waitFor();
    await page.locator('#authing-guard-container-v4 input').first().fill('guard-complete@example.com');
    await password.fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign In' }).click();

    // Guard's own completion module, with the fields Gatehouse asked for.
    const form = page.locator('.authing-g2-completeInfo-form');
    await form.waitFor();
    const school = form.getByLabel('School', { exact: true });
    await school.waitFor();
    await screenshot(page, 'login-ui/guard-complete-info-desktop-en');
    expect(((await page.evaluate('window.events')) as GuardEvent[]).some((e) => e.name === 'login')).toBe(false);

    // A value the field's rule refuses: Guard shows the server's message, nothing is stored.
    await school.fill('MI');
    await form.locator('button[type=submit], .g2-completeInfo-submit button').first().click();
    await expect.poll(async () => page.locator('.authing-ant-message').textContent().catch(() => ''), { timeout: 30_000 }).toContain('school');
    expect(JSON.parse((await s.container.repos.users.findById(s.poolId, userId))!.custom_data)).toEqual({});

    await school.fill('Oxford');
    await form.getByLabel('Nickname', { exact: true }).fill('oxonian');
    await form.locator('button[type=submit], .g2-completeInfo-submit button').first().click();
    await page.waitForFunction('window.events.some((e) => e.name === "login")');
    const login = ((await page.evaluate('window.events')) as GuardEvent[]).find((e) => e.name === 'login')!;
    expect(login.detail?.id).toBe(userId);
    const me = await fetch(`${s.url}/oidc/me`, { headers: { authorization: `Bearer ${login.detail!.token}` } });
    expect(((await me.json()) as { sub: string }).sub).toBe(userId);
    const got = (await mgmt().getUser({ userId, withCustomData: true })) as { data: { customData?: Record<string, unknown>; nickname?: string } };
    expect(got.data.customData).toMatchObject({ school: 'Oxford' });
    expect(got.data.nickname).toBe('oxonian');
    await context.close();
  });
});

/** The password encrypted as Guard sends it: jsencrypt's RSA PKCS#1 v1.5 with the public-config key. */
async function encryptForPool(): Promise<string> {
  const { publicEncrypt, constants } = await import('node:crypto');
  const keys = await s.container.authn.encryption.publicKeys(s.poolId);
  return publicEncrypt({ key: keys.rsa, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(PASSWORD)).toString('base64');
}
