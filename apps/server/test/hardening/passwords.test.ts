import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authClient, startServer, type TestServer } from '../support/server.js';
import { prepareDefaultApp } from '../support/sign-in.js';
import { captureLog, ok, type LogCapture } from '../passcode/support.js';

/**
 * Passwords and recovery (security.md §0 items 1, 3, 16, 17):
 * - an imported bcrypt hash is never upgraded from an input of 72 bytes or more, so the real
 *   long password keeps working whichever is typed first;
 * - the product name is on the context block-list next to the pool name;
 * - a password-reset code is sent to, and accepted for, verified contacts only;
 * - an SMS-code sign-in marks an unverified phone verified only once the code proved it.
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
const hashOf = async (userId: string) => (await s.container.repos.users.findById(s.poolId, userId))!.password_hash!;

async function importBcrypt(email: string, password: string): Promise<string> {
  const u = await s.container.services.users.create(s.poolId, { email });
  const r = await s.mgmt().makeRequest({ method: 'POST', url: '/api/v3/import-user-password-hash', data: { userId: u.userId, passwordHash: bcrypt.hashSync(password, 10) } });
  expect(r).toMatchObject({ statusCode: 200 });
  return u.userId;
}

describe('imported bcrypt hashes and passwords of 72 bytes or more', () => {
  const long = 'the quick brown fox jumps over the lazy dog, then naps in the warm sun again';
  const prefix = Buffer.from(long).subarray(0, 72).toString();
  expect(Buffer.byteLength(long)).toBeGreaterThan(72);

  it('prefix first: the upgrade is not computed from the prefix, the real password keeps working', async () => {
    const id = await importBcrypt('prefix-first@example.com', long);
    const c = client();
    expect(await c.signInByEmailPassword({ email: 'prefix-first@example.com', password: prefix })).toMatchObject({ statusCode: 200 }); // inherent to bcrypt
    expect(await hashOf(id)).toMatch(/^\$2[aby]\$/);
    expect(await c.signInByEmailPassword({ email: 'prefix-first@example.com', password: long })).toMatchObject({ statusCode: 200 });
    expect(await hashOf(id)).toMatch(/^\$2[aby]\$/);
  });

  it('real password first: the same outcome', async () => {
    const id = await importBcrypt('long-first@example.com', long);
    const c = client();
    expect(await c.signInByEmailPassword({ email: 'long-first@example.com', password: long })).toMatchObject({ statusCode: 200 });
    expect(await hashOf(id)).toMatch(/^\$2[aby]\$/);
    expect(await c.signInByEmailPassword({ email: 'long-first@example.com', password: long })).toMatchObject({ statusCode: 200 });
  });

  it('counts bytes, not characters (a 40-character password of 2-byte letters is 80 bytes)', async () => {
    const wide = 'é'.repeat(40);
    const id = await importBcrypt('wide@example.com', wide);
    expect(await client().signInByEmailPassword({ email: 'wide@example.com', password: wide })).toMatchObject({ statusCode: 200 });
    expect(await hashOf(id)).toMatch(/^\$2[aby]\$/);
  });

  it('refresh-password-hashes does not make a long-password bcrypt hash rehash either', async () => {
    const id = await importBcrypt('refreshed@example.com', long);
    ok(await s.mgmt().makeRequest({ method: 'POST', url: '/api/v3/refresh-password-hashes', data: {} }));
    expect(await client().signInByEmailPassword({ email: 'refreshed@example.com', password: prefix })).toMatchObject({ statusCode: 200 });
    expect(await hashOf(id)).toMatch(/^\$2[aby]\$/);
    expect(await client().signInByEmailPassword({ email: 'refreshed@example.com', password: long })).toMatchObject({ statusCode: 200 });
  });

  it('still upgrades a bcrypt hash of a shorter password to argon2id', async () => {
    const short = 'a'.repeat(20) + ' short enough';
    const id = await importBcrypt('short-bcrypt@example.com', short);
    expect(await client().signInByEmailPassword({ email: 'short-bcrypt@example.com', password: short })).toMatchObject({ statusCode: 200 });
    expect(await hashOf(id)).toMatch(/^\$argon2id\$/);
  });
});

describe('the product name on the block-list', () => {
  it.each(['my gatehouse passphrase', 'GateHouse2026!x', 'xxGATEHOUSExx'])('refuses %j at sign-up and admin create', async (password) => {
    const r = await client().signUp({ connection: 'PASSWORD', passwordPayload: { email: `p${Math.random().toString(36).slice(2)}@example.com`, password } } as never);
    expect(r).toMatchObject({ apiCode: 2100004 });
    expect(r.message).toContain('contains_user_info');
    expect(await s.mgmt().createUser({ email: `q${Math.random().toString(36).slice(2)}@example.com`, password } as never)).toMatchObject({ apiCode: 2100004 });
  });
});

describe('password reset only through verified contacts', () => {
  it('sends no reset code to an unverified email, answering exactly as for a verified one', async () => {
    await s.container.services.users.create(s.poolId, { email: 'unverified.reset@example.com', emailVerified: false });
    await s.container.services.users.create(s.poolId, { email: 'verified.reset@example.com', emailVerified: true });
    const strip = (r: Record<string, unknown>) => ({ ...r, requestId: undefined });
    const c = client();
    const a = await c.sendEmail({ email: 'unverified.reset@example.com', channel: 'CHANNEL_RESET_PASSWORD' as never });
    const b = await c.sendEmail({ email: 'verified.reset@example.com', channel: 'CHANNEL_RESET_PASSWORD' as never });
    expect(strip(a)).toEqual(strip(b));
    expect(log.messagesTo('unverified.reset@example.com')).toEqual([]);
    expect(log.messagesTo('verified.reset@example.com')).toHaveLength(1);
  });

  it('sends no reset code to an unverified phone', async () => {
    await s.container.services.users.create(s.poolId, { phone: '13900009901', phoneVerified: false });
    ok(await client().sendSms({ phoneNumber: '13900009901', channel: 'CHANNEL_RESET_PASSWORD' as never }));
    expect(log.messagesTo('+8613900009901')).toEqual([]);
  });

  it('refuses a reset through a contact that stopped being verified after the code was sent', async () => {
    const u = await s.container.services.users.create(s.poolId, { email: 'was.verified@example.com', emailVerified: true });
    await s.container.authn.passwords.set(s.poolId, (await s.container.repos.users.findById(s.poolId, u.userId))!, 'the old passphrase here');
    const c = client();
    ok(await c.sendEmail({ email: 'was.verified@example.com', channel: 'CHANNEL_RESET_PASSWORD' as never }));
    const code = log.lastCode('was.verified@example.com');
    await s.container.services.users.update(s.poolId, { userId: u.userId, emailVerified: false });
    const r = await c.verifyResetPasswordRequest({ verifyMethod: 'EMAIL_PASSCODE' as never, emailPassCodePayload: { email: 'was.verified@example.com', passCode: code } });
    expect(r).toMatchObject({ apiCode: 2200001 });
    expect((await s.container.repos.users.findById(s.poolId, u.userId))!.email_verified).toBe(0);
  });

  it('resets through a verified email', async () => {
    const u = await s.container.services.users.create(s.poolId, { email: 'good.reset@example.com', emailVerified: true });
    await s.container.authn.passwords.set(s.poolId, (await s.container.repos.users.findById(s.poolId, u.userId))!, 'the old passphrase here');
    const c = client();
    ok(await c.sendEmail({ email: 'good.reset@example.com', channel: 'CHANNEL_RESET_PASSWORD' as never }));
    const v = ok(await c.verifyResetPasswordRequest({ verifyMethod: 'EMAIL_PASSCODE' as never, emailPassCodePayload: { email: 'good.reset@example.com', passCode: log.lastCode('good.reset@example.com') } }));
    ok(await c.resetPassword({ passwordResetToken: v.data.passwordResetToken, password: 'a fresh passphrase now' }));
    ok(await c.signInByEmailPassword({ email: 'good.reset@example.com', password: 'a fresh passphrase now' }));
  });
});

describe('SMS-code sign-in to an unverified phone', () => {
  it('marks the phone verified only after the code proved possession', async () => {
    const u = await s.container.services.users.create(s.poolId, { phone: '13900009902', phoneVerified: false });
    const c = client();
    ok(await c.sendSms({ phoneNumber: '13900009902', channel: 'CHANNEL_LOGIN' as never }));
    const code = log.lastCode('+8613900009902');
    const wrong = code === '000000' ? '111111' : '000000';
    expect((await c.signInByPhonePassCode({ phone: '13900009902', passCode: wrong })).statusCode).not.toBe(200);
    expect((await s.container.repos.users.findById(s.poolId, u.userId))!.phone_verified).toBe(0);
    ok(await c.signInByPhonePassCode({ phone: '13900009902', passCode: code }));
    expect((await s.container.repos.users.findById(s.poolId, u.userId))!.phone_verified).toBe(1);
  });
});
