import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authClient, startServer, type TestServer } from '../support/server.js';
import { prepareDefaultApp } from '../support/sign-in.js';
import { ok } from './support.js';
import { codeIn, startSmtpSink, type SmtpSink } from './smtp-sink.js';

/**
 * Email through a real SMTP server on loopback (smtp-server), reading the delivered message
 * (mailparser): codes, per-pool providers through the vendor ManagementClient, templates, the
 * outbox under a provider outage, and the registration mails.
 */
let s: TestServer;
let sink: SmtpSink;
let appSecret: string;

beforeAll(async () => {
  sink = await startSmtpSink();
  s = await startServer({
    config: {
      emailProvider: 'smtp',
      smtpHost: '127.0.0.1',
      smtpPort: sink.port,
      smtpTls: 'none',
      smtpFrom: 'no-reply@gatehouse.test',
      smtpFromName: 'Gatehouse Test',
      messageRetryBaseMs: 100,
      outboxPollMs: 50,
      sendLimitIpPerHour: 100000,
      // The pool's own SMTP sink below is on loopback: only the operator's allow-list lets a pool reach it.
      outboundAllow: '127.0.0.1',
    },
  });
  appSecret = await prepareDefaultApp(s);
});
afterAll(async () => {
  await s?.close();
  await sink?.close();
});

const client = () => authClient({ appId: s.defaultAppId, appSecret, host: s.url });

