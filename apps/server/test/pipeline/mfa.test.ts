import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import { authClient, startServer, type TestServer } from '../support/server.js';
import { ok as okEnvelope, type Envelope } from '../support/management.js';
import { idClaims, totpFrom, totpOf, viaClient } from '../mfa/support.js';

const ok = (r: unknown): any => okEnvelope(r as Envelope);

/**
 * User scripts and the MFA step (docs/pipeline.md, "Asking for MFA", scenes PRE_MFA_VERIFY and
 * POST_MFA_VERIFY): the pool's MFA policy is off, yet a POST_AUTHENTICATION function that calls
 * `context.requireMfa()` makes this sign-in pass the engine's MFA step (1635 with an mfaToken for
 * a user with a factor, 1636 enrolment for one without); the MFA verify scenes run around the
 * second-factor check, can refuse it, and change the profile.
 */
describe('pipeline functions and the MFA step', () => {
  let s: TestServer;
  let mc: ManagementClient;
  let secret = '';
  const PW = 'correct horse battery staple';
  let otp: { secret: string };
  const api = () => authClient({ appId: s.defaultAppId, appSecret: secret, host: s.url });
  const create = async (body: Record<string, unknown>) => ok(await mc.createPipelineFunction({ timeout: 15, ...body } as never)) as { funcId: string };
  const logsOf = async (funcId: string) => (ok(await mc.getPipelineLogs({ funcId, page: 1, limit: 50 })) as { list: Array<{ result: string; scene: string; logs: string[] }> }).list;
  const signIn = (account: string, context?: Record<string, unknown>) => api().signInByAccountPassword({ account, password: PW, ...(context ? { options: { context } as never } : {}) }) as Promise<any>;

  beforeAll(async () => {
    s = await startServer();
    mc = s.mgmt();
    secret = await s.container.services.applications.getSecret(s.poolId, s.defaultAppId);
    ok(await mc.createUser({ email: 'otp@example.com', password: PW }));
    ok(await mc.createUser({ email: 'none@example.com', password: PW }));
    // The policy is off: the user enrols a TOTP app through self-service, and signs in without MFA.
    const c = api();
    const first = await signIn('otp@example.com');
    expect(first.statusCode, JSON.stringify(first)).toBe(200);
    c.setAccessToken(first.data.access_token);
    const start = ok(await c.sendEnrollFactorRequest({ factorType: 'OTP' as never, profile: {} }));
    const app = totpFrom(start.otpData.qrCodeUri);
    ok(await c.enrollFactor({ factorType: 'OTP' as never, enrollmentToken: start.enrollmentToken, enrollmentData: { passCode: app.code() } }));
    otp = { secret: app.secret };
    expect((await signIn('otp@example.com')).statusCode).toBe(200);
  }, 120_000);
  afterAll(async () => s?.close());

  it('POST_AUTHENTICATION context.requireMfa(): the MFA step applies to this sign-in only; PRE/POST_MFA_VERIFY run around the check', async () => {
    const risk = await create({
      funcName: 'Risk',
      scene: 'POST_AUTHENTICATION',
      sourceCode: `async function pipe(user, context, callback) {
        if (context.context.risky) { console.log('mfa for', user.email); context.requireMfa(); }
        callback(null, user, context);
      }`,
    });
    const pre = await create({
      funcName: 'Pre MFA',
      scene: 'PRE_MFA_VERIFY',
      sourceCode: `async function pipe(user, context, callback) {
        console.log('pre', context.mfa.factorType, user.email);
        if (context.context.noOtp && context.mfa.factorType === 'OTP') return callback(new Error('OTP is not accepted here.'));
        callback(null, user, context);
      }`,
    });
    const post = await create({
      funcName: 'Post MFA',
      scene: 'POST_MFA_VERIFY',
      sourceCode: `async function pipe(user, context, callback) { user.setCustomData('mfaBy', context.mfa.factorType); callback(null, user, context); }`,
    });

    // Not risky: no MFA (the policy is off).
    expect((await signIn('otp@example.com', { risky: false })).statusCode).toBe(200);

    // Risky: the engine's MFA challenge, answered with the TOTP.
    const r = await signIn('otp@example.com', { risky: true });
    expect(r, JSON.stringify(r)).toMatchObject({ apiCode: 1635 });
    expect(r.data.applicableFactors).toContain('OTP');
    // The next step's code: the current one was spent on the enrolment (a TOTP is single-use).
    const done = await viaClient(api(), '/api/v3/mfa/verify', { mfaToken: r.data.mfaToken, factorType: 'OTP', passCode: totpOf(otp.secret, 1) });
    expect(done.statusCode, JSON.stringify(done)).toBe(200);
    expect(idClaims(done.data.id_token).amr).toContain('mfa');
    const row = await s.container.repos.users.findBy(s.poolId, 'email', 'otp@example.com');
    expect(JSON.parse(row!.custom_data)).toMatchObject({ mfaBy: 'OTP' });

    // PRE_MFA_VERIFY refuses the OTP of a flow whose caller context says so; the check never runs.
    const r2 = await signIn('otp@example.com', { risky: true, noOtp: true });
    expect(r2).toMatchObject({ apiCode: 1635 });
    const refusedAnswer = await viaClient(api(), '/api/v3/mfa/verify', { mfaToken: r2.data.mfaToken, factorType: 'OTP', passCode: totpOf(otp.secret, 1) });
    expect(refusedAnswer).toMatchObject({ apiCode: 7000010, message: 'OTP is not accepted here.' });

    expect((await logsOf(risk.funcId)).map((l) => l.result)).toEqual(['success', 'success', 'success']);
    const preRuns = await logsOf(pre.funcId);
    expect(preRuns.map((l) => `${l.scene}:${l.result}`)).toEqual(['PRE_MFA_VERIFY:denied', 'PRE_MFA_VERIFY:success']);
    expect(preRuns[1]!.logs).toEqual(['pre OTP otp@example.com']);
    // POST_MFA_VERIFY ran once: after the one check that passed.
    expect((await logsOf(post.funcId)).map((l) => `${l.scene}:${l.result}`)).toEqual(['POST_MFA_VERIFY:success']);
    for (const f of [risk, pre, post]) ok(await mc.deletePipelineFunction({ funcId: f.funcId }));
  });

  it('a user without a second factor is asked to enrol one (1636) when a script requires MFA', async () => {
    const fn = await create({ funcName: 'Always MFA', scene: 'POST_AUTHENTICATION', sourceCode: `function pipe(user, context) { context.requireMfa() }` });
    const r = await signIn('none@example.com');
    expect(r, JSON.stringify(r)).toMatchObject({ apiCode: 1636 });
    expect(r.data.mfaToken).toBeTruthy();
    ok(await mc.deletePipelineFunction({ funcId: fn.funcId }));
    expect((await signIn('none@example.com')).statusCode).toBe(200);
  });
});
