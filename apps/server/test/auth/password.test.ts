import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { constants, publicEncrypt } from 'node:crypto';
import { startServer, authClient, type TestServer } from '../support/server.js';
import { ok } from '../support/sign-in.js';

/**
 * Issue #4 through the public surface: the vendor AuthenticationClient (unmodified) against a
 * real Gatehouse on SQLite.
 */
let s: TestServer;
let appSecret: string;

async function userFor(email: string, password: string, extra: Record<string, string> = {}) {
  const { container, poolId } = s;
  const u = await container.services.users.create(poolId, { email, ...extra });
  const row = (await container.repos.users.findById(poolId, u.userId))!;
  await container.authn.passwords.set(poolId, row, password);
  return u.userId;
}

async function captchaAnswer(token: string) {
  return s.container.kv.get(`p:${s.poolId}:captcha:${token}`);
}

beforeAll(async () => {
  s = await startServer();
  appSecret = await s.container.services.applications.getSecret(s.poolId, s.defaultAppId);
  // The default app has no redirect URIs: /api/v3/signin must still issue tokens for it.
});
afterAll(async () => s?.close());

const client = (method: 'none' | 'client_secret_post' | 'client_secret_basic' = 'client_secret_post', appId = s.defaultAppId, secret = appSecret) =>
  authClient({ appId, appSecret: secret, host: s.url, tokenEndPointAuthMethod: method });

describe('registration', () => {
  it('signs up by email and by username with the vendor client', async () => {
    const c = client();
    const a = ok(await c.signUpByEmailPassword({ email: 'Reg.One@Example.com', password: 'correct horse battery', profile: { nickname: 'one' } }));
    expect(a.data).toMatchObject({ email: 'reg.one@example.com', nickname: 'one' });
    expect(a.data.password).toBeUndefined();
    const b = ok(await c.signUpByUsernamePassword({ username: 'reg_two', password: 'another long passphrase' }));
    expect(b.data).toMatchObject({ username: 'reg_two' });
    ok(await c.signInByUsernamePassword({ username: 'reg_two', password: 'another long passphrase' }));
  });

  it('refuses a weak password naming each broken rule, and leaves no user behind', async () => {
    const c = client();
    const r = await c.signUpByEmailPassword({ email: 'weak@example.com', password: 'password' });
    expect(r).toMatchObject({ statusCode: 400, apiCode: 2100004 });
    expect(r.message).toContain('common_password');
    const r2 = await c.signUpByUsernamePassword({ username: 'shorty99', password: 'shorty99x' });
    expect(r2.message).toContain('contains_user_info');
    const r3 = await c.signUpByEmailPassword({ email: 'weak2@example.com', password: 'abc' });
    expect(r3.message).toContain('too_short');
    expect(await s.container.repos.users.findBy(s.poolId, 'email', 'weak@example.com')).toBeUndefined();
  });

  it('accepts long passwords exactly as sent (no trimming, no 72-byte truncation)', async () => {
    const c = client();
    const long = `${'é'.repeat(40)} ${'x'.repeat(60)} `;
    ok(await c.signUpByEmailPassword({ email: 'long@example.com', password: long }));
    ok(await c.signInByEmailPassword({ email: 'long@example.com', password: long }));
    expect(await c.signInByEmailPassword({ email: 'long@example.com', password: long.trim() })).toMatchObject({ apiCode: 2333 });
    expect(await c.signInByEmailPassword({ email: 'long@example.com', password: long.slice(0, 72) })).toMatchObject({ apiCode: 2333 });
  });

  it('refuses a duplicate account, a disabled registration and a non-allow-listed one', async () => {
    const c = client();
    expect(await c.signUpByUsernamePassword({ username: 'reg_two', password: 'yet another passphrase' })).toMatchObject({ apiCode: 2100001 });
    await s.container.authn.settings.update(s.poolId, { registration: { allowList: { emailDomains: ['corp.example'] } } });
    expect(await c.signUpByEmailPassword({ email: 'x@other.example', password: 'a fine passphrase' })).toMatchObject({ apiCode: 2060004 });
    ok(await c.signUpByEmailPassword({ email: 'x@corp.example', password: 'a fine passphrase' }));
    await s.container.authn.settings.update(s.poolId, { registration: { enabled: false, allowList: null } });
    expect(await c.signUpByEmailPassword({ email: 'y@corp.example', password: 'a fine passphrase' })).toMatchObject({ apiCode: 2031 });
    await s.container.authn.settings.update(s.poolId, { registration: { enabled: true } });
  });

  it('refuses bad input with catalogued errors', async () => {
    const c = client();
    expect(await c.signUp({ connection: 'LDAP' as never, passCodePayload: { passCode: '1', email: 'a@b.c' } } as never)).toMatchObject({ apiCode: 2060005 });
    expect(await c.signUp({ connection: 'PASSWORD' as never, passwordPayload: { password: 'x' } } as never)).toMatchObject({ apiCode: 2060008 });
    expect(await c.signUp({ connection: 'PASSWORD' as never, passwordPayload: { password: 'x', email: 'a@b.c', bogus: 1 } } as never)).toMatchObject({ apiCode: 1000002 });
  });
});

