import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startServer, type TestServer } from '../support/server.js';
import { listenMetrics } from '../../src/http/metrics-listener.js';
import { VERSION } from '../../src/utils/version.js';
import { launchChromium } from '../support/browser.js';

const TOKEN = 'scrape-token-0123456789';

describe('/metrics protection', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({ config: { metricsToken: TOKEN } });
  });
  afterAll(async () => s?.close());

  it('requires the bearer token when GATEHOUSE_METRICS_TOKEN is set', async () => {
    const none = await fetch(`${s.url}/metrics`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: 'metrics.unauthorized', apiCode: 1080001 });
    expect((await fetch(`${s.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    const good = await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(good.status).toBe(200);
    expect(await good.text()).toContain('gatehouse_http_request_duration_seconds');
  });

  it('counts hosted-page and OIDC failures beside API errors', async () => {
    const page = await fetch(`${s.url}/oidc/auth?client_id=nope&response_type=code&scope=openid&redirect_uri=https://x.example/cb`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(400);
    const text = await (await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    expect(text).toMatch(/gatehouse_api_errors_total\{api_code="http_400"\} [1-9]/);
  });
});

describe('/metrics on a separate address', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({ config: { metricsListen: '127.0.0.1:0' } });
  });
  afterAll(async () => s?.close());

  it('is served only there, with the token when set', async () => {
    expect((await fetch(`${s.url}/metrics`)).status).toBe(404);
    const m = await listenMetrics(s.app.metricsRegistry, { listen: '127.0.0.1:0', token: TOKEN });
    try {
      expect((await fetch(m.url)).status).toBe(401);
      const r = await fetch(m.url, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(r.status).toBe(200);
      expect(await r.text()).toContain('gatehouse_api_errors_total');
      expect((await fetch(m.url.replace('/metrics', '/health/live'))).status).toBe(404);
    } finally {
      await m.close();
    }
  });
});

describe('landing page', () => {
  let s: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    s = await startServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('answers / with the version and the next steps, in English or Chinese, and no secrets', async () => {
    const en = await fetch(`${s.url}/`, { headers: { 'accept-language': 'en-GB,en;q=0.9' } });
    expect(en.status).toBe(200);
    expect(en.headers.get('content-type')).toContain('text/html');
    const html = await en.text();
    for (const part of [VERSION, 'href="/docs"', 'href="/health/ready"', '/oidc/.well-known/openid-configuration', '/console/'] /* the admin console's link */) expect(html).toContain(part);
    for (const secret of [s.rootKey.accessKeySecret, s.rootKey.accessKeyId, s.poolId, s.defaultAppId]) expect(html).not.toContain(secret);
    const zh = await (await fetch(`${s.url}/`, { headers: { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.5' } })).text();
    expect(zh).toContain('lang="zh-CN"');
    expect(zh).toContain('自托管的身份认证服务器');
  });

  it('shows the landing page in Chromium, readable on a 390 px phone', async () => {
    const page = await browser.newPage({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
    await page.goto(`${s.url}/`);
    await expect(page.getByRole('heading', { name: 'Gatehouse' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('link', { name: '/docs' }).isVisible()).resolves.toBe(true);
    await expect(page.getByText('版本').isVisible()).resolves.toBe(true);
    const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth') as number;
    expect(overflow).toBeLessThanOrEqual(0);
    await page.close();
  });
});
