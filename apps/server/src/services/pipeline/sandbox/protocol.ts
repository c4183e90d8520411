/**
 * Messages between the server and its sandbox processes (IPC of `child_process.fork`). A sandbox
 * process holds no secrets of its own: a run brings the pool's environment with it, and every
 * capability that reaches outside (fetch, custom-database queries) is a request back to the
 * server, which decides.
 */

/** What a script receives and may return (plain JSON both ways). */
export interface ScriptInput {
  user: Record<string, unknown> | null;
  context: Record<string, unknown>;
  env: Record<string, string>;
}

export interface RunRequest {
  type: 'run';
  id: number;
  /** Isolates are per pool: nothing a script leaves behind reaches another pool. */
  poolId: string;
  /** Compiled code is cached per key (function id and version). */
  cacheKey: string;
  source: string;
  /** The global function the run calls (`pipe` for pipeline functions, `login` … for custom databases). */
  entry: string;
  /** The arguments after `user, context` style inputs are built by the prelude from `input`. */
  input: ScriptInput | { args: unknown[]; env: Record<string, string> };
  mode: 'pipe' | 'call';
  timeoutMs: number;
  memoryMb: number;
}

export interface CompileRequest {
  type: 'compile';
  id: number;
  source: string;
  entry: string;
}

export interface HostReply {
  type: 'host-reply';
  callId: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

export type ToSandbox = RunRequest | CompileRequest | HostReply;

/** What a run produced. `denied`: the script refused (its Error's message). */
export type RunOutcome =
  | { kind: 'ok'; value: unknown }
  | { kind: 'denied'; message: string }
  | { kind: 'error'; message: string }
  | { kind: 'timeout' }
  | { kind: 'memory' }
  /** No sandbox process could run it (not the script's fault). */
  | { kind: 'unavailable' };

export interface RunResult {
  type: 'result';
  id: number;
  outcome: RunOutcome;
  logs: string[];
}

export interface CompileResult {
  type: 'compiled';
  id: number;
  error: string | null;
}

export interface HostCall {
  type: 'host';
  /** The run that asks. */
  id: number;
  callId: number;
  op: 'fetch' | 'db.query';
  args: unknown[];
}

/** Sent once, when the process has loaded the isolate library and listens. */
export interface Ready {
  type: 'ready';
  id: 0;
}

export type FromSandbox = RunResult | CompileResult | HostCall | Ready;
