import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { authClient, startServer, type TestServer } from '../support/server.js';
import { ok } from '../support/sign-in.js';
import { startReceiver, type Receiver } from './receiver.js';

/**
 * Issue #17, webhooks, through the vendor's ManagementClient and AuthenticationClient (unmodified)
 * against a real Gatehouse on SQLite and a local receiver. The receiver is reached by the name
 * `hooks.test` (resolved to 127.0.0.1 by the test's resolver) which GATEHOUSE_OUTBOUND_ALLOW
 * covers — 127.0.0.1 itself is not covered, so a URL naming it is refused. Signatures are checked
 * with the Standard Webhooks reference verifier (`standardwebhooks`).
 */
let s: TestServer;
let rx: Receiver;
let hook: (path: string) => string;

beforeAll(async () => {
  rx = await startReceiver();
  hook = (path) => `http://hooks.test:${rx.port}${path}`;
  s = await startServer({
    config: { outboundAllow: 'hooks.test', webhookPollMs: 100 },
    outboundResolve: async (host) => (host === 'hooks.test' ? [{ address: '127.0.0.1', family: 4 }] : [{ address: '93.184.215.14', family: 4 }]),
  });
});
afterAll(async () => {
  await s?.close();
  await rx?.close();
});

const waitFor = async <T,>(f: () => T | undefined | false, what: string, ms = 15_000): Promise<T> => {
  const until = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};
const json = (body: string) => JSON.parse(body) as { id: string; eventName: string; timestamp: string; data: Record<string, unknown> };
const headersOf = (h: Record<string, string | string[] | undefined>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, String(v)]));

