import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { startOidcServer, type OidcTestServer } from '../oidc/support.js';

/**
 * The React and Vue wrappers of <gatehouse-login>, each bundled into a small app the way a user
 * would (esbuild here; Vite, webpack … alike), on a page of another origin: the wrapper renders
 * the element with its props, the user signs in, and the wrapper's `onLogin` / `@login` receives
 * the token set.
 */
const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../packages/login-element');
const PASSWORD = 'Correct horse battery 42!';

const ENTRIES = {
  react: `
    import { createElement } from 'react';
    import { createRoot } from 'react-dom/client';
    import { GatehouseLogin } from './src/react.ts';
    const q = new URLSearchParams(location.search);
    window.results = [];
    createRoot(document.getElementById('root')).render(createElement(GatehouseLogin, {
      appId: q.get('app'), host: q.get('host'), lang: 'en',
      onLogin: (detail) => window.results.push(detail),
      onError: (detail) => window.results.push({ error: detail }),
    }));`,
  vue: `
    import { createApp, h } from 'vue';
    import { GatehouseLogin } from './src/vue.ts';
    const q = new URLSearchParams(location.search);
    window.results = [];
    createApp({ render: () => h(GatehouseLogin, {
      appId: q.get('app'), host: q.get('host'), lang: 'en',
      onLogin: (detail) => window.results.push(detail),
      onError: (detail) => window.results.push({ error: detail }),
    }) }).mount('#root');`,
} as const;

describe('the React and Vue wrappers of <gatehouse-login>', () => {
  let s: OidcTestServer;
  let browser: Browser;
  let site: Server;
  let siteUrl = '';
  const bundles: Record<string, string> = {};

  beforeAll(async () => {
    s = await startOidcServer();
    for (const [name, contents] of Object.entries(ENTRIES)) {
      const out = await build({ stdin: { contents, resolveDir: pkg, loader: 'ts' }, bundle: true, write: false, format: 'iife', platform: 'browser', define: { 'process.env.NODE_ENV': '"production"', __VUE_OPTIONS_API__: 'true', __VUE_PROD_DEVTOOLS__: 'false', __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false' }, logLevel: 'silent' });
      bundles[name] = out.outputFiles[0]!.text;
    }
    site = createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      const name = url.pathname.slice(1).replace(/\.js$/, '');
      if (url.pathname.endsWith('.js') && bundles[name]) return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundles[name]);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
        `<!doctype html><html lang="en"><head><title>${name}</title><script type="module" src="${s.url}/login/element/gatehouse-login.js"></script></head>` +
          `<body><div id="root"></div><script src="/${name}.js"></script></body></html>`,
      );
    });
    await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
    siteUrl = `http://localhost:${(site.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => site?.close(r));
    await s?.close();
  });

  for (const name of ['react', 'vue'] as const) {
    it(`${name}: the wrapper renders the element and its login callback gets the token set`, async () => {
      const app = await s.container.services.applications.create(s.poolId, { appName: `${name} shop`, appType: 'spa', redirectUris: [`${siteUrl}/callback`] } as never);
      const email = `${name}@example.com`;
      const u = await s.container.services.users.create(s.poolId, { email });
      await s.container.authn.passwords.set(s.poolId, (await s.container.repos.users.findById(s.poolId, u.userId))!, PASSWORD, { skipPolicy: true });
      const page = await browser.newPage();
      try {
        await page.goto(`${siteUrl}/${name}?app=${app.appId}&host=${encodeURIComponent(s.url)}`);
        await page.getByLabel('Email, phone or username').fill(email);
        await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.waitForFunction('window.results.length > 0');
        const [result] = (await page.evaluate('window.results')) as Array<{ userId?: string; tokens?: { access_token: string }; error?: unknown }>;
        expect(result!.error).toBeUndefined();
        expect(result!.userId).toBe(u.userId);
        const me = await fetch(`${s.url}/oidc/me`, { headers: { authorization: `Bearer ${result!.tokens!.access_token}` } });
        expect(me.status).toBe(200);
      } finally {
        await page.close();
      }
    });
  }
});
