import { statSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/program.js';
import { exited, freePort, freshEnv, runCli, spawnCli, waitFor } from './run-cli.js';

// Each CLI call is a process start (tsx compiles on the way): a loaded CI machine needs more than the default 30 s per test.
vi.setConfig({ testTimeout: 120_000 });

/**
 * The real `gatehouse` CLI, spawned through bin/gatehouse.js against a temporary SQLite
 * database, exactly as an operator would run it.
 */

const COMMANDS = ['start', 'migrate', 'pool', 'access-key', 'user', 'app', 'config', 'signing-key'];
/** Every leaf command of the real command tree, so a new command cannot ship without help and an example. */
function leaves(cmd: Command, path: string[] = []): string[][] {
  const subs = cmd.commands.filter((c) => c.name() !== 'help');
  return subs.length === 0 ? [path] : subs.flatMap((c) => leaves(c, [...path, c.name()]));
}
const SUBCOMMANDS = leaves(buildProgram());

const noStack = (text: string) => expect(text).not.toMatch(/^\s+at /m);

describe('gatehouse --help', () => {
  it('lists every command and explains where configuration comes from', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
    expect(r.stdout).toContain('GATEHOUSE_DATABASE_URL');
    expect(r.stdout).toContain('GATEHOUSE_CONFIG');
  });

  it.each(SUBCOMMANDS.map((a) => [a.join(' '), a]))('%s --help has a description and an example', async (_name, args) => {
    const r = await runCli([...(args as string[]), '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: gatehouse /m);
    expect(r.stdout).toMatch(/Examples?:/);
  });
});

describe('data commands on a fresh install', () => {
  it('migrate, pool create, key create/list, user create, app create', async () => {
    const { dir, env } = freshEnv();

    const migrated = await runCli(['migrate', '--json'], env);
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(JSON.parse(migrated.stdout).applied).toContain('0001_initial');
    const again = await runCli(['migrate'], env);
    expect(again.stdout).toContain('up to date');

    // The first data command initialises the database (default pool + root key, shown on stderr only).
    const pool = await runCli(['pool', 'create', '--name', 'B', '--json'], env);
    expect(pool.code, pool.stderr).toBe(0);
    const p = JSON.parse(pool.stdout) as { userPoolId: string; appId: string; accessKeyId: string; accessKeySecret: string };
    expect(p.userPoolId).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9_-]+$/);
    expect(p.appId).toBeTruthy();
    expect(p.accessKeyId).toBeTruthy();
    expect(p.accessKeySecret.length).toBeGreaterThanOrEqual(24);
    expect(pool.stderr).toMatch(/Root management access key[\s\S]*appSecret:/);
    const rootFile = join(dir, 'root-access-key.json');
    expect(statSync(rootFile).mode & 0o777).toBe(0o600);

    const key = await runCli(['key', 'create', '--pool', p.userPoolId, '--name', 'ci', '--json'], env);
    expect(key.code, key.stderr).toBe(0);
    const k = JSON.parse(key.stdout) as { userPoolId: string; accessKeyId: string; accessKeySecret: string };
    expect(k.userPoolId).toBe(p.userPoolId);
    expect(k.accessKeySecret).toBeTruthy();
    expect(key.stderr).not.toContain('Root management access key'); // bootstrap happens once

    const list = await runCli(['key', 'list', '--pool', p.userPoolId], env);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain(k.accessKeyId);
    expect(list.stdout).toContain(p.accessKeyId);
    expect(list.stdout).not.toContain(k.accessKeySecret);
    expect(list.stdout).not.toContain(p.accessKeySecret);
    const listJson = await runCli(['key', 'list', '--pool', p.userPoolId, '--json'], env);
    expect((JSON.parse(listJson.stdout) as Array<{ accessKeyId: string }>).map((x) => x.accessKeyId).sort()).toEqual([k.accessKeyId, p.accessKeyId].sort());
    expect(listJson.stdout).not.toMatch(/secret/i);

    const user = await runCli(['user', 'create', '--pool', p.userPoolId, '--email', 'a@b.co'], env);
    expect(user.code, user.stderr).toBe(0);
    expect(user.stdout).toContain('a@b.co');
    expect(user.stdout).toMatch(/userId:\s+\S+/);

    const app = await runCli(['app', 'create', '--name', 'X', '--redirect-uri', 'https://x.example/cb', '--json'], env);
    expect(app.code, app.stderr).toBe(0);
    const a = JSON.parse(app.stdout) as { appId: string; appSecret?: string; userPoolId: string };
    expect(a.appId).toBeTruthy();
    expect(a.appSecret).toBeTruthy(); // web apps are confidential clients
    const root = JSON.parse(readFileSync(rootFile, 'utf8')) as { userPoolId: string };
    expect(a.userPoolId).toBe(root.userPoolId); // no --pool: the default pool
  });

  it('reports catalogued errors as one line with code and apiCode, exit 1, no stack', async () => {
    const { env } = freshEnv();
    const missing = await runCli(['access-key', 'create', '--pool', 'no-such-pool'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('error: User pool not found. (pool.not_found, apiCode 2224)');
    noStack(missing.stderr);

    expect((await runCli(['pool', 'create', '--name', 'S', '--id', 'staff'], env)).code).toBe(0);
    const dup = await runCli(['pool', 'create', '--name', 'S', '--id', 'staff'], env);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/^error: .+ \(pool\.already_exists, apiCode \d+\)$/m);
    noStack(dup.stderr);

    const usage = await runCli(['user', 'create', '--name', 'nobody'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--username, --email, --phone');
  });

  it('rejects a bad configuration value naming the variable, exit 78', async () => {
    const { env } = freshEnv({ GATEHOUSE_PORT: 'abc' });
    for (const args of [['migrate'], ['key', 'list'], ['start']]) {
      const r = await runCli(args, env);
      expect(r.code, args.join(' ')).toBe(78);
      expect(r.stderr).toContain('GATEHOUSE_PORT');
      noStack(r.stderr);
    }
  });
});

/** Starts the server, waits for /health/ready, returns the process and what it printed. */
async function startServer(env: Record<string, string>, port: number) {
  const child = spawnCli(['start'], { GATEHOUSE_HOST: '127.0.0.1', ...env });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    const until = Date.now() + 20_000;
    for (;;) {
      // A process that died (bad config, port taken) fails the test at once, with its output.
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before it was ready`);
      const status = await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.status, () => 0);
      if (status === 200) break;
      if (Date.now() > until) throw new Error(`timed out waiting for GET :${port}/health/ready (last status ${status})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\nstdout: ${stdout}\nstderr: ${stderr}`);
  }
  return { child, output: () => ({ stdout, stderr }) };
}

describe('gatehouse start', () => {
  it('serves /health/ready, prints the root key once, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const { dir, env } = freshEnv({ GATEHOUSE_PORT: String(port) });
    const srv = await startServer(env, port);
    const rootFile = join(dir, 'root-access-key.json');
    await waitFor(async () => srv.output().stdout.includes('accessKeySecret'), 'the root key on stdout');
    const root = JSON.parse(readFileSync(rootFile, 'utf8')) as { accessKeyId: string; accessKeySecret: string };
    expect(srv.output().stdout).toContain(root.accessKeyId);
    expect(srv.output().stdout).toContain(root.accessKeySecret);
    expect(statSync(rootFile).mode & 0o777).toBe(0o600);

    srv.child.kill('SIGTERM');
    expect(await exited(srv.child)).toBe(0);

    // Second start on the same database: nothing new is created, so no key is printed.
    const again = await startServer(env, port);
    again.child.kill('SIGTERM');
    expect(await exited(again.child)).toBe(0);
    expect(again.output().stdout).not.toContain('accessKeySecret');
  });

  it('takes the port from the GATEHOUSE_CONFIG file, and the environment over the file', async () => {
    const [filePort, envPort] = [await freePort(), await freePort()];
    const { dir, env } = freshEnv();
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ port: filePort, host: '127.0.0.1' }));

    const fromFile = await startServer({ ...env, GATEHOUSE_CONFIG: file }, filePort);
    fromFile.child.kill('SIGTERM');
    expect(await exited(fromFile.child)).toBe(0);

    const fromEnv = await startServer({ ...env, GATEHOUSE_CONFIG: file, GATEHOUSE_PORT: String(envPort) }, envPort);
    await expect(fetch(`http://127.0.0.1:${filePort}/health/ready`)).rejects.toThrow();
    fromEnv.child.kill('SIGTERM');
    expect(await exited(fromEnv.child)).toBe(0);
  });

  it('fails with a one-line error when the port is taken', async () => {
    const port = await freePort();
    const { env } = freshEnv({ GATEHOUSE_PORT: String(port), GATEHOUSE_HOST: '127.0.0.1' });
    const blocker = createServer().listen(port, '127.0.0.1');
    await once(blocker, 'listening');
    try {
      const r = await runCli(['start'], env);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('EADDRINUSE');
      noStack(r.stderr);
    } finally {
      blocker.close();
    }
  });

  it('refuses an invalid config file with its path in the message', async () => {
    const { dir, env } = freshEnv();
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ port: 'eighty', colour: 'blue' }));
    const r = await runCli(['migrate'], { ...env, GATEHOUSE_CONFIG: file });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('GATEHOUSE_PORT');
    expect(r.stderr).toContain('colour');
  });
});
