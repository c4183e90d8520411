import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import * as oc from 'openid-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDingtalkFake, type DingtalkFake, type DingtalkFakeApp } from '../../../../packages/connectors/test/fakes/dingtalk.js';
import { startWecomFake, type WecomFake, type WecomFakeAgent } from '../../../../packages/connectors/test/fakes/wecom.js';
import { generateOrg } from '../../../../packages/connectors/test/fakes/org.js';
import { launchChromium, screenshot, VIEWPORTS } from '../support/browser.js';
import { ok } from '../support/management.js';
import { startOidcServer, type OidcTestServer } from '../oidc/support.js';

/**
 * DingTalk's and WeCom's QR pages framed inside the hosted login (`display: 'embedded'`), in
 * headless Chromium against the fakes, which serve the vendors' framed pages at their own origin
 * (GATEHOUSE_UPSTREAM_OVERRIDES): the frame has the vendor's parameters, the page's CSP
 * `frame-src` names exactly that origin (and a page without an embedded connection frames
 * nothing), a simulated scan signs in — DingTalk by posting the redirect URL to the page, WeCom by
 * navigating the top window — and the state is checked: a message from another origin or with
 * another state is ignored, a callback with a foreign state is refused.
 */
const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const DING_APP: DingtalkFakeApp = { appKey: 'dingembed001', appSecret: 'embed-secret', corpId: 'dingcorpE' };
const WECOM_AGENT: WecomFakeAgent = { agentId: '1000005', secret: 'embed-agent-secret' };
let ding: DingtalkFake;
let wecom: WecomFake;
let gh: OidcTestServer;
let browser: Browser;
let rpServer: Server;
let CB = '';
const rps: Record<'ding' | 'wecom' | 'redirect', { rp: oc.Configuration }> = {} as never;

beforeAll(async () => {
  rpServer = createServer((_req, res) => void res.writeHead(200, { 'content-type': 'text/plain' }).end('callback'));
  await new Promise<void>((r) => rpServer.listen(0, '127.0.0.1', r));
  CB = `http://127.0.0.1:${(rpServer.address() as AddressInfo).port}/cb`;
  const org = generateOrg({ members: 5 });
  org.members[0]!.userKey = 'li';
  ding = await startDingtalkFake({ apps: [DING_APP], users: [{ key: 'li', nick: '李' }], org });
  wecom = await startWecomFake({ corpId: 'wwcorpembed', agents: [WECOM_AGENT], org: structuredClone(org) });
  gh = await startOidcServer({ config: { upstreamOverrides: JSON.stringify({ ...ding.overrides, ...wecom.overrides }) } as never });
  // The vendors check the redirect URI against the app's registered domain: Gatehouse's host.
  DING_APP.redirectDomain = WECOM_AGENT.redirectDomain = new URL(gh.url).host;
  const mc = gh.mgmt();
  const dIdp = ok(await mc.createExtIdp({ name: 'DingTalk', type: 'dingtalk' as never }));
  const dFields = { corpId: DING_APP.corpId, appKey: DING_APP.appKey, appSecret: DING_APP.appSecret };
  const dEmbedded = ok(await mc.createExtIdpConn({ extIdpId: dIdp.id, type: 'dingtalk' as never, identifier: 'ding-e', displayName: 'DingTalk', fields: { ...dFields, display: 'embedded' } }));
  const dRedirect = ok(await mc.createExtIdpConn({ extIdpId: dIdp.id, type: 'dingtalk' as never, identifier: 'ding-r', displayName: 'DingTalk page', fields: dFields }));
  const wIdp = ok(await mc.createExtIdp({ name: 'WeCom', type: 'wechatwork' as never }));
  const wEmbedded = ok(await mc.createExtIdpConn({ extIdpId: wIdp.id, type: 'wechatwork:corp:qrconnect' as never, identifier: 'wecom-e', displayName: 'WeCom', fields: { corpId: 'wwcorpembed', agentId: WECOM_AGENT.agentId, secret: WECOM_AGENT.secret, display: 'embedded' } }));
  for (const [key, conn] of [['ding', dEmbedded], ['wecom', wEmbedded], ['redirect', dRedirect]] as const) {
    const app = (await gh.container.services.applications.create(gh.poolId, { appName: `Portal ${key}`, appType: 'web', redirectUris: [CB] } as never)) as { appId: string; appSecret: string };
    ok(await mc.changeExtIdpConnState({ id: conn.id, enabled: true, appId: app.appId }));
    rps[key] = { rp: await oc.discovery(new URL(`${gh.url}/oidc`), app.appId, undefined, oc.ClientSecretPost(app.appSecret), { execute: [oc.allowInsecureRequests] }) };
  }
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await gh?.close();
  await ding?.close();
  await wecom?.close();
  await new Promise((r) => rpServer?.close(r));
});

