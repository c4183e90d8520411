import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { describe, expect, it, vi } from 'vitest';
import { authClient } from '../support/server.js';
import { exited, freePort, freshEnv, runCli, spawnCli } from './run-cli.js';

// Each CLI call is a process start (tsx compiles on the way): a loaded CI machine needs more than the default 30 s per test.
vi.setConfig({ testTimeout: 120_000 });

/**
 * `gatehouse user create --password-stdin`, `user import`, `user refresh-hashes` and the
 * `loginTypesDir` start check, through the real CLI; sign-in checked with the vendor
 * AuthenticationClient against `gatehouse start` on the same database.
 */
async function serve(env: Record<string, string>, port: number) {
  const child = spawnCli(['start'], { GATEHOUSE_HOST: '127.0.0.1', GATEHOUSE_PORT: String(port), ...env });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const until = Date.now() + 20_000;
  while ((await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.status, () => 0)) !== 200) {
    if (child.exitCode !== null || Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`server did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return child;
}

describe('gatehouse user: passwords', () => {
  it('create --password-stdin, import (plain and hashed, all or nothing), refresh-hashes; the users sign in', async () => {
    const { dir, env } = freshEnv();
    const created = await runCli(['user', 'create', '--email', 'cli@example.com', '--password-stdin', '--json'], env, 'stdin passphrase here\n');
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).not.toContain('stdin passphrase');
    const weak = await runCli(['user', 'create', '--email', 'weak@example.com', '--password-stdin'], env, 'password\n');
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('common_password');
    expect(weak.stderr).not.toContain('password\n\n');

    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ email: 'imp1@example.com', password: 'first imported phrase' }, { email: 'imp2@example.com', passwordHash: 'plain text' }]));
    const refused = await runCli(['user', 'import', bad], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('list/1/password');
    expect(refused.stderr).toContain('2060016');
    const typo = join(dir, 'typo.json');
    writeFileSync(typo, JSON.stringify([{ emial: 'x@example.com' }]));
    expect((await runCli(['user', 'import', typo], env)).stderr).toContain('list/0/emial');

    const good = join(dir, 'users.json');
    writeFileSync(good, JSON.stringify({ users: [{ email: 'imp1@example.com', password: 'first imported phrase' }, { email: 'imp2@example.com', passwordHash: bcrypt.hashSync('second imported phrase', 10), name: 'Two' }] }));
    const imported = await runCli(['user', 'import', good], env);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('Imported 2 users.');
    expect((await runCli(['user', 'import', good], env)).stderr).toContain('already exists'); // nothing half-written before either

    const refreshed = await runCli(['user', 'refresh-hashes', '--json'], env);
    expect(refreshed.code, refreshed.stderr).toBe(0);
    expect(JSON.parse(refreshed.stdout)).toEqual({ count: 2 }); // the bcrypt hash is upgraded at sign-in anyway (when its input is shorter than 72 bytes)

    const app = JSON.parse((await runCli(['app', 'create', '--name', 'cli-app', '--redirect-uri', 'https://app.example/cb', '--json'], env)).stdout) as { appId: string; appSecret: string };
    const port = await freePort();
    const srv = await serve(env, port);
    try {
      const c = authClient({ appId: app.appId, appSecret: app.appSecret, host: `http://127.0.0.1:${port}` });
      expect(await c.signInByEmailPassword({ email: 'cli@example.com', password: 'stdin passphrase here' })).toMatchObject({ statusCode: 200 });
      expect(await c.signInByEmailPassword({ email: 'imp1@example.com', password: 'first imported phrase' })).toMatchObject({ statusCode: 200 });
      expect(await c.signInByEmailPassword({ email: 'imp2@example.com', password: 'second imported phrase' })).toMatchObject({ statusCode: 200 });
    } finally {
      srv.kill('SIGTERM');
      await exited(srv);
    }
  });

  it('start refuses an invalid loginTypesDir, naming the file and field', async () => {
    const { dir, env } = freshEnv();
    const inst = join(dir, 'auths', 'loginTypes', 'MyPasswordAuth');
    mkdirSync(inst, { recursive: true });
    writeFileSync(join(inst, 'e.json'), JSON.stringify({ title: 'x', type: 'auths.loginTypes.PasswordType' }));
    writeFileSync(join(inst, 'Config.json'), JSON.stringify({ limit: { minLength: 'six' } }));
    const port = await freePort();
    const child = spawnCli(['start'], { ...env, GATEHOUSE_HOST: '127.0.0.1', GATEHOUSE_PORT: String(port), GATEHOUSE_LOGIN_TYPES_DIR: dir });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    expect(await exited(child)).not.toBe(0);
    expect(stderr).toContain('auths/loginTypes/MyPasswordAuth/Config.json: limit.minLength');
  });
});