describe('password sign-in', () => {
  let phoneUser: string;
  beforeAll(async () => {
    phoneUser = await userFor('signin@example.com', 'sign in passphrase', { username: 'signer', phone: '13800000001' });
  });

  it('signs in by email, username, phone and account with client_secret_post', async () => {
    const c = client();
    for (const r of [
      await c.signInByEmailPassword({ email: 'SIGNIN@example.com', password: 'sign in passphrase' }),
      await c.signInByUsernamePassword({ username: 'signer', password: 'sign in passphrase' }),
      await c.signInByPhonePassword({ phone: '13800000001', password: 'sign in passphrase' }),
      await c.signInByAccountPassword({ account: 'signer', password: 'sign in passphrase' }),
      await c.signInByAccountPassword({ account: '13800000001', password: 'sign in passphrase' }),
      await c.signInByAccountPassword({ account: 'signin@example.com', password: 'sign in passphrase' }),
    ]) {
      expect(ok(r).data).toMatchObject({ token_type: 'Bearer' });
      expect(r.data.access_token).toEqual(expect.any(String));
    }
    expect(phoneUser).toBeTruthy();
  });

  it('honours each client authentication method of the app', async () => {
    const apps = s.container.services.applications;
    const basic = await apps.create(s.poolId, { appName: 'basic', appType: 'web', redirectUris: ['https://app.example/cb'], oidcConfig: { token_endpoint_auth_method: 'client_secret_basic' } });
    const none = await apps.create(s.poolId, { appName: 'spa', appType: 'spa', redirectUris: ['https://app.example/cb'] });
    ok(await client('client_secret_basic', basic.appId, basic.appSecret).signInByEmailPassword({ email: 'signin@example.com', password: 'sign in passphrase' }));
    ok(await authClient({ appId: none.appId, host: s.url, tokenEndPointAuthMethod: 'none' }).signInByEmailPassword({ email: 'signin@example.com', password: 'sign in passphrase' }));
    // Wrong secret, or the wrong method for the app: refused before the password is looked at.
    expect(await client('client_secret_basic', basic.appId, 'nope').signInByEmailPassword({ email: 'signin@example.com', password: 'sign in passphrase' })).toMatchObject({ apiCode: 2060007 });
    expect(await client('client_secret_post', basic.appId, basic.appSecret).signInByEmailPassword({ email: 'signin@example.com', password: 'sign in passphrase' })).toMatchObject({ apiCode: 2060007 });
    expect(await client('client_secret_post', s.defaultAppId, 'wrong').signInByEmailPassword({ email: 'signin@example.com', password: 'sign in passphrase' })).toMatchObject({ apiCode: 2060007 });
  });

  it('answers unknown accounts exactly like wrong passwords (2333)', async () => {
    const c = client();
    const wrong = await c.signInByEmailPassword({ email: 'signin@example.com', password: 'not it at all' });
    const unknown = await c.signInByEmailPassword({ email: 'nobody@example.com', password: 'not it at all' });
    expect(wrong).toMatchObject({ statusCode: 403, apiCode: 2333 });
    const strip = (r: Record<string, unknown>) => ({ ...r, requestId: undefined });
    expect(strip(unknown)).toEqual(strip(wrong));
    ok(await c.signInByEmailPassword({ email: 'signin@example.com', password: 'sign in passphrase' })); // resets the counter
  });

  it('uses the distinct reference codes 2004/2006 only when the pool opts in', async () => {
    await s.container.authn.settings.update(s.poolId, { distinctLoginErrors: true });
    const c = client();
    expect(await c.signInByEmailPassword({ email: 'nobody2@example.com', password: 'whatever it is' })).toMatchObject({ apiCode: 2004 });
    expect(await c.signInByEmailPassword({ email: 'signin@example.com', password: 'whatever it is' })).toMatchObject({ apiCode: 2006 });
    await s.container.authn.settings.update(s.poolId, { distinctLoginErrors: false });
    ok(await c.signInByEmailPassword({ email: 'signin@example.com', password: 'sign in passphrase' }));
  });

  it('requires a captcha after N failures, then accepts a correct one (single use, case-insensitive)', async () => {
    await userFor('captcha@example.com', 'mellow yellow kite');
    const c = client();
    for (let i = 0; i < 3; i++) expect(await c.signInByEmailPassword({ email: 'captcha@example.com', password: 'wrong wrong' })).toMatchObject({ apiCode: 2333 });
    expect(await c.signInByEmailPassword({ email: 'captcha@example.com', password: 'mellow yellow kite' })).toMatchObject({ apiCode: 2060001 });
    const cap = ok(await c.geneCatchaCodeAndToken());
    expect(cap.data.captchaCodeSvg).toContain('<svg');
    const answer = (await captchaAnswer(cap.data.captchaToken))!;
    // wrong answer burns the token and does not reveal the password check
    expect(await c.signInByEmailPassword({ email: 'captcha@example.com', password: 'mellow yellow kite', options: { captchaCode: 'zzzz', captchaToken: cap.data.captchaToken } })).toMatchObject({ apiCode: 2060002 });
    expect(await c.signInByEmailPassword({ email: 'captcha@example.com', password: 'mellow yellow kite', options: { captchaCode: answer, captchaToken: cap.data.captchaToken } })).toMatchObject({ apiCode: 2060002 });
    const cap2 = ok(await c.geneCatchaCodeAndToken());
    const answer2 = (await captchaAnswer(cap2.data.captchaToken))!;
    ok(await c.signInByEmailPassword({ email: 'captcha@example.com', password: 'mellow yellow kite', options: { captchaCode: answer2.toUpperCase(), captchaToken: cap2.data.captchaToken } }));
  });

  it('locks after M failures (2005), refuses even the right password, for unknown accounts too', async () => {
    await s.container.authn.settings.update(s.poolId, { bruteForce: { captchaAfter: 0, lockAfter: 4 } });
    await userFor('lock@example.com', 'quiet harbour lamp');
    const c = client();
    for (const email of ['lock@example.com', 'ghost@example.com']) {
      for (let i = 0; i < 4; i++) expect(await c.signInByEmailPassword({ email, password: 'wrong wrong' })).toMatchObject({ apiCode: 2333 });
      expect(await c.signInByEmailPassword({ email, password: 'wrong wrong' })).toMatchObject({ apiCode: 2005 });
    }
    expect(await c.signInByEmailPassword({ email: 'lock@example.com', password: 'quiet harbour lamp' })).toMatchObject({ apiCode: 2005 });
    // admin unlock through the management API
    const user = await s.container.repos.users.findBy(s.poolId, 'email', 'lock@example.com');
    const r = await s.mgmt().makeRequest({ method: 'POST', url: '/api/v3/unlock-user', data: { userId: user!.id } });
    expect(r).toMatchObject({ statusCode: 200 });
    ok(await c.signInByEmailPassword({ email: 'lock@example.com', password: 'quiet harbour lamp' }));
    await s.container.authn.settings.update(s.poolId, { bruteForce: { captchaAfter: 3, lockAfter: 10 } });
  });

  it('refuses a blocked user only after the right password (2120008)', async () => {
    const id = await userFor('blocked@example.com', 'granite violin seven');
    const r = await s.mgmt().makeRequest({ method: 'POST', url: '/api/v3/update-user', data: { userId: id, status: 'Suspended' } });
    expect(r).toMatchObject({ statusCode: 200 });
    const c = client();
    expect(await c.signInByEmailPassword({ email: 'blocked@example.com', password: 'granite violin seven' })).toMatchObject({ apiCode: 2120008 });
    expect(await c.signInByEmailPassword({ email: 'blocked@example.com', password: 'wrong wrong' })).toMatchObject({ apiCode: 2333 });
  });

  it('refuses bad sign-in input with catalogued errors', async () => {
    const c = client();
    // (LDAP and AD are login methods since issue 14: without a connection they answer 5020002, test/directory.)
    expect(await c.signInByCredentials({ connection: 'KERBEROS' as never, passwordPayload: { account: 'a', password: 'b' }, client_id: s.defaultAppId, client_secret: appSecret })).toMatchObject({ apiCode: 2060005 });
    expect(await c.signInByCredentials({ connection: 'PASSWORD' as never, passwordPayload: { password: 'x' }, client_id: s.defaultAppId, client_secret: appSecret })).toMatchObject({ apiCode: 2060008 });
    expect(await c.signInByEmailPassword({ email: 'signin@example.com', password: 'x', options: { passwordEncryptType: 'rsa' as never } })).toMatchObject({ apiCode: 2060006 });
    expect(await c.signInByEmailPassword({ email: 'signin@example.com', password: 'abcd', options: { passwordEncryptType: 'sm2' as never } })).toMatchObject({ apiCode: 2060006 });
    expect(await c.signInByEmailPassword({ email: 'signin@example.com', password: 'x', options: { tenantId: 't1' } })).toMatchObject({ apiCode: 1000008 });
    const unknownApp = authClient({ appId: 'no-such-app', appSecret: 'x', host: s.url });
    expect(await unknownApp.signInByEmailPassword({ email: 'signin@example.com', password: 'x' })).toMatchObject({ apiCode: 2011 });
  });
});

