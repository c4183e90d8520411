import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The checks .ci/run makes before the tests — the type check and the layer rules — must fail
 * on a deliberate violation, or they protect nothing. Each is run here on a small copy of the
 * layout with one violation planted, and on the real tree (which must pass).
 */
const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const bin = (name: string) => join(root, 'node_modules/.bin', name);
const scratch = mkdtempSync(join(tmpdir(), 'gatehouse-rules-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function plant(files: Record<string, string>): string {
  const dir = mkdtempSync(join(scratch, 'tree-'));
  cpSync(join(root, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
  cpSync(join(root, 'tsconfig.base.json'), join(dir, 'tsconfig.base.json'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

async function depcruise(cwd: string): Promise<{ code: number; out: string }> {
  try {
    const r = await run(bin('depcruise'), ['apps/server/src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { cwd });
    return { code: 0, out: r.stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string };
    return { code: e.code, out: e.stdout };
  }
}

describe('the layer rules (npm run lint:deps)', () => {
  it('fail when a lower layer imports a higher one', async () => {
    const dir = plant({
      'apps/server/src/http/page.ts': 'export const page = 1;\n',
      'apps/server/src/services/thing.ts': "import { page } from '../http/page.js';\nexport const thing = page;\n",
    });
    const r = await depcruise(dir);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('services-imports-upward');
  });

  it('fail when a route constructs through the container (a value import), but allow its type', async () => {
    const dir = plant({
      'apps/server/src/container/index.ts': 'export type Container = { a: 1 };\nexport const createContainer = () => ({ a: 1 });\n',
      'apps/server/src/http/ok.ts': "import type { Container } from '../container/index.js';\nexport const x = (c: Container) => c;\n",
      'apps/server/src/http/bad.ts': "import { createContainer } from '../container/index.js';\nexport const y = createContainer();\n",
    });
    const r = await depcruise(dir);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('http/bad.ts');
    expect(r.out).not.toContain('http/ok.ts');
  });

  it('pass on the real tree', async () => {
    const r = await depcruise(root);
    expect(r.out).toContain('no dependency violations');
    expect(r.code).toBe(0);
  });
});

describe('the type check (npm run typecheck)', () => {
  it('fails on a type error', async () => {
    const dir = plant({
      'tsconfig.json': JSON.stringify({ extends: './tsconfig.base.json', compilerOptions: { types: [] }, include: ['src'] }),
      'src/bad.ts': "export const n: number = 'not a number';\n",
    });
    const r = await run(bin('tsc'), ['-p', dir]).then(
      () => ({ code: 0, out: '' }),
      (err: { code: number; stdout: string }) => ({ code: err.code, out: err.stdout }),
    );
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('TS2322');
  });

  it('covers every workspace that has a tsconfig.json', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const workspaces = ['apps', 'packages'].flatMap((d) => readdirSync(join(root, d)).map((w) => `${d}/${w}`)).filter((w) => existsSync(join(root, w, 'tsconfig.json')));
    expect(workspaces.length).toBeGreaterThanOrEqual(4);
    for (const ws of workspaces) expect(pkg.scripts.typecheck, `npm run typecheck must check ${ws}`).toMatch(new RegExp(`tsc -p ${ws}(\\s|$)`));
  });
});
