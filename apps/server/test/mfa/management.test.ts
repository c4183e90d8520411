import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authClient, startServer, type TestServer } from '../support/server.js';
import { ok } from '../support/sign-in.js';
import { totpOf, viaClient } from './support.js';

/**
 * MFA administration through the vendor ManagementClient: importOtp, getUserMfaInfo,
 * getOtpSecretByUser (refused unless the pool allows it; audited), and the administrator's reset
 * of every factor, which revokes the user's sessions.
 */
let s: TestServer;
let appSecret: string;
const PW = 'correct horse battery staple';
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

beforeAll(async () => {
  s = await startServer();
  appSecret = await s.container.services.applications.getSecret(s.poolId, s.defaultAppId);
});
afterAll(async () => s?.close());
const client = () => authClient({ appId: s.defaultAppId, appSecret, host: s.url });

describe('MFA administration', () => {
  it('imports an OTP secret, reports it, exports it only when allowed (audited), and a reset revokes sessions', async () => {
    const m = s.mgmt();
    const userId = ok(await m.createUser({ email: 'admin-mfa@example.com', password: PW })).data.userId;
    // A bad secret refuses the whole import.
    expect(await m.importOtp({ list: [{ userId, otp: { secret: 'not base32!' } }] })).toMatchObject({ apiCode: 1000002 });
    expect(ok(await m.getUserMfaInfo({ userId })).data).toMatchObject({ totpStatus: 'disabled' });
    ok(await m.importOtp({ list: [{ userId, otp: { secret: SECRET.toLowerCase().replace(/(.{4})/g, '$1 ') } }] }));
    expect(ok(await m.getUserMfaInfo({ userId })).data).toMatchObject({ totpStatus: 'enabled', smsMfaStatus: 'disabled', emailMfaStatus: 'disabled' });

    ok(await m.updateApplicationMfaSettings({ appId: s.defaultAppId, enabledFactors: ['OTP'] }));
    const c = client();
    const r = (await c.signInByAccountPassword({ account: 'admin-mfa@example.com', password: PW })) as any;
    expect(r.apiCode).toBe(1635);
    const tokens = ok(await viaClient(c, '/api/v3/mfa/verify', { mfaToken: r.data.mfaToken, factorType: 'OTP', passCode: totpOf(SECRET) })).data;

    expect(await m.getOtpSecretByUser({ userId })).toMatchObject({ apiCode: 6000012 });
    ok(await m.updateGlobalMfaSettings({ enabledFactors: [], allowOtpExport: true } as never));
    expect(ok(await m.getOtpSecretByUser({ userId })).data).toEqual({ secret: SECRET });
    const audit = await s.container.services.audit.list(s.poolId, 200);
    expect(audit.find((e) => e.type === 'mfa:otp-secret-read')).toMatchObject({ subject: userId });
    expect(JSON.stringify(audit)).not.toContain(SECRET);

    const me = client();
    me.setAccessToken(tokens.access_token);
    ok(await me.getProfile({}));
    const seen: string[] = [];
    s.container.services.events.subscribe((e) => void seen.push(e.name));
    ok(await m.makeRequest({ method: 'POST', url: '/api/v3/reset-user-mfa', data: { userId } }));
    expect(await me.getProfile({})).toMatchObject({ apiCode: 2020 });
    expect(ok(await m.getUserMfaInfo({ userId })).data).toMatchObject({ totpStatus: 'disabled', recoveryCodesLeft: 0 });
    // Every emitted event is an audit row (services/events/audit-subscriber.ts).
    expect(seen).toContain('mfa:reset');
    // No factor left: the optional app lets the password through again.
    ok(await client().signInByAccountPassword({ account: 'admin-mfa@example.com', password: PW }));
  });
});
