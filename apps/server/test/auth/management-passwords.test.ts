import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { constants, publicEncrypt } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { startServer, authClient, type TestServer } from '../support/server.js';
import { ok, prepareDefaultApp } from '../support/sign-in.js';

/**
 * Issue #4, account lifecycle through the public surface: passwords in the vendor
 * ManagementClient's create/update calls, password history, block and force-logout ending
 * sessions (checked at /oidc/me), the per-IP limit, autoRegister with customData.
 */
let s: TestServer;
let appSecret: string;
const client = () => authClient({ appId: s.defaultAppId, appSecret, host: s.url });
const signIn = (email: string, password: string, clientIp?: string) => client().signInByEmailPassword({ email, password, ...(clientIp ? { options: { clientIp } } : {}) });
/** The OIDC userinfo endpoint: 200 while the access token is live, 401 once revoked. */
const me = (token: string) => fetch(`${s.url}/oidc/me`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
/** Revocation marks have 1 s granularity: tokens minted in the same second count as revoked. */
const nextSecond = () => new Promise((r) => setTimeout(r, 1100));

beforeAll(async () => {
  s = await startServer();
  appSecret = await prepareDefaultApp(s);
});
afterAll(async () => s?.close());

describe('management create-user / update-user / create-users-batch with a password', () => {
  it('creates a user with a password that signs in, and refuses a weak one without creating the user', async () => {
    const mc = s.mgmt();
    const made = ok(await mc.createUser({ email: 'mp1@example.com', password: 'orchid lantern seventeen' }));
    expect(JSON.stringify(made)).not.toContain('orchid');
    ok(await signIn('mp1@example.com', 'orchid lantern seventeen'));
    const weak = await mc.createUser({ email: 'mp-weak@example.com', password: 'mp-weak@example.com!' });
    expect(weak).toMatchObject({ statusCode: 400, apiCode: 2100004 });
    expect(weak.message).toContain('contains_user_info');
    expect(await mc.isUserExists({ email: 'mp-weak@example.com' })).toMatchObject({ data: { exists: false } });
  });

  it('decrypts an RSA-encrypted password (options.passwordEncryptType)', async () => {
    const key = ok(await client().getSystemInfo()).data.rsa.publicKey as string;
    const ct = publicEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, Buffer.from('cipher tulip ninety')).toString('base64');
    ok(await s.mgmt().createUser({ email: 'mp-rsa@example.com', password: ct, options: { passwordEncryptType: 'rsa' as never } }));
    ok(await signIn('mp-rsa@example.com', 'cipher tulip ninety'));
  });

  it('keeps a batch all-or-nothing: one bad password, nobody is created, the item is named', async () => {
    const mc = s.mgmt();
    const r = await mc.createUsersBatch({
      list: [
        { email: 'b1@example.com', password: 'first good passphrase' },
        { email: 'b2@example.com', password: 'short' },
        { email: 'b3@example.com' },
      ],
    });
    expect(r).toMatchObject({ statusCode: 400, apiCode: 2100004 });
    expect(JSON.stringify(r)).toContain('list/1/password');
    expect(await mc.isUserExists({ email: 'b1@example.com' })).toMatchObject({ data: { exists: false } });
    ok(await mc.createUsersBatch({ list: [{ email: 'b1@example.com', password: 'first good passphrase' }, { email: 'b3@example.com' }] }));
    ok(await signIn('b1@example.com', 'first good passphrase'));
  });

  it('imports existing hashes with options.keepPassword (upgraded at sign-in), refusing unknown formats', async () => {
    const mc = s.mgmt();
    const hash = bcrypt.hashSync('migrated secret phrase', 10);
    ok(await mc.createUsersBatch({ list: [{ email: 'kp1@example.com', password: hash }], options: { keepPassword: true } }));
    ok(await signIn('kp1@example.com', 'migrated secret phrase'));
    const row = await s.container.repos.users.findBy(s.poolId, 'email', 'kp1@example.com');
    expect(row!.password_hash).toMatch(/^\$argon2id\$/);
    const junk = await mc.createUser({ email: 'kp2@example.com', password: 'not a hash at all', options: { keepPassword: true } });
    expect(junk).toMatchObject({ apiCode: 2060016 });
    expect(JSON.stringify(junk)).not.toContain('not a hash at all');
  });

  it('update-user sets a new password (policy applies); autoGeneratePassword is refused as unsupported', async () => {
    const mc = s.mgmt();
    const u = ok(await mc.createUser({ username: 'mp_upd', password: 'before passphrase one' }));
    expect(await mc.updateUser({ userId: u.data.userId, password: '12345678' })).toMatchObject({ apiCode: 2100004 });
    ok(await mc.updateUser({ userId: u.data.userId, password: 'after passphrase two' }));
    expect(await client().signInByUsernamePassword({ username: 'mp_upd', password: 'before passphrase one' })).toMatchObject({ apiCode: 2333 });
    ok(await client().signInByUsernamePassword({ username: 'mp_upd', password: 'after passphrase two' }));
    expect(await mc.createUser({ username: 'mp_gen', options: { autoGeneratePassword: true } })).toMatchObject({ apiCode: 1000008 });
  });
});

