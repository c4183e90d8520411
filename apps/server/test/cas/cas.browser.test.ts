import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { AuthenticationClient } from 'authing-node-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, signInOnHostedPage } from '../support/browser.js';
import { authClient, boundManagementClient, startServer, type TestServer } from '../support/server.js';

/**
 * A CAS client flow in Debian's Chromium: the browser goes to /cas-idp/<appId>?service=…, signs
 * in on the hosted login, and arrives at the service with a ticket; the service validates it with
 * the vendor's AuthenticationClient (validateTicketV2, JSON) — accepted once with attributes,
 * refused the second time — and a ticket issued for service A is refused for service B.
 */
const PASSWORD = 'Correct horse battery 42!';
let s: TestServer;
let browser: Browser;
let svc: Server;
let SERVICE_A = '';
let SERVICE_B = '';
const tickets: string[] = [];

beforeAll(async () => {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  s = await startServer({ config: { port, publicUrl: `http://127.0.0.1:${port}` } as never });
  // The CAS service: records the ticket it receives (a real client would validate it here).
  svc = createServer((req, res) => {
    const t = new URL(req.url ?? '/', 'http://x').searchParams.get('ticket');
    if (t) tickets.push(t);
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<main id="svc">${t ? 'got ticket' : 'no ticket'}</main>`);
  });
  await new Promise<void>((r) => svc.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(svc.address() as AddressInfo).port}`;
  SERVICE_A = `${base}/a/cas`;
  SERVICE_B = `${base}/b/cas`;
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await s?.close();
  await new Promise((r) => svc?.close(r));
});

const mgmt = () => boundManagementClient({ ...s.rootKey, host: s.url });

describe('CAS through the hosted login', () => {
  it('issues a single-use service ticket that the vendor validateTicketV2 accepts once, with attributes, for its own service only', async () => {
    const r = (await mgmt().createApplication({ appName: 'Wiki', appType: 'web', casProviderEnabled: true, casConfig: { serviceUrls: [SERVICE_A, SERVICE_B], attributes: ['email', 'name', 'username'] } } as never)) as unknown as { statusCode: number; message: string; data: { appId: string; casProviderEnabled: boolean; casConfig: { ticketTtlSeconds: number } } };
    expect(r.statusCode, r.message).toBe(200);
    expect(r.data.casProviderEnabled).toBe(true);
    expect(r.data.casConfig.ticketTtlSeconds).toBe(10);
    const appId = r.data.appId;
    const u = (await s.container.services.users.create(s.poolId, { email: 'lin@example.com', username: 'lin', name: 'Lin Hui' } as never)) as { userId: string };
    await s.container.authn.passwords.set(s.poolId, (await s.container.repos.users.findById(s.poolId, u.userId))!, PASSWORD, { skipPolicy: true });

    const client = authClient({ appId, host: s.url, tokenEndPointAuthMethod: 'none' });
    // The vendor builds the login URL itself (protocol cas).
    const cas = new AuthenticationClient({ appId, appHost: s.url, protocol: 'cas', tokenEndPointAuthMethod: 'none' } as never);
    const loginUrl = cas.buildAuthorizeUrl({ service: encodeURIComponent(SERVICE_A) } as never).url;
    expect(loginUrl).toBe(`${s.url}/cas-idp/${appId}?service=${encodeURIComponent(SERVICE_A)}`);

    const context = await browser.newContext({ locale: 'en' });
    const page = await context.newPage();
    await page.goto(loginUrl);
    await page.waitForURL(/\/interaction\//);
    await signInOnHostedPage(page, 'lin@example.com', PASSWORD);
    await page.waitForURL((x) => x.href.startsWith(SERVICE_A));
    expect(await page.locator('#svc').textContent()).toBe('got ticket');
    const ticket = tickets.at(-1)!;
    expect(ticket).toMatch(/^ST-/);

    const first = (await client.validateTicketV2(ticket, SERVICE_A)) as { serviceResponse: { authenticationSuccess: { user: string; attributes: Record<string, unknown> } } };
    expect(first.serviceResponse.authenticationSuccess.user).toBe(u.userId);
    expect(first.serviceResponse.authenticationSuccess.attributes).toMatchObject({ email: 'lin@example.com', name: 'Lin Hui', username: 'lin', isFromNewLogin: true });
    const second = (await client.validateTicketV2(ticket, SERVICE_A)) as { authenticationFailure: { code: string } };
    expect(second.authenticationFailure.code).toBe('INVALID_TICKET');

    // SSO: the second service gets a ticket without a login page; that ticket is refused for service A.
    await page.goto(`${s.url}/cas-idp/${appId}?service=${encodeURIComponent(SERVICE_B)}`);
    await page.waitForURL((x) => x.href.startsWith(SERVICE_B));
    const forB = tickets.at(-1)!;
    const wrong = (await client.validateTicketV2(forB, SERVICE_A)) as { authenticationFailure: { code: string } };
    expect(wrong.authenticationFailure.code).toBe('INVALID_SERVICE');
    // … and it is spent by that failed attempt (CAS 3.0 §3.1.1).
    expect(((await client.validateTicketV2(forB, SERVICE_B)) as { authenticationFailure: { code: string } }).authenticationFailure.code).toBe('INVALID_TICKET');

    // CAS 1.0 and 3.0 XML on fresh tickets.
    await page.goto(`${s.url}/cas-idp/${appId}?service=${encodeURIComponent(SERVICE_A)}`);
    await page.waitForURL((x) => x.href.startsWith(SERVICE_A));
    expect(await client.validateTicketV1(tickets.at(-1)!, SERVICE_A)).toEqual({ valid: true });
    expect(await client.validateTicketV1(tickets.at(-1)!, SERVICE_A)).toMatchObject({ valid: false });
    // "Fresh" has the resolution of auth_time, whole seconds (OIDC Core §2): an SSO request in the
    // same second as the sign-in cannot be told from it, so this one comes a second later.
    await new Promise((r) => setTimeout(r, 1100));
    await page.goto(`${s.url}/cas-idp/${appId}?service=${encodeURIComponent(SERVICE_A)}`);
    await page.waitForURL((x) => x.href.startsWith(SERVICE_A));
    const xml = await (await fetch(`${s.url}/cas-idp/${appId}/p3/serviceValidate?service=${encodeURIComponent(SERVICE_A)}&ticket=${tickets.at(-1)}`)).text();
    expect(xml).toContain('<cas:authenticationSuccess><cas:user>');
    expect(xml).toContain('<cas:email>lin@example.com</cas:email>');
    expect(xml).toContain('<cas:isFromNewLogin>false</cas:isFromNewLogin>'); // SSO, not a fresh sign-in

    // Logout ends the session: the next login asks for credentials again, and goes to a registered url.
    await page.goto(`${s.url}/cas-idp/logout?url=${encodeURIComponent(SERVICE_A)}`);
    await page.waitForURL((x) => x.href.startsWith(SERVICE_A));
    await page.goto(`${s.url}/cas-idp/${appId}?service=${encodeURIComponent(SERVICE_A)}`);
    await page.waitForURL(/\/interaction\//);
    await context.close();
  }, 120_000);
});