async function axe(page: Page): Promise<string[]> {
  await page.evaluate(`${AXE}\n;0`);
  // The vendor's frame is not ours to audit (and is cross-origin): the page around it is.
  const r = (await page.evaluate('axe.run(document, { iframes: false, resultTypes: ["violations"] })')) as { violations: Array<{ id: string; impact: string }> };
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact})`);
}

/** Opens the hosted login of an app through an OIDC request; returns the page, its CSP and the PKCE bits. */
async function openLogin(context: BrowserContext, key: keyof typeof rps) {
  const verifier = oc.randomPKCECodeVerifier();
  const state = oc.randomState();
  const url = oc.buildAuthorizationUrl(rps[key].rp, { redirect_uri: CB, scope: 'openid profile', state, code_challenge: await oc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  let csp = '';
  page.on('response', (r) => {
    if (r.url().includes('/interaction/') && r.request().resourceType() === 'document') csp = r.headers()['content-security-policy'] ?? csp;
  });
  await page.goto(url.toString());
  await page.locator('.gh-conn').first().waitFor();
  const frameSrc = () => csp.split(';').map((d) => d.trim()).filter((d) => d.startsWith('frame-src'));
  const finish = async () => {
    await page.waitForURL((u) => u.toString().startsWith(CB), { timeout: 60_000 });
    const tokens = await oc.authorizationCodeGrant(rps[key].rp, new URL(page.url()), { pkceCodeVerifier: verifier, expectedState: state });
    return tokens.claims()!.sub;
  };
  return { page, requests, frameSrc, csp: () => csp, finish };
}

type EmbedStart = { url: string; origin: string; state: string; callbackUrl: string; delivery: string };
async function showFrame(page: Page, name: string, identifier: string): Promise<{ start: EmbedStart; src: URL; sandbox: string | null }> {
  const answered = page.waitForResponse((r) => r.url().endsWith(`/connections/social/${identifier}/embed`) && r.request().method() === 'POST');
  await page.getByRole('button', { name, exact: true }).click();
  const res = await answered;
  expect(res.status()).toBe(200);
  const start = (await res.json()) as EmbedStart;
  const frame = page.locator('.gh-embed iframe');
  await frame.waitFor();
  return { start, src: new URL((await frame.getAttribute('src'))!), sandbox: await frame.getAttribute('sandbox') };
}

describe('DingTalk and WeCom QR pages framed in the hosted login (Chromium)', () => {
  it('DingTalk: framed oauth2/auth?iframe=true, frame-src only its origin, a forged message or state is ignored, the scan signs in', async () => {
    const context = await browser.newContext({ locale: 'en', extraHTTPHeaders: { 'accept-language': 'en' } });
    try {
      const login = await openLogin(context, 'ding');
      expect(login.frameSrc()).toEqual([`frame-src ${ding.origin}`]);
      expect(login.csp()).not.toContain(wecom.origin);
      const { start, src, sandbox } = await showFrame(login.page, 'DingTalk', 'ding-e');
      expect(src.origin).toBe(ding.origin);
      expect(start.origin).toBe(ding.origin);
      expect(src.pathname).toBe('/oauth2/auth');
      expect(Object.fromEntries(src.searchParams)).toMatchObject({ iframe: 'true', client_id: DING_APP.appKey, response_type: 'code', prompt: 'consent', state: start.state, redirect_uri: `${gh.url}/connections/social/ding-e/callback` });
      expect(src.searchParams.get('scope')!.split(' ')).toContain('openid');
      expect(start.callbackUrl).toBe(`${gh.url}/connections/social/ding-e/callback`);
      // No top navigation for DingTalk's frame: it hands over by message.
      expect(sandbox).toBe('allow-scripts allow-same-origin allow-forms');
      await login.page.getByText('Scan the code with the DingTalk app to sign in.').waitFor();
      expect(await axe(login.page)).toEqual([]);
      await screenshot(login.page, 'china/dingtalk-embedded-en-1280x800');

      // A message from the page's own origin (not DingTalk's), with the right state: ignored.
      await login.page.evaluate(`window.postMessage({ success: true, redirectUrl: ${JSON.stringify(`${start.callbackUrl}?authCode=forged-by-page&state=${start.state}`)} }, '*')`);
      // DingTalk's frame posting another state (a login started elsewhere): ignored.
      ding.scanEmbedded('li', { state: 'someone-elses-state' });
      // The genuine scan: the page opens Gatehouse's callback with the code and its state.
      const genuine = new URL(ding.scanEmbedded('li')).searchParams.get('authCode');
      const first = await login.finish();
      const callbacks = login.requests.filter((u) => u.includes('/connections/social/ding-e/callback'));
      expect(callbacks).toHaveLength(1);
      expect(Object.fromEntries(new URL(callbacks[0]!).searchParams)).toEqual({ authCode: genuine, state: start.state });
      expect(callbacks.join(' ')).not.toContain('forged-by-page');

      // A second sign-in by scanning (another browser: this one has a session now) finds the same user.
      const other = await browser.newContext({ locale: 'en' });
      try {
        const again = await openLogin(other, 'ding');
        await showFrame(again.page, 'DingTalk', 'ding-e');
        ding.scanEmbedded('li');
        expect(await again.finish()).toBe(first);
      } finally {
        await other.close();
      }

      // The callback itself refuses a state this browser did not start (the server's check).
      const forged = await context.request.get(`${gh.url}/connections/social/ding-e/callback?authCode=x&state=not-a-state`, { maxRedirects: 0 });
      expect(forged.status()).toBe(400);
    } finally {
      await context.close();
    }
  }, 180_000);

  it('WeCom: framed login panel (redirect_type=top) allowed to navigate the top window; a foreign state is refused, the scan signs in', async () => {
    const context = await browser.newContext({ viewport: VIEWPORTS.phone, locale: 'zh-CN', extraHTTPHeaders: { 'accept-language': 'zh-CN' } });
    try {
      // The panel answering with another state: the callback refuses it, the app gets nothing.
      const refused = await openLogin(context, 'wecom');
      await showFrame(refused.page, 'WeCom', 'wecom-e');
      const answered = refused.page.waitForResponse((r) => r.url().includes('/connections/social/wecom-e/callback'));
      wecom.scanEmbedded('li', { state: 'someone-elses-state' });
      expect((await answered).status()).toBe(400);
      expect(refused.page.url().startsWith(CB)).toBe(false);

      const login = await openLogin(context, 'wecom');
      expect(login.frameSrc()).toEqual([`frame-src ${wecom.origin}`]);
      expect(login.csp()).not.toContain(ding.origin);
      const { start, src, sandbox } = await showFrame(login.page, 'WeCom', 'wecom-e');
      expect(src.origin).toBe(wecom.origin);
      expect(src.pathname).toBe('/wwlogin/sso/login');
      expect(Object.fromEntries(src.searchParams)).toMatchObject({ login_type: 'CorpApp', appid: 'wwcorpembed', agentid: WECOM_AGENT.agentId, redirect_type: 'top', state: start.state, redirect_uri: `${gh.url}/connections/social/wecom-e/callback` });
      expect(sandbox).toBe('allow-scripts allow-same-origin allow-forms allow-top-navigation');
      await login.page.getByText('请使用WeCom App 扫码登录。').waitFor();
      expect(await axe(login.page)).toEqual([]);
      expect(await login.page.evaluate('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);
      await screenshot(login.page, 'china/wecom-embedded-zh-CN-390x844');
      wecom.scanEmbedded('li');
      expect(await login.finish()).toBeTruthy();
    } finally {
      await context.close();
    }
  }, 180_000);

  it('a page without an embedded connection frames nothing, and phones get the redirect button', async () => {
    const context = await browser.newContext({ locale: 'en' });
    try {
      const plain = await openLogin(context, 'redirect');
      expect(plain.csp()).toContain("default-src 'none'");
      expect(plain.frameSrc()).toEqual([]);
      // The redirect connection is a plain form button to the vendor page.
      expect(await plain.page.locator('form[action="/connections/social/ding-r/start"] button').count()).toBe(1);
    } finally {
      await context.close();
    }
    const phone = await browser.newContext({ viewport: VIEWPORTS.phone, userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1', locale: 'en' });
    try {
      const login = await openLogin(phone, 'ding');
      expect(await login.page.locator('form[action="/connections/social/ding-e/start"] button').count()).toBe(1);
      expect(await login.page.locator('iframe').count()).toBe(0);
    } finally {
      await phone.close();
    }
  }, 120_000);
});
