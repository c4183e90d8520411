import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authClient, startServer, type TestServer } from '../support/server.js';
import { REDIS_URL } from '../support/services.js';
import { ok } from '../support/sign-in.js';
import { totpFrom, totpOf, viaClient } from './support.js';

/**
 * Issue #15, last "Done when": on PostgreSQL + Redis with two nodes, ten wrong TOTP codes lock
 * the account like ten wrong passwords. The mfaToken of one node is answered on the other (the
 * waiting flow is in Redis), the counters are shared, and at the lock the right code is refused,
 * the mfaToken dies and the password is refused too.
 */
let a: TestServer;
let b: TestServer;
const PW = 'correct horse battery staple';

beforeAll(async () => {
  a = await startServer({ db: 'postgres', config: { redisUrl: REDIS_URL } });
  b = await startServer({ join: a, config: { redisUrl: REDIS_URL } });
  await a.container.authn.settings.update(a.poolId, { bruteForce: { captchaAfter: 0 } } as never);
}, 90_000);
afterAll(async () => {
  await b?.close();
  await a?.close();
});

describe('MFA lockout on PostgreSQL + Redis, two nodes', () => {
  it('locks after ten wrong TOTP codes across nodes, like wrong passwords', async () => {
    const secret = await a.container.services.applications.getSecret(a.poolId, a.defaultAppId);
    const onA = authClient({ appId: a.defaultAppId, appSecret: secret, host: a.url });
    const onB = authClient({ appId: a.defaultAppId, appSecret: secret, host: b.url });
    const email = 'pg-lock@example.com';
    ok(await a.mgmt().createUser({ email, password: PW }));
    const first = ok(await onA.signInByAccountPassword({ account: email, password: PW }));
    onA.setAccessToken(first.data.access_token);
    const start = ok(await onA.sendEnrollFactorRequest({ factorType: 'OTP' as never, profile: {} }));
    const app = totpFrom(start.data.otpData.qrCodeUri);
    // Enrolment started on node A finishes on node B (the enrolment token is in Redis).
    onB.setAccessToken(first.data.access_token);
    ok(await onB.enrollFactor({ factorType: 'OTP' as never, enrollmentToken: start.data.enrollmentToken, enrollmentData: { passCode: app.code() } }));
    ok(await a.mgmt().updateApplicationMfaSettings({ appId: a.defaultAppId, enabledFactors: ['OTP'] }));

    const login = authClient({ appId: a.defaultAppId, appSecret: secret, host: a.url });
    const r = (await login.signInByAccountPassword({ account: email, password: PW })) as any;
    expect(r.apiCode).toBe(1635);
    const mfaToken = r.data.mfaToken;
    const good = totpOf(app.secret, 1);
    const bad = good === '000000' ? '000001' : '000000';
    const other = authClient({ appId: a.defaultAppId, host: b.url, tokenEndPointAuthMethod: 'none' });
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => viaClient(i % 2 ? other : login, '/api/v3/mfa/verify', { mfaToken, factorType: 'OTP', passCode: bad }).then((x) => expect(x).toMatchObject({ apiCode: 6001 }))),
    );
    expect(await viaClient(other, '/api/v3/mfa/verify', { mfaToken, factorType: 'OTP', passCode: good })).toMatchObject({ apiCode: 2005 });
    expect(await viaClient(login, '/api/v3/mfa/verify', { mfaToken, factorType: 'OTP', passCode: good })).toMatchObject({ apiCode: 6000001 });
    expect(await login.signInByAccountPassword({ account: email, password: PW })).toMatchObject({ apiCode: 2005 });
    expect(await authClient({ appId: a.defaultAppId, appSecret: secret, host: b.url }).signInByAccountPassword({ account: email, password: PW })).toMatchObject({ apiCode: 2005 });
  });
});
