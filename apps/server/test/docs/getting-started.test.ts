import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Each step runs CLI processes and a browser: a loaded CI machine needs more than 30 s for some.
vi.setConfig({ testTimeout: 120_000 });
import { launchChromium } from '../support/browser.js';
import { freePort } from '../cli/run-cli.js';
import { PG_ADMIN_URL, postgresAvailable } from '../support/services.js';
import { startNode, type GatehouseNode } from '../support/nodes.js';

/**
 * docs/getting-started.md cannot rot: this runs its code blocks as written — the shell commands
 * in a shell from the repository root, the JavaScript as ES modules next to the repository's
 * node_modules, the example relying party as a process — against a real `gatehouse start`, and
 * signs in through the hosted login in Chromium. Only what a reader substitutes is substituted:
 * the host and ports (`localhost:3000`, `3001`, taken here from free ports) and the
 * `<appId>` / `<appSecret>` placeholders, from the output of the earlier step.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const guide = readFileSync(join(root, 'docs/getting-started.md'), 'utf8');
const blocks = [...guide.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, code: m[2]! }));
const block = (lang: string, includes: string) => {
  const b = blocks.find((x) => x.lang === lang && x.code.includes(includes));
  if (!b) throw new Error(`the guide has no ${lang} block containing ${includes}`);
  return b.code;
};
const exec = promisify(execFile);
const hasPg = await postgresAvailable();

describe('docs/getting-started.md, run as written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-guide-'));
  const scripts = join(root, 'test-artifacts', 'guide');
  let node: GatehouseNode;
  let host: string;
  let rpPort: number;
  let env: Record<string, string>;
  let browser: Browser;
  const children: ChildProcess[] = [];
  let app: { appId: string; appSecret: string };
  let rootKey: { accessKeyId: string; accessKeySecret: string };

  /** The reader's substitutions: the server's address and the relying party's port. */
  const here = (code: string) => code.replaceAll('http://localhost:3000', host).replaceAll('localhost:3001', `localhost:${rpPort}`).replaceAll('PORT=3001', `PORT=${rpPort}`);
  const sh = async (code: string, extra: Record<string, string> = {}) => {
    const r = await exec('bash', ['-euo', 'pipefail', '-c', here(code)], { cwd: root, env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...env, ...extra } });
    return r.stdout;
  };
  const js = async (code: string, extra: Record<string, string>) => {
    mkdirSync(scripts, { recursive: true });
    const file = join(scripts, `step-${Math.random().toString(36).slice(2)}.mjs`);
    writeFileSync(file, here(code));
    const r = await exec(process.execPath, [file], { cwd: root, env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...extra } });
    return r.stdout;
  };

  beforeAll(async () => {
    const port = await freePort();
    rpPort = await freePort();
    host = `http://localhost:${port}`;
    env = { GATEHOUSE_DATABASE_URL: `sqlite:${join(dir, 'gatehouse.db')}`, GATEHOUSE_DATA_DIR: dir, GATEHOUSE_SECRET: 'guide-test-master-secret-0123456789abcdef', GATEHOUSE_PUBLIC_URL: host, GATEHOUSE_PORT: String(port), GATEHOUSE_LOG_LEVEL: 'warn' };
    // Step 1 (`npm start`, which runs `gatehouse start`), on its own data directory.
    node = await startNode(env);
    const saved = JSON.parse(readFileSync(join(dir, 'root-access-key.json'), 'utf8')) as { accessKeyId: string; accessKeySecret: string };
    rootKey = saved;
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    for (const c of children) c.kill('SIGTERM');
    node?.child.kill('SIGTERM');
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(scripts, { recursive: true, force: true });
  });

  it('step 1: the first start printed the key, the default app and the URLs it promises', () => {
    const printed = node.out();
    for (const label of ['accessKeyId:', 'accessKeySecret:', 'appId:', 'appSecret:', 'Hosted login:', 'API reference:']) expect(printed).toContain(label);
    expect(block('text', 'accessKeyId')).toContain('Root management access key');
  });

  it('step 2: creates the application with the CLI', async () => {
    const out = await sh(block('sh', 'app create'));
    app = JSON.parse(out) as { appId: string; appSecret: string };
    expect(app.appId).toEqual(expect.any(String));
    expect(app.appSecret).toEqual(expect.any(String));
  });

  it('step 3: creates a user and sets the password with the CLI, and another with the vendor ManagementClient', async () => {
    await sh(block('sh', 'user create'));
    const out = await js(block('js', 'ManagementClient'), { ACCESS_KEY_ID: rootKey.accessKeyId, ACCESS_KEY_SECRET: rootKey.accessKeySecret });
    expect(out.trim()).toMatch(/^[\w-]{8,}$/);
  });

  it('step 4: the example relying party signs Ada in through the hosted login and shows her profile from /oidc/me', async () => {
    const command = here(block('sh', 'examples/relying-party/app.mjs')).replace('<appId>', app.appId).replace('<appSecret>', app.appSecret).trim();
    const child = spawn('bash', ['-c', command], { cwd: root, env: { PATH: process.env.PATH!, HOME: process.env.HOME! }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    await new Promise<void>((ok, fail) => {
      const t = setTimeout(() => fail(new Error('the relying party did not start')), 20_000);
      child.stdout!.on('data', (d: Buffer) => d.toString().includes('relying party on') && (clearTimeout(t), ok()));
      child.once('exit', (code) => fail(new Error(`the relying party exited (${code})`)));
    });
    const page = await browser.newPage();
    try {
      await page.goto(`http://localhost:${rpPort}/`);
      await page.getByLabel(/email, phone or username/i).fill('ada@example.com');
      await page.getByLabel(/^password$/i).fill('correct horse battery staple');
      await page.getByRole('button', { name: /^sign in$/i }).click();
      await page.waitForURL(`http://localhost:${rpPort}/callback**`);
      const profile = JSON.parse((await page.locator('body').textContent()) ?? '{}') as Record<string, unknown>;
      const promised = JSON.parse(block('json', '"sub"').replace(/"…"/g, '""')) as Record<string, unknown>;
      expect(Object.keys(profile)).toEqual(expect.arrayContaining(Object.keys(promised)));
      expect(profile).toMatchObject({ email: 'ada@example.com', name: 'Ada' });
    } finally {
      await page.close();
    }
  });

  it('step 5: the vendor AuthenticationClient signs Ada in and reads her profile', async () => {
    const out = await js(block('js', 'AuthenticationClient'), { APP_ID: app.appId, APP_SECRET: app.appSecret });
    expect(out).toContain('ada@example.com');
  });

  it.skipIf(!hasPg)('PostgreSQL: migrate --create-database creates and migrates a database that does not exist', async () => {
    const name = `gh_guide_${Math.random().toString(36).slice(2, 10)}`;
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${name}`;
    const code = block('sh', 'create-database').split('\n').filter((l) => !l.startsWith('npm start')).join('\n').replace('postgres://postgres@127.0.0.1:5432/gatehouse', url.toString());
    try {
      await sh(code);
      const c = new pg.Client({ connectionString: url.toString() });
      await c.connect();
      const r = await c.query("select count(*)::int as n from information_schema.tables where table_name = 'users'");
      await c.end();
      expect(r.rows[0].n).toBe(1);
    } finally {
      const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
      await admin.connect();
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});
