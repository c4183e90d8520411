import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import { authClient, startServer, type TestServer } from '../support/server.js';
import { postgresAvailable, redisAvailable, REDIS_URL } from '../support/services.js';
import { ok as okEnvelope, type Envelope } from '../support/management.js';

const ok = (r: unknown): any => okEnvelope(r as Envelope);
const hasServices = (await postgresAvailable()) && (await redisAvailable());

/**
 * Pipeline functions on two nodes (PostgreSQL + Redis, docs/pipeline.md "Several nodes"): a
 * function created, changed, limited to one application or deleted through node A governs the
 * very next sign-in on node B, although B had just cached the pool's functions (its cache lives
 * 30 s with Redis: only the broadcast can make B see the change in time).
 *
 * Also per-application enablement (`appIds`): a function limited to one application runs for
 * that application's sign-ins only.
 */
describe.skipIf(!hasServices)('pipeline functions on two nodes (PostgreSQL + Redis)', () => {
  let a: TestServer;
  let b: TestServer;
  let mc: ManagementClient;
  let other: { appId: string; appSecret: string };
  let defaultSecret = '';
  const PW = 'correct horse battery staple';
  const email = 'two-nodes@example.com';
  const signInOnB = async (app: { appId: string; appSecret: string }) =>
    (await authClient({ appId: app.appId, appSecret: app.appSecret, host: b.url }).signInByAccountPassword({ account: email, password: PW })) as { statusCode: number; apiCode?: number; message?: string };
  const onB = () => signInOnB({ appId: a.defaultAppId, appSecret: defaultSecret });

  beforeAll(async () => {
    a = await startServer({ db: 'postgres', config: { redisUrl: REDIS_URL } });
    b = await startServer({ join: a, config: { redisUrl: REDIS_URL } });
    mc = a.mgmt();
    defaultSecret = await a.container.services.applications.getSecret(a.poolId, a.defaultAppId);
    other = (await a.container.services.applications.create(a.poolId, { appName: 'Other', appType: 'web', redirectUris: ['http://127.0.0.1:9/cb'] } as never)) as never;
    ok(await mc.createUser({ email, password: PW }));
  }, 120_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('create, update, per-app limit and delete on node A take effect on node B at once', async () => {
    // B signs in with no function and caches the (empty) list.
    expect((await onB()).statusCode).toBe(200);

    const fn = ok(
      await mc.createPipelineFunction({ funcName: 'Gate', scene: 'PRE_AUTHENTICATION', timeout: 15, sourceCode: `async function pipe(user, context, callback) { callback(new Error('Closed for maintenance.')) }` } as never),
    ) as { funcId: string };
    expect(await onB()).toMatchObject({ apiCode: 7000010, message: 'Closed for maintenance.' });

    // A new source on A: B runs the new version.
    ok(await mc.updatePipelineFunction({ funcId: fn.funcId, sourceCode: `async function pipe(user, context, callback) { callback(new Error('Closed until Monday.')) }` }));
    expect(await onB()).toMatchObject({ apiCode: 7000010, message: 'Closed until Monday.' });

    // Limited to the other application: the default app's sign-in is no longer refused, the other app's is.
    ok(await mc.updatePipelineFunction({ funcId: fn.funcId, appIds: [other.appId] } as never));
    expect((await onB()).statusCode).toBe(200);
    expect(await signInOnB(other)).toMatchObject({ apiCode: 7000010, message: 'Closed until Monday.' });

    // Every application again, then disabled: nobody is refused.
    ok(await mc.updatePipelineFunction({ funcId: fn.funcId, appIds: null } as never));
    expect(await onB()).toMatchObject({ apiCode: 7000010 });
    ok(await mc.updatePipelineFunction({ funcId: fn.funcId, enabled: false }));
    expect((await onB()).statusCode).toBe(200);
    expect((await signInOnB(other)).statusCode).toBe(200);

    ok(await mc.updatePipelineFunction({ funcId: fn.funcId, enabled: true }));
    expect(await signInOnB(other)).toMatchObject({ apiCode: 7000010 });
    ok(await mc.deletePipelineFunction({ funcId: fn.funcId }));
    expect((await signInOnB(other)).statusCode).toBe(200);
  });

  it('a function enabled for one application: created with appIds, it runs only for that application and is logged with it', async () => {
    const fn = ok(
      await mc.createPipelineFunction({ funcName: 'Only other', scene: 'PRE_AUTHENTICATION', timeout: 15, appIds: [other.appId], sourceCode: `async function pipe(user, context, callback) { console.log('app', context.app.id); callback(new Error('Not in this app.')) }` } as never),
    ) as { funcId: string; appIds: string[] };
    expect(fn.appIds).toEqual([other.appId]);
    expect((await onB()).statusCode).toBe(200);
    expect(await signInOnB(other)).toMatchObject({ apiCode: 7000010, message: 'Not in this app.' });
    const logs = ok(await mc.getPipelineLogs({ funcId: fn.funcId, page: 1, limit: 10 })) as { list: Array<{ result: string; logs: string[] }> };
    expect(logs.list).toHaveLength(1);
    expect(logs.list[0]).toMatchObject({ result: 'denied', logs: [`app ${other.appId}`] });
    ok(await mc.deletePipelineFunction({ funcId: fn.funcId }));
  });
});