describe('password history', () => {
  it('refuses the last N passwords on update-password and update-user, accepts older ones', async () => {
    await s.container.authn.settings.update(s.poolId, { passwordPolicy: { historyCount: 2 } });
    try {
      const mc = s.mgmt();
      const u = ok(await mc.createUser({ email: 'hist@example.com', password: 'first remembered phrase' }));
      const c = client();
      c.setAccessToken(ok(await c.signInByEmailPassword({ email: 'hist@example.com', password: 'first remembered phrase' })).data.access_token);
      ok(await c.updatePassword({ oldPassword: 'first remembered phrase', newPassword: 'second remembered phrase', revokeOtherSessions: false } as never));
      expect(await c.updatePassword({ oldPassword: 'second remembered phrase', newPassword: 'first remembered phrase', revokeOtherSessions: false } as never)).toMatchObject({ apiCode: 2060010 });
      expect(await c.updatePassword({ oldPassword: 'second remembered phrase', newPassword: 'second remembered phrase', revokeOtherSessions: false } as never)).toMatchObject({ apiCode: 2060010 });
      expect(await mc.updateUser({ userId: u.data.userId, password: 'first remembered phrase' })).toMatchObject({ apiCode: 2060010 });
      ok(await mc.updateUser({ userId: u.data.userId, password: 'third remembered phrase' }));
      // now the last two are "three" (current) and "two": "one" is old enough again
      ok(await mc.updateUser({ userId: u.data.userId, password: 'first remembered phrase' }));
      ok(await signIn('hist@example.com', 'first remembered phrase'));
    } finally {
      await s.container.authn.settings.update(s.poolId, { passwordPolicy: { historyCount: 0 } });
    }
  });
});

describe('ending sessions', () => {
  it('kick-users revokes the user\'s tokens (userinfo answers 401)', async () => {
    ok(await s.mgmt().createUser({ email: 'kick@example.com', password: 'ejected from sessions' }));
    const t = ok(await signIn('kick@example.com', 'ejected from sessions')).data.access_token as string;
    expect(await me(t)).toBe(200);
    const user = await s.container.repos.users.findBy(s.poolId, 'email', 'kick@example.com');
    ok(await s.mgmt().makeRequest({ method: 'POST', url: '/api/v3/kick-users', data: { userId: user!.id, appIds: [s.defaultAppId] } }));
    expect(await me(t)).toBe(401);
    await nextSecond();
    const t2 = ok(await signIn('kick@example.com', 'ejected from sessions')).data.access_token as string;
    expect(await me(t2)).toBe(200);
  });

  it('blocking a user (update-user status Suspended) revokes their sessions, and unblocking lets them back in', async () => {
    const mc = s.mgmt();
    const u = ok(await mc.createUser({ email: 'block@example.com', password: 'suspended member phrase' }));
    const c = client();
    const t = ok(await c.signInByEmailPassword({ email: 'block@example.com', password: 'suspended member phrase' })).data.access_token as string;
    c.setAccessToken(t);
    ok(await c.getProfile({}));
    ok(await mc.updateUser({ userId: u.data.userId, status: 'Suspended' as never }));
    expect(await me(t)).toBe(401);
    expect(await c.getProfile({})).toMatchObject({ apiCode: 2020 });
    expect(await signIn('block@example.com', 'suspended member phrase')).toMatchObject({ apiCode: 2120008 });
    ok(await mc.updateUser({ userId: u.data.userId, status: 'Activated' as never }));
    await nextSecond();
    ok(await signIn('block@example.com', 'suspended member phrase'));
  });
});