describe('webhooks with the vendor ManagementClient', () => {
  it('delivers signed register and login events for a sign-up and a sign-in', async () => {
    const mgmt = s.mgmt();
    const created = ok(await mgmt.createWebhook({ name: 'auth events', url: hook('/auth'), events: ['register', 'login'], contentType: 'application/json' as never }));
    const secret = created.data.secret as string;
    // Generated (none was given), returned once, in the Standard Webhooks form.
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const got = ok(await mgmt.getWebhook({ webhookId: created.data.webhookId }));
    expect(got.data).toMatchObject({ name: 'auth events', events: ['register', 'login'], enabled: true, contentType: 'application/json' });
    expect(got.data.secret).toBeUndefined();
    expect(JSON.stringify(ok(await mgmt.listWebhooks({ page: 1, limit: 10 })).data)).not.toContain(secret);

    const appSecret = await s.container.services.applications.getSecret(s.poolId, s.defaultAppId);
    const c = authClient({ appId: s.defaultAppId, appSecret, host: s.url });
    const user = ok(await c.signUpByEmailPassword({ email: 'hooked@example.com', password: 'a webhook passphrase' })).data;
    ok(await c.signInByEmailPassword({ email: 'hooked@example.com', password: 'a webhook passphrase' }));

    const [reg, login] = await waitFor(() => (rx.at('/auth').length >= 2 ? rx.at('/auth') : undefined), 'register and login deliveries');
    const verifier = new Webhook(secret);
    for (const r of [reg!, login!]) {
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['x-authing-token']).toBeUndefined();
      // Throws on a wrong signature, a stale timestamp or a missing header.
      verifier.verify(r.body, headersOf(r.headers));
      expect(() => new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(r.body, headersOf(r.headers))).toThrow();
      expect(json(r.body).id).toBe(r.headers['webhook-id']);
      expect(Object.keys(json(r.body)).sort()).toEqual(['data', 'eventName', 'id', 'timestamp']);
    }
    expect(json(reg!.body)).toMatchObject({ eventName: 'register', data: { userId: user.userId, email: 'hooked@example.com' } });
    expect(json(login!.body)).toMatchObject({ eventName: 'login', data: { userId: user.userId, email: 'hooked@example.com', protocol: 'api' } });
    expect(JSON.stringify([reg!.body, login!.body])).not.toContain('a webhook passphrase');

    const logs = ok(await mgmt.getWebhookLogs({ webhookId: created.data.webhookId, page: 1, limit: 10 })).data;
    expect(logs.totalCount).toBe(2);
    expect(logs.list.map((l: { eventName: string }) => l.eventName).sort()).toEqual(['login', 'register']);
    expect(logs.list[0]).toMatchObject({ success: true, responseStatusCode: 200, attempt: 1 });
  });

  it('retries a receiver that answers 500 twice, with the same webhook-id, and logs all three attempts', async () => {
    const mgmt = s.mgmt();
    rx.on('/flaky', [500, 500, 200]);
    const secret = 'a plain shared secret';
    const created = ok(await mgmt.createWebhook({ name: 'flaky', url: hook('/flaky'), events: ['user:created'], contentType: 'application/json' as never, secret, retryConfig: { enabled: true, count: 2, delay: 1, delayUnit: 'Second' as never } }));
    expect(created.data.secret).toBeUndefined();
    const u = ok(await mgmt.createUser({ email: 'retried@example.com' } as never)).data;
    const tries = await waitFor(() => (rx.at('/flaky').length >= 3 ? rx.at('/flaky') : undefined), 'three attempts');
    // A plain secret is the UTF-8 bytes of the string (the reference verifier's raw format).
    const verifier = new Webhook(new Uint8Array(Buffer.from(secret, 'utf8')), { format: 'raw' });
    for (const t of tries) verifier.verify(t.body, headersOf(t.headers));
    expect(new Set(tries.map((t) => t.headers['webhook-id'])).size).toBe(1);
    expect(json(tries[2]!.body)).toMatchObject({ eventName: 'user:created', data: { userId: u.userId, email: 'retried@example.com' } });
    // Back-off: about 1 s, then about 2 s (±20 %).
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(700);
    expect(tries[2]!.at - tries[1]!.at).toBeGreaterThanOrEqual(1500);
    const list = ok(await mgmt.getWebhookLogs({ webhookId: created.data.webhookId })).data;
    expect(list.totalCount).toBe(3);
    expect(list.list.map((l: { attempt: number; success: boolean; responseStatusCode: number }) => [l.attempt, l.success, l.responseStatusCode])).toEqual([
      [3, true, 200],
      [2, false, 500],
      [1, false, 500],
    ]);
    expect(list.list[2].errorMessage).toBe('HTTP 500');
    await new Promise((r) => setTimeout(r, 300));
    expect(rx.at('/flaky')).toHaveLength(3);
  });

  it('gives up after the configured retries, and redelivers on request with the same id', async () => {
    const mgmt = s.mgmt();
    rx.on('/down', [503, 503, 200]);
    const created = ok(await mgmt.createWebhook({ name: 'down', url: hook('/down'), events: ['user:updated'], contentType: 'application/x-www-form-urlencoded' as never, secret: 'form encoded secret', retryConfig: { enabled: true, count: 1, delay: 1, delayUnit: 'Second' as never } }));
    const u = ok(await mgmt.createUser({ email: 'down@example.com' } as never)).data;
    ok(await mgmt.updateUser({ userId: u.userId, nickname: 'changed' } as never));
    await waitFor(() => rx.at('/down').length >= 2, 'two attempts');
    await new Promise((r) => setTimeout(r, 2500));
    expect(rx.at('/down')).toHaveLength(2);
    const first = rx.at('/down')[0]!;
    expect(first.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(first.body);
    expect(form.get('eventName')).toBe('user:updated');
    expect(JSON.parse(form.get('data')!)).toMatchObject({ userId: u.userId, fields: expect.arrayContaining(['nickname']) });
    // The reference verifier parses the payload as JSON after checking; for a form body its signer is compared instead.
    const ts = new Date(Number(first.headers['webhook-timestamp']) * 1000);
    expect(first.headers['webhook-signature']).toBe(new Webhook(new Uint8Array(Buffer.from('form encoded secret')), { format: 'raw' }).sign(String(first.headers['webhook-id']), ts, first.body));

    const logs = ok(await mgmt.getWebhookLogs({ webhookId: created.data.webhookId })).data;
    expect(logs.list.map((l: { success: boolean }) => l.success)).toEqual([false, false]);
    const deliveryId = logs.list[0].deliveryId as string;
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toMatch(/gatehouse_webhook_deliveries_total\{event="user:updated",outcome="failed"\} 1/);
    expect(metrics).toMatch(/gatehouse_webhook_deliveries_total\{event="user:updated",outcome="retrying"\} 1/);
    expect(await mgmt.makeRequest({ method: 'POST', url: '/api/v3/redeliver-webhook', data: { webhookId: created.data.webhookId, deliveryId: 'msg_unknown' } })).toMatchObject({ apiCode: 7100007 });
    ok(await mgmt.makeRequest({ method: 'POST', url: '/api/v3/redeliver-webhook', data: { webhookId: created.data.webhookId, deliveryId } }));
    await waitFor(() => rx.at('/down').length >= 3, 'the redelivery');
    expect(rx.at('/down')[2]!.headers['webhook-id']).toBe(deliveryId);
    const after = ok(await mgmt.getWebhookLogs({ webhookId: created.data.webhookId })).data;
    expect(after.list[0]).toMatchObject({ success: true, attempt: 3, deliveryId });
  });

  it('sends a signed test delivery and answers with the response', async () => {
    const mgmt = s.mgmt();
    const created = ok(await mgmt.createWebhook({ name: 'test', url: hook('/test'), events: ['test'], contentType: 'application/json' as never, legacyTokenHeader: true } as never));
    const r = ok(await mgmt.triggerWebhook({ webhookId: created.data.webhookId, requestBody: { hello: 'world' } }));
    expect(r.data.response).toMatchObject({ success: true, statusCode: 200 });
    const got = rx.at('/test');
    expect(got).toHaveLength(1);
    new Webhook(created.data.secret).verify(got[0]!.body, headersOf(got[0]!.headers));
    expect(json(got[0]!.body)).toMatchObject({ eventName: 'test', data: { hello: 'world' } });
    // The vendor's legacy header, sent only because this webhook opted in; never in the log.
    expect(got[0]!.headers['x-authing-token']).toBe(created.data.secret);
    const logs = ok(await mgmt.getWebhookLogs({ webhookId: created.data.webhookId })).data;
    expect(JSON.stringify(logs)).not.toContain(created.data.secret);
    await new Promise((r2) => setTimeout(r2, 300));
    expect(rx.at('/test')).toHaveLength(1);

    ok(await mgmt.updateWebhook({ webhookId: created.data.webhookId, enabled: false }));
    expect(await mgmt.triggerWebhook({ webhookId: created.data.webhookId })).toMatchObject({ apiCode: 7100006 });
    ok(await mgmt.deleteWebhook({ webhookIds: [created.data.webhookId, 'unknown'] }));
    expect(await mgmt.getWebhook({ webhookId: created.data.webhookId })).toMatchObject({ apiCode: 7100001 });
  });

  it('refuses internal URLs the allow-list does not cover and never follows a redirect', async () => {
    const mgmt = s.mgmt();
    const base = { name: 'x', events: ['login' as const], contentType: 'application/json' as never };
    expect(await mgmt.createWebhook({ ...base, url: `http://127.0.0.1:${rx.port}/auth` })).toMatchObject({ apiCode: 1010001 });
    expect(await mgmt.createWebhook({ ...base, url: 'http://169.254.169.254/latest/meta-data/' })).toMatchObject({ apiCode: 1010001 });
    expect(await mgmt.createWebhook({ ...base, url: 'http://public.example/hook' })).toMatchObject({ apiCode: 1010002 });
    expect(await mgmt.createWebhook({ ...base, url: 'ftp://public.example/hook' })).toMatchObject({ apiCode: 1010004 });
    const created = ok(await mgmt.createWebhook({ ...base, events: ['test'], url: hook('/redirect') }));
    expect(await mgmt.updateWebhook({ webhookId: created.data.webhookId, url: `http://127.0.0.1:${rx.port}/auth` })).toMatchObject({ apiCode: 1010001 });
    rx.on('/redirect', [302], { location: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' });
    const r = ok(await mgmt.triggerWebhook({ webhookId: created.data.webhookId }));
    expect(r.data.response).toMatchObject({ success: false, statusCode: 302 });
    expect(r.data.response.errorMessage).toMatch(/not followed/);
    expect(rx.at('/redirect')).toHaveLength(1);
  });

  it('refuses events that are not subscribable, unusable secrets and retry settings', async () => {
    const mgmt = s.mgmt();
    const base = { name: 'x', url: hook('/x'), contentType: 'application/json' as never };
    expect(await mgmt.createWebhook({ ...base, events: ['login:failed' as never] })).toMatchObject({ apiCode: 7100002 });
    expect(await mgmt.createWebhook({ ...base, events: ['no-such-event' as never] })).toMatchObject({ apiCode: 7100002 });
    expect(await mgmt.createWebhook({ ...base, events: ['login'], secret: 'whsec_not base64!' })).toMatchObject({ apiCode: 7100003 });
    expect(await mgmt.createWebhook({ ...base, events: ['login'], secret: 'short' })).toMatchObject({ apiCode: 7100003 });
    expect(await mgmt.createWebhook({ ...base, events: ['login'], retryConfig: { enabled: true, count: 99 } })).toMatchObject({ statusCode: 400 });
    expect(await mgmt.createWebhook({ ...base, events: ['login'], retryConfig: { enabled: true, delay: 2, delayUnit: 'Day' as never } })).toMatchObject({ apiCode: 7100004 });
    expect(await mgmt.updateWebhook({ webhookId: 'nope', name: 'y' })).toMatchObject({ apiCode: 7100001 });
  });

  it('lists the catalog grouped, in Chinese and English, without security-only events', async () => {
    const list = ok(await s.mgmt().getWebhookEventList()).data;
    const values = list.events.map((e: { value: string }) => e.value);
    for (const e of ['login', 'register', 'user:created', 'user:updated', 'user:deleted', 'user:password-changed', 'user:email-verified', 'user:blocked', 'user:unblocked', 'user:link-account', 'mfa:verified', 'role:created', 'role:assigned', 'role:unassigned', 'application:created', 'application:updated', 'application:deleted', 'test']) expect(values).toContain(e);
    expect(values).not.toContain('login:failed');
    expect(values).not.toContain('token:issued');
    expect(list.events.find((e: { value: string }) => e.value === 'login')).toEqual({ name: '用户登录', nameEn: 'A user signed in', value: 'login', category: 'authentication' });
    expect(list.categories).toContainEqual({ name: '用户', nameEn: 'Users', value: 'user' });
  });
});

describe('GATEHOUSE_OUTBOUND_ALLOW', () => {
  it('lets a webhook reach 127.0.0.1 only when the allow-list covers it', async () => {
    const t = await startServer({ config: { outboundAllow: '127.0.0.0/8', webhookPollMs: 100 } });
    try {
      const created = ok(await t.mgmt().createWebhook({ name: 'loopback', url: `${rx.url}/loopback`, events: ['test'], contentType: 'application/json' as never }));
      const r = ok(await t.mgmt().triggerWebhook({ webhookId: created.data.webhookId }));
      expect(r.data.response).toMatchObject({ success: true, statusCode: 200 });
      expect(rx.at('/loopback')).toHaveLength(1);
    } finally {
      await t.close();
    }
  });
});
