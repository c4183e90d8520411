import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCatalog } from '@gatehouse/contracts';
import { sanitizeCss } from '../../src/services/branding/css.js';
import { LOGIN_UI_ERRORS } from '../../src/flows/login-ui/displayable-errors.js';
import { LOGIN_DIST } from '../../src/http/routes/login-ui/assets.js';
import { ERROR_TEXT } from '../../../login/src/errors.js';
import { LANGS, STRINGS } from '../../../login/src/i18n.js';
import { startOidcServer, type OidcTestServer } from '../oidc/support.js';

let s: OidcTestServer;
beforeAll(async () => {
  s = await startOidcServer();
});
afterAll(() => s?.close());

const CB = 'http://127.0.0.1:9/cb';
const HOSTILE = `@import url(https://evil.example/x.css);
.gh-card { background: red; }
</style><script>alert(1)</script>
body { color: expression(alert(1)); background: url(javascript:alert(1)); }
h1 { color: rebeccapurple; }
@media (min-width: 600px) { button { border-radius: 20px } }`;

async function loginHtml(appId: string): Promise<string> {
  // Follow /login?app_id → /oidc/auth → /interaction/:uid with a cookie jar of one.
  let url = `${s.url}/login?app_id=${appId}`;
  const cookies: string[] = [];
  for (let i = 0; i < 6; i++) {
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: cookies.join('; '), 'accept-language': 'en' } });
    for (const c of res.headers.getSetCookie()) cookies.push(c.split(';')[0]!);
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location')!, url).toString();
      continue;
    }
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self';/);
    expect(res.headers.get('content-security-policy')).not.toMatch(/script-src[^;]*unsafe-inline/);
    return res.text();
  }
  throw new Error('too many redirects');
}

