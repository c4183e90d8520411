import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import * as oc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWechatFake, type WechatFake } from '../../../../packages/connectors/test/fakes/wechat.js';
import { launchChromium, screenshot, VIEWPORTS } from '../support/browser.js';
import { ok } from '../support/management.js';
import { startOidcServer, type OidcTestServer } from '../oidc/support.js';

/**
 * The official-account scan login end to end in headless Chromium, in English and Simplified
 * Chinese: an OIDC request from openid-client opens the hosted login, the user picks the
 * official account, the page draws the QR code and polls; a forged push is refused and changes
 * nothing; WeChat's genuine signed push (from the fake) makes the page continue and the relying
 * party gets tokens — the same user both times. English at 1280×800, Chinese at 390×844 (a phone's
 * width); axe-core finds no serious or critical violation on the scan page.
 */
const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const OA = { appId: 'wxmpbrowser0001', appSecret: 'mp-browser-secret', kind: 'official-account' as const, token: 'BrowserToken1', openPlatform: 'op-b', originalId: 'gh_browser01' };
let fake: WechatFake;
let gh: OidcTestServer;
let browser: Browser;
let rpServer: Server;
let CB = '';
let rp: oc.Configuration;

beforeAll(async () => {
  rpServer = createServer((_req, res) => void res.writeHead(200, { 'content-type': 'text/plain' }).end('callback'));
  await new Promise<void>((r) => rpServer.listen(0, '127.0.0.1', r));
  CB = `http://127.0.0.1:${(rpServer.address() as AddressInfo).port}/cb`;
  fake = await startWechatFake({ apps: [OA], users: [{ key: 'wang', nickname: '王' }] });
  gh = await startOidcServer({ config: { upstreamOverrides: JSON.stringify(fake.overrides) } as never });
  const mc = gh.mgmt();
  const app = (await gh.container.services.applications.create(gh.poolId, { appName: 'Portal', appType: 'web', redirectUris: [CB] } as never)) as { appId: string; appSecret: string };
  const idp = ok(await mc.createExtIdp({ name: 'WeChat', type: 'wechat' as never }));
  const conn = ok(await mc.createExtIdpConn({ extIdpId: idp.id, type: 'wechatmp-qrcode' as never, identifier: 'wxmp', displayName: 'WeChat OA', fields: { appId: OA.appId, appSecret: OA.appSecret, token: OA.token } }));
  ok(await mc.changeExtIdpConnState({ id: conn.id, enabled: true, appId: app.appId }));
  rp = await oc.discovery(new URL(`${gh.url}/oidc`), app.appId, undefined, oc.ClientSecretPost(app.appSecret), { execute: [oc.allowInsecureRequests] });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await gh?.close();
  await fake?.close();
  await new Promise((r) => rpServer?.close(r));
});

async function axe(page: Page): Promise<string[]> {
  await page.evaluate(`${AXE}\n;0`);
  const r = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as { violations: Array<{ id: string; impact: string }> };
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact})`);
}

async function scanSignIn(locale: 'en' | 'zh-CN', hint: string, viewport: keyof typeof VIEWPORTS): Promise<string> {
  const verifier = oc.randomPKCECodeVerifier();
  const state = oc.randomState();
  const url = oc.buildAuthorizationUrl(rp, { redirect_uri: CB, scope: 'openid profile', state, code_challenge: await oc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
  const context = await browser.newContext({ viewport: VIEWPORTS[viewport], locale, extraHTTPHeaders: { 'accept-language': locale } });
  try {
    const page = await context.newPage();
    await page.goto(url.toString());
    const button = page.getByRole('button', { name: 'WeChat OA' });
    await button.waitFor();
    const qrResponse = page.waitForResponse((r) => r.url().endsWith('/connections/social/wxmp/qrcode') && r.request().method() === 'POST');
    await button.click();
    const qr = (await (await qrResponse).json()) as { scene: string; wechatImageUrl: string };
    const img = page.locator('.gh-qr img');
    await img.waitFor();
    expect(await img.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    await page.getByText(hint).waitFor();
    expect(await axe(page)).toEqual([]);
    // The code fits a phone's width: nothing scrolls sideways.
    expect(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);
    await screenshot(page, `china/wechatmp-qrcode-${locale}-${VIEWPORTS[viewport].width}x${VIEWPORTS[viewport].height}`);

    const events = `${gh.url}/connections/social/wxmp/events`;
    // A forged push (signed with a guessed token) for this page's scene: refused.
    const ts = String(Math.floor(Date.now() / 1000));
    const sig = createHash('sha1').update(['guessed', ts, '77'].sort().join('')).digest('hex');
    const forged = await fetch(`${events}?signature=${sig}&timestamp=${ts}&nonce=77`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: `<xml><ToUserName><![CDATA[gh_browser01]]></ToUserName><FromUserName><![CDATA[oForged]]></FromUserName><CreateTime>${ts}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[SCAN]]></Event><EventKey><![CDATA[${qr.scene}]]></EventKey></xml>`,
    });
    expect(forged.status).toBe(403);
    // The page keeps polling (its poll answers pending) until the genuine scan.
    await page.waitForResponse((r) => r.url().includes(`/qrcode/${qr.scene}`));
    expect(page.url().startsWith(CB)).toBe(false);

    const ticket = new URL(qr.wechatImageUrl).searchParams.get('ticket')!;
    expect(await fake.scan(ticket, 'wang', events)).toMatchObject({ status: 200, text: 'success' });
    await page.waitForURL((u) => u.toString().startsWith(CB), { timeout: 60_000 });
    const tokens = await oc.authorizationCodeGrant(rp, new URL(page.url()), { pkceCodeVerifier: verifier, expectedState: state });
    return tokens.claims()!.sub;
  } finally {
    await context.close();
  }
}

describe('wechatmp-qrcode on the hosted login (Chromium)', () => {
  it('signs in by scanning the official-account code, in English (desktop) and in Chinese (390×844), as one user, with no serious axe violation', async () => {
    const first = await scanSignIn('en', 'Scan the code with WeChat (WeChat OA) to sign in.', 'desktop');
    const second = await scanSignIn('zh-CN', '请使用微信扫码（WeChat OA）登录。', 'phone');
    expect(second).toBe(first);
  }, 180_000);
});
