import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, prepareDefaultApp } from '../support/sign-in.js';
import { signedRequest } from '../support/signed-fetch.js';
import { authClient, startServer, type TestServer } from '../support/server.js';
import { postgresAvailable } from '../support/services.js';

/**
 * Bad input, on every `/api/v3` route the OpenAPI document lists (management routes signed with
 * the root key, the others with the default app and a signed-in user's token): malformed JSON,
 * each property with a wrong type, hostile strings everywhere, plausible values naming things that
 * do not exist. Each answer must be a catalogued refusal or a success — never a 500, never an
 * envelope without its `apiCode`. New routes are covered as soon as they have a schema.
 */
type Schema = { type?: string | string[]; properties?: Record<string, Schema>; required?: string[]; items?: Schema; enum?: unknown[]; format?: string; minimum?: number; maxLength?: number; anyOf?: Schema[]; oneOf?: Schema[] };
type Op = { security?: unknown[]; parameters?: Array<{ in: string; name: string; schema?: Schema }>; requestBody?: { content?: { 'application/json'?: { schema?: Schema } } } };

const HOSTILE = ['\u0000', "'; DROP TABLE users; --", '<script>alert(1)</script>', '../../../../etc/passwd', '${7*7}{{7*7}}', '\ud800', 'ｅｍｏｊｉ🙂'.repeat(50), 'x'.repeat(70_000)];

const typeOf = (s: Schema | undefined): string => {
  if (!s) return 'unknown';
  const alt = s.anyOf ?? s.oneOf;
  if (alt) return typeOf(alt[0]);
  const t = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
  return t ?? (s.properties ? 'object' : 'unknown');
};

/** A value of the schema's shape naming nothing that exists. */
function plausible(s: Schema | undefined, name: string, depth = 0): unknown {
  if (s?.enum?.length) return s.enum[0];
  switch (typeOf(s)) {
    case 'string':
      return s?.format === 'email' || /email/i.test(name) ? 'nobody.fuzz@example.com' : /phone/i.test(name) ? '13800000000' : /url|uri/i.test(name) ? 'https://fuzz.example/cb' : `no-such-${name}`.slice(0, s?.maxLength ?? 64);
    case 'integer':
    case 'number':
      return s?.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return depth > 3 ? [] : [plausible(s?.items, name, depth + 1)];
    case 'object':
      return depth > 3 ? {} : Object.fromEntries(Object.entries(s?.properties ?? {}).map(([k, v]) => [k, plausible(v, k, depth + 1)]));
    default:
      return `no-such-${name}`;
  }
}

/** A value of another type than the schema asks for. */
function wrong(s: Schema | undefined): unknown {
  switch (typeOf(s)) {
    case 'string':
      return { $gt: '' };
    case 'integer':
    case 'number':
      return 'NaN';
    case 'boolean':
      return 'yes';
    case 'array':
      return { length: 1e9 };
    case 'object':
      return [['__proto__', { polluted: true }]];
    default:
      return { constructor: { prototype: { polluted: true } } };
  }
}

/** Hostile strings where strings go, extreme numbers where numbers go. */
function hostile(s: Schema | undefined, i: number, depth = 0): unknown {
  switch (typeOf(s)) {
    case 'string':
      return HOSTILE[i % HOSTILE.length];
    case 'integer':
    case 'number':
      return i % 2 ? -1 : 1e308;
    case 'boolean':
      return false;
    case 'array':
      return depth > 3 ? [] : Array.from({ length: 3 }, (_, j) => hostile(s?.items, i + j, depth + 1));
    case 'object':
      return depth > 3 ? {} : { ...Object.fromEntries(Object.entries(s?.properties ?? {}).map(([k, v], j) => [k, hostile(v, i + j, depth + 1)])), __proto__x: 1 };
    default:
      return HOSTILE[i % HOSTILE.length];
  }
}