describe('per-IP limit', () => {
  it('answers 2060003 after ipMaxFailures failures from one address, whatever the account', async () => {
    await s.container.authn.settings.update(s.poolId, { bruteForce: { ipMaxFailures: 3 } });
    try {
      ok(await s.mgmt().createUser({ email: 'ipuser@example.com', password: 'ip limited phrase' }));
      const ip = '203.0.113.77'; // options.clientIp is trusted: the client proved its secret
      for (const email of ['ip1@example.com', 'ip2@example.com', 'ipuser@example.com']) {
        expect(await signIn(email, 'wrong wrong wrong', ip)).toMatchObject({ apiCode: 2333 });
      }
      expect(await signIn('ipuser@example.com', 'ip limited phrase', ip)).toMatchObject({ statusCode: 429, apiCode: 2060003 });
      expect(await signIn('ip9@example.com', 'wrong wrong wrong', ip)).toMatchObject({ apiCode: 2060003 });
      // another address is not affected
      ok(await signIn('ipuser@example.com', 'ip limited phrase', '203.0.113.78'));
    } finally {
      await s.container.authn.settings.update(s.poolId, { bruteForce: { ipMaxFailures: 100 } });
    }
  });
});

describe('autoRegister and customData on sign-in', () => {
  it('creates the account on first sign-in when registration is enabled (no second switch), with customData', async () => {
    const c = client();
    const opts = { autoRegister: true, customData: { plan: 'gold', seats: 3 } };
    await s.container.authn.settings.update(s.poolId, { registration: { enabled: false } });
    expect(await c.signInByEmailPassword({ email: 'auto@example.com', password: 'fresh signup phrase', options: opts })).toMatchObject({ apiCode: 2031 });
    await s.container.authn.settings.update(s.poolId, { registration: { enabled: true } });
    try {
      const r = ok(await c.signInByEmailPassword({ email: 'auto@example.com', password: 'fresh signup phrase', options: opts }));
      expect(r.data.access_token).toEqual(expect.any(String));
      const u = ok(await s.mgmt().getUser({ userId: 'auto@example.com', userIdType: 'email' as never, withCustomData: true }));
      expect(u.data.customData).toMatchObject({ plan: 'gold', seats: 3 });
      // an existing account is signed in, never re-registered or overwritten
      expect(await c.signInByEmailPassword({ email: 'auto@example.com', password: 'another phrase here', options: opts })).toMatchObject({ apiCode: 2333 });
      // a weak password is refused before any account exists
      expect(await c.signInByEmailPassword({ email: 'auto2@example.com', password: 'password', options: opts })).toMatchObject({ apiCode: 2100004 });
      expect(await s.mgmt().isUserExists({ email: 'auto2@example.com' })).toMatchObject({ data: { exists: false } });
    } finally {
      await s.container.authn.settings.update(s.poolId, { registration: { enabled: true } });
    }
  });

  it('refuses the retired registration.autoRegister setting with a clear message', async () => {
    await expect(s.container.authn.settings.update(s.poolId, { registration: { autoRegister: true } as never })).rejects.toMatchObject({ code: 'request.invalid_input' });
  });
});