describe('custom CSS sanitiser', () => {
  it('drops remote imports, script breakouts and script-bearing values, and scopes every rule to the login root', () => {
    const out = sanitizeCss(HOSTILE, '.gh-login');
    expect(out).not.toMatch(/@import|<|expression|javascript:|evil\.example/i);
    expect(out).toContain('.gh-login .gh-card { background: red }');
    expect(out).toContain('.gh-login h1 { color: rebeccapurple }');
    expect(out).toMatch(/@media \(min-width: 600px\) \{\n\.gh-login button \{ border-radius: 20px \}/);
    // body becomes the root itself; its hostile declarations are gone, nothing else of it remains
    expect(out).not.toMatch(/body/);
    expect(sanitizeCss('a{b:url(https://cdn.example/x.png)} c{d:url(data:text/html,x)} \\65 xpression{}', '.r')).toBe('.r a { b: url(https://cdn.example/x.png) }');
    expect(sanitizeCss('@charset "x"; :root { --gh-primary: #123456 }', '.r')).toBe('.r { --gh-primary: #123456 }');
  });
});

describe('branding through the management API', () => {
  it('shows on the next load for that app only; hostile CSS is neutralised; bad values are refused', async () => {
    const mgmt = s.mgmt();
    const mk = async (name: string) => ((await mgmt.createApplication({ appName: name, appType: 'web' as never, redirectUris: [CB] } as never)) as { data: { appId: string } }).data.appId;
    const branded = await mk('Branded');
    const plain = await mk('Plain');
    const upd = (await mgmt.updateApplication({
      appId: branded,
      appLogo: 'https://cdn.example/logo.png',
      brandingConfig: { customCSSEnabled: true, customCSS: HOSTILE, primaryColor: '#0a7d38', showSocialConnections: false, showForgetPasswordButton: false, defaultLanguage: 'ja-JP' },
    } as never)) as { statusCode: number; message: string };
    expect(upd.statusCode, upd.message).toBe(200);

    const html = await loginHtml(branded);
    const boot = JSON.parse(/<script type="application\/json" id="gh-boot">(.*?)<\/script>/s.exec(html)![1]!) as { config: { branding: Record<string, unknown> } };
    expect(boot.config.branding).toMatchObject({ logo: 'https://cdn.example/logo.png', primaryColor: '#0a7d38', showSocialConnections: false, showForgetPasswordButton: false, defaultLanguage: 'ja-JP' });
    const style = /<style nonce="[^"]+" id="gh-custom-css">(.*?)<\/style>/s.exec(html)![1]!;
    expect(style).toContain('.gh-login .gh-card { background: red }');
    expect(style).not.toMatch(/@import|expression|javascript:|script/i);
    expect(html).not.toContain('<script>alert');
    // Accept-Language en wins over the app's default language (ja) for the page language.
    expect(html).toContain('<html lang="en"');

    const other = await loginHtml(plain);
    expect(other).not.toContain('gh-custom-css');
    expect(other).not.toContain('cdn.example/logo.png');

    for (const bad of [{ appLogo: 'javascript:alert(1)' }, { brandingConfig: { customBackground: 'url(javascript:alert(1))' } }, { brandingConfig: { primaryColor: 'red;}body{x' } }]) {
      const r = (await mgmt.updateApplication({ appId: plain, ...bad } as never)) as { statusCode: number; apiCode: number };
      expect(r.statusCode).toBe(400);
      expect([7400101, 7400102, 7400103]).toContain(r.apiCode);
    }
  });

  it('pool-wide login page config (updateLoginPageConfig) is inherited by apps, which override it', async () => {
    const mgmt = s.mgmt();
    const r = (await mgmt.updateLoginPageConfig({ update: { brandingConfig: { primaryColor: '#111111', showAgreement: true, agreements: [{ displayAt: ['RegisterPage'], isRequired: true, lang: 'en-US', content: 'I accept the [terms](https://example.com/terms)' }] }, tabMethodsSortConfig: { loginMethodsSort: ['sms', 'password'] } } } as never)) as { statusCode: number; message: string };
    expect(r.statusCode, r.message).toBe(200);
    const app = ((await mgmt.createApplication({ appName: 'Inherits', appType: 'web' as never, redirectUris: [CB], loginConfig: { enabledBasicLoginMethods: ['EMAIL_PASSWORD', 'PHONE_CODE'] } } as never)) as { data: { appId: string } }).data.appId;
    const cfg = (await (await fetch(`${s.url}/login/api/apps/${app}/config`)).json()) as { branding: { primaryColor: string; agreements: unknown[] }; tabs: Array<{ id: string }> };
    expect(cfg.branding.primaryColor).toBe('#111111');
    expect(cfg.branding.agreements).toHaveLength(1);
    expect(cfg.tabs.map((t) => t.id)).toEqual(['sms', 'password']);
    await mgmt.updateApplication({ appId: app, brandingConfig: { primaryColor: '#222222' } } as never);
    const again = (await (await fetch(`${s.url}/login/api/apps/${app}/config`)).json()) as { branding: { primaryColor: string } };
    expect(again.branding.primaryColor).toBe('#222222');
    // Tenant settings of the vendor DTO are not implemented: refused, not ignored.
    expect(await mgmt.updateLoginPageConfig({ update: { enableCreateTenant: true } } as never)).toMatchObject({ statusCode: 400, apiCode: 1000008 });
  });
});