describe('client-side password encryption', () => {
  beforeAll(async () => {
    await userFor('enc@example.com', 'encrypted passphrase ✓');
  });

  it('publishes RSA and SM2 public keys at /api/v3/system', async () => {
    const sys = ok(await client().getSystemInfo());
    expect(sys.data.rsa.publicKey).toContain('BEGIN PUBLIC KEY');
    expect(sys.data.sm2.publicKey).toMatch(/^04[0-9a-f]{128}$/);
  });

  it('accepts RSA PKCS#1 v1.5 (as the reference clients send) and OAEP', async () => {
    const c = client();
    const key = ok(await c.getSystemInfo()).data.rsa.publicKey as string;
    const v15 = publicEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, Buffer.from('encrypted passphrase ✓')).toString('base64');
    ok(await c.signInByEmailPassword({ email: 'enc@example.com', password: v15, options: { passwordEncryptType: 'rsa' as never } }));
    const oaep = publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from('encrypted passphrase ✓')).toString('base64');
    ok(await c.signInByEmailPassword({ email: 'enc@example.com', password: oaep, options: { passwordEncryptType: 'rsa' as never } }));
  });

  it('accepts SM2 encrypted by the reference browser SDK\'s own sm-crypto', async () => {
    const c = client();
    const key = ok(await c.getSystemInfo()).data.sm2.publicKey as string;
    const req = createRequire(createRequire(import.meta.url).resolve('authing-js-sdk'));
    let doEncrypt: (m: string, k: string, mode?: number) => string;
    try {
      doEncrypt = req('../src/lib/sm-crypto/sm2/index.js').doEncrypt;
    } catch {
      doEncrypt = (await import('sm-crypto-v2')).sm2.doEncrypt as never;
    }
    const ct = doEncrypt('encrypted passphrase ✓', key, 1);
    ok(await c.signInByEmailPassword({ email: 'enc@example.com', password: ct, options: { passwordEncryptType: 'sm2' as never } }));
    ok(await c.signInByEmailPassword({ email: 'enc@example.com', password: `sm2:${ct}`, options: { passwordEncryptType: 'sm2' as never } }));
  });
});

