import { AppError } from '../../errors/app-error.js';
import type { EventService } from '../events/service.js';
import type { OutboundGuard } from '../outbound/index.js';
import type { PipelineFunctionRow, PipelineRepo } from '../../storage/repositories/pipeline.js';
import type { Logger } from '../../utils/logger.js';
import { sortableId } from '../../utils/ids.js';
import { nowIso } from '../../utils/time.js';
import type { PipelineEnv } from './env.js';
import type { RunOutcome, ScriptInput } from './sandbox/protocol.js';
import type { HostHandler, Sandbox } from './sandbox/pool.js';
import { LIMITS, type Scene } from './scenes.js';

export interface SceneRun {
  poolId: string;
  appId: string | null;
  scene: Scene;
  userId: string | null;
  /** The profile the script sees as `user` (null before authentication). */
  user: Record<string, unknown> | null;
  context: Record<string, unknown>;
}

/** What a chain produced: the user and context as the last function passed them on, and what they asked for. */
export interface SceneOutcome {
  ran: number;
  user: Record<string, unknown> | null;
  context: Record<string, unknown>;
  idToken: Record<string, unknown>;
  accessToken: Record<string, unknown>;
  customData: Record<string, unknown>;
  /** A function asked the MFA step to run for this sign-in (`context.requireMfa()`). */
  mfa: boolean;
}

interface OkValue {
  user: Record<string, unknown> | null;
  context: Record<string, unknown> | null;
  idToken: Record<string, unknown>;
  accessToken: Record<string, unknown>;
  customData: Record<string, unknown>;
  /** `context.requireMfa()` was called. */
  mfa?: boolean;
}

/** What a run needs of a function (a stored one, or a draft in a test run). */
export type Runnable = Pick<PipelineFunctionRow, 'id' | 'version' | 'source' | 'timeout' | 'fetch_allow_list'>;

/** A test run's answer (docs/pipeline.md, "Trying a function"). */
export interface TrialResult {
  result: string;
  durationMs: number;
  /** The refusal's message, or for the administrator the fault's details. */
  message: string | null;
  logs: string[];
  user: Record<string, unknown> | null;
  context: Record<string, unknown> | null;
  idToken: Record<string, unknown>;
  accessToken: Record<string, unknown>;
  customData: Record<string, unknown>;
  mfaRequested: boolean;
}

const MAX_FETCH_BODY = 256 * 1024;

/**
 * Runs the functions of a scene, in order, as one chain (the seed: "data passes from function to
 * function"): each receives the user and context the previous one passed to its callback. A
 * refusal, a fault, or a timeout of a function with `terminateOnTimeout` stops the chain and the
 * sign-in with a catalogued error (fail closed); asynchronous functions run after the chain
 * without blocking it and their failures are only logged. Every run is logged.
 */
