import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { authClient, startServer, type TestServer } from '../support/server.js';
import { prepareDefaultApp } from '../support/sign-in.js';
import { captureLog, ok, type LogCapture } from './support.js';

/**
 * Issue #5 through the public surface: the vendor AuthenticationClient (unmodified) against a
 * real Gatehouse on SQLite with the `console` SMS and email connectors; codes are read from
 * the log, as a developer would.
 */
let s: TestServer;
let log: LogCapture;
let appSecret: string;

beforeAll(async () => {
  log = captureLog();
  s = await startServer({ logger: log.logger, config: { smsProvider: 'console', emailProvider: 'console', sendLimitIpPerHour: 100000 } });
  appSecret = await prepareDefaultApp(s);
});
afterAll(async () => s?.close());

const client = () => authClient({ appId: s.defaultAppId, appSecret, host: s.url });
let n = 0;
/** A fresh mainland number per test: quotas are per recipient. */
const phone = () => `1390000${String(++n).padStart(4, '0')}`;

async function sms(c: ReturnType<typeof client>, phoneNumber: string, channel: string) {
  ok(await c.sendSms({ phoneNumber, channel: channel as never }));
  return log.lastCode(`+86${phoneNumber}`);
}
async function mail(c: ReturnType<typeof client>, email: string, channel: string) {
  ok(await c.sendEmail({ email, channel: channel as never }));
  return log.lastCode(email.toLowerCase());
}

describe('sign-in and sign-up with codes', () => {
  it('signs in with a phone code (signInByPhonePassCode) and marks the phone verified', async () => {
    const p = phone();
    const u = await s.container.services.users.create(s.poolId, { phone: p });
    const c = client();
    const code = await sms(c, p, 'CHANNEL_LOGIN');
    expect(code).toMatch(/^\d{6}$/);
    const r = ok(await c.signInByPhonePassCode({ phone: p, passCode: code }));
    expect(r.data).toMatchObject({ token_type: 'Bearer' });
    expect((await s.container.repos.users.findById(s.poolId, u.userId))!.phone_verified).toBe(1);
    // The country code may be given or not: +86 is the default (SendSMSDto).
    const code2 = await sms(c, p, 'CHANNEL_REGISTER'); // another channel: not limited by the per-minute quota of LOGIN
    expect(await c.signInByPhonePassCode({ phone: p, phoneCountryCode: '+86', passCode: code2 })).toMatchObject({ apiCode: 2200001 });
  });

  it('signs in with an email code (signInByEmailPassCode)', async () => {
    await s.container.services.users.create(s.poolId, { email: 'mail.login@example.com' });
    const c = client();
    const code = await mail(c, 'Mail.Login@Example.com', 'CHANNEL_LOGIN');
    const r = ok(await c.signInByEmailPassCode({ email: 'mail.login@example.com', passCode: code }));
    expect(r.data.access_token).toEqual(expect.any(String));
  });

  it('registers with a phone code and with an email code (signUpByPhoneCode, signUpByEmailCode)', async () => {
    const c = client();
    const p = phone();
    const r = ok(await c.signUpByPhoneCode({ phone: p, passCode: await sms(c, p, 'CHANNEL_REGISTER'), profile: { nickname: 'by phone' } }));
    expect(r.data).toMatchObject({ phone: p, phoneVerified: true, nickname: 'by phone' });
    const e = ok(await c.signUpByEmailCode({ email: 'code.signup@example.com', passCode: await mail(c, 'code.signup@example.com', 'CHANNEL_REGISTER') }));
    expect(e.data).toMatchObject({ email: 'code.signup@example.com', emailVerified: true });
    // Now the phone signs in with a login code.
    const login = await sms(c, p, 'CHANNEL_LOGIN');
    ok(await c.signInByPhonePassCode({ phone: p, passCode: login }));
  });

  it('refuses to register an identifier twice, but only after the code proved it', async () => {
    const c = client();
    const p = phone();
    ok(await c.signUpByPhoneCode({ phone: p, passCode: await sms(c, p, 'CHANNEL_REGISTER') }));
    await s.container.kv.del(`p:${s.poolId}:sq:r:sms:+86${p}:CHANNEL_REGISTER:m`); // next minute
    expect(await c.signUpByPhoneCode({ phone: p, passCode: '000000' })).toMatchObject({ apiCode: 2200001 });
    expect(await c.signUpByPhoneCode({ phone: p, passCode: await sms(c, p, 'CHANNEL_REGISTER') })).toMatchObject({ apiCode: 2100001 });
  });

  it('auto-registers on code sign-in only when asked and registration is enabled', async () => {
    const c = client();
    const p = phone();
    expect(await c.signInByPhonePassCode({ phone: p, passCode: await sms(c, p, 'CHANNEL_LOGIN') })).toMatchObject({ apiCode: 2004 });
    await s.container.authn.settings.update(s.poolId, { registration: { enabled: false } });
    try {
      const p1 = phone();
      expect(await c.signInByPhonePassCode({ phone: p1, passCode: await sms(c, p1, 'CHANNEL_LOGIN'), options: { autoRegister: true } })).toMatchObject({ apiCode: 2031 });
    } finally {
      await s.container.authn.settings.update(s.poolId, { registration: { enabled: true } });
    }
    const p2 = phone();
    ok(await c.signInByPhonePassCode({ phone: p2, passCode: await sms(c, p2, 'CHANNEL_LOGIN'), options: { autoRegister: true } }));
    expect((await s.container.repos.users.findBy(s.poolId, 'phone', p2))?.phone_verified).toBe(1);
  });

  it('honours the phone allow-list for sending, registration and sign-in', async () => {
    const c = client();
    const listed = phone();
    const other = phone();
    await s.container.authn.settings.update(s.poolId, { registration: { allowList: { phones: [listed] } } });
    try {
      expect(await c.sendSms({ phoneNumber: other, channel: 'CHANNEL_LOGIN' as never })).toMatchObject({ apiCode: 2200007 });
      expect(await c.signInByPhonePassCode({ phone: other, passCode: '123456' })).toMatchObject({ apiCode: 2200007 });
      ok(await c.signUpByPhoneCode({ phone: listed, passCode: await sms(c, listed, 'CHANNEL_REGISTER') }));
    } finally {
      await s.container.authn.settings.update(s.poolId, { registration: { allowList: null } });
    }
  });
});

