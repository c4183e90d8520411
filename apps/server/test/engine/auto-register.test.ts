import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authClient, startServer, type TestServer } from '../support/server.js';
import { captureLog, ok } from '../passcode/support.js';

/**
 * Auto-registration as the reference has it: `options.autoRegister: true` on a code sign-in
 * creates the account when registration is enabled — no second switch — and registration is
 * enabled for a new application by default. Through the vendor AuthenticationClient.
 */
describe('autoRegister on a new application', () => {
  let s: TestServer;
  const log = captureLog();
  let app: { appId: string; appSecret: string };

  beforeAll(async () => {
    s = await startServer({ logger: log.logger, config: { smsProvider: 'console', emailProvider: 'console' } });
    const created = ok(await s.mgmt().createApplication({ appName: 'Fresh app', appIdentifier: 'fresh-app', appType: 'web' } as never)).data as { appId: string };
    app = { appId: created.appId, appSecret: await s.container.services.applications.getSecret(s.poolId, created.appId) };
  });
  afterAll(async () => s?.close());

  const client = () => authClient({ appId: app.appId, appSecret: app.appSecret, host: s.url });

  it('signs a new phone in by SMS code and creates the user, phone verified', async () => {
    const c = client();
    ok(await c.sendSms({ phoneNumber: '13912345678', channel: 'CHANNEL_LOGIN' as never }));
    const r = ok(await c.signInByPhonePassCode({ phone: '13912345678', passCode: log.lastCode('+8613912345678'), options: { autoRegister: true } }));
    expect(r.data.access_token).toEqual(expect.any(String));
    const u = ok(await s.mgmt().getUser({ userId: '13912345678', userIdType: 'phone' as never }));
    expect(u.data.phoneVerified).toBe(true);
  });

  it('signs a new email in by email code and creates the user, email verified', async () => {
    const c = client();
    ok(await c.sendEmail({ email: 'new.person@example.com', channel: 'CHANNEL_LOGIN' as never }));
    const r = ok(await c.signInByEmailPassCode({ email: 'new.person@example.com', passCode: log.lastCode('new.person@example.com'), options: { autoRegister: true } }));
    expect(r.data.id_token).toEqual(expect.any(String));
    const u = ok(await s.mgmt().getUser({ userId: 'new.person@example.com', userIdType: 'email' as never }));
    expect(u.data.emailVerified).toBe(true);
    // The registration is an event (the audit log and webhooks see it).
    const events = await s.container.services.audit.list(s.poolId, 50, 'register');
    expect(events.some((e) => e.subject === u.data.userId)).toBe(true);
  });

  it('refuses when the application does not allow code registration', async () => {
    ok(await s.mgmt().updateApplication({ appId: app.appId, registerConfig: { enabledBasicRegisterMethods: ['EMAIL_PASSWORD'], defaultRegisterMethod: 'PASSWORD' } } as never));
    const c = client();
    ok(await c.sendSms({ phoneNumber: '13912345679', channel: 'CHANNEL_LOGIN' as never }));
    expect(await c.signInByPhonePassCode({ phone: '13912345679', passCode: log.lastCode('+8613912345679'), options: { autoRegister: true } })).toMatchObject({ apiCode: 2031 });
  });
});