export function createPipelineRunner(deps: {
  repo: PipelineRepo;
  env: PipelineEnv;
  sandbox: Sandbox;
  outbound: Pick<OutboundGuard, 'fetch'>;
  events: Pick<EventService, 'emit'>;
  log: Logger;
  /**
   * How long a pool's function list is cached. Every change is broadcast (the invalidation bus:
   * with Redis, every node drops the pool's entry before the write is answered), so this only
   * bounds what a lost message can leave stale.
   */
  cacheMs: number;
}) {
  /** `fetch` of a function: only to the hosts on its allow-list, and then through the one outbound guard. */
  function fetchFor(fn: Pick<Runnable, 'fetch_allow_list'>, deadline: number): HostHandler {
    const allow = JSON.parse(fn.fetch_allow_list) as string[];
    return async (op, args) => {
      if (op !== 'fetch') throw new Error(`${op} is not available to pipeline functions`);
      const [url, init] = args as [string, { method?: string; headers?: Record<string, string>; body?: string }];
      let u: URL;
      try {
        u = new URL(url);
      } catch {
        throw new Error('fetch: invalid URL');
      }
      if (!allow.includes(u.hostname.toLowerCase())) throw new Error(`fetch: ${u.hostname} is not on this function's allow-list`);
      const res = await deps.outbound.fetch(u, {
        method: typeof init?.method === 'string' ? init.method : 'GET',
        ...(init?.headers && typeof init.headers === 'object' ? { headers: init.headers } : {}),
        ...(typeof init?.body === 'string' ? { body: init.body } : {}),
        redirect: 'manual',
        signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
      });
      const body = (await res.text()).slice(0, MAX_FETCH_BODY);
      return { status: res.status, statusText: res.statusText, headers: Object.fromEntries(res.headers), body };
    };
  }

  /** Console output without the pool's secrets, and short. */
  function redact(lines: string[], env: Record<string, string>): string[] {
    const secrets = Object.values(env).filter((v) => v.length >= 4);
    let total = 0;
    const out: string[] = [];
    for (const line of lines) {
      let l = line;
      for (const s of secrets) l = l.split(s).join('[redacted]');
      if (total + l.length > LIMITS.outputChars) break;
      total += l.length;
      out.push(l);
    }
    return out;
  }

  /** One run in the sandbox: the outcome and the console output without the pool's secrets. */
  async function execute(poolId: string, fn: Runnable, input: ScriptInput): Promise<{ outcome: RunOutcome; logs: string[]; durationMs: number }> {
    const started = Date.now();
    const timeoutMs = fn.timeout * 1000;
    const { outcome, logs } = await deps.sandbox.run(
      { poolId, cacheKey: `${fn.id}:${fn.version}`, source: fn.source, entry: 'pipe', mode: 'pipe', input, timeoutMs, memoryMb: LIMITS.memoryMb },
      fetchFor(fn, started + timeoutMs),
    );
    return { outcome, logs: redact(logs, input.env), durationMs: Date.now() - started };
  }

  const resultOf = (o: RunOutcome) => (o.kind === 'ok' ? 'success' : o.kind);
  const messageOf = (o: RunOutcome, timeout: number) =>
    o.kind === 'denied' || o.kind === 'error' ? o.message.slice(0, 500) : o.kind === 'timeout' ? `timed out after ${timeout} s` : o.kind === 'memory' ? `exceeded ${LIMITS.memoryMb} MB` : o.kind === 'unavailable' ? 'the sandbox was unavailable' : null;

  async function runOne(fn: PipelineFunctionRow, input: ScriptInput, r: SceneRun): Promise<RunOutcome> {
    const { outcome, logs, durationMs } = await execute(r.poolId, fn, input);
    const result = resultOf(outcome);
    const message = messageOf(outcome, fn.timeout);
    const at = nowIso();
    await deps.repo
      .insertLog({ id: sortableId(), pool_id: r.poolId, func_id: fn.id, scene: r.scene, result, duration_ms: durationMs, message, output: JSON.stringify(logs), user_id: r.userId, created_at: at })
      .catch((err: unknown) => deps.log.error({ err }, 'pipeline log write failed'));
    await deps.repo.setLastStatus(r.poolId, fn.id, JSON.stringify({ result, at, durationMs })).catch(() => undefined);
    await deps.events.emit('pipeline:executed', { poolId: r.poolId, actor: null, subject: r.userId, result: result === 'success' ? 'success' : 'failure', data: { funcId: fn.id, scene: r.scene, result, durationMs, userId: r.userId } });
    if (outcome.kind !== 'ok' && outcome.kind !== 'denied') deps.log.warn({ poolId: r.poolId, funcId: fn.id, scene: r.scene, result, message }, 'pipeline function failed');
    return outcome;
  }

  /**
   * A pool's functions, cached: every sign-in asks for several scenes. A write drops the entry on
   * every node at once (`invalidate`, called from the invalidation bus); `cacheMs` is the bound.
   */
  const cache = new Map<string, { at: number; rows: PipelineFunctionRow[] }>();
  async function functionsOf(poolId: string, scene: Scene): Promise<PipelineFunctionRow[]> {
    let hit = cache.get(poolId);
    if (!hit || Date.now() - hit.at > deps.cacheMs) {
      hit = { at: Date.now(), rows: await deps.repo.list(poolId) };
      if (cache.size > 10_000) cache.clear();
      cache.set(poolId, hit);
    }
    return hit.rows.filter((r) => r.scene === scene);
  }

  const applies = (fn: PipelineFunctionRow, appId: string | null) => fn.enabled === 1 && (!fn.app_ids || (appId !== null && (JSON.parse(fn.app_ids) as string[]).includes(appId)));

  return {
    /**
     * A test run from the management API: one function with a sample user and context, nothing
     * written (no profile change, no log row); the outcome as data, faults with their details.
     */
    async trial(poolId: string, fn: Runnable, sample: { user: Record<string, unknown> | null; context: Record<string, unknown> }): Promise<TrialResult> {
      const env = await deps.env.values(poolId);
      const { outcome, logs, durationMs } = await execute(poolId, fn, { user: sample.user, context: sample.context, env });
      const v = outcome.kind === 'ok' ? (outcome.value as OkValue) : null;
      return {
        result: resultOf(outcome),
        durationMs,
        message: messageOf(outcome, fn.timeout),
        logs,
        user: v ? v.user : null,
        context: v ? v.context : null,
        idToken: v?.idToken ?? {},
        accessToken: v?.accessToken ?? {},
        customData: v?.customData ?? {},
        mfaRequested: v?.mfa === true,
      };
    },

    /** Drops a pool's cached functions (every pool's when `poolId` is absent: a reconnected bus). */
    invalidate: (poolId?: string) => (poolId ? void cache.delete(poolId) : cache.clear()),

    /** Whether the pool has any enabled function in a scene (cheap check before building inputs). */
    async has(poolId: string, scene: Scene, appId: string | null): Promise<boolean> {
      return (await functionsOf(poolId, scene)).some((fn) => applies(fn, appId));
    },

    async run(r: SceneRun, only?: PipelineFunctionRow): Promise<SceneOutcome> {
      const fns = only ? [only] : (await functionsOf(r.poolId, r.scene)).filter((fn) => applies(fn, r.appId));
      const out: SceneOutcome = { ran: 0, user: r.user, context: r.context, idToken: {}, accessToken: {}, customData: {}, mfa: false };
      if (!fns.length) return out;
      const env = await deps.env.values(r.poolId);
      const later: PipelineFunctionRow[] = [];
      for (const fn of fns) {
        if (fn.is_async === 1 && !only) {
          later.push(fn);
          continue;
        }
        const outcome = await runOne(fn, { user: out.user, context: out.context, env }, r);
        out.ran++;
        switch (outcome.kind) {
          case 'ok': {
            const v = outcome.value as OkValue;
            if (v.user) out.user = v.user;
            if (v.context) out.context = v.context;
            Object.assign(out.idToken, v.idToken);
            Object.assign(out.accessToken, v.accessToken);
            Object.assign(out.customData, v.customData);
            if (v.mfa) out.mfa = true;
            break;
          }
          case 'denied':
            throw new AppError('pipeline.denied', { params: { message: outcome.message.slice(0, LIMITS.messageChars) || 'Access denied.' } });
          case 'timeout':
            if (fn.terminate_on_timeout === 1) throw new AppError('pipeline.timed_out');
            break;
          case 'unavailable':
            throw new AppError('pipeline.sandbox_unavailable');
          default:
            throw new AppError('pipeline.script_failed');
        }
      }
      // Notifications and the like: after the chain, never blocking it; failures are only logged.
      for (const fn of later) {
        void runOne(fn, { user: out.user, context: out.context, env }, r).catch((err: unknown) => deps.log.error({ err, funcId: fn.id }, 'asynchronous pipeline function failed'));
      }
      return out;
    },
  };
}
export type PipelineRunner = ReturnType<typeof createPipelineRunner>;