describe('email codes over SMTP', () => {
  it('delivers a sign-in code by mail (text and HTML, the app name, the lifetime) and signs in with it', async () => {
    await s.container.services.users.create(s.poolId, { email: 'smtp.user@example.com' });
    const c = client();
    ok(await c.sendEmail({ email: 'smtp.user@example.com', channel: 'CHANNEL_LOGIN' as never }));
    const m = await sink.waitFor('smtp.user@example.com');
    const code = codeIn(m);
    expect(m.from?.value[0]).toMatchObject({ address: 'no-reply@gatehouse.test', name: 'Gatehouse Test' });
    expect(m.subject).toContain('sign-in code');
    expect(m.text).toContain('expires in 5 minutes');
    expect(m.html).toContain(code);
    ok(await c.signInByEmailPassCode({ email: 'smtp.user@example.com', passCode: code }));
  });

  it('writes in the language the client asks for (zh-CN shipped)', async () => {
    // The vendor AuthenticationClient sends no language header; browsers and other clients do.
    const res = await fetch(`${s.url}/api/v3/send-email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-authing-app-id': s.defaultAppId, 'x-authing-lang': 'zh-CN' },
      body: JSON.stringify({ email: 'zh.user@example.com', channel: 'CHANNEL_REGISTER' }),
    });
    expect(await res.json()).toMatchObject({ statusCode: 200 });
    const m = await sink.waitFor('zh.user@example.com');
    expect(m.subject).toContain('注册验证码');
    expect(m.text).toContain('分钟内有效');
  });

  it('uses a template the pool edited', async () => {
    const mgmt = s.mgmt();
    ok(await mgmt.makeRequest({ method: 'POST', url: '/api/v3/update-message-template', data: { kind: 'email', channel: 'CHANNEL_RESET_PASSWORD', lang: 'en', subject: 'Reset for {{appName}}', text: 'Code: {{code}} ({{ttlMinutes}} min)', html: '<b>{{code}}</b>' } }));
    // Reset codes go only to an account's verified email.
    await s.container.services.users.create(s.poolId, { email: 'tpl.user@example.com', emailVerified: true });
    ok(await client().sendEmail({ email: 'tpl.user@example.com', channel: 'CHANNEL_RESET_PASSWORD' as never }));
    const m = await sink.waitFor('tpl.user@example.com');
    expect(m.subject).toMatch(/^Reset for /);
    expect(m.text?.trim()).toMatch(/^Code: \d{6} \(5 min\)$/);
    ok(await mgmt.makeRequest({ method: 'POST', url: '/api/v3/reset-message-template', data: { kind: 'email', channel: 'CHANNEL_RESET_PASSWORD', lang: 'en' } }));
    const bad = await mgmt.makeRequest({ method: 'POST', url: '/api/v3/update-message-template', data: { kind: 'sms', channel: 'CHANNEL_UPDATE_EMAIL', lang: 'en', text: 'x' } });
    expect(bad).toMatchObject({ apiCode: 2200016 });
  });

  it('survives a provider outage: a catalogued "try later", then the outbox retry delivers a working code', async () => {
    await s.container.services.users.create(s.poolId, { email: 'outage@example.com' });
    sink.failNext(2);
    const c = client();
    const r = await c.sendEmail({ email: 'outage@example.com', channel: 'CHANNEL_LOGIN' as never });
    expect(r).toMatchObject({ statusCode: 503, apiCode: 2200004 });
    const m = await sink.waitFor('outage@example.com');
    ok(await c.signInByEmailPassCode({ email: 'outage@example.com', passCode: codeIn(m) }));
    const row = await s.container.db.db.selectFrom('message_outbox').selectAll().where('status', '=', 'sent').orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    expect(row.attempts).toBeGreaterThanOrEqual(2);
    expect(row.payload_enc).toBe(''); // the sealed code is not kept once delivered
  });
});

describe('per-pool email provider (ManagementClient.configEmailProvider / getEmailProvider)', () => {
  let own: SmtpSink;
  beforeAll(async () => {
    own = await startSmtpSink({ auth: { user: 'pool-sender@example.com', pass: 'smtp-secret-123' } });
  });
  afterAll(async () => own?.close());

  it('sends through the pool\'s SMTP with its credentials, never returns the secret and keeps it sealed', async () => {
    const mgmt = s.mgmt();
    const r = ok(await mgmt.configEmailProvider({ type: 'custom' as never, enabled: true, smtpConfig: { smtp_host: '127.0.0.1', smtp_port: own.port, sender: 'pool-sender@example.com', senderPass: 'smtp-secret-123', secure: false } }));
    expect(r.data).toMatchObject({ enabled: true, type: 'custom', smtpConfig: { smtp_host: '127.0.0.1', smtp_port: own.port, sender: 'pool-sender@example.com', secure: false } });
    expect(JSON.stringify(r.data)).not.toContain('smtp-secret-123');
    const g = ok(await mgmt.getEmailProvider());
    expect(JSON.stringify(g.data)).not.toContain('smtp-secret-123');
    const row = await s.container.db.db.selectFrom('pool_message_providers').selectAll().where('pool_id', '=', s.poolId).executeTakeFirstOrThrow();
    expect(row.config_enc).not.toContain('smtp-secret-123');

    ok(await client().sendEmail({ email: 'via.pool@example.com', channel: 'CHANNEL_LOGIN' as never }));
    const m = await own.waitFor('via.pool@example.com');
    expect(own.logins).toContain('pool-sender@example.com');
    expect(m.from?.value[0]?.address).toBe('pool-sender@example.com');

    // Updating without the secret keeps the stored one (it is write-only).
    ok(await mgmt.configEmailProvider({ type: 'custom' as never, enabled: true, smtpConfig: { smtp_host: '127.0.0.1', smtp_port: own.port, sender: 'pool-sender@example.com', secure: false } as never }));
    ok(await client().sendEmail({ email: 'via.pool2@example.com', channel: 'CHANNEL_LOGIN' as never }));
    await own.waitFor('via.pool2@example.com');

    // Disabled: the server's provider applies again.
    ok(await mgmt.configEmailProvider({ type: 'custom' as never, enabled: false, smtpConfig: { smtp_host: '127.0.0.1', smtp_port: own.port, sender: 'pool-sender@example.com', secure: false } as never }));
    ok(await client().sendEmail({ email: 'via.server@example.com', channel: 'CHANNEL_LOGIN' as never }));
    await sink.waitFor('via.server@example.com');
  });

  it('refuses an invalid provider configuration with a catalogued error', async () => {
    const mgmt = s.mgmt();
    expect(await mgmt.configEmailProvider({ type: 'sendgrid' as never, enabled: true } as never)).toMatchObject({ apiCode: 2200015 });
    expect(await mgmt.makeRequest({ method: 'POST', url: '/api/v3/config-sms-provider', data: { provider: 'no-such-vendor', enabled: true, config: {} } })).toMatchObject({ apiCode: 2200015 });
    expect(await mgmt.makeRequest({ method: 'POST', url: '/api/v3/config-sms-provider', data: { provider: 'twilio', enabled: true, config: { accountSid: 1 } } })).toMatchObject({ apiCode: 2200015 });
  });
});

describe('registration mails', () => {
  it('sends a welcome mail and a verification link when the pool turns them on; the link verifies once', async () => {
    const mgmt = s.mgmt();
    ok(await mgmt.makeRequest({ method: 'POST', url: '/api/v3/update-messaging-settings', data: { welcomeEmail: true, verificationEmail: true } }));
    try {
      const c = client();
      const u = ok(await c.signUpByEmailPassword({ email: 'welcome@example.com', password: 'correct horse battery staple' }));
      const welcome = await sink.waitFor('welcome@example.com', (m) => /Welcome/.test(m.subject ?? ''));
      expect(welcome.text).toContain('welcome to');
      const verify = await sink.waitFor('welcome@example.com', (m) => /Verify/.test(m.subject ?? ''));
      const link = /(http:\/\/\S+\/email\/verify\?\S+)/.exec(verify.text ?? '')?.[1];
      expect(link).toBeDefined();
      const target = new URL(link!);
      const res = await fetch(`${s.url}${target.pathname}${target.search}`);
      expect(res.status).toBe(200);
      expect((await s.container.repos.users.findById(s.poolId, u.data.userId))!.email_verified).toBe(1);
      expect((await fetch(`${s.url}${target.pathname}${target.search}`)).status).toBe(400);
    } finally {
      ok(await mgmt.makeRequest({ method: 'POST', url: '/api/v3/update-messaging-settings', data: { welcomeEmail: false, verificationEmail: false } }));
    }
  });

  it('refuses invalid messaging settings', async () => {
    const mgmt = s.mgmt();
    expect(await mgmt.makeRequest({ method: 'POST', url: '/api/v3/update-messaging-settings', data: { codeTtlSeconds: 3600 } })).toMatchObject({ apiCode: 2200016 });
    expect(await mgmt.makeRequest({ method: 'POST', url: '/api/v3/update-messaging-settings', data: { codeLength: 4 } })).toMatchObject({ apiCode: 2200016 });
    expect(await mgmt.makeRequest({ method: 'POST', url: '/api/v3/update-messaging-settings', data: { bogus: 1 } })).toMatchObject({ apiCode: 2200016 });
  });
});
