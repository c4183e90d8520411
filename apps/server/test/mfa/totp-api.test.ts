import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authClient, startServer, type TestServer } from '../support/server.js';
import { ok } from '../support/sign-in.js';
import { idClaims, totpFrom, totpOf, viaClient } from './support.js';

/**
 * Issue #15, first "Done when": with the vendor clients only (ManagementClient and
 * AuthenticationClient, unmodified) a user enrols TOTP, the app is set to require OTP, the
 * password sign-in answers 1635 with an mfaToken, /api/v3/mfa/verify with a fresh code gives
 * tokens with amr `otp`, the same code is refused the second time, and the mfaToken is no access
 * token anywhere else.
 */
let s: TestServer;
let appSecret: string;
const PW = 'correct horse battery staple';

beforeAll(async () => {
  s = await startServer();
  appSecret = await s.container.services.applications.getSecret(s.poolId, s.defaultAppId);
});
afterAll(async () => s?.close());

const client = () => authClient({ appId: s.defaultAppId, appSecret, host: s.url });

/** A user with TOTP enrolled through the vendor enrolment API; returns the TOTP secret and recovery codes. */
async function enrolledUser(email: string) {
  ok(await s.mgmt().createUser({ email, password: PW }));
  const c = client();
  const first = ok(await c.signInByAccountPassword({ account: email, password: PW }));
  c.setAccessToken(first.data.access_token);
  expect(ok(await c.listFactorsToEnroll()).data.map((f: { factorType: string }) => f.factorType)).toContain('OTP');
  const start = ok(await c.sendEnrollFactorRequest({ factorType: 'OTP' as never, profile: {} }));
  expect(start.data.otpData.qrCodeUri).toMatch(/^otpauth:\/\/totp\//);
  expect(start.data.otpData.qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);
  const app = totpFrom(start.data.otpData.qrCodeUri);
  // A wrong code does not enrol, and does not spend the enrolment token.
  expect(await c.enrollFactor({ factorType: 'OTP' as never, enrollmentToken: start.data.enrollmentToken, enrollmentData: { passCode: app.code() === '000000' ? '111111' : '000000' } })).toMatchObject({ apiCode: 6001 });
  const enrolled = ok(await c.enrollFactor({ factorType: 'OTP' as never, enrollmentToken: start.data.enrollmentToken, enrollmentData: { passCode: app.code() } }));
  expect(enrolled.data.recoveryCodes).toHaveLength(10);
  expect(new Set(enrolled.data.recoveryCodes).size).toBe(10);
  // The enrolment token is single use.
  expect(await c.enrollFactor({ factorType: 'OTP' as never, enrollmentToken: start.data.enrollmentToken, enrollmentData: { passCode: app.code() } })).toMatchObject({ apiCode: 6000005 });
  return { secret: app.secret, recoveryCodes: enrolled.data.recoveryCodes as string[], client: c };
}

describe('TOTP through the vendor clients', () => {
  it('enrols, requires OTP, answers 1635, verifies once, and keeps the mfaToken out of every other API', async () => {
    const email = 'alice@example.com';
    const { secret, client: signedIn } = await enrolledUser(email);
    const factors = ok(await signedIn.listEnrolledFactors()).data;
    expect(factors).toEqual([{ factorId: expect.any(String), factorType: 'OTP', profile: {} }]);
    expect(ok(await signedIn.getFactor({ factorId: factors[0].factorId })).data.factorType).toBe('OTP');
    // The secret is sealed at rest.
    const row = await s.container.mfa.repo.findFactorByType(s.poolId, factors[0] ? (await s.container.repos.users.findBy(s.poolId, 'email', email))!.id : '', 'OTP');
    expect(row?.secret_enc).toBeTruthy();
    expect(row?.secret_enc).not.toContain(secret);

    ok(await s.mgmt().updateApplicationMfaSettings({ appId: s.defaultAppId, enabledFactors: ['OTP'] }));

    const c = client();
    const r = (await c.signInByAccountPassword({ account: email, password: PW })) as any;
    expect(r).toMatchObject({ apiCode: 1635, data: { applicableFactors: ['OTP', 'RECOVERY_CODE'] } });
    const mfaToken: string = r.data.mfaToken;
    expect(mfaToken).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(r.data.access_token).toBeUndefined();

    // Not an access token: get-profile (envelope 2020) and /oidc/me (401) refuse it.
    const withMfa = client();
    withMfa.setAccessToken(mfaToken);
    expect(await withMfa.getProfile({})).toMatchObject({ apiCode: 2020 });
    await expect(client().getUserInfoByAccessToken(mfaToken, { method: 'GET', tokenPlace: 'header' })).rejects.toMatchObject({ response: { status: 401 } });
    const me = await fetch(`${s.url}/oidc/me`, { headers: { authorization: `Bearer ${mfaToken}` } });
    expect(me.status).toBe(401);
    // verifyMfaToken (no body, raw token in authorization).
    expect(await withMfa.verifyMfaToken({ token: mfaToken })).toMatchObject({ active: true, userId: expect.any(String), userPoolId: s.poolId });

    // A wrong code is refused and does not use the mfaToken up.
    const next = totpOf(secret, 1);
    const wrong = next === '123456' ? '654321' : '123456';
    expect(await viaClient(c, '/api/v3/mfa/verify', { mfaToken, factorType: 'OTP', passCode: wrong })).toMatchObject({ apiCode: 6001 });
    // A fresh code (the next time step: the enrolment spent the current one) gives the sign-in's tokens.
    const done = ok(await viaClient(c, '/api/v3/mfa/verify', { mfaToken, factorType: 'OTP', passCode: next }));
    const claims = idClaims(done.data.id_token);
    expect(claims.amr).toEqual(expect.arrayContaining(['pwd', 'otp', 'mfa']));
    expect(claims.acr).toBe('mfa');
    const profile = client();
    profile.setAccessToken(done.data.access_token);
    expect(ok(await profile.getProfile({})).data.email).toBe(email);

    // The mfaToken is single use.
    expect(await viaClient(c, '/api/v3/mfa/verify', { mfaToken, factorType: 'OTP', passCode: next })).toMatchObject({ apiCode: 6000001 });
    expect(await withMfa.verifyMfaToken({ token: mfaToken })).toEqual({ active: false });

    // The same TOTP a second time (a new sign-in) is refused.
    const again = (await c.signInByAccountPassword({ account: email, password: PW })) as any;
    expect(again.apiCode).toBe(1635);
    expect(await viaClient(c, '/api/v3/mfa/verify', { mfaToken: again.data.mfaToken, factorType: 'OTP', passCode: next })).toMatchObject({ apiCode: 6001 });

    // Another app cannot answer this app's mfaToken.
    const other = ok(await s.mgmt().createApplication({ appName: 'Other', appIdentifier: 'other-app', appType: 'web' } as never)).data;
    const otherClient = authClient({ appId: other.appId, host: s.url, tokenEndPointAuthMethod: 'none' });
    expect(await viaClient(otherClient, '/api/v3/mfa/verify', { mfaToken: again.data.mfaToken, factorType: 'OTP', passCode: totpOf(secret, 2) })).toMatchObject({ apiCode: 2070002 });

    const events = await s.container.services.audit.list(s.poolId, 500);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['mfa:enrolled', 'mfa:verified', 'mfa:failed']));
    expect(JSON.stringify(events)).not.toContain(next);
  });

  it('accepts each recovery code once, as a second factor', async () => {
    const email = 'bob@example.com';
    const { recoveryCodes } = await enrolledUser(email);
    const c = client();
    const r = (await c.signInByAccountPassword({ account: email, password: PW })) as any;
    expect(r.apiCode).toBe(1635);
    const done = ok(await viaClient(c, '/api/v3/mfa/verify', { mfaToken: r.data.mfaToken, factorType: 'RECOVERY_CODE', recoveryCode: recoveryCodes[0]!.toUpperCase() }));
    expect(idClaims(done.data.id_token).amr).toEqual(expect.arrayContaining(['pwd', 'recovery', 'mfa']));
    const r2 = (await c.signInByAccountPassword({ account: email, password: PW })) as any;
    expect(await viaClient(c, '/api/v3/mfa/verify', { mfaToken: r2.data.mfaToken, factorType: 'RECOVERY_CODE', recoveryCode: recoveryCodes[0] })).toMatchObject({ apiCode: 6000007 });
    ok(await viaClient(c, '/api/v3/mfa/verify', { mfaToken: r2.data.mfaToken, factorType: 'RECOVERY_CODE', recoveryCode: recoveryCodes[1] }));
  });

  it('counts wrong codes on the password counters: at the lock the mfaToken dies and passwords are locked too', async () => {
    await s.container.authn.settings.update(s.poolId, { bruteForce: { captchaAfter: 0 } } as never);
    const email = 'carol@example.com';
    const { secret } = await enrolledUser(email);
    const c = client();
    const r = (await c.signInByAccountPassword({ account: email, password: PW })) as any;
    const mfaToken = r.data.mfaToken;
    const good = totpOf(secret, 1);
    const bad = good === '000000' ? '000001' : '000000';
    for (let i = 0; i < 10; i++) expect(await viaClient(c, '/api/v3/mfa/verify', { mfaToken, factorType: 'OTP', passCode: bad })).toMatchObject({ apiCode: 6001 });
    // Locked: the right code is refused now, and the flow is gone.
    expect(await viaClient(c, '/api/v3/mfa/verify', { mfaToken, factorType: 'OTP', passCode: good })).toMatchObject({ apiCode: 2005 });
    expect(await viaClient(c, '/api/v3/mfa/verify', { mfaToken, factorType: 'OTP', passCode: good })).toMatchObject({ apiCode: 6000001 });
    expect(await c.signInByAccountPassword({ account: email, password: PW })).toMatchObject({ apiCode: 2005 });
  });

  it('leaves users without a factor alone while the app is optional, and resets factors', async () => {
    ok(await s.mgmt().createUser({ email: 'dave@example.com', password: PW }));
    const c = client();
    ok(await c.signInByAccountPassword({ account: 'dave@example.com', password: PW }));
    const { client: erin } = await enrolledUser('erin@example.com');
    const [f] = ok(await erin.listEnrolledFactors()).data;
    ok(await erin.resetFactor({ factorId: f.factorId }));
    expect(ok(await erin.listEnrolledFactors()).data).toEqual([]);
    // No factor left: the optional app signs in with the password alone.
    ok(await client().signInByAccountPassword({ account: 'erin@example.com', password: PW }));
  });
});
