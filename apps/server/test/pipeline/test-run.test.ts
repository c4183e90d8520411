import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import { startServer, type TestServer } from '../support/server.js';
import { ok as okEnvelope, raw, refused, type Envelope } from '../support/management.js';

const ok = (r: unknown): any => okEnvelope(r as Envelope);

/**
 * The test run (`POST /api/v3/test-pipeline-function`, docs/pipeline.md "Trying a function"): a
 * stored function or a draft source runs in the sandbox with a sample user and context, and the
 * answer holds what it produced, its console output and its failure — with the run's limits, and
 * without touching any account or the pipeline logs.
 */
describe('test-pipeline-function', () => {
  let s: TestServer;
  let mc: ManagementClient;
  const run = async (body: Record<string, unknown>) => (await raw(mc, 'POST', '/api/v3/test-pipeline-function', body)) as Envelope;

  beforeAll(async () => {
    s = await startServer();
    mc = s.mgmt();
    ok(await raw(mc, 'POST', '/api/v3/set-pipeline-env', { key: 'PLAN', value: 'platinum-plan' }));
  });
  afterAll(async () => s?.close());

  it('runs a stored function with a sample user and context: claims, profile changes, console output, no log row, no account touched', async () => {
    const fn = ok(
      await mc.createPipelineFunction({
        funcName: 'Claims',
        scene: 'POST_AUTHENTICATION',
        timeout: 15,
        sourceCode: `async function pipe(user, context, callback) {
          console.log('signing in', user.email, 'from', context.request.ip, 'plan', env.PLAN);
          user.addIdToken('tier', context.context.tier);
          user.addAccessToken('org', 'acme');
          user.setCustomData('seen', true);
          user.nickname = 'Tested';
          callback(null, user, context);
        }`,
      } as never),
    ) as { funcId: string };
    const r = ok(await run({ funcId: fn.funcId, user: { userId: 'sample-1', email: 'sample@example.com', nickname: 'Before' }, context: { request: { ip: '203.0.113.9' }, context: { tier: 'gold' } } }));
    expect(r).toMatchObject({
      result: 'success',
      scene: 'POST_AUTHENTICATION',
      message: null,
      idToken: { tier: 'gold' },
      accessToken: { org: 'acme' },
      customData: { seen: true },
      mfaRequested: false,
      user: { email: 'sample@example.com', nickname: 'Tested' },
    });
    // The pool's secret values never come back in the output.
    expect(r.logs).toEqual(['signing in sample@example.com from 203.0.113.9 plan [redacted]']);
    expect(typeof r.durationMs).toBe('number');
    // A test run is not a sign-in: no log row, and the function's last status is untouched.
    expect(ok(await mc.getPipelineLogs({ funcId: fn.funcId, page: 1, limit: 10 }))).toMatchObject({ totalCount: 0 });
    ok(await mc.deletePipelineFunction({ funcId: fn.funcId }));
  });

  it('runs a draft source: a refusal, a fault with its details (for the administrator), a timeout, the memory limit', async () => {
    const denied = ok(await run({ sourceCode: `async function pipe(user, context, callback) { callback(new Error('Access denied.')) }`, scene: 'PRE_REGISTER', context: { request: { body: { email: 'a@other.org' } } } }));
    expect(denied).toMatchObject({ result: 'denied', message: 'Access denied.', user: null });

    const fault = ok(await run({ sourceCode: `async function pipe(user, context, callback) { console.log('before'); require('fs') }`, scene: 'PRE_REGISTER' }));
    expect(fault).toMatchObject({ result: 'error', logs: ['before'] });
    expect(fault.message).toMatch(/require is not defined/);

    const loop = ok(await run({ sourceCode: `async function pipe() { while (true) {} }`, scene: 'PRE_AUTHENTICATION', timeout: 1 }));
    expect(loop).toMatchObject({ result: 'timeout' });

    const big = ok(await run({ sourceCode: `async function pipe() { const a = []; while (true) a.push(new Array(1e6).fill(1)); }`, scene: 'PRE_AUTHENTICATION', timeout: 30 }));
    expect(big).toMatchObject({ result: 'memory' });
  });

  it('refuses a bad sample or source with catalogued errors', async () => {
    refused((await run({ sourceCode: 'function pipe() {}', scene: 'PRE_REGISTER', user: 'not an object' })) as never, 7000014);
    refused((await run({ sourceCode: 'function pipe() {}', scene: 'PRE_REGISTER', context: [1, 2] })) as never, 7000014);
    refused((await run({ sourceCode: 'function pipe() {}', scene: 'PRE_REGISTER', context: { blob: 'x'.repeat(40_000) } })) as never, 7000014);
    refused((await run({ sourceCode: 'function pipe(', scene: 'PRE_REGISTER' })) as never, 7000004);
    refused((await run({ scene: 'PRE_REGISTER' })) as never, 7000004);
    refused((await run({ sourceCode: 'function pipe() {}', scene: 'NOWHERE' })) as never, 7000002);
    refused((await run({ sourceCode: 'function pipe() {}', scene: 'PRE_REGISTER', timeout: 0 })) as never, 7000003);
    refused((await run({ funcId: 'nope' })) as never, 7000001);
  });
  it('many runs, 16 at a time, each holding 8 MB while it runs: every one succeeds', async () => {
    // The sandbox frees each finished run's context at once and bounds a pool's concurrent runs
    // (sandbox/worker.ts). The leak that fix closed showed only under the sign-in path's sustained
    // load (the bench's pipeline scenario: 32-64 refused sign-ins per 10-s run before, none after);
    // this test did not reproduce it, and keeps the concurrent behaviour of runs in check.
    const source = `async function pipe(user, context, callback) {
      const hold = new Array(1024 * 1024).fill(1.5);
      user.addIdToken('n', hold.length);
      callback(null, user, context);
    }`;
    const results: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < 160) {
          next++;
          const r = await run({ sourceCode: source, scene: 'POST_AUTHENTICATION', user: { userId: 'load', email: 'load@example.com' } });
          results.push(r.statusCode === 200 ? String((r.data as { result: string; message: string | null }).result) + (((r.data as { message: string | null }).message) ? `: ${(r.data as { message: string }).message}` : '') : `${r.statusCode} ${r.message}`);
        }
      }),
    );
    expect(results.length).toBeGreaterThanOrEqual(160);
    expect(results.filter((x) => x !== 'success')).toEqual([]);
  }, 120_000);
});