describe('password reset and binding with codes', () => {
  it('resets a password with a phone code (verifyResetPasswordRequest → resetPassword)', async () => {
    const p = phone();
    const u = await s.container.services.users.create(s.poolId, { phone: p, username: `reset_${p}` });
    await s.container.authn.passwords.set(s.poolId, (await s.container.repos.users.findById(s.poolId, u.userId))!, 'the old passphrase');
    const c = client();
    const code = await sms(c, p, 'CHANNEL_RESET_PASSWORD');
    const v = ok(await c.verifyResetPasswordRequest({ verifyMethod: 'PHONE_PASSCODE' as never, phonePassCodePayload: { phoneNumber: p, passCode: code } }));
    expect(v.data).toMatchObject({ passwordResetToken: expect.any(String), tokenExpiresIn: expect.any(Number) });
    ok(await c.resetPassword({ passwordResetToken: v.data.passwordResetToken, password: 'a brand new passphrase' }));
    ok(await c.signInByPhonePassword({ phone: p, password: 'a brand new passphrase' }));
    expect(await c.signInByPhonePassword({ phone: p, password: 'the old passphrase' })).toMatchObject({ apiCode: 2333 });
  });

  it('answers an unknown address in a reset exactly like a wrong code', async () => {
    const c = client();
    const code = await mail(c, 'nobody.reset@example.com', 'CHANNEL_RESET_PASSWORD');
    const r = await c.verifyResetPasswordRequest({ verifyMethod: 'EMAIL_PASSCODE' as never, emailPassCodePayload: { email: 'nobody.reset@example.com', passCode: code } });
    expect(r).toMatchObject({ apiCode: 2200001 });
  });

  it('binds, changes and unbinds a phone for the signed-in user (bindPhone, verifyUpdatePhoneRequest, updatePhone, unbindPhone)', async () => {
    const email = 'binder@example.com';
    await s.container.services.users.create(s.poolId, { email });
    const c = client();
    const login = ok(await c.signInByEmailPassCode({ email, passCode: await mail(c, email, 'CHANNEL_LOGIN') }));
    c.setAccessToken(login.data.access_token);
    const p = phone();
    ok(await c.bindPhone({ phoneNumber: p, passCode: await sms(c, p, 'CHANNEL_BIND_PHONE') }));
    expect(ok(await c.getProfile({})).data).toMatchObject({ phone: p, phoneVerified: true });
    // A second bind is refused: change it instead, proving both the old and the new number.
    expect(await c.bindPhone({ phoneNumber: phone(), passCode: '123456' })).toMatchObject({ apiCode: 2200011 });
    const p2 = phone();
    const newCode = await sms(c, p2, 'CHANNEL_BIND_PHONE');
    expect(await c.verifyUpdatePhoneRequest({ verifyMethod: 'PHONE_PASSCODE' as never, phonePassCodePayload: { newPhoneNumber: p2, newPhonePassCode: newCode } })).toMatchObject({ apiCode: 2200013 });
    const oldCode = await sms(c, p, 'CHANNEL_UNBIND_PHONE');
    const v = ok(await c.verifyUpdatePhoneRequest({ verifyMethod: 'PHONE_PASSCODE' as never, phonePassCodePayload: { newPhoneNumber: p2, newPhonePassCode: newCode, oldPhoneNumber: p, oldPhonePassCode: oldCode } }));
    ok(await c.updatePhone({ updatePhoneToken: v.data.updatePhoneToken }));
    expect(await c.updatePhone({ updatePhoneToken: v.data.updatePhoneToken })).toMatchObject({ apiCode: 2200010 });
    expect(ok(await c.getProfile({})).data).toMatchObject({ phone: p2 });
    await s.container.kv.del(`p:${s.poolId}:sq:r:sms:+86${p2}:CHANNEL_UNBIND_PHONE:m`);
    ok(await c.unbindPhone({ passCode: await sms(c, p2, 'CHANNEL_UNBIND_PHONE') }));
    expect(ok(await c.getProfile({})).data.phone).toBeUndefined();
  });

  it('binds and changes an email (bindEmail, verifyUpdateEmailRequest, updateEmail)', async () => {
    const p = phone();
    await s.container.services.users.create(s.poolId, { phone: p });
    const c = client();
    c.setAccessToken(ok(await c.signInByPhonePassCode({ phone: p, passCode: await sms(c, p, 'CHANNEL_LOGIN') })).data.access_token);
    ok(await c.bindEmail({ email: 'bound@example.com', passCode: await mail(c, 'bound@example.com', 'CHANNEL_BIND_EMAIL') }));
    const newCode = await mail(c, 'changed@example.com', 'CHANNEL_UPDATE_EMAIL');
    const oldCode = await mail(c, 'bound@example.com', 'CHANNEL_UNBIND_EMAIL');
    const v = ok(await c.verifyUpdateEmailRequest({ verifyMethod: 'EMAIL_PASSCODE' as never, emailPassCodePayload: { newEmail: 'changed@example.com', newEmailPassCode: newCode, oldEmail: 'bound@example.com', oldEmailPassCode: oldCode } }));
    ok(await c.updateEmail({ updateEmailToken: v.data.updateEmailToken }));
    expect(ok(await c.getProfile({})).data).toMatchObject({ email: 'changed@example.com', emailVerified: true });
  });
});

