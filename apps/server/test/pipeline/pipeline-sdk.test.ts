import { AuthenticationClient } from 'authing-node-sdk';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import { authorize, Browser, PASSWORD, seedUser, startOidcServer, type OidcTestServer } from '../oidc/support.js';
import { authClient } from '../support/server.js';
import { ok as okEnvelope, refused, raw, type Envelope } from '../support/management.js';

/** The vendor client's response types differ per method; all are the one envelope. */
const ok = (r: unknown): any => okEnvelope(r as Envelope);

/**
 * Issue #16 through the vendor SDKs: pipeline functions created with the ManagementClient run
 * at the engine's points on sign-up, API sign-in and the hosted OIDC login.
 */
const CB = 'http://127.0.0.1:9/cb';

// The seed's example, as written (docs/pipeline.md).
const EMAIL_SUFFIX = `async function pipe(user, context, callback) {
const { email } = context.request.body;
// Non-email registration method
if (!email) {
return callback(null, user, context);
}
if (!email.endsWith("example.com")) {
return callback(new Error("Access denied."));
}
return callback(null, user, context);
}`;

describe('pipeline functions through the vendor SDKs', () => {
  let s: OidcTestServer;
  let mc: ManagementClient;
  let app: { appId: string; appSecret: string };
  const api = () => authClient({ appId: app.appId, appSecret: app.appSecret, host: s.url });
  // A generous budget unless a test is about time: the shared test machine is heavily loaded, and scripts run at the lowest priority.
  const create = async (body: Record<string, unknown>) => ok(await mc.createPipelineFunction({ timeout: 15, ...body } as never)) as { funcId: string };
  const remove = async (funcId: string) => ok(await mc.deletePipelineFunction({ funcId }));
  const logsOf = async (funcId: string) => ok(await mc.getPipelineLogs({ funcId, page: 1, limit: 50 })) as { totalCount: number; list: Array<{ result: string; scene: string; message: string | null; logs: string[] }> };

  beforeAll(async () => {
    s = await startOidcServer();
    mc = s.mgmt();
    app = (await s.container.services.applications.create(s.poolId, { appName: 'Scripts', appType: 'web', redirectUris: [CB] } as never)) as never;
    await seedUser(s, { email: 'linus@example.com', username: 'linus' });
  });
  afterAll(async () => s?.close());

  it('PRE_REGISTER: the seed email-suffix function refuses a@other.org and allows b@example.com', async () => {
    const fn = await create({ funcName: 'Email suffix', sourceCode: EMAIL_SUFFIX, scene: 'PRE_REGISTER' });
    expect(fn).toMatchObject({ funcName: 'Email suffix', scene: 'PRE_REGISTER', timeout: 15, enabled: true, isAsynchronous: false, status: 'success' });

    const refusedSignUp = (await api().signUpByEmailPassword({ email: 'a@other.org', password: 'correct horse battery' })) as { statusCode: number; apiCode?: number; message: string };
    expect(refusedSignUp).toMatchObject({ apiCode: 7000010, message: 'Access denied.' });
    expect(await s.container.repos.users.findBy(s.poolId, 'email', 'a@other.org')).toBeFalsy();

    const allowed = (await api().signUpByEmailPassword({ email: 'b@example.com', password: 'correct horse battery' })) as { statusCode: number; data: { email: string } };
    expect(allowed).toMatchObject({ statusCode: 200, data: { email: 'b@example.com' } });

    const logs = await logsOf(fn.funcId);
    expect(logs.list.map((l) => l.result).sort()).toEqual(['denied', 'success']);
    expect(logs.list.find((l) => l.result === 'denied')).toMatchObject({ scene: 'PRE_REGISTER', message: 'Access denied.' });
    await remove(fn.funcId);
  });

  it('PRE_OIDC_ID_TOKEN_ISSUED: tier=gold in the ID token of signInByAccountPassword and of the hosted-login code flow', async () => {
    const fn = await create({ funcName: 'Tier', sourceCode: `async function pipe(user, context, callback) { user.addIdToken('tier', 'gold'); user.addIdToken('sub', 'forged'); console.log('tier for', user.email); callback(null, user, context); }`, scene: 'PRE_OIDC_ID_TOKEN_ISSUED' });

    const r = (await api().signInByAccountPassword({ account: 'linus@example.com', password: PASSWORD })) as { statusCode: number; data: { id_token: string } };
    expect(r.statusCode, JSON.stringify(r)).toBe(200);
    const apiClaims = decodeJwt(r.data.id_token);
    expect(apiClaims.tier).toBe('gold');
    expect(apiClaims.sub).not.toBe('forged');

    const ac = new AuthenticationClient({ appId: app.appId, appSecret: app.appSecret, appHost: s.url, redirectUri: CB, scope: 'openid profile email', tokenEndPointAuthMethod: 'client_secret_post', retryTimes: 0 } as never);
    const { url } = ac.buildAuthorizeUrl({ scope: 'openid profile email' }) as { url: string };
    const flow = await authorize(new Browser(), url, CB, { account: 'linus@example.com', password: PASSWORD });
    const code = new URL(flow.url).searchParams.get('code');
    expect(code, flow.url).toBeTruthy();
    const tokens = (await ac.getAccessTokenByCode(code!)) as { id_token: string };
    expect(decodeJwt(tokens.id_token).tier).toBe('gold');

    const logs = await logsOf(fn.funcId);
    expect(logs.totalCount).toBe(2);
    expect(logs.list.every((l) => l.result === 'success' && l.scene === 'PRE_OIDC_ID_TOKEN_ISSUED')).toBe(true);
    expect(logs.list[0]!.logs).toEqual(['tier for linus@example.com']);
    await remove(fn.funcId);
  });

  it('POST_AUTHENTICATION: a function modifies the user and sees the caller\'s options.context; PRE_OIDC_ACCESS_TOKEN_ISSUED adds an access-token claim', async () => {
    const fn = await create({
      funcName: 'Profile',
      scene: 'POST_AUTHENTICATION',
      sourceCode: `async function pipe(user, context, callback) {
        user.nickname = 'seen-' + (context.context.source || 'none');
        user.setCustomData('lastScript', context.request.body.email + '@' + context.protocol);
        user.addIdToken('plan', 'team');
        callback(null, user, context);
      }`,
    });
    const at = await create({ funcName: 'AT', scene: 'PRE_OIDC_ACCESS_TOKEN_ISSUED', sourceCode: `function pipe(user, context) { user.addAccessToken('org', 'acme'); }` });
    const r = (await api().signInByAccountPassword({ account: 'linus@example.com', password: PASSWORD, options: { context: { source: 'mobile' } } as never })) as { statusCode: number; data: { id_token: string; access_token: string } };
    expect(r.statusCode, JSON.stringify(r)).toBe(200);
    expect(decodeJwt(r.data.id_token).plan).toBe('team');
    expect(decodeJwt(r.data.access_token).org).toBe('acme');
    const user = await s.container.repos.users.findBy(s.poolId, 'email', 'linus@example.com');
    expect(user?.nickname).toBe('seen-mobile');
    expect(JSON.parse(user!.custom_data)).toMatchObject({ lastScript: 'linus@example.com@api' });
    await remove(fn.funcId);
    await remove(at.funcId);
  });

  it('a function that loops forever: refused with 7000012 when terminateOnTimeout (the default), skipped when not', async () => {
    const fn = await create({ funcName: 'Loop', scene: 'PRE_AUTHENTICATION', timeout: 1, sourceCode: 'async function pipe(user, context, callback) { while (true) {} }' });
    const t0 = Date.now();
    const r = (await api().signInByAccountPassword({ account: 'linus@example.com', password: PASSWORD })) as { apiCode?: number };
    expect(r).toMatchObject({ apiCode: 7000012 });
    expect(Date.now() - t0).toBeLessThan(5000);
    ok(await mc.updatePipelineFunction({ funcId: fn.funcId, terminateOnTimeout: false }));
    const r2 = (await api().signInByAccountPassword({ account: 'linus@example.com', password: PASSWORD })) as { statusCode: number };
    expect(r2.statusCode).toBe(200);
    expect((await logsOf(fn.funcId)).list.map((l) => l.result)).toEqual(['timeout', 'timeout']);
    await remove(fn.funcId);
  });

  it('refuses bad definitions with catalogued errors and writes nothing', async () => {
    refused((await mc.createPipelineFunction({ funcName: 'x', sourceCode: 'function pipe(', scene: 'PRE_REGISTER' } as never)) as never, 7000004);
    refused((await mc.createPipelineFunction({ funcName: 'x', sourceCode: 'function other() {}', scene: 'PRE_REGISTER' } as never)) as never, 7000004);
    refused((await mc.createPipelineFunction({ funcName: 'x', sourceCode: 'function pipe() {}', scene: 'NOWHERE' } as never)) as never, 7000002);
    refused((await mc.createPipelineFunction({ funcName: 'x', sourceCode: 'function pipe() {}', scene: 'PRE_REGISTER', timeout: 61 } as never)) as never, 7000003);
    refused((await raw(mc, 'POST', '/api/v3/create-pipeline-function', { funcName: 'x', sourceCode: 'function pipe() {}', scene: 'PRE_REGISTER', fetchAllowList: ['http://x/'] })) as never, 7000008);
    refused((await mc.getPipelineFunction({ funcId: 'nope' })) as never, 7000001);
    expect(ok(await mc.listPipelineFunctions({} as never))).toMatchObject({ totalCount: 0 });
  });

  it('CRUD and order with the vendor client', async () => {
    const a = ok(await mc.createPipelineFunction({ funcName: 'A', sourceCode: 'function pipe(u, c, cb) { cb(null, u, c) }', scene: 'POST_REGISTER', funcDescription: 'first' } as never)) as { funcId: string; timeout: number; terminateOnTimeout: boolean };
    // Defaults: 3 s (the vendor's), and a timeout refuses (Gatehouse fails closed).
    expect(a).toMatchObject({ timeout: 3, terminateOnTimeout: true, enabled: true });
    const b = await create({ funcName: 'B', sourceCode: 'function pipe(u, c, cb) { cb(null, u, c) }', scene: 'POST_REGISTER', isAsynchronous: true });
    expect(ok(await mc.getPipelineFunction({ funcId: a.funcId }))).toMatchObject({ funcName: 'A', funcDescription: 'first', isCloud: false });
    expect(ok(await mc.updatePipelineFunction({ funcId: a.funcId, funcName: 'A2', timeout: 10, enabled: false }))).toMatchObject({ funcName: 'A2', timeout: 10, enabled: false });
    expect(ok(await mc.reuploadPipelineFunction({ funcId: a.funcId }))).toMatchObject({ status: 'success' });
    const list = () => mc.listPipelineFunctions({ scene: 'POST_REGISTER' } as never).then((r) => (ok(r) as { list: Array<{ funcId: string }> }).list.map((f) => f.funcId));
    expect(await list()).toEqual([a.funcId, b.funcId]);
    ok(await mc.updatePipelineOrder({ scene: 'POST_REGISTER', order: [b.funcId, a.funcId] } as never));
    expect(await list()).toEqual([b.funcId, a.funcId]);
    refused((await mc.updatePipelineOrder({ scene: 'POST_REGISTER', order: [b.funcId] } as never)) as never, 7000005);
    await remove(a.funcId);
    await remove(b.funcId);
    refused((await mc.deletePipelineFunction({ funcId: a.funcId })) as never, 7000001);
  });
});
