import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type TestServer } from '../support/server.js';
import { prepareDefaultApp } from '../support/sign-in.js';
import { createPool } from '../support/management.js';
import type { PasswordTypeElement } from '../../src/login-methods/jitai/password-type.js';

/**
 * Issue #4 "done when": the JitAi instance folder example of seeds/002_4e3abf45e3e17e9a.txt
 * loads (from `loginTypesDir` at start) and its operations work through the TypeScript API;
 * the login code is exchanged over HTTP; bad folders give errors naming file and field.
 */

// The seed's files, verbatim.
const SEED_E_JSON = `{
"title": "Account Password Login",
"type": "auths.loginTypes.PasswordType",
"default": 1,
"allowRegister": 1,
"backendBundleEntry": ".",
"frontBundleEntry": "./Config.json"
}`;
const SEED_CONFIG_JSON = `{
"authConfig": {
"salt": "your_custom_salt_32_chars_long"
},
"isActive": true,
"limit": {
"minLength": 6,
"maxLength": 20,
"requireUppercase": false,
"requireNumber": false
}
}`;

const tmp: string[] = [];
function appDir(instances: Record<string, Record<string, string>>, nested = true): string {
  const root = mkdtempSync(join(tmpdir(), 'gatehouse-jitai-'));
  tmp.push(root);
  const base = nested ? join(root, 'auths', 'loginTypes') : root;
  for (const [name, files] of Object.entries(instances)) {
    mkdirSync(join(base, name), { recursive: true });
    for (const [f, text] of Object.entries(files)) writeFileSync(join(base, name, f), text);
  }
  return root;
}

let s: TestServer;
let appSecret: string;
let auth: PasswordTypeElement;
const md5 = (x: string) => createHash('md5').update(x).digest('hex');
const answer = async (token: string) => (await s.container.kv.get(`p:${s.poolId}:captcha:${token}`))!;
const mgmt = (method: 'GET' | 'POST', url: string, body?: unknown) =>
  s.mgmt().makeRequest(method === 'GET' ? { method, url, params: body as Record<string, unknown> } : { method, url, data: body }) as Promise<{ statusCode: number; apiCode?: number; message: string; data: any }>;
const exchange = (loginCode: string) =>
  fetch(`${s.url}/api/v3/exchange-login-code`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-authing-app-id': s.defaultAppId },
    body: JSON.stringify({ loginCode, client_id: s.defaultAppId, client_secret: appSecret }),
  }).then((r) => r.json() as Promise<{ statusCode: number; apiCode?: number; data: any }>);

