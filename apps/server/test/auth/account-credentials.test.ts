import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, authClient, type TestServer } from '../support/server.js';
import { ok, prepareDefaultApp } from '../support/sign-in.js';

/**
 * Issue #4: the signed-in user's password credential (bind-password / unbind-password, Gatehouse
 * extensions), renaming through the vendor's updateProfile, and the password half of the reset
 * flow (vendor resetPassword with a token from issueResetToken — the passcode side, issue #5,
 * supplies verify-reset-password-request's code check; its tests cover send code → verify → token).
 */
let s: TestServer;
let appSecret: string;
const client = () => authClient({ appId: s.defaultAppId, appSecret, host: s.url });
const post = (path: string, token: string, body: unknown) =>
  fetch(`${s.url}/api/v3/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-authing-app-id': s.defaultAppId, authorization: token }, body: JSON.stringify(body) }).then(
    (r) => r.json() as Promise<{ statusCode: number; apiCode?: number }>,
  );

beforeAll(async () => {
  s = await startServer();
  appSecret = await prepareDefaultApp(s);
});
afterAll(async () => s?.close());

describe('bind-password / unbind-password', () => {
  it('adds a password to an account without one, and removes it only with the password and another way in', async () => {
    const u = ok(await s.mgmt().createUser({ email: 'nopw@example.com' })).data;
    // An account without a password gets its tokens another way (passcodes, social …); here from the token service itself.
    const t = (await s.container.oidc.tokens.issue({ poolId: s.poolId, appId: s.defaultAppId, userId: u.userId, facts: { amr: ['otp'], authTime: Math.floor(Date.now() / 1000) } })).access_token;
    expect(await post('bind-password', t, { password: 'password' })).toMatchObject({ apiCode: 2100004 });
    expect(await post('bind-password', 'not-a-token', { password: 'granite meadow falcon' })).toMatchObject({ apiCode: 2020 });
    ok(await post('bind-password', t, { password: 'granite meadow falcon' }));
    expect(await post('bind-password', `Bearer ${t}`, { password: 'granite meadow falcon' })).toMatchObject({ statusCode: 409, apiCode: 2060017 });
    ok(await client().signInByEmailPassword({ email: 'nopw@example.com', password: 'granite meadow falcon' }));

    expect(await post('unbind-password', t, { password: 'wrong one' })).toMatchObject({ apiCode: 2006 });
    expect(await post('unbind-password', t, { password: 'granite meadow falcon' })).toMatchObject({ statusCode: 409, apiCode: 2060020 }); // email not verified
    ok(await s.mgmt().updateUser({ userId: u.userId, emailVerified: true }));
    ok(await post('unbind-password', t, { password: 'granite meadow falcon' }));
    expect(await client().signInByEmailPassword({ email: 'nopw@example.com', password: 'granite meadow falcon' })).toMatchObject({ apiCode: 2333 });
    expect(await post('unbind-password', t, { password: 'granite meadow falcon' })).toMatchObject({ apiCode: 2060011 });
    expect(await post('bind-password', t, { password: 'x', extra: 1 })).toMatchObject({ apiCode: 1000002 });
  });

  it('renames through the vendor updateProfile({username}), keeping usernames unique', async () => {
    ok(await s.mgmt().createUser({ username: 'holder_name', password: 'holder passphrase one' }));
    ok(await s.mgmt().createUser({ username: 'renamer', password: 'renaming passphrase two' }));
    const c = client();
    c.setAccessToken(ok(await c.signInByUsernamePassword({ username: 'renamer', password: 'renaming passphrase two' })).data.access_token);
    expect(await c.updateProfile({ username: 'holder_name' })).toMatchObject({ apiCode: 2100001 });
    expect(ok(await c.updateProfile({ username: 'renamed_user' })).data).toMatchObject({ username: 'renamed_user' });
    ok(await client().signInByUsernamePassword({ username: 'renamed_user', password: 'renaming passphrase two' }));
  });
});

describe('reset-password with a password reset token', () => {
  it('sets the password once per token, checks the policy before spending the token, ends sessions', async () => {
    const u = ok(await s.mgmt().createUser({ email: 'reset@example.com', password: 'forgotten old phrase' })).data;
    const old = ok(await client().signInByEmailPassword({ email: 'reset@example.com', password: 'forgotten old phrase' })).data.access_token as string;
    const { passwordResetToken, tokenExpiresIn } = await s.container.accounts.passwordReset.issueResetToken(s.poolId, u.userId);
    expect(passwordResetToken.length).toBeGreaterThanOrEqual(43); // 256 bits, base64url
    expect(tokenExpiresIn).toBe(900);
    const c = client();
    expect(await c.resetPassword({ passwordResetToken, password: 'password' })).toMatchObject({ apiCode: 2100004 });
    ok(await c.resetPassword({ passwordResetToken, password: 'brand new recovered phrase' })); // the weak attempt did not spend it
    expect(await c.resetPassword({ passwordResetToken, password: 'another recovered phrase' })).toMatchObject({ statusCode: 400, apiCode: 2060018 });
    expect(await c.resetPassword({ passwordResetToken: 'x'.repeat(43), password: 'another recovered phrase' })).toMatchObject({ apiCode: 2060018 });
    expect(await fetch(`${s.url}/oidc/me`, { headers: { authorization: `Bearer ${old}` } }).then((r) => r.status)).toBe(401);
    await new Promise((r) => setTimeout(r, 1100)); // revocation marks have 1 s granularity
    expect(await client().signInByEmailPassword({ email: 'reset@example.com', password: 'forgotten old phrase' })).toMatchObject({ apiCode: 2333 });
    ok(await client().signInByEmailPassword({ email: 'reset@example.com', password: 'brand new recovered phrase' }));
  });

  it('a token is bound to its pool', async () => {
    const other = await s.container.services.pools.create({ name: 'Other pool' });
    const u = ok(await s.mgmt().createUser({ email: 'bound@example.com', password: 'harbour lantern phrase' })).data;
    const { passwordResetToken } = await s.container.accounts.passwordReset.issueResetToken(s.poolId, u.userId);
    await expect(s.container.accounts.passwordReset.reset(other.id, { passwordResetToken, password: 'cross pool phrase' })).rejects.toMatchObject({ apiCode: 2060018 });
    ok(await client().resetPassword({ passwordResetToken, password: 'same pool phrase' }));
  });

  it('verify-reset-password-request runs the passcode check (issue #5): a wrong code gives no token', async () => {
    const r = await client().verifyResetPasswordRequest({ verifyMethod: 'EMAIL_PASSCODE' as never, emailPassCodePayload: { email: 'reset@example.com', passCode: '123456' } });
    expect(r).toMatchObject({ statusCode: 400, apiCode: 2200001 });
    expect((r as { data?: unknown }).data ?? null).toBeNull();
    expect(await client().verifyResetPasswordRequest({ verifyMethod: 'PHONE_PASSCODE' as never })).toMatchObject({ apiCode: 1000002 });
  });
});
