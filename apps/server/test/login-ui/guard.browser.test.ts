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
 * list is refused before anything happens.
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

/** The password encrypted as Guard sends it: jsencrypt's RSA PKCS#1 v1.5 with the public-config key. */
async function encryptForPool(): Promise<string> {
  const { publicEncrypt, constants } = await import('node:crypto');
  const keys = await s.container.authn.encryption.publicKeys(s.poolId);
  return publicEncrypt({ key: keys.rsa, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(PASSWORD)).toString('base64');
}
