import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import type { TestServer } from '../support/server.js';
import { asAdmin, consoleToken, createAdmin, rootMgmt, signedInConsole, startConsoleServer } from './support.js';

/**
 * Administrator sign-in (docs/console.md): /console serves its shell without a session, sends
 * the browser through the system pool's hosted login (code + PKCE) and calls the management API
 * with the access token — the second scheme next to the vendor signature, same handlers, with
 * the role enforced by the server and every action in the audit log under the administrator's id.
 */
let s: TestServer;
let browser: Browser;
let owner: { token: string; userId: string };
let auditor: { token: string; userId: string };
let poolAdmin: { token: string; userId: string };
let otherPool = '';

beforeAll(async () => {
  s = await startConsoleServer();
  browser = await launchChromium();
  const created = await rootMgmt(s).makeRequest({ method: 'POST', url: '/api/v3/create-userpool', data: { name: 'Partners', userPoolId: 'partners' } });
  expect((created as { statusCode: number }).statusCode).toBe(200);
  otherPool = 'partners';
  const roles = [
    ['owner@example.com', 'owner', []],
    ['audit@example.com', 'auditor', []],
    ['partners@example.com', 'pool-admin', [otherPool]],
  ] as const;
  const tokens: Array<{ token: string; userId: string }> = [];
  for (const [email, role, pools] of roles) {
    const a = await createAdmin(s, email, role, [...pools]);
    const { context, page, errors } = await signedInConsole(browser, s, email);
    tokens.push({ token: await consoleToken(page), userId: a.userId });
    expect(errors).toEqual([]);
    await context.close();
  }
  [owner, auditor, poolAdmin] = tokens as [typeof owner, typeof owner, typeof owner];
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

/** `promise`, or a failure naming `step` after `ms` (for the browser calls that have no limit of their own). */
function within<T>(ms: number, step: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${step} took more than ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

describe('console sign-in', () => {
  // Twice in CI (of 664f6a1, one file at a time, and of b0fb163, two at a time) this test alone
  // ran into the 90-s test timeout, while the file's other tests, which open contexts and sign
  // in through the same browser, passed; it passes alone. Every step now has a limit that names
  // it (80 s in all), and the test is retried once in case the machine stalls.
  it('serves the shell without a session and starts the sign-in itself (authorization code + PKCE of the system pool)', { retry: 1 }, async () => {
    // Every wait has its own limit, so a slow CI machine fails with the step's name rather than
    // the test's 90-s timeout (CI of 664f6a1 timed out here once, without saying where).
    const res = await fetch(`${s.url}/console/users`, { signal: AbortSignal.timeout(10_000) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).toContain('<div id="root">');
    const cfg = (await (await fetch(`${s.url}/console/config.json`, { signal: AbortSignal.timeout(10_000) })).json()) as { issuer: string; clientId: string; redirectUri: string };
    expect(cfg.redirectUri).toBe(`${s.url}/console/callback`);
    expect(cfg.issuer).toBe(`${s.url}/pools/gatehouse-admin/oidc`);
    const context = await within(10_000, 'browser.newContext', browser.newContext());
    try {
      const page = await within(10_000, 'context.newPage', context.newPage());
      const authRequest = page.waitForRequest((r) => r.url().startsWith(`${cfg.issuer}/auth`), { timeout: 30_000 });
      // The shell sends the browser on to the issuer by itself, so the first document may never
      // reach its load event: only its commit is awaited.
      await page.goto(`${s.url}/console/`, { waitUntil: 'commit', timeout: 20_000 });
      const auth = new URL((await authRequest).url());
      expect(auth.searchParams.get('client_id')).toBe(cfg.clientId);
      expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
      expect(auth.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(auth.searchParams.get('state')).toBeTruthy();
    } finally {
      // The page is still on its way to the hosted login; closing is not what this test checks,
      // so a slow close does not fail it (afterAll closes the browser).
      await within(10_000, 'context.close', context.close()).catch(() => undefined);
    }
  });

  it('an owner reaches every pool through the same handlers as a signed request; the audit log names the administrator', async () => {
    const me = await asAdmin(s, owner.token, 'GET', 'console/me');
    expect(me.statusCode, me.message).toBe(200);
    expect(me.data.role).toBe('owner');
    expect(me.data.pools.map((p: { userPoolId: string }) => p.userPoolId)).toEqual(expect.arrayContaining([s.poolId, otherPool, 'gatehouse-admin']));
    const created = await asAdmin(s, owner.token, 'POST', 'create-application', { appName: 'Made by the owner', appType: 'web' }, otherPool);
    expect(created.statusCode, created.message).toBe(200);
    expect(created.data.userPoolId).toBe(otherPool);
    // The same validation messages as a signed request.
    const bad = await asAdmin(s, owner.token, 'POST', 'create-application', { appName: '' }, otherPool);
    const signedBad = (await rootMgmt(s).createApplication({ appName: '' } as never)) as { statusCode: number; apiCode?: number };
    expect([bad.statusCode, bad.apiCode]).toEqual([signedBad.statusCode, signedBad.apiCode]);
    // The audit writer batches off the request path (services/audit.ts): poll.
    const subjects = async () => {
      const log = await asAdmin(s, owner.token, 'GET', `console/audit-logs?type=application:created&actor=admin:${owner.userId}`, undefined, otherPool);
      expect(log.statusCode, log.message).toBe(200);
      return log.data.list.map((e: { subject: string }) => e.subject);
    };
    await expect.poll(subjects).toContain(created.data.appId);
  });

  it('a pool admin acts in their pools only', async () => {
    expect((await asAdmin(s, poolAdmin.token, 'GET', 'list-applications', undefined, otherPool)).statusCode).toBe(200);
    const refused = await asAdmin(s, poolAdmin.token, 'GET', 'list-applications', undefined, s.poolId);
    expect([refused.statusCode, refused.apiCode]).toEqual([403, 7500004]);
    const me = await asAdmin(s, poolAdmin.token, 'GET', 'console/me');
    expect(me.data.currentPoolId).toBe(otherPool);
    expect(me.data.pools.map((p: { userPoolId: string }) => p.userPoolId)).toEqual([otherPool]);
  });

  it('an auditor reads but cannot change anything, nor read secrets (refused by the server)', async () => {
    expect((await asAdmin(s, auditor.token, 'GET', 'list-applications', undefined, s.poolId)).statusCode).toBe(200);
    expect((await asAdmin(s, auditor.token, 'POST', 'list-users', { options: { pagination: { page: 1, limit: 10 } } }, s.poolId)).statusCode).toBe(200);
    const before = ((await rootMgmt(s).listApplications({ page: 1, limit: 100 } as never)) as { data: { totalCount: number } }).data.totalCount;
    for (const [path, body] of [
      ['create-application', { appName: 'Nope', appType: 'web' }],
      ['create-user', { email: 'nope@example.com' }],
      ['create-access-key', { type: 'userpool' }],
      ['update-authentication-settings', { distinctLoginErrors: true }],
    ] as const) {
      const r = await asAdmin(s, auditor.token, 'POST', path, body, s.poolId);
      expect([path, r.statusCode, r.apiCode]).toEqual([path, 403, 7500003]);
    }
    const secret = await asAdmin(s, auditor.token, 'GET', `get-application-secret?appId=${s.defaultAppId}`, undefined, s.poolId);
    expect([secret.statusCode, secret.apiCode]).toEqual([403, 7500003]);
    expect(((await rootMgmt(s).listApplications({ page: 1, limit: 100 } as never)) as { data: { totalCount: number } }).data.totalCount).toBe(before);
  });

  it('refuses tokens that are not a console session: another client, a non-administrator, a removed administrator', async () => {
    expect((await asAdmin(s, 'not-a-token', 'GET', 'list-applications')).apiCode).toBe(7500001);
    // A removed administrator's session stops at once.
    const temp = await createAdmin(s, 'temp@example.com', 'owner');
    const { context, page } = await signedInConsole(browser, s, 'temp@example.com');
    const token = await consoleToken(page);
    await context.close();
    expect((await asAdmin(s, token, 'GET', 'list-applications')).statusCode).toBe(200);
    await s.container.console.administrators.remove(temp.userId);
    expect((await asAdmin(s, token, 'GET', 'list-applications')).apiCode).toBe(7500002);
    // A signed access key is not an administrator: the console's own reads that need one say so.
    const me = (await rootMgmt(s).makeRequest({ method: 'GET', url: '/api/v3/console/me' })) as { apiCode?: number };
    expect(me.apiCode).toBe(7500002);
  });
});