describe('account operations with the access token', () => {
  it('reads and updates the profile, changes the password, lists login history', async () => {
    await userFor('me@example.com', 'my first passphrase');
    const c = client();
    const t = ok(await c.signInByEmailPassword({ email: 'me@example.com', password: 'my first passphrase' })).data.access_token as string;
    expect(await c.getProfile({})).toMatchObject({ apiCode: 2020 });
    c.setAccessToken(t); // the vendor client sends the bare token
    expect(ok(await c.getProfile({})).data).toMatchObject({ email: 'me@example.com' });
    expect(ok(await c.updateProfile({ nickname: 'Me' })).data).toMatchObject({ nickname: 'Me' });
    expect(await c.updatePassword({ oldPassword: 'wrong one', newPassword: 'my second passphrase' })).toMatchObject({ apiCode: 2006 });
    expect(await c.updatePassword({ oldPassword: 'my first passphrase', newPassword: 'password1' })).toMatchObject({ apiCode: 2100004 });
    ok(await c.updatePassword({ oldPassword: 'my first passphrase', newPassword: 'my second passphrase' }));
    expect(await c.getProfile({})).toMatchObject({ apiCode: 2020 }); // sessions revoked
    // The OIDC revocation mark has 1 s granularity: tokens issued in the same second count as revoked.
    await new Promise((r) => setTimeout(r, 1100));
    const c2 = client();
    expect(await c2.signInByEmailPassword({ email: 'me@example.com', password: 'my first passphrase' })).toMatchObject({ apiCode: 2333 });
    const t2 = ok(await c2.signInByEmailPassword({ email: 'me@example.com', password: 'my second passphrase' })).data.access_token as string;
    c2.setAccessToken(t2);
    expect(ok(await c2.getProfile({})).data).toMatchObject({ nickname: 'Me' });
    // Bearer prefix accepted too
    const prof = await fetch(`${s.url}/api/v3/get-profile`, { headers: { authorization: `Bearer ${t2}`, 'x-authing-app-id': s.defaultAppId } }).then((r) => r.json());
    expect(prof).toMatchObject({ statusCode: 200, data: { nickname: 'Me' } });
    c2.setAccessToken(t2);
    const h = ok(await c2.getLoginHistory({}));
    expect(h.data.totalCount).toBeGreaterThanOrEqual(3);
    expect(h.data.list[0]).toMatchObject({ appId: s.defaultAppId, clientIp: expect.any(String), time: expect.any(String), success: true, loginMethod: 'password' });
    expect(h.data.list.some((x: { success: boolean }) => !x.success)).toBe(true);
    const user = await s.container.repos.users.findBy(s.poolId, 'email', 'me@example.com');
    const mh = await s.mgmt().makeRequest({ method: 'GET', url: '/api/v3/get-user-login-history', params: { userId: user!.id } });
    expect(mh).toMatchObject({ statusCode: 200, data: { totalCount: h.data.totalCount } });
  });
});
