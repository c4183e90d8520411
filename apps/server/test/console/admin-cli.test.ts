import { describe, expect, it, vi } from 'vitest';
import { freshEnv, runCli } from '../cli/run-cli.js';

// Each CLI call is a process start (tsx compiles on the way).
vi.setConfig({ testTimeout: 300_000 });

/** `gatehouse admin create | list | delete` through the real launcher on a fresh install (docs/console.md). */
describe('gatehouse admin', () => {
  it('creates the first owner from stdin, lists administrators, refuses bad roles and duplicates, deletes (never the last owner)', async () => {
    const { env } = freshEnv({ GATEHOUSE_PUBLIC_URL: 'http://127.0.0.1:3999' });
    const created = await runCli(['admin', 'create', '--email', 'Root@Example.com', '--password-stdin', '--json'], env, 'A long console passphrase 7\n');
    expect(created.code, created.stderr).toBe(0);
    const owner = JSON.parse(created.stdout) as { userId: string; email: string; role: string; consoleUrl: string; password?: string };
    expect(owner).toMatchObject({ email: 'root@example.com', role: 'owner', consoleUrl: 'http://127.0.0.1:3999/console/' });
    expect(owner.password).toBeUndefined();
    expect(created.stdout).not.toContain('A long console passphrase');

    // Without --password-stdin a password is generated and shown once.
    const auditor = await runCli(['admin', 'create', '--email', 'audit@example.com', '--role', 'auditor'], env);
    expect(auditor.code, auditor.stderr).toBe(0);
    expect(auditor.stdout).toMatch(/^password: +\S{16,}$/m);

    const dup = await runCli(['admin', 'create', '--email', 'root@example.com', '--password-stdin'], env, 'Another passphrase 88\n');
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('(console.admin_exists, apiCode 7500005)');
    const badRole = await runCli(['admin', 'create', '--email', 'x@example.com', '--role', 'root'], env);
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toContain('(console.invalid_role, apiCode 7500006)');
    const unknownPool = await runCli(['admin', 'create', '--email', 'z@example.com', '--role', 'pool-admin', '--pool', 'nope'], env);
    expect(unknownPool.stderr).toContain('apiCode 7500009');

    const list = JSON.parse((await runCli(['admin', 'list', '--json'], env)).stdout) as Array<{ email: string; role: string }>;
    expect(list.map((a) => [a.email, a.role])).toEqual([
      ['root@example.com', 'owner'],
      ['audit@example.com', 'auditor'],
    ]);
    // The last owner stays: someone must be able to manage administrators.
    const lastOwner = await runCli(['admin', 'delete', owner.userId], env);
    expect(lastOwner.code).toBe(1);
    expect(lastOwner.stderr).toContain('(console.last_owner, apiCode 7500011)');
    const auditorId = (JSON.parse((await runCli(['admin', 'list', '--json'], env)).stdout) as Array<{ userId: string; role: string }>).find((a) => a.role === 'auditor')!.userId;
    const del = await runCli(['admin', 'delete', auditorId], env);
    expect(del.code, del.stderr).toBe(0);
  });
});
