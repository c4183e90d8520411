import type { ChildProcess } from 'node:child_process';
import { freePort, spawnCli } from '../cli/run-cli.js';

/** A real `gatehouse start` child process on a loopback port, for the multi-node tests. */
export interface GatehouseNode {
  child: ChildProcess;
  url: string;
  /** Everything the process printed so far (for failure messages). */
  out: () => string;
}

/** Starts a node with `env` on a free port and waits until /health/ready answers 200 (up to 150 s: a node transpiles its TypeScript at start, which takes long on a loaded two-core machine). */
export async function startNode(env: Record<string, string>, readyWithinMs = 150_000): Promise<GatehouseNode> {
  const port = env.GATEHOUSE_PORT ? Number(env.GATEHOUSE_PORT) : await freePort();
  const child = spawnCli(['start'], { ...env, GATEHOUSE_PORT: String(port), GATEHOUSE_HOST: '127.0.0.1' });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + readyWithinMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`node exited early (${child.exitCode ?? child.signalCode}):\n${out}`);
    if ((await fetch(`${url}/health/ready`).then((r) => r.status, () => 0)) === 200) break;
    if (Date.now() > until) throw new Error(`node not ready:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, url, out: () => out };
}
