import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { signedFetch, signedRequest } from '../support/signed-fetch.js';

/** Request signing as the vendor's ManagementClient does it, and every way to get it wrong. */
describe('management request signing', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(async () => s?.close());

  const call = (o: Partial<Parameters<typeof signedFetch>[1]> = {}) => signedFetch(s.url, { path: '/api/v3/get-userpool', key: s.rootKey, ...o });
  const expectRefused = (r: Awaited<ReturnType<typeof call>>, statusCode: number, apiCode: number) => {
    expect(r.http).toBe(200); // the vendor envelope: errors live in the body
    expect(r.body).toMatchObject({ statusCode, apiCode, data: null });
    expect(r.body.requestId).toMatch(/^[A-Za-z0-9._-]{8,}$/);
  };

  it('accepts the unmodified vendor client', async () => {
    const res = await s.mgmt().makeRequest({ method: 'GET', url: '/api/v3/get-userpool' });
    expect(res).toMatchObject({ statusCode: 200, data: { userPoolId: s.poolId, isDefault: true } });
  });

  it('accepts a correctly signed raw request', async () => {
    const r = await call();
    expect(r.body.statusCode).toBe(200);
  });

  it('refuses an unsigned request with a signing-family code saying the signature is missing (1300003)', async () => {
    const r = await fetch(`${s.url}/api/v3/get-userpool`);
    expect(r.status).toBe(200);
    const body = (await r.json()) as { message: string };
    expect(body).toMatchObject({ statusCode: 401, apiCode: 1300003, data: null });
    expect(body.message).toMatch(/signature is missing/);
    const post = await fetch(`${s.url}/api/v3/create-user`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"x@example.com"}' });
    expect(await post.json()).toMatchObject({ statusCode: 401, apiCode: 1300003 });
  });

  it('refuses a wrong secret, an unknown key and a malformed header alike (1300)', async () => {
    expectRefused(await call({ key: { accessKeyId: s.rootKey.accessKeyId, accessKeySecret: 'wrong-secret-wrong-secret-123' } }), 401, 1300);
    expectRefused(await call({ key: { accessKeyId: 'ak_nobody', accessKeySecret: s.rootKey.accessKeySecret } }), 401, 1300);
    expectRefused(await call({ tamper: (p) => void (p.headers.authorization = 'authing garbage') }), 401, 1300);
    // A bearer token is the console's administrator scheme: one that is not an administrator's
    // session answers "console session ended" (7500001), never a signature check.
    expectRefused(await call({ tamper: (p) => void (p.headers.authorization = `Bearer ${s.rootKey.accessKeySecret}`) }), 401, 7500001);
  });

  it('refuses a body, query or signed header changed after signing (1300)', async () => {
    const body = { name: 'Pool T' };
    expectRefused(await call({ method: 'POST', path: '/api/v3/create-userpool', body, tamper: (p) => void (p.bodyText = JSON.stringify({ name: 'Pool X' })) }), 401, 1300);
    expectRefused(await call({ query: { a: '1' }, tamper: (p) => void (p.url = p.url.replace('a=1', 'a=2')) }), 401, 1300);
    expectRefused(await call({ tamper: (p) => void (p.headers['x-authing-lang'] = 'zh-CN') }), 401, 1300);
    expectRefused(await call({ tamper: (p) => void (p.headers['x-authing-extra'] = 'added') }), 401, 1300);
  });

  it('refuses a foreign signature method (1301) or version (1302)', async () => {
    expectRefused(await call({ extraHeaders: { 'x-authing-signature-method': 'HMAC-MD5' } }), 401, 1301);
    expectRefused(await call({ extraHeaders: { 'x-authing-signature-version': '2.0' } }), 401, 1302);
  });

  it('refuses a missing (1304), unparsable (1303) or skewed (1305) date', async () => {
    expectRefused(await call({ date: null }), 401, 1304);
    expectRefused(await call({ date: 'yesterday-ish' }), 401, 1303);
    expectRefused(await call({ date: new Date(Date.now() - 10 * 60_000).toUTCString() }), 401, 1305);
    expectRefused(await call({ date: new Date(Date.now() + 10 * 60_000).toUTCString() }), 401, 1305);
  });

  it('refuses a missing nonce (1300001) and a replayed request (1306)', async () => {
    expectRefused(await call({ nonce: null }), 401, 1300001);
    const { url, init } = signedRequest(s.url, { path: '/api/v3/get-userpool', key: s.rootKey });
    const first = await fetch(url, init);
    expect(((await first.json()) as { statusCode: number }).statusCode).toBe(200);
    const replay = await fetch(url, init);
    expect(await replay.json()).toMatchObject({ statusCode: 401, apiCode: 1306 });
  });

  it('a stolen nonce cannot be burned by an unauthenticated caller', async () => {
    const nonce = 'nonce-for-burn-test-0001';
    expectRefused(await call({ nonce, key: { accessKeyId: s.rootKey.accessKeyId, accessKeySecret: 'not-the-secret-not-the-secret' } }), 401, 1300);
    expect((await call({ nonce })).body.statusCode).toBe(200);
  });

  it('confines a key to its own pool (1300002, 1000007)', async () => {
    const created = await s.mgmt().makeRequest({ method: 'POST', url: '/api/v3/create-userpool', data: { name: 'Pool B' } });
    expect(created.statusCode).toBe(200);
    const keyB = { accessKeyId: created.data.accessKeyId, accessKeySecret: created.data.accessKeySecret };
    expect(keyB.accessKeySecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const own = await call({ key: keyB });
    expect(own.body.data.userPoolId).toBe(created.data.userPoolId);
    // Claiming pool A with pool B's key
    expectRefused(await call({ key: keyB, extraHeaders: { 'x-authing-userpool-id': s.poolId } }), 403, 1300002);
    // Only root (default-pool) keys may manage pools
    expectRefused(await call({ key: keyB, method: 'POST', path: '/api/v3/create-userpool', body: { name: 'C' } }), 403, 1000007);
    expectRefused(await call({ key: keyB, path: '/api/v3/list-userpools' }), 403, 1000007);
    const list = await call({ path: '/api/v3/list-userpools' });
    // The two pools, plus the console's administrators pool when the server has created it.
    const ids = (list.body.data.list as Array<{ userPoolId: string }>).map((p) => p.userPoolId);
    expect(ids).toEqual(expect.arrayContaining([s.poolId, created.data.userPoolId]));
    expect(list.body.data.totalCount).toBeLessThanOrEqual(3);
  });

  it('answers in Chinese when asked (x-authing-lang: zh-CN)', async () => {
    const r = await fetch(`${s.url}/api/v3/get-userpool`, { headers: { 'x-authing-lang': 'zh-CN' } });
    expect(((await r.json()) as { message: string }).message).toContain('缺少请求签名');
  });
});