// PostgreSQL refuses what SQLite stores (NUL bytes, lone surrogates, over-long index keys), so both.
const dbs = (await postgresAvailable()) ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);
describe.each(dbs)('every API route, given bad input (%s)', (db) => {
  let s: TestServer;
  let token: string;
  let ops: Array<{ path: string; method: 'GET' | 'POST'; op: Op }>;
  let others: Array<{ path: string; methods: string[] }>;
  const failures: string[] = [];
  /** Answers per route and kind: the check is worth something only if requests get past authentication. */
  const reached = new Set<string>();

  beforeAll(async () => {
    s = await startServer({ db });
    const appSecret = await prepareDefaultApp(s);
    ok(await s.mgmt().createUser({ email: 'fuzz@example.com', password: 'granite harbour lantern' }));
    token = ok(await authClient({ appId: s.defaultAppId, appSecret, host: s.url }).signInByEmailPassword({ email: 'fuzz@example.com', password: 'granite harbour lantern' })).data.access_token as string;
    expect(token).toBeTruthy();
    const doc = (await (await fetch(`${s.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, Op>> };
    ops = Object.entries(doc.paths)
      .filter(([p]) => p.startsWith('/api/v3/') && !p.includes('{'))
      .flatMap(([path, o]) => (['get', 'post'] as const).filter((m) => o[m]).map((m) => ({ path, method: m.toUpperCase() as 'GET' | 'POST', op: o[m]! })));
    expect(ops.length).toBeGreaterThan(150);
    others = Object.entries(doc.paths)
      .filter(([p]) => !p.startsWith('/api/v3/'))
      .map(([path, o]) => ({ path, methods: Object.keys(o).filter((m) => m === 'get' || m === 'post') }));
  });
  afterAll(() => s?.close());

  async function send(o: { path: string; method: 'GET' | 'POST'; op: Op }, what: string, input: { query?: Record<string, string>; body?: unknown; raw?: string }) {
    let url: string;
    let init: RequestInit;
    if (o.op.security?.length) {
      ({ url, init } = signedRequest(s.url, {
        key: s.rootKey,
        method: o.method,
        path: o.path,
        ...(input.query ? { query: input.query } : {}),
        ...(o.method === 'POST' ? { body: (input.body ?? {}) as Record<string, unknown> } : {}),
        tamper: (p) => {
          if (input.raw !== undefined) p.bodyText = input.raw;
        },
      }));
    } else {
      const qs = input.query ? `?${new URLSearchParams(input.query).toString()}` : '';
      url = `${s.url}${o.path}${qs}`;
      init = {
        method: o.method,
        headers: { 'content-type': 'application/json', 'x-authing-app-id': s.defaultAppId, authorization: `Bearer ${token}` },
        ...(o.method === 'POST' ? { body: input.raw ?? JSON.stringify(input.body ?? {}) } : {}),
      };
    }
    const res = await fetch(url, init);
    const text = await res.text();
    let env: { statusCode?: number; apiCode?: unknown } = {};
    try {
      env = JSON.parse(text) as typeof env;
    } catch {
      // a non-JSON answer (a CSV export, a page) is judged by its HTTP status alone
    }
    const where = `${o.method} ${o.path} (${what})`;
    // 1300xxx: the signature was refused; 2020/2000xxx-ish token refusals are left to their own tests.
    if (!(typeof env.apiCode === 'number' && (Math.floor(env.apiCode / 1000) === 1300 || env.apiCode === 1000002))) reached.add(`${o.method} ${o.path}`);
    if (res.status >= 500) failures.push(`${where}: HTTP ${res.status} ${text.slice(0, 200)}`);
    else if (env.statusCode !== undefined && env.statusCode >= 500) failures.push(`${where}: statusCode ${env.statusCode} ${text.slice(0, 200)}`);
    else if (env.statusCode !== undefined && env.statusCode !== 200 && typeof env.apiCode !== 'number') failures.push(`${where}: refusal without apiCode ${text.slice(0, 200)}`);
  }

  it('never answers 500 or an uncatalogued refusal', async () => {
    for (const o of ops) {
      if (o.method === 'POST') {
        const schema = o.op.requestBody?.content?.['application/json']?.schema;
        const props = Object.entries(schema?.properties ?? {});
        await send(o, 'malformed JSON', { raw: '{"a":' });
        await send(o, 'a JSON array', { raw: '[1,2,3]' });
        await send(o, 'plausible values, nothing exists', { body: plausible(schema, 'body') });
        await send(o, 'hostile strings', { body: hostile(schema, 0) });
        for (const [k, v] of props) await send(o, `${k} of the wrong type`, { body: { ...(plausible(schema, 'body') as object), [k]: wrong(v) } });
      } else {
        const params = (o.op.parameters ?? []).filter((p) => p.in === 'query');
        const q = (f: (p: { name: string; schema?: Schema }, i: number) => unknown) => Object.fromEntries(params.map((p, i) => [p.name, String(f(p, i))]));
        await send(o, 'no parameters', {});
        await send(o, 'plausible values, nothing exists', { query: q((p) => plausible(p.schema, p.name)) });
        await send(o, 'hostile strings', { query: q((_, i) => HOSTILE[i % (HOSTILE.length - 1)]) });
        await send(o, 'wrong types', { query: q((p) => (typeOf(p.schema) === 'string' ? '' : 'not-a-number')) });
      }
    }
    expect(failures).toEqual([]);
    // Nearly every route got past authentication with at least one of its inputs.
    expect(reached.size, [...ops.map((o) => `${o.method} ${o.path}`)].filter((k) => !reached.has(k)).join(', ')).toBeGreaterThan(ops.length * 0.95);
  });
  it('the protocol and page routes (OIDC, SAML, CAS, social, interaction, QR, v2) never answer 5xx either', async () => {
    // Path parameters: the real pool and app, then ids of nothing and traversal attempts.
    const fill = (path: string, v: { app: string; pool: string; other: string }) =>
      path.replace('{poolId}', v.pool).replace('{appId}', v.app).replace(/\{\*\}|\{[A-Za-z]+\}/g, v.other);
    const values = [
      { app: s.defaultAppId, pool: s.poolId, other: 'no-such-thing' },
      { app: 'no-such-app', pool: 'no-such-pool', other: '..%2F..%2F..%2Fetc%2Fpasswd' },
      { app: '%00%3Cscript%3E', pool: s.poolId, other: encodeURIComponent(HOSTILE[1]!) },
    ];
    const query = new URLSearchParams({ SAMLRequest: 'not base64 !!', RelayState: HOSTILE[2]!, service: 'javascript:alert(1)', ticket: 'ST-forged', state: 'forged', code: 'forged', redirect_uri: 'https://evil.example/', client_id: 'no-such', uid: HOSTILE[0]! }).toString();
    let n = 0;
    for (const o of others) {
      for (const v of values) {
        const url = `${s.url}${fill(o.path, v)}?${query}`;
        for (const m of o.methods) {
          const bodies = m === 'post' ? ['{"a":', JSON.stringify({ SAMLRequest: '%%%', account: { $gt: '' }, password: ['x'], code: HOSTILE[7], phone: 12 }), 'SAMLRequest=%ZZ&RelayState=x'] : [undefined];
          for (const body of bodies) {
            const ct = body?.startsWith('SAML') ? 'application/x-www-form-urlencoded' : 'application/json';
            const res = await fetch(url, { method: m.toUpperCase(), redirect: 'manual', headers: { 'content-type': ct, 'x-authing-app-id': v.app }, ...(body !== undefined ? { body } : {}) });
            const text = await res.text();
            n++;
            if (res.status >= 500) failures.push(`${m.toUpperCase()} ${fill(o.path, v)}: HTTP ${res.status} ${text.slice(0, 200)}`);
          }
        }
      }
    }
    expect(n).toBeGreaterThan(200);
    expect(failures).toEqual([]);
  });
});
