import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT } from './gatehouse.js';
import type { LoadResult } from './load.js';

export interface ProbeOptions {
  url: string;
  accessTokens: string[];
  client: { appId: string; appSecret: string };
  connections: number;
  /** Requests per second of each probe. */
  rate: number;
  durationS: number;
}

/**
 * Starts the userinfo and introspection probes in a child process (bench/probe.ts: why) and waits
 * until it is ready; `go()` starts both and settles with their results. The start-up (tsx,
 * autocannon) happens before `go()`, outside the measured window.
 */
export async function startProbes(opts: ProbeOptions): Promise<{ go: () => Promise<{ userinfo: LoadResult; introspection: LoadResult; waitMs: number }> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/probe.ts')], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const out = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  // 'close', not 'exit': it comes after the child's stdout has ended, so after its last line.
  const exited = once(child, 'close').then(([code]) => {
    throw new Error(`bench/probe.ts exited with ${String(code)}`);
  });
  exited.catch(() => undefined);
  const line = async () => {
    const r = await Promise.race([out.next(), exited]);
    return r.value as string;
  };
  child.stdin.write(`${JSON.stringify(opts)}\n`);
  if ((await line()) !== 'ready') throw new Error('bench/probe.ts did not start');
  return {
    async go() {
      child.stdin.write('go\n');
      return JSON.parse(await line()) as { userinfo: LoadResult; introspection: LoadResult; waitMs: number };
    },
  };
}
