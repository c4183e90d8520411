import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authClient, startServer, type TestServer } from '../support/server.js';
import { postgresAvailable } from '../support/services.js';
import { prepareDefaultApp } from '../support/sign-in.js';
import { raw, type Envelope } from '../support/management.js';
import { freshEnv, runCli } from '../cli/run-cli.js';
import { normalizeIdentifier } from '../../src/services/users/identifiers.js';

/**
 * Control characters in request input and the identifier profile for usernames (security.md
 * §0 items 33, 34; docs/security.md "Identifiers"). A NUL byte used to reach PostgreSQL and
 * answer 1000500 even on unauthenticated routes; CR/LF, bidi overrides, zero-width characters,
 * blank and mixed-script names used to be stored as given. Now both backends answer the same
 * catalogued refusal, usernames are stored in one form and looked up in it, and passwords stay
 * exactly as sent.
 */
const hasPg = await postgresAvailable();
const backends = (['sqlite', 'postgres'] as const).filter((b) => b === 'sqlite' || hasPg);

const post = async (s: TestServer, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Envelope> => {
  const res = await fetch(`${s.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-authing-app-id': s.defaultAppId, ...headers }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as Envelope;
};

describe.each(backends)('control characters on %s', (db) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({ db, config: { sendLimitIpPerHour: 100000, emailProvider: 'console' } });
    await prepareDefaultApp(s);
  });
  afterAll(async () => s?.close());

  it.each([
    ['signin account', '/api/v3/signin', { connection: 'PASSWORD', passwordPayload: { account: 'ali\u0000ce', password: 'whatever it is' } }],
    ['signin email', '/api/v3/signin', { connection: 'PASSWORD', passwordPayload: { email: 'a\u0000@example.com', password: 'whatever it is' } }],
    ['signin username with CRLF', '/api/v3/signin', { connection: 'PASSWORD', passwordPayload: { username: 'alice\r\nadmin', password: 'whatever it is' } }],
    ['signup username', '/api/v3/signup', { connection: 'PASSWORD', passwordPayload: { username: 'nul\u0000user', password: 'a long enough passphrase' } }],
    ['send-email recipient', '/api/v3/send-email', { email: 'x\u0000@example.com', channel: 'CHANNEL_LOGIN' }],
    ['send-sms recipient', '/api/v3/send-sms', { phoneNumber: '1380000\u00000000', channel: 'CHANNEL_LOGIN' }],
  ])('refuses %s with the catalogued error, not a 500', async (_name, path, body) => {
    const r = await post(s, path, body);
    expect(r).toMatchObject({ statusCode: 400, apiCode: 2110001, data: null });
  });

  it('refuses a NUL in a profile field and in a query string of the management API', async () => {
    const mc = s.mgmt();
    expect(await raw(mc, 'POST', '/api/v3/create-user', { email: 'nick@example.com', nickname: 'ni\u0000ck' })).toMatchObject({ statusCode: 400, apiCode: 2110001 });
    expect(await raw(mc, 'GET', '/api/v3/get-user', { userId: 'abc\u0000' })).toMatchObject({ statusCode: 400, apiCode: 2110001 });
    // Nothing was written.
    expect((await raw(mc, 'GET', '/api/v3/get-user', { userId: 'nick@example.com', userIdType: 'email' })).apiCode).toBe(2004);
  });

  it('answers a real 400 outside /api/v3 (OIDC authorization request, pool path)', async () => {
    const a = await fetch(`${s.url}/oidc/auth?client_id=%00&response_type=code`, { redirect: 'manual' });
    expect(a.status).toBe(400);
    expect(await a.json()).toMatchObject({ apiCode: 2110001 });
    const b = await fetch(`${s.url}/pools/x%00y/oidc/.well-known/openid-configuration`);
    expect(b.status).toBe(400);
  });

  it.each([
    ['a percent-encoded NUL in the client id', 'client_id=ab%00c&grant_type=client_credentials'],
    ['a percent-encoded C1 control (U+0085) in the client id', 'client_id=ab%C2%85c&grant_type=client_credentials'],
    ['a percent-encoded DEL in a key', 'gr%7Fant_type=client_credentials'],
    ['a raw control character in a value', 'client_id=ab\u0001c&grant_type=client_credentials'],
    ['a percent-encoded ESC in the introspected token', 'token=abc%1bdef&client_id=x&client_secret=y'],
  ])('refuses %s of an OAuth form body (decoded before the check)', async (_name, body) => {
    const path = body.startsWith('token=') ? '/oidc/token/introspection' : '/oidc/token';
    const r = await fetch(`${s.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ apiCode: 2110001 });
  });

  it('keeps multi-line text (a template with line breaks) but not other controls in it', async () => {
    const mc = s.mgmt();
    const ok = await raw(mc, 'POST', '/api/v3/update-message-template', { kind: 'email', channel: 'CHANNEL_LOGIN', lang: 'en', subject: 'Code', text: 'Line one\r\n\tLine two {{code}}' });
    expect(ok.statusCode, ok.message).toBe(200);
    expect(await raw(mc, 'POST', '/api/v3/update-message-template', { kind: 'email', channel: 'CHANNEL_LOGIN', lang: 'en', subject: 'Code', text: 'esc \u001b[31m {{code}}' })).toMatchObject({ apiCode: 2110001 });
  });
});