describe('login API guards', () => {
  it('refuses other origins (CORS preflight and calls), calls without the anti-forgery token, and unknown flows', async () => {
    const mgmt = s.mgmt();
    const app = ((await mgmt.createApplication({ appName: 'Guarded', appType: 'spa' as never, redirectUris: ['http://127.0.0.1:7777/cb'] } as never)) as { data: { appId: string } }).data.appId;
    const base = `${s.url}/login/api/apps/${app}`;
    const pre = await fetch(`${base}/sign-in`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(pre.status).toBe(403);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    const good = await fetch(`${base}/sign-in`, { method: 'OPTIONS', headers: { origin: 'http://127.0.0.1:7777', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-gatehouse-flow,x-gatehouse-csrf' } });
    expect(good.status).toBe(204);
    expect(good.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:7777');
    const evil = await fetch(`${base}/flows`, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/json' }, body: '{}' });
    expect(evil.status).toBe(403);
    expect(await evil.json()).toMatchObject({ apiCode: 7400003 });
    const start = await fetch(`${base}/flows`, { method: 'POST', headers: { origin: 'http://127.0.0.1:7777', 'content-type': 'application/json' }, body: '{}' });
    expect(start.status).toBe(201);
    const { flow, csrf } = (await start.json()) as { flow: string; csrf: string };
    const signIn = (headers: Record<string, string>) =>
      fetch(`${base}/sign-in`, { method: 'POST', headers: { origin: 'http://127.0.0.1:7777', 'content-type': 'application/json', ...headers }, body: JSON.stringify({ tab: 'password', input: { account: 'x@example.com', password: 'nope' }, lang: 'en' }) });
    expect(await (await signIn({ 'x-gatehouse-flow': flow })).json()).toMatchObject({ apiCode: 7400002 });
    expect(await (await signIn({ 'x-gatehouse-flow': flow, 'x-gatehouse-csrf': 'wrong' })).json()).toMatchObject({ apiCode: 7400002 });
    expect(await (await signIn({ 'x-gatehouse-flow': 'A'.repeat(43), 'x-gatehouse-csrf': csrf })).json()).toMatchObject({ apiCode: 7400001 });
    const refused = await signIn({ 'x-gatehouse-flow': flow, 'x-gatehouse-csrf': csrf });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: 'auth.invalid_credentials', apiCode: 2333 });
    // Malformed input: a catalogued 400, never a 500.
    const bad = await fetch(`${base}/sign-in`, { method: 'POST', headers: { origin: 'http://127.0.0.1:7777', 'content-type': 'application/json', 'x-gatehouse-flow': flow, 'x-gatehouse-csrf': csrf }, body: JSON.stringify({ tab: 'password', input: { account: 5 }, lang: 'en' }) });
    expect(bad.status).toBe(400);
  });
});

describe('the login app build', () => {
  it('keeps the first screen under 60 KB of JS + CSS compressed (read from the build output)', () => {
    const manifest = JSON.parse(readFileSync(join(LOGIN_DIST, '.vite', 'manifest.json'), 'utf8')) as Record<string, { file: string; css?: string[]; isEntry?: boolean; imports?: string[] }>;
    const entry = Object.values(manifest).find((m) => m.isEntry)!;
    const files = [entry.file, ...(entry.css ?? []), ...(entry.imports ?? []).map((k) => manifest[k]!.file)];
    const sizes = files.map((f) => ({ f, raw: statSync(join(LOGIN_DIST, f)).size, br: brotliCompressSync(readFileSync(join(LOGIN_DIST, f))).length }));
    const total = sizes.reduce((n, x) => n + x.br, 0);
    console.log(`login first screen: ${sizes.map((x) => `${x.f} ${x.raw} B (br ${x.br} B)`).join(', ')}; total ${total} B compressed`);
    expect(total).toBeGreaterThan(1000);
    expect(total).toBeLessThan(60 * 1024);
  });

  it('has every UI string and every error it can show in en, zh-CN, zh-TW and ja', async () => {
    // The methods the login UI offers (the JitAi element method has no tab: its errors reach its own API only).
    const methodErrors = s.container.loginMethods.all().filter((m) => m.id !== 'jitai').flatMap((m) => m.errors);
    for (const code of new Set([...LOGIN_UI_ERRORS, ...methodErrors])) {
      expect(errorCatalog[code as keyof typeof errorCatalog], code).toBeDefined();
      for (const l of LANGS) expect(ERROR_TEXT[code]?.[l], `${code} ${l}`).toBeTruthy();
    }
    const keys = (o: object) => Object.keys(o).sort();
    for (const l of LANGS) {
      expect(keys(STRINGS[l])).toEqual(keys(STRINGS.en));
      for (const [k, v] of Object.entries(STRINGS[l])) if (typeof v === 'string') expect(v, `${l}.${k}`).not.toBe('');
    }
  });
});
