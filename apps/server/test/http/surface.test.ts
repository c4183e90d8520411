import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { signedFetch } from '../support/signed-fetch.js';

/** Operations endpoints and the error behaviour every route shares. */
describe('HTTP surface', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({ config: { bodyLimitBytes: 4096 } });
  });
  afterAll(async () => s?.close());

  it('reports liveness and readiness of the database and KV store', async () => {
    const live = await fetch(`${s.url}/health/live`);
    expect(live.status).toBe(200);
    const ready = await fetch(`${s.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { 'database:sqlite': 'ok', 'kv:sql': 'ok' } });
  });

  it('puts a request id on every response, keeping a well-formed upstream one', async () => {
    const a = await fetch(`${s.url}/health/live`);
    expect(a.headers.get('x-request-id')).toMatch(/^[a-f0-9]{32}$/);
    const b = await fetch(`${s.url}/health/live`, { headers: { 'x-request-id': 'proxy-abc-12345' } });
    expect(b.headers.get('x-request-id')).toBe('proxy-abc-12345');
    const c = await fetch(`${s.url}/health/live`, { headers: { 'x-request-id': 'bad id <script>alert(1)</script>' } });
    expect(c.headers.get('x-request-id')).toMatch(/^[a-f0-9]{32}$/);
  });

  it('serves Prometheus metrics with route patterns and apiCodes', async () => {
    await fetch(`${s.url}/api/v3/get-userpool`); // refused: 1300003 (unsigned)
    const m = await fetch(`${s.url}/metrics`);
    expect(m.status).toBe(200);
    expect(m.headers.get('content-type')).toContain('text/plain');
    const text = await m.text();
    expect(text).toContain('gatehouse_http_request_duration_seconds_bucket');
    expect(text).toMatch(/gatehouse_api_errors_total\{api_code="1300003"\} [1-9]/);
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('publishes an OpenAPI document covering the management routes, and a reference page', async () => {
    const doc = (await (await fetch(`${s.url}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    for (const p of ['/api/v3/create-user', '/api/v3/list-users', '/api/v3/create-application', '/api/v3/assign-role', '/api/v3/create-userpool', '/health/ready']) {
      expect(doc.paths, p).toHaveProperty([p]);
    }
    const page = await fetch(`${s.url}/docs/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger');
  });

  it('answers unknown API routes with the envelope (1000005) and other unknown paths with a real 404', async () => {
    const api = await fetch(`${s.url}/api/v3/no-such-thing`);
    expect(api.status).toBe(200);
    expect(await api.json()).toMatchObject({ statusCode: 404, apiCode: 1000005 });
    const other = await fetch(`${s.url}/nope`);
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ error: 'request.route_not_found', apiCode: 1000005 });
  });

  it('refuses malformed JSON (1000001), oversized bodies (1000003) and non-JSON bodies (1000004)', async () => {
    const post = (body: string, type = 'application/json') =>
      fetch(`${s.url}/api/v3/create-user`, { method: 'POST', headers: { 'content-type': type }, body }).then((r) => r.json());
    expect(await post('{"email": ')).toMatchObject({ statusCode: 400, apiCode: 1000001 });
    expect(await post(JSON.stringify({ name: 'x'.repeat(5000) }))).toMatchObject({ statusCode: 413, apiCode: 1000003 });
    expect(await post('email=a', 'application/x-www-form-urlencoded')).toMatchObject({ statusCode: 415, apiCode: 1000004 });
  });

  it('refuses wrong types and unknown fields with the field named (1000002), writing nothing', async () => {
    const wrongType = await signedFetch(s.url, { method: 'POST', path: '/api/v3/create-userpool', key: s.rootKey, body: { name: 42 } });
    expect(wrongType.body).toMatchObject({ statusCode: 400, apiCode: 1000002 });
    expect(wrongType.body.message).toContain('body/name');
    const unknown = await signedFetch(s.url, { method: 'POST', path: '/api/v3/create-userpool', key: s.rootKey, body: { name: 'P', color: 'red' } });
    expect(unknown.body).toMatchObject({ statusCode: 400, apiCode: 1000002 });
    expect(unknown.body.message).toContain("'color'");
    const list = await signedFetch(s.url, { path: '/api/v3/list-userpools', key: s.rootKey });
    expect(list.body.data.totalCount).toBe(1);
  });

  it('refuses hostile pool ids and duplicate ids with specific errors', async () => {
    const bad = await signedFetch(s.url, { method: 'POST', path: '/api/v3/create-userpool', key: s.rootKey, body: { name: 'P', userPoolId: 'a:b/../c' } });
    expect(bad.body).toMatchObject({ statusCode: 400, apiCode: 1000002 });
    const ok = await signedFetch(s.url, { method: 'POST', path: '/api/v3/create-userpool', key: s.rootKey, body: { name: 'P', userPoolId: 'pool-p' } });
    expect(ok.body.statusCode).toBe(200);
    const dup = await signedFetch(s.url, { method: 'POST', path: '/api/v3/create-userpool', key: s.rootKey, body: { name: 'P', userPoolId: 'pool-p' } });
    expect(dup.body).toMatchObject({ statusCode: 409, apiCode: 2240001 });
  });
});
