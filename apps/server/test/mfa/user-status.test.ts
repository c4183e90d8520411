import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authClient, startServer, type TestServer } from '../support/server.js';
import { ok } from '../support/sign-in.js';
import { totpOf, viaClient } from './support.js';

/**
 * A user's MFA trigger data through the vendor ManagementClient: setUsersMfaStatus
 * (`POST /api/v3/set-mfa-status`), getUserMfaStatus (`GET /api/v3/get-mfa-status`) and
 * getMfaTriggerData (`GET /api/v3/get-mfa-trigger-data`), all answering the vendor's
 * GetMfaInfoDataDto. Factors demanded of one user add to the app's policy: the user is challenged
 * where the app alone would not ask, and other users are not.
 */
let s: TestServer;
let appSecret: string;
const PW = 'correct horse battery staple';
const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

beforeAll(async () => {
  s = await startServer();
  appSecret = await s.container.services.applications.getSecret(s.poolId, s.defaultAppId);
});
afterAll(async () => s?.close());
const client = () => authClient({ appId: s.defaultAppId, appSecret, host: s.url });

describe('per-user MFA trigger data', () => {
  it('sets, reads and applies a user\'s trigger data; refuses what only enrolment may set', async () => {
    const m = s.mgmt();
    const userId = ok(await m.createUser({ email: 'trigger@example.com', password: PW, username: 'trig', nickname: 'Trig' } as never)).data.userId;
    const otherId = ok(await m.createUser({ email: 'untouched@example.com', password: PW })).data.userId;
    for (const id of [userId, otherId]) ok(await m.importOtp({ list: [{ userId: id, otp: { secret: SECRET } }] }));

    // Nothing set yet: the vendor shape with an empty list.
    const empty = ok(await m.getUserMfaStatus({ userId })).data;
    expect(empty).toEqual({ mfaToken: '', username: 'trig', nickname: 'Trig', faceMfaEnabled: false, totpMfaEnabled: true, applicationMfa: [] });
    // The app's MFA is off: both users sign in with the password alone.
    ok(await client().signInByAccountPassword({ account: 'trigger@example.com', password: PW }));
    expect(ok(await m.getMfaTriggerData({ appId: s.defaultAppId, userId })).data).toMatchObject({ mode: 'off', applicationMfa: [{ mfaPolicy: 'OTP', status: 0, sort: 0 }, { mfaPolicy: 'SMS', status: 0, sort: 1 }, { mfaPolicy: 'EMAIL', status: 0, sort: 2 }, { mfaPolicy: 'WEBAUTHN', status: 0, sort: 3 }] });

    // Refused, nothing written: FACE, an unknown factor, a factor listed twice, what enrolment sets, required without a factor, extra fields.
    const set = (mfaTriggerData: Record<string, unknown>) => m.setUsersMfaStatus({ userId, mfaTriggerData } as never);
    expect(await set({ mfaToken: '', applicationMfa: [{ mfaPolicy: 'FACE', status: 1, sort: 0 }] })).toMatchObject({ apiCode: 6000010 });
    expect(await set({ applicationMfa: [{ mfaPolicy: 'VOICE', status: 1, sort: 0 }] })).toMatchObject({ apiCode: 6000013 });
    expect(await set({ applicationMfa: [{ mfaPolicy: 'OTP', status: 1, sort: 0 }, { mfaPolicy: 'OTP', status: 0, sort: 1 }] })).toMatchObject({ apiCode: 6000013 });
    expect(await set({ applicationMfa: [{ mfaPolicy: 'OTP', status: 1, sort: 0 }], faceMfaEnabled: true })).toMatchObject({ apiCode: 6000010 });
    expect(await set({ applicationMfa: [{ mfaPolicy: 'OTP', status: 1, sort: 0 }], totpMfaEnabled: false })).toMatchObject({ apiCode: 6000013 });
    expect(await set({ applicationMfa: [{ mfaPolicy: 'SMS', status: 1, sort: 0 }], mfaPhone: '13800000009' })).toMatchObject({ apiCode: 6000013 });
    expect(await set({ applicationMfa: [{ mfaPolicy: 'OTP', status: 0, sort: 0 }], mode: 'required' })).toMatchObject({ apiCode: 6000013 });
    expect(await set({ applicationMfa: [{ mfaPolicy: 'OTP', status: 2, sort: 0 }] })).toMatchObject({ apiCode: 1000002 });
    expect(await set({ applicationMfa: [], secret: 'x' })).toMatchObject({ apiCode: 1000002 });
    expect(await m.setUsersMfaStatus({ userId: 'no-such-user', mfaTriggerData: { mfaToken: '', applicationMfa: [] } })).toMatchObject({ apiCode: 2004 });
    expect(ok(await m.getUserMfaStatus({ userId })).data.applicationMfa).toEqual([]);

    // What getUserMfaStatus read, sent back with OTP switched on (the vendor's round trip), by email.
    const back = { ...empty, applicationMfa: [{ mfaPolicy: 'EMAIL', status: 0, sort: 1 }, { mfaPolicy: 'OTP', status: 1, sort: 0 }] };
    ok(await m.setUsersMfaStatus({ userId: 'trigger@example.com', userIdType: 'email' as never, mfaTriggerData: back as never }));
    expect(ok(await m.getUserMfaStatus({ userId })).data.applicationMfa).toEqual([{ mfaPolicy: 'OTP', status: 1, sort: 0 }, { mfaPolicy: 'EMAIL', status: 0, sort: 1 }]);
    expect(ok(await m.getMfaTriggerData({ appId: s.defaultAppId, userId })).data).toMatchObject({ mode: 'optional', totpMfaEnabled: true, applicationMfa: expect.arrayContaining([{ mfaPolicy: 'OTP', status: 1, sort: 0 }, { mfaPolicy: 'SMS', status: 0, sort: 1 }]) });
    expect(ok(await m.getMfaTriggerData({ appId: s.defaultAppId, userId: otherId })).data).toMatchObject({ mode: 'off' });
    expect(await m.getMfaTriggerData({ appId: 'no-such-app', userId })).toMatchObject({ apiCode: 2011 });

    // The user is challenged now; the other user (same app, same factor enrolled) is not.
    const c = client();
    const r = (await c.signInByAccountPassword({ account: 'trigger@example.com', password: PW })) as any;
    expect(r).toMatchObject({ apiCode: 1635, data: { applicableFactors: ['OTP'] } });
    ok(await viaClient(c, '/api/v3/mfa/verify', { mfaToken: r.data.mfaToken, factorType: 'OTP', passCode: totpOf(SECRET) }));
    ok(await client().signInByAccountPassword({ account: 'untouched@example.com', password: PW }));

    // mode off takes it back (the entries stay, nothing is demanded); the audit log has each change.
    ok(await m.setUsersMfaStatus({ userId, mfaTriggerData: { mfaToken: '', applicationMfa: [{ mfaPolicy: 'OTP', status: 1, sort: 0 }], mode: 'off' } as never }));
    ok(await client().signInByAccountPassword({ account: 'trigger@example.com', password: PW }));
    const audit = await s.container.services.audit.list(s.poolId, 200);
    expect(audit.filter((e) => e.type === 'mfa:status-set').map((e) => e.subject)).toEqual([userId, userId]);
  });

  it('a user\'s required mode makes that user enrol even where the app asks nothing', async () => {
    const m = s.mgmt();
    const userId = ok(await m.createUser({ email: 'must-enrol@example.com', password: PW })).data.userId;
    ok(await m.setUsersMfaStatus({ userId, mfaTriggerData: { mfaToken: '', applicationMfa: [{ mfaPolicy: 'OTP', status: 1, sort: 0 }], mode: 'required' } as never }));
    const r = (await client().signInByAccountPassword({ account: 'must-enrol@example.com', password: PW })) as any;
    expect(r).toMatchObject({ apiCode: 1636, data: { applicableFactors: ['OTP'] } });
  });
});