describe('codes that must be refused', () => {
  it('refuses a reused code', async () => {
    const p = phone();
    await s.container.services.users.create(s.poolId, { phone: p });
    const c = client();
    const code = await sms(c, p, 'CHANNEL_LOGIN');
    ok(await c.signInByPhonePassCode({ phone: p, passCode: code }));
    expect(await c.signInByPhonePassCode({ phone: p, passCode: code })).toMatchObject({ statusCode: 400, apiCode: 2200001 });
  });

  it('refuses an expired code (5 minutes by default)', async () => {
    const p = phone();
    await s.container.services.users.create(s.poolId, { phone: p });
    const c = client();
    const code = await sms(c, p, 'CHANNEL_LOGIN');
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 5 * 60_000 + 1000 });
    try {
      expect(await c.signInByPhonePassCode({ phone: p, passCode: code })).toMatchObject({ apiCode: 2200001 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('burns a code after 5 wrong tries: the right one is refused afterwards', async () => {
    // The captcha step of the shared attempt guard is off here, to see the code's own limit.
    await s.container.authn.settings.update(s.poolId, { bruteForce: { captchaAfter: 0 } });
    try {
      const p = phone();
      await s.container.services.users.create(s.poolId, { phone: p });
      const c = client();
      const code = await sms(c, p, 'CHANNEL_LOGIN');
      const wrong = code === '000000' ? '111111' : '000000';
      for (let i = 0; i < 4; i++) expect(await c.signInByPhonePassCode({ phone: p, passCode: wrong })).toMatchObject({ apiCode: 2200001 });
      expect(await c.signInByPhonePassCode({ phone: p, passCode: wrong })).toMatchObject({ apiCode: 2200002 });
      expect(await c.signInByPhonePassCode({ phone: p, passCode: code })).toMatchObject({ apiCode: 2200002 });
      // Only the latest code is valid: a new one works (and resets the account's failure counter).
      await s.container.kv.del(`p:${s.poolId}:sq:r:sms:+86${p}:CHANNEL_LOGIN:m`);
      ok(await c.signInByPhonePassCode({ phone: p, passCode: await sms(c, p, 'CHANNEL_LOGIN') }));
    } finally {
      await s.container.authn.settings.update(s.poolId, { bruteForce: { captchaAfter: 3 } });
    }
  });

  it('asks for a captcha after 3 wrong codes, like wrong passwords (one shared counter)', async () => {
    const p = phone();
    await s.container.services.users.create(s.poolId, { phone: p });
    const c = client();
    const code = await sms(c, p, 'CHANNEL_LOGIN');
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 3; i++) expect(await c.signInByPhonePassCode({ phone: p, passCode: wrong })).toMatchObject({ apiCode: 2200001 });
    // The 4th try, even with the right code, needs a captcha; a password for the same phone too.
    expect(await c.signInByPhonePassCode({ phone: p, passCode: code })).toMatchObject({ apiCode: 2060001 });
    expect(await c.signInByPhonePassword({ phone: p, password: 'whatever phrase it is' })).toMatchObject({ apiCode: 2060001 });
  });

  it('keeps only the latest code valid', async () => {
    const p = phone();
    await s.container.services.users.create(s.poolId, { phone: p });
    const c = client();
    const first = await sms(c, p, 'CHANNEL_LOGIN');
    await s.container.kv.del(`p:${s.poolId}:sq:r:sms:+86${p}:CHANNEL_LOGIN:m`);
    const second = await sms(c, p, 'CHANNEL_LOGIN');
    if (first !== second) expect(await c.signInByPhonePassCode({ phone: p, passCode: first })).toMatchObject({ apiCode: 2200001 });
    ok(await c.signInByPhonePassCode({ phone: p, passCode: second }));
  });

  it('refuses a code of another channel (a sign-in code cannot reset a password)', async () => {
    const p = phone();
    await s.container.services.users.create(s.poolId, { phone: p });
    const c = client();
    const code = await sms(c, p, 'CHANNEL_LOGIN');
    expect(await c.verifyResetPasswordRequest({ verifyMethod: 'PHONE_PASSCODE' as never, phonePassCodePayload: { phoneNumber: p, passCode: code } })).toMatchObject({ apiCode: 2200001 });
    expect(await c.signUpByPhoneCode({ phone: p, passCode: code })).toMatchObject({ apiCode: 2200001 });
    ok(await c.signInByPhonePassCode({ phone: p, passCode: code })); // still good where it belongs
  });

  it('refuses a code of another user pool', async () => {
    const pool = await s.container.services.pools.create({ name: 'other pool' });
    const other = await s.container.services.applications.create(pool.id, { appName: 'other', appType: 'web', redirectUris: ['https://app.example/cb'] });
    const p = phone();
    await s.container.services.users.create(s.poolId, { phone: p });
    await s.container.services.users.create(pool.id, { phone: p });
    const code = await sms(client(), p, 'CHANNEL_LOGIN');
    const c2 = authClient({ appId: other.appId, appSecret: other.appSecret, host: s.url });
    expect(await c2.signInByPhonePassCode({ phone: p, passCode: code })).toMatchObject({ apiCode: 2200001 });
  });

  it('refuses bad input with catalogued errors, never 500', async () => {
    const c = client();
    expect(await c.sendSms({ phoneNumber: '139', channel: 'CHANNEL_LOGIN' as never })).toMatchObject({ apiCode: 2200006 });
    expect(await c.sendSms({ phoneNumber: phone(), channel: 'CHANNEL_NOPE' as never })).toMatchObject({ apiCode: 1000002 });
    expect(await c.sendEmail({ email: 'not-an-email', channel: 'CHANNEL_LOGIN' as never })).toMatchObject({ apiCode: 2200006 });
    expect(await c.sendEmail({ email: 'a@b.example', channel: 'CHANNEL_BIND_PHONE' as never })).toMatchObject({ apiCode: 1000002 });
    expect(await c.signInByPhonePassCode({ phone: phone(), passCode: '' })).toMatchObject({ apiCode: 1000002 });
    expect(await c.signInByCredentials({ client_id: s.defaultAppId, client_secret: appSecret, connection: 'PASSCODE', passCodePayload: { passCode: '123456' } } as never)).toMatchObject({ apiCode: 2200009 });
    expect(await c.signInByCredentials({ client_id: s.defaultAppId, client_secret: appSecret, connection: 'PASSCODE', passCodePayload: { passCode: '123456', phone: '1', extra: 1 } } as never)).toMatchObject({ apiCode: 1000002 });
    expect(await c.bindPhone({ phoneNumber: phone(), passCode: '123456' })).toMatchObject({ apiCode: 2020 });
  });
});

describe('abuse limits', () => {
  it('allows one code a minute per number and channel, and says when to retry', async () => {
    const c = client();
    const p = phone();
    ok(await c.sendSms({ phoneNumber: p, channel: 'CHANNEL_LOGIN' as never }));
    const r = await c.sendSms({ phoneNumber: p, channel: 'CHANNEL_LOGIN' as never });
    expect(r).toMatchObject({ statusCode: 429, apiCode: 2200003 });
    expect(r.message).toMatch(/try again in (\d|[1-5]\d|60) seconds/);
  });

  it('answers the same for numbers with and without an account', async () => {
    const c = client();
    const known = phone();
    await s.container.services.users.create(s.poolId, { phone: known });
    const strip = (r: Record<string, unknown>) => ({ ...r, requestId: undefined });
    expect(strip(await c.sendSms({ phoneNumber: known, channel: 'CHANNEL_RESET_PASSWORD' as never }))).toEqual(strip(await c.sendSms({ phoneNumber: phone(), channel: 'CHANNEL_RESET_PASSWORD' as never })));
  });

  it('requires a graphic captcha before sending when the pool says so', async () => {
    const mgmt = s.mgmt();
    ok(await mgmt.makeRequest({ method: 'POST', url: '/api/v3/update-messaging-settings', data: { captchaBeforeSend: true } }));
    try {
      const c = client();
      expect(await c.sendSms({ phoneNumber: phone(), channel: 'CHANNEL_LOGIN' as never })).toMatchObject({ apiCode: 2200008 });
      const cap = ok(await c.geneCatchaCodeAndToken());
      const answer = await s.container.kv.get(`p:${s.poolId}:captcha:${cap.data.captchaToken}`);
      const res = await fetch(`${s.url}/api/v3/send-sms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-authing-app-id': s.defaultAppId },
        body: JSON.stringify({ phoneNumber: phone(), channel: 'CHANNEL_LOGIN', captchaToken: cap.data.captchaToken, captchaCode: answer }),
      });
      expect(await res.json()).toMatchObject({ statusCode: 200 });
    } finally {
      ok(await mgmt.makeRequest({ method: 'POST', url: '/api/v3/update-messaging-settings', data: { captchaBeforeSend: false } }));
    }
  });

  it('never logs codes except through the console connector line', async () => {
    const c = client();
    const p = phone();
    const code = await sms(c, p, 'CHANNEL_LOGIN');
    const leaks = log.lines.filter((l) => l.connector !== 'console' && JSON.stringify(l).includes(code));
    expect(leaks).toEqual([]);
  });
});
