import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authClient, startServer, type TestServer } from '../support/server.js';
import { ok } from '../support/sign-in.js';
import { totpOf, viaClient } from './support.js';

/**
 * A password success clears the identifier's attempt counters. Someone who knows the password
 * must not get fresh second-factor guesses by signing in again: wrong codes spread over several
 * password sign-ins still add up to the lock (the per-user `mfa:<userId>` counter), and the lock
 * then holds for the password as well as for the second factor.
 */
let s: TestServer;
let appSecret: string;
const PW = 'correct horse battery staple';
const SECRET = 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU';

beforeAll(async () => {
  s = await startServer();
  appSecret = await s.container.services.applications.getSecret(s.poolId, s.defaultAppId);
  await s.container.authn.settings.update(s.poolId, { bruteForce: { captchaAfter: 0, lockAfter: 5 } } as never);
  ok(await s.mgmt().updateApplicationMfaSettings({ appId: s.defaultAppId, enabledFactors: ['OTP'] }));
});
afterAll(async () => s?.close());

const client = () => authClient({ appId: s.defaultAppId, appSecret, host: s.url });

describe('second-factor failures after a password success', () => {
  it('add up across password sign-ins and lock the account, password included', async () => {
    const email = 'interleaved@example.com';
    const userId = ok(await s.mgmt().createUser({ email, password: PW })).data.userId;
    ok(await s.mgmt().importOtp({ list: [{ userId, otp: { secret: SECRET } }] }));
    const good = totpOf(SECRET, 1);
    const bad = good === '000000' ? '000001' : '000000';
    const c = client();
    let mfaToken = '';
    // 2 + 2 + 1 wrong codes, each batch after a successful password (which empties the identifier counter).
    for (const wrong of [2, 2, 1]) {
      const r = (await c.signInByAccountPassword({ account: email, password: PW })) as any;
      expect(r.apiCode).toBe(1635);
      mfaToken = r.data.mfaToken;
      for (let i = 0; i < wrong; i++) expect(await viaClient(c, '/api/v3/mfa/verify', { mfaToken, factorType: 'OTP', passCode: bad })).toMatchObject({ apiCode: 6001 });
    }
    // The fifth wrong code locked the account: the right code is refused and the mfaToken is gone …
    expect(await viaClient(c, '/api/v3/mfa/verify', { mfaToken, factorType: 'OTP', passCode: good })).toMatchObject({ apiCode: 2005 });
    expect(await viaClient(c, '/api/v3/mfa/verify', { mfaToken, factorType: 'OTP', passCode: good })).toMatchObject({ apiCode: 6000001 });
    // … and the right password is refused too, before any second factor is asked.
    expect(await c.signInByAccountPassword({ account: email, password: PW })).toMatchObject({ apiCode: 2005 });
  });

  it('a passed second factor clears the per-user counter', async () => {
    const email = 'recovers@example.com';
    const userId = ok(await s.mgmt().createUser({ email, password: PW })).data.userId;
    ok(await s.mgmt().importOtp({ list: [{ userId, otp: { secret: SECRET } }] }));
    const c = client();
    const code = (step: number) => totpOf(SECRET, step);
    const wrongOf = (step: number) => (code(step) === '000000' ? '000001' : '000000');
    // 4 wrong codes, then a right one: the count starts again.
    let r = (await c.signInByAccountPassword({ account: email, password: PW })) as any;
    for (let i = 0; i < 4; i++) expect(await viaClient(c, '/api/v3/mfa/verify', { mfaToken: r.data.mfaToken, factorType: 'OTP', passCode: wrongOf(0) })).toMatchObject({ apiCode: 6001 });
    ok(await viaClient(c, '/api/v3/mfa/verify', { mfaToken: r.data.mfaToken, factorType: 'OTP', passCode: code(0) }));
    r = (await c.signInByAccountPassword({ account: email, password: PW })) as any;
    for (let i = 0; i < 4; i++) expect(await viaClient(c, '/api/v3/mfa/verify', { mfaToken: r.data.mfaToken, factorType: 'OTP', passCode: wrongOf(1) })).toMatchObject({ apiCode: 6001 });
    ok(await viaClient(c, '/api/v3/mfa/verify', { mfaToken: r.data.mfaToken, factorType: 'OTP', passCode: code(1) }));
  });
});