describe.each(backends)('the username profile on %s', (db) => {
  let s: TestServer;
  let appSecret: string;
  beforeAll(async () => {
    s = await startServer({ db });
    appSecret = await prepareDefaultApp(s);
  });
  afterAll(async () => s?.close());
  const client = () => authClient({ appId: s.defaultAppId, appSecret, host: s.url });

  it.each([
    ['CR LF', 'admin\r\n', 2110001],
    ['right-to-left override', 'ad\u202Emin', 2110002],
    ['zero-width space', 'ad\u200Bmin', 2110002],
    ['zero-width joiner', 'ad\u200Dmin', 2110002],
    ['only spaces', '    ', 2110003],
    ['Latin with Cyrillic', 'p\u0430ypal', 2110004],
    ['Cyrillic that looks Latin', '\u0440\u0430\u0443\u0440\u0430', 2110005],
    ['private use', 'user\uE000', 2110006],
  ])('refuses %s at admin create, admin update and registration; nothing is stored', async (_name, username, apiCode) => {
    const mc = s.mgmt();
    expect(await raw(mc, 'POST', '/api/v3/create-user', { username })).toMatchObject({ apiCode, data: null });
    const existing = (await raw(mc, 'POST', '/api/v3/create-user', { email: `holder.${apiCode}.${Math.random().toString(36).slice(2)}@example.com` })).data as { userId: string };
    expect(await raw(mc, 'POST', '/api/v3/update-user', { userId: existing.userId, username })).toMatchObject({ apiCode });
    expect(await client().signUp({ connection: 'PASSWORD', passwordPayload: { username, password: 'a long enough passphrase' } } as never)).toMatchObject({ apiCode });
    expect((await raw(mc, 'GET', '/api/v3/get-user', { userId: existing.userId })).data.username ?? null).toBeNull();
  });

  it('stores one form (NFKC, lower case, trimmed), refuses its look-alikes as taken, and signs in by any spelling', async () => {
    const mc = s.mgmt();
    const created = await raw(mc, 'POST', '/api/v3/create-user', { username: ' \uFF21\uFF2C\uFF29\uFF23\uFF25 ', password: 'Correct Horse  battery ünïcode' });
    expect(created.statusCode, created.message).toBe(200);
    expect(created.data.username).toBe('alice');
    expect(await raw(mc, 'POST', '/api/v3/create-user', { username: 'Alice' })).toMatchObject({ apiCode: 2100001 });
    expect((await raw(mc, 'GET', '/api/v3/get-user', { userId: 'ALICE', userIdType: 'username' })).data.userId).toBe(created.data.userId);
    for (const spelling of ['alice', 'ALICE', 'Alice ', '\uFF41\uFF4C\uFF49\uFF43\uFF45']) {
      const r = await client().signInByUsernamePassword({ username: spelling, password: 'Correct Horse  battery ünïcode' } as never);
      expect(r, spelling).toMatchObject({ statusCode: 200 });
    }
    // Passwords are verified exactly as sent: no trimming, case folding or normalisation.
    for (const wrong of ['Correct Horse battery ünïcode', 'correct horse  battery ünïcode', 'Correct Horse  battery u\u0308n\u0131\u0308code', ' Correct Horse  battery ünïcode']) {
      expect((await client().signInByUsernamePassword({ username: 'alice', password: wrong } as never)).statusCode, wrong).not.toBe(200);
    }
  });

  it('accepts single-script and the CJK writing systems', async () => {
    const mc = s.mgmt();
    for (const [username, stored] of [['Сергей', 'сергей'], ['山田太郎', '山田太郎'], ['yamada山田たろう', 'yamada山田たろう'], ['김철수', '김철수'], ['Zhang San', 'zhang san'], ['ﬁsh_01', 'fish_01']]) {
      const r = await raw(mc, 'POST', '/api/v3/create-user', { username });
      expect(r.statusCode, `${username}: ${r.message}`).toBe(200);
      expect(r.data.username).toBe(stored);
    }
  });

  it('exports the lookup/counter normalisation the sign-in engine keys on', () => {
    expect(normalizeIdentifier(' Alice@Example.COM ')).toBe('alice@example.com');
    expect(normalizeIdentifier('\uFF21lice')).toBe('alice');
    expect(normalizeIdentifier('+86 138-0000 0000')).toBe('+8613800000000');
    expect(normalizeIdentifier('\uFF11\uFF13\uFF18\uFF10\uFF10\uFF10\uFF10\uFF10\uFF10\uFF10\uFF10')).toBe('13800000000');
  });
});

describe('the username profile at import (CLI)', () => {
  it('imports in the stored form and refuses a hostile name, all or nothing', async () => {
    const { dir, env } = freshEnv();
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ username: 'ＢＯＢ' }, { username: 'e\u202Eve' }]));
    const refused = await runCli(['user', 'import', bad], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('2110002');
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify([{ username: 'ＢＯＢ' }]));
    const imported = await runCli(['user', 'import', good], env);
    expect(imported.code, imported.stderr).toBe(0);
    const again = join(dir, 'again.json');
    writeFileSync(again, JSON.stringify([{ username: 'bob' }]));
    expect((await runCli(['user', 'import', again], env)).stderr).toContain('already exists');
  });
});