async function loginCode(el: PasswordTypeElement, username: string, password: string) {
  const c = await el.generateCaptcha();
  return el.getLoginCode({ username, password, captcha: await answer(c.token), token: c.token });
}
async function thrown(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

let dir: string;
beforeAll(async () => {
  dir = appDir({ MyPasswordAuth: { 'e.json': SEED_E_JSON, 'Config.json': SEED_CONFIG_JSON } });
  s = await startServer({ config: { loginTypesDir: dir } });
  appSecret = await prepareDefaultApp(s);
  auth = await s.container.accounts.loginTypes.getElement(s.poolId, 'auths.loginTypes.MyPasswordAuth');
});
afterAll(async () => {
  await s?.close();
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});

describe('the seed instance folder, loaded at start', () => {
  it('has the element properties of e.json', () => {
    expect(auth).toMatchObject({ name: 'MyPasswordAuth', title: 'Account Password Login', type: 'auths.loginTypes.PasswordType', isDefault: true, allowRegister: true, isActive: true, authModelElemName: 'auths.loginTypes.MyPasswordAuth' });
  });

  it('bind → generateCaptcha → getLoginCode → exchange the single-use code for tokens', async () => {
    const u = await s.container.services.users.create(s.poolId, { email: 'jit@example.com' });
    expect(await auth.bind({ userId: u.userId, username: 'admin', password: 'orchard velvet compass' })).toMatchObject({ success: true });
    expect(await thrown(auth.bind({ userId: u.userId, username: 'admin', password: 'orchard velvet compass' }))).toMatchObject({ apiCode: 2060017 });

    const cap = await auth.generateCaptcha();
    expect(cap.img).toMatch(/^data:image\/svg\+xml;base64,/);
    const r = await auth.getLoginCode({ username: 'admin', password: 'orchard velvet compass', captcha: (await answer(cap.token)).toUpperCase(), token: cap.token });
    expect(r).toMatchObject({ userId: u.userId, corpList: [] });
    expect(r.loginCode.length).toBeGreaterThanOrEqual(43);

    const tokens = await exchange(r.loginCode);
    expect(tokens).toMatchObject({ statusCode: 200, data: { token_type: 'Bearer' } });
    const me = await fetch(`${s.url}/oidc/me`, { headers: { authorization: `Bearer ${tokens.data.access_token}` } }).then((x) => x.json());
    expect(me).toMatchObject({ sub: u.userId });
    expect(await exchange(r.loginCode)).toMatchObject({ apiCode: 2060009 }); // single use
    expect(await exchange('x'.repeat(43))).toMatchObject({ apiCode: 2060009 });
  });

  it('throws the element error names: PASSWORD_ERROR, CAPTCHA_ERROR, USER_AUTH_MISS', async () => {
    const wrong = await thrown(loginCode(auth, 'admin', 'not the password'));
    expect(wrong).toMatchObject({ name: 'PASSWORD_ERROR', apiCode: 2333 });
    expect(String(wrong)).toContain('PASSWORD_ERROR');
    // unknown users look like wrong passwords unless the pool opts into distinct errors
    expect(await thrown(loginCode(auth, 'nobody', 'not the password'))).toMatchObject({ name: 'PASSWORD_ERROR', apiCode: 2333 });
    await s.container.authn.settings.update(s.poolId, { distinctLoginErrors: true });
    expect(await thrown(loginCode(auth, 'nobody', 'not the password'))).toMatchObject({ name: 'USER_AUTH_MISS', apiCode: 2004 });
    await s.container.authn.settings.update(s.poolId, { distinctLoginErrors: false });

    expect(await thrown(auth.getLoginCode({ username: 'admin', password: 'orchard velvet compass' }))).toMatchObject({ name: 'CAPTCHA_ERROR', apiCode: 2060001 });
    const cap = await auth.generateCaptcha();
    expect(await thrown(auth.getLoginCode({ username: 'admin', password: 'orchard velvet compass', captcha: 'zzzz', token: cap.token }))).toMatchObject({ name: 'CAPTCHA_ERROR', apiCode: 2060002 });
    expect(await thrown(auth.getLoginCode({ username: '', password: 'x', captcha: 'a', token: 'b' }))).toMatchObject({ apiCode: 1000002 });
    // failures count in the same lockout as /api/v3/signin; a success resets them
    await loginCode(auth, 'admin', 'orchard velvet compass');
  });

  it('checkCaptcha: right answer once, case-insensitive; wrong or reused is false', async () => {
    const a = await auth.generateCaptcha();
    expect(await auth.checkCaptcha(a.token, (await answer(a.token)).toUpperCase())).toBe(true);
    expect(await auth.checkCaptcha(a.token, await answer(a.token).catch(() => 'x'))).toBe(false);
    const b = await auth.generateCaptcha();
    expect(await auth.checkCaptcha(b.token, 'nope')).toBe(false);
  });

  it('updatePassword (old password checked, sessions ended) and updateUsername', async () => {
    const uid = (await s.container.repos.users.findBy(s.poolId, 'username', 'admin'))!.id;
    expect(await thrown(auth.updatePassword({ userId: uid, oldPassword: 'wrong', newPassword: 'new jitai secret' }))).toMatchObject({ name: 'PASSWORD_ERROR', apiCode: 2006 });
    expect(await thrown(auth.updatePassword({ userId: uid, oldPassword: 'orchard velvet compass', newPassword: 'short' }))).toMatchObject({ apiCode: 2100004 });
    expect(await auth.updatePassword({ userId: uid, oldPassword: 'orchard velvet compass', newPassword: 'new jitai secret' })).toMatchObject({ success: true });
    await loginCode(auth, 'admin', 'new jitai secret');

    await s.container.services.users.create(s.poolId, { username: 'taken_name' });
    expect(await thrown(auth.updateUsername({ userId: uid, username: 'taken_name' }))).toMatchObject({ apiCode: 2100001 });
    expect(await auth.updateUsername({ userId: uid, username: 'admin2' })).toMatchObject({ success: true, username: 'admin2' });
    expect((await loginCode(auth, 'admin2', 'new jitai secret')).userId).toBe(uid);
    expect(await thrown(auth.updateUsername({ userId: 'no-such-user', username: 'x' }))).toMatchObject({ name: 'USER_AUTH_MISS', apiCode: 2004 });
  });

  it('encryptPassword gives an importable argon2id hash; refreshDbPassword marks hashes', async () => {
    const hash = await auth.encryptPassword('exported secret value');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const r = await s.mgmt().createUser({ username: 'imported_one', password: hash, options: { keepPassword: true } });
    expect(r).toMatchObject({ statusCode: 200 });
    await loginCode(auth, 'imported_one', 'exported secret value');
    const refreshed = await auth.refreshDbPassword();
    expect(refreshed.count).toBeGreaterThanOrEqual(2);
    const row = await s.container.repos.users.findBy(s.poolId, 'username', 'imported_one');
    expect(row!.password_refresh).toBe(1);
    await loginCode(auth, 'imported_one', 'exported secret value');
    expect((await s.container.repos.users.findBy(s.poolId, 'username', 'imported_one'))!.password_refresh).toBe(0);
  });

  it('unbind removes the credential', async () => {
    const uid = (await s.container.repos.users.findBy(s.poolId, 'username', 'imported_one'))!.id;
    expect(await auth.unbind({ userId: uid })).toMatchObject({ success: true });
    expect(await thrown(loginCode(auth, 'imported_one', 'exported secret value'))).toMatchObject({ name: 'PASSWORD_ERROR' });
    expect(await thrown(auth.unbind({ userId: uid }))).toMatchObject({ apiCode: 2060011 });
  });
});

describe('instances through the management API', () => {
  it('lists the directory instance without its salt, and refuses to edit it', async () => {
    const list = await mgmt('GET', '/api/v3/list-login-method-instances');
    expect(list).toMatchObject({ statusCode: 200, data: [{ name: 'MyPasswordAuth', source: 'dir', config: { authConfig: { saltSet: true }, limit: { minLength: 6, maxLength: 20 } } }] });
    expect(JSON.stringify(list)).not.toContain('your_custom_salt');
    expect(await mgmt('POST', '/api/v3/update-login-method-instance', { name: 'MyPasswordAuth', config: { isActive: false } })).toMatchObject({ apiCode: 2060013 });
    expect(await mgmt('POST', '/api/v3/delete-login-method-instance', { name: 'MyPasswordAuth' })).toMatchObject({ apiCode: 2060013 });
  });

  it('creates, updates and deletes an instance; the instance limit is the password policy', async () => {
    const element = { title: 'Strict', type: 'auths.loginTypes.PasswordType' };
    const created = await mgmt('POST', '/api/v3/create-login-method-instance', { name: 'StrictAuth', element, config: { limit: { requireUppercase: true, requireNumber: true }, requireCaptcha: false } });
    expect(created).toMatchObject({ statusCode: 200, data: { name: 'StrictAuth', source: 'api', element: { default: 0, allowRegister: 0 } } });
    expect(await mgmt('POST', '/api/v3/create-login-method-instance', { name: 'StrictAuth', element, config: {} })).toMatchObject({ apiCode: 2060019 });

    const strict = await s.container.accounts.loginTypes.instance(s.poolId, 'StrictAuth');
    const u = await s.container.services.users.create(s.poolId, { email: 'strict@example.com' });
    const weak = await thrown(strict.bind({ userId: u.userId, username: 'strict_user', password: 'all lower case words' }));
    expect(weak).toMatchObject({ apiCode: 2100004 });
    expect(weak.params.reason).toBe('missing_uppercase, missing_number');
    await strict.bind({ userId: u.userId, username: 'strict_user', password: 'Mixed Case 42 words' });
    // requireCaptcha false: no captcha needed until the pool's captchaAfter failures
    expect(await strict.getLoginCode({ username: 'strict_user', password: 'Mixed Case 42 words' })).toMatchObject({ userId: u.userId });

    expect(await mgmt('POST', '/api/v3/update-login-method-instance', { name: 'StrictAuth', config: { isActive: false } })).toMatchObject({ statusCode: 200, data: { config: { isActive: false } } });
    const inactive = await s.container.accounts.loginTypes.instance(s.poolId, 'StrictAuth');
    expect(await thrown(inactive.getLoginCode({ username: 'strict_user', password: 'Mixed Case 42 words' }))).toMatchObject({ apiCode: 2060015 });

    expect(await mgmt('POST', '/api/v3/delete-login-method-instance', { name: 'StrictAuth' })).toMatchObject({ statusCode: 200 });
    expect(await mgmt('GET', '/api/v3/get-login-method-instance', { name: 'StrictAuth' })).toMatchObject({ apiCode: 2060014 });
    expect(await thrown(s.container.accounts.loginTypes.getElement(s.poolId, 'auths.loginTypes.StrictAuth'))).toMatchObject({ apiCode: 2060014 });
  });

  it('refuses an invalid instance naming each field', async () => {
    const r = await mgmt('POST', '/api/v3/create-login-method-instance', {
      name: 'Bad',
      element: { title: '', type: 'auths.loginTypes.PhoneType', allowRegister: 2 },
      config: { limit: { minLength: 'six' }, isActive: 'yes', colour: 'red' },
    });
    expect(r).toMatchObject({ statusCode: 400, apiCode: 2060013 });
    for (const field of ['element: title', 'element: type', 'element: allowRegister', 'config: limit.minLength', 'config: isActive', 'config: colour']) expect(r.message).toContain(field);
  });

  it('md5Password (legacy, opt-in): the MD5 hex string is the secret that is argon2id-hashed', async () => {
    const created = await mgmt('POST', '/api/v3/create-login-method-instance', { name: 'LegacyMd5', element: { title: 'Legacy', type: 'auths.loginTypes.PasswordType' }, config: { md5Password: true, requireCaptcha: false } });
    expect(created).toMatchObject({ statusCode: 200 });
    const legacy = await s.container.accounts.loginTypes.instance(s.poolId, 'LegacyMd5');
    const u = await s.container.services.users.create(s.poolId, { email: 'md5@example.com' });
    await legacy.bind({ userId: u.userId, username: 'md5_user', password: md5('123456') }); // the seed's e10adc39…
    const row = await s.container.repos.users.findById(s.poolId, u.userId);
    expect(row!.password_hash).toMatch(/^\$argon2id\$/);
    expect((await legacy.getLoginCode({ username: 'md5_user', password: 'E10ADC3949BA59ABBE56E057F20F883E' })).userId).toBe(u.userId);
    expect(await thrown(legacy.getLoginCode({ username: 'md5_user', password: '123456' }))).toMatchObject({ apiCode: 1000002 });
    expect(await thrown(legacy.getLoginCode({ username: 'md5_user', password: md5('654321') }))).toMatchObject({ name: 'PASSWORD_ERROR' });
  });
});

describe('the directory as it is now (get-login-types-dir-status, for the console)', () => {
  it('lists the loaded folder; a folder made invalid after the start is reported with file and field, and nothing else changes', async () => {
    const status = () => mgmt('GET', '/api/v3/get-login-types-dir-status');
    expect(await status()).toMatchObject({
      statusCode: 200,
      data: { configured: true, appliesToPool: true, dir, exists: true, folders: [{ name: 'MyPasswordAuth', path: 'auths/loginTypes/MyPasswordAuth', valid: true, loaded: true, problems: [] }] },
    });
    const broken = join(dir, 'auths', 'loginTypes', 'Broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'e.json'), SEED_E_JSON);
    writeFileSync(join(broken, 'Config.json'), '{"limit": {"minLength": "six"}, "colour": "red"}');
    try {
      const r = await status();
      expect(r.data.folders).toEqual([
        { name: 'Broken', path: 'auths/loginTypes/Broken', valid: false, loaded: false, problems: [
          { path: 'auths/loginTypes/Broken/Config.json#colour', message: expect.stringContaining('colour is not a known field') },
          { path: 'auths/loginTypes/Broken/Config.json#limit.minLength', message: 'limit.minLength must be an integer from 1 to 64' },
        ] },
        { name: 'MyPasswordAuth', path: 'auths/loginTypes/MyPasswordAuth', valid: true, loaded: true, problems: [] },
      ]);
      // Reading the directory loads nothing: the running instances are those of the start.
      expect((await mgmt('GET', '/api/v3/list-login-method-instances')).data.filter((v: { source: string }) => v.source === 'dir').map((v: { name: string }) => v.name)).toEqual(['MyPasswordAuth']);
      // The start would refuse the directory as it is now, naming the same field.
      expect(JSON.stringify((await thrown(Promise.resolve().then(() => s.container.accounts.loginTypes.validateDir(dir)))).details)).toContain('Broken/Config.json#limit.minLength');
    } finally {
      rmSync(broken, { recursive: true });
    }
  });

  it('reports nothing of the directory to another pool (it loads into the default pool only)', async () => {
    const { client } = await createPool(s, s.mgmt(), 'JitAi other pool');
    const r = (await client.makeRequest({ method: 'GET', url: '/api/v3/get-login-types-dir-status' } as never)) as { statusCode: number; data: unknown };
    expect(r).toMatchObject({ statusCode: 200, data: { configured: true, appliesToPool: false, dir: null, folders: [] } });
  });
});

describe('bad instance folders', () => {
  const validate = (dir: string) => thrown(Promise.resolve().then(() => s.container.accounts.loginTypes.validateDir(dir)));

  it('names the file and field of every problem, in all folders at once', async () => {
    const dir = appDir({
      NoConfig: { 'e.json': SEED_E_JSON },
      BadJson: { 'e.json': '{ "title": ', 'Config.json': '{}' },
      WrongType: { 'e.json': SEED_E_JSON.replace('PasswordType', 'QrType'), 'Config.json': SEED_CONFIG_JSON },
      BadLimit: { 'e.json': SEED_E_JSON, 'Config.json': '{"limit": {"minLength": 0, "maxLenght": 20}, "authConfig": {"salt": 5}}' },
      Escape: { 'e.json': SEED_E_JSON.replace('./Config.json', '../../secret.json'), 'Config.json': '{}' },
    });
    const err = await validate(dir);
    expect(err).toMatchObject({ apiCode: 2060013 });
    const text = JSON.stringify(err.details);
    expect(text).toContain('auths/loginTypes/NoConfig/Config.json');
    expect(text).toContain('is missing');
    expect(text).toContain('auths/loginTypes/BadJson/e.json');
    expect(text).toContain('is not valid JSON');
    expect(text).toContain('auths/loginTypes/WrongType/e.json#type');
    expect(text).toContain('auths/loginTypes/BadLimit/Config.json#limit.minLength');
    expect(text).toContain('auths/loginTypes/BadLimit/Config.json#limit.maxLenght');
    expect(text).toContain('auths/loginTypes/BadLimit/Config.json#authConfig.salt');
    expect(text).toContain('auths/loginTypes/Escape/e.json#frontBundleEntry');
    expect(err.params.reason).toContain('BadLimit/Config.json: limit.minLength must be an integer from 1 to 64');
  });

  it('refuses a missing directory and bad folder names; accepts the loginTypes folder itself', async () => {
    expect(await validate('/nonexistent/gatehouse/dir')).toMatchObject({ apiCode: 2060013 });
    const badName = appDir({ 'my-auth': { 'e.json': SEED_E_JSON, 'Config.json': SEED_CONFIG_JSON } }, false);
    expect(JSON.stringify((await validate(badName)).details)).toContain('my-auth');
    const flat = appDir({ Flat: { 'e.json': SEED_E_JSON, 'Config.json': SEED_CONFIG_JSON } }, false);
    expect(s.container.accounts.loginTypes.validateDir(flat).map((d) => d.name)).toEqual(['Flat']);
  });

  it('a folder removed from the directory removes its instance at the next load; the salt survives reloads', async () => {
    const before = JSON.parse((await s.container.authn.credentials.getInstance(s.poolId, 'MyPasswordAuth'))!.config).authConfig.salt;
    expect(before).toBe('your_custom_salt_32_chars_long');
    const noSalt = appDir({ Other: { 'e.json': SEED_E_JSON, 'Config.json': '{"isActive": true}' } });
    expect(await s.container.accounts.loginTypes.syncDir(s.poolId, noSalt)).toEqual(['Other']);
    expect(await s.container.authn.credentials.getInstance(s.poolId, 'MyPasswordAuth')).toBeUndefined();
    const salt = JSON.parse((await s.container.authn.credentials.getInstance(s.poolId, 'Other'))!.config).authConfig.salt as string;
    expect(salt.length).toBeGreaterThanOrEqual(32); // generated, as JitAi's "Auto-generated"
    await s.container.accounts.loginTypes.syncDir(s.poolId, noSalt);
    expect(JSON.parse((await s.container.authn.credentials.getInstance(s.poolId, 'Other'))!.config).authConfig.salt).toBe(salt);
    // an invalid directory writes nothing
    await validate(appDir({ Broken: { 'e.json': '{}' } }));
    expect(await thrown(s.container.accounts.loginTypes.syncDir(s.poolId, appDir({ Broken: { 'e.json': '{}' } })))).toMatchObject({ apiCode: 2060013 });
    expect((await s.container.accounts.loginTypes.list(s.poolId)).map((v) => v.name)).toContain('Other');
  });
});
