import { describe, expect, it } from 'vitest';
import { freshEnv, runCli } from './run-cli.js';

/**
 * The everyday CLI commands do what they say, validate input exactly like the management API
 * (they call the same services with the API's own schemas), print machine-readable JSON with
 * --json, and keep the old command names working with a notice.
 */
const ok = (r: { code: number | null; stdout: string; stderr: string }) => {
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
};
const json = <T,>(r: { code: number | null; stdout: string; stderr: string }) => JSON.parse(ok(r)) as T;

describe('gatehouse user …', () => {
  it('create, list, get, update, set-password, unlock, delete — and validation like the API', async () => {
    const { env } = freshEnv();
    const created = json<{ userId: string }>(await runCli(['user', 'create', '--email', 'ada@example.com', '--name', 'Ada', '--json'], env));
    // The API refuses a malformed email; so does the CLI, with the same catalogued error.
    const bad = await runCli(['user', 'create', '--email', 'not-an-email'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/request\.invalid_input, apiCode 1000002/);

    const list = json<{ totalCount: number; list: Array<{ userId: string; email: string }> }>(await runCli(['user', 'list', '--json'], env));
    expect(list.totalCount).toBe(1);
    expect(list.list[0]).toMatchObject({ userId: created.userId, email: 'ada@example.com' });
    expect(json<{ name: string }>(await runCli(['user', 'get', 'ada@example.com', '--by', 'email', '--json'], env)).name).toBe('Ada');

    expect(json<{ name: string }>(await runCli(['user', 'update', created.userId, '--name', 'Ada L.', '--json'], env)).name).toBe('Ada L.');

    // The password comes from stdin, never an argument; the pool's policy applies.
    expect((await runCli(['user', 'set-password', created.userId], env, 'password')).stderr).toMatch(/user\.invalid_password/);
    ok(await runCli(['user', 'set-password', created.userId], env, 'correct horse battery staple'));
    ok(await runCli(['user', 'unlock', 'ada@example.com', '--by', 'email'], env));

    ok(await runCli(['user', 'delete', created.userId], env));
    const gone = await runCli(['user', 'get', created.userId], env);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('user.not_found');
  }, 120_000);
});

describe('gatehouse app …', () => {
  it('create, list, get (no secret), update, secret, delete', async () => {
    const { env } = freshEnv();
    const app = json<{ appId: string; appSecret: string }>(await runCli(['app', 'create', '--name', 'Portal', '--redirect-uri', 'https://portal.example/cb', '--json'], env));
    const listed = json<{ list: Array<{ appId: string }> }>(await runCli(['app', 'list', '--json'], env));
    expect(listed.list.map((a) => a.appId)).toContain(app.appId);
    const shown = ok(await runCli(['app', 'get', app.appId, '--json'], env));
    expect(shown).not.toContain(app.appSecret);
    const updated = json<{ appName: string; oidcConfig: { redirect_uris: string[] } }>(await runCli(['app', 'update', app.appId, '--name', 'Portal 2', '--redirect-uri', 'https://portal.example/cb2', '--json'], env));
    expect(updated.appName).toBe('Portal 2');
    expect(updated.oidcConfig.redirect_uris).toEqual(['https://portal.example/cb2']);
    // The API's rules: a wildcard redirect URI is refused, naming the field.
    const wild = await runCli(['app', 'update', app.appId, '--redirect-uri', 'https://*.example/cb'], env);
    expect(wild.code).toBe(1);
    expect(wild.stderr).toMatch(/request\.invalid_input|application\./);
    expect(json<{ appSecret: string }>(await runCli(['app', 'secret', app.appId, '--json'], env)).appSecret).toBe(app.appSecret);
    ok(await runCli(['app', 'delete', app.appId], env));
    expect((await runCli(['app', 'get', app.appId], env)).code).toBe(1);
  }, 120_000);
});

describe('gatehouse access-key …, and the old names', () => {
  it('disable, enable, delete; `key` and `keys` still work with a notice', async () => {
    const { env } = freshEnv();
    const k = json<{ accessKeyId: string }>(await runCli(['access-key', 'create', '--name', 'ci', '--json'], env));
    ok(await runCli(['access-key', 'disable', k.accessKeyId], env));
    const listed = json<Array<{ accessKeyId: string; enabled: boolean }>>(await runCli(['access-key', 'list', '--json'], env));
    expect(listed.find((x) => x.accessKeyId === k.accessKeyId)?.enabled).toBe(false);
    ok(await runCli(['access-key', 'enable', k.accessKeyId], env));
    ok(await runCli(['access-key', 'delete', k.accessKeyId], env));
    expect(json<Array<{ accessKeyId: string }>>(await runCli(['access-key', 'list', '--json'], env)).map((x) => x.accessKeyId)).not.toContain(k.accessKeyId);

    const old = await runCli(['key', 'list', '--json'], env);
    expect(old.code, old.stderr).toBe(0);
    expect(old.stderr).toContain('"key" is now "access-key"');
    const oldSigning = await runCli(['keys', 'list', '--json'], env);
    expect(oldSigning.code, oldSigning.stderr).toBe(0);
    expect(oldSigning.stderr).toContain('"keys" is now "signing-key"');
  }, 120_000);
});
