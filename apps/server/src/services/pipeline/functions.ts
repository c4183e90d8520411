import { AppError } from '../../errors/app-error.js';
import type { PipelineFunctionRow, PipelineRepo } from '../../storage/repositories/pipeline.js';
import { randomId } from '../../utils/ids.js';
import { nowIso } from '../../utils/time.js';
import { createHash } from 'node:crypto';
import type { Runnable, TrialResult } from './runner.js';
import type { Sandbox } from './sandbox/pool.js';
import { isScene, LIMITS, SCENES, type Scene } from './scenes.js';

/** The writable fields (vendor `CreatePipelineFunctionDto` plus Gatehouse's `fetchAllowList` and `appIds`). */
export interface FunctionFields {
  funcName?: string;
  funcDescription?: string;
  sourceCode?: string;
  scene?: string;
  isAsynchronous?: boolean;
  timeout?: number;
  terminateOnTimeout?: boolean;
  enabled?: boolean;
  /** Host names the function's `fetch` may reach (still through the outbound guard). */
  fetchAllowList?: string[];
  /** Apps the function runs for; absent or null: every app of the pool. */
  appIds?: string[] | null;
}

/** Vendor `PipelineFunctionDto` (+ `fetchAllowList`, `appIds`). */
export interface FunctionView {
  funcId: string;
  funcName: string;
  funcDescription?: string;
  scene: Scene;
  createdAt: string;
  updatedAt: string;
  isAsynchronous: boolean;
  timeout: number;
  terminateOnTimeout: boolean;
  sourceCode: string;
  status: 'success';
  enabled: boolean;
  isCloud: false;
  lastExecuteStatus: Record<string, unknown>;
  fetchAllowList: string[];
  appIds: string[] | null;
}

/** A test run's input (docs/pipeline.md, "Trying a function"): a stored function, or a draft. */
export interface TrialInput {
  funcId?: string | undefined;
  sourceCode?: string | undefined;
  scene?: string | undefined;
  timeout?: number | undefined;
  fetchAllowList?: string[] | undefined;
  user?: unknown;
  context?: unknown;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

export function toFunctionView(r: PipelineFunctionRow): FunctionView {
  return {
    funcId: r.id,
    funcName: r.name,
    ...(r.description ? { funcDescription: r.description } : {}),
    scene: r.scene as Scene,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    isAsynchronous: r.is_async === 1,
    timeout: r.timeout,
    terminateOnTimeout: r.terminate_on_timeout === 1,
    sourceCode: r.source,
    status: 'success',
    enabled: r.enabled === 1,
    isCloud: false,
    lastExecuteStatus: r.last_status ? (JSON.parse(r.last_status) as Record<string, unknown>) : {},
    fetchAllowList: JSON.parse(r.fetch_allow_list) as string[],
    appIds: r.app_ids ? (JSON.parse(r.app_ids) as string[]) : null,
  };
}

/**
 * Management of pipeline functions (vendor create/get/update/reupload/order/delete/list). A
 * source is compiled in the sandbox before it is stored: a function that does not compile or
 * defines no `pipe` is refused with the compiler's message, and nothing is written.
 */
export function createPipelineFunctions(deps: {
  repo: PipelineRepo;
  sandbox: Sandbox;
  appExists: (poolId: string, appId: string) => Promise<boolean>;
  changed: (poolId: string) => Promise<void>;
  trial: (poolId: string, fn: Runnable, sample: { user: Record<string, unknown> | null; context: Record<string, unknown> }) => Promise<TrialResult>;
}) {
  const { repo } = deps;

  async function mustFind(poolId: string, funcId: unknown): Promise<PipelineFunctionRow> {
    const r = typeof funcId === 'string' && funcId ? await repo.findById(poolId, funcId) : undefined;
    if (!r) throw new AppError('pipeline.function_not_found');
    return r;
  }

  async function checkSource(source: string): Promise<void> {
    if (Buffer.byteLength(source) > LIMITS.sourceBytes) throw new AppError('pipeline.source_invalid', { params: { detail: `larger than ${LIMITS.sourceBytes} bytes` } });
    const problem = await deps.sandbox.compile(source, 'pipe');
    if (problem) throw new AppError('pipeline.source_invalid', { params: { detail: problem } });
  }

  function checkTimeout(t: unknown): number {
    if (typeof t !== 'number' || !Number.isInteger(t) || t < LIMITS.minTimeout || t > LIMITS.maxTimeout) throw new AppError('pipeline.invalid_timeout');
    return t;
  }

  function checkAllowList(list: unknown): string[] {
    if (!Array.isArray(list) || list.length > LIMITS.allowListHosts) throw new AppError('pipeline.invalid_allow_list');
    const hosts = list.map((h) => (typeof h === 'string' ? h.trim().toLowerCase() : ''));
    if (hosts.some((h) => !HOST.test(h))) throw new AppError('pipeline.invalid_allow_list');
    return [...new Set(hosts)];
  }

  async function checkApps(poolId: string, ids: string[] | null | undefined): Promise<string[] | null> {
    if (!ids) return null;
    for (const id of ids) if (typeof id !== 'string' || !(await deps.appExists(poolId, id))) throw new AppError('pipeline.invalid_app', { params: { appId: String(id) } });
    return [...new Set(ids)];
  }

  return {
    async create(poolId: string, f: FunctionFields & { funcName: string; sourceCode: string; scene: string }): Promise<FunctionView> {
      if (!isScene(f.scene)) throw new AppError('pipeline.invalid_scene', { params: { allowed: SCENES.join(', ') } });
      const timeout = checkTimeout(f.timeout ?? LIMITS.defaultTimeout);
      const allow = checkAllowList(f.fetchAllowList ?? []);
      const apps = await checkApps(poolId, f.appIds);
      const count = await repo.countInScene(poolId, f.scene);
      if (count >= LIMITS.functionsPerScene) throw new AppError('pipeline.too_many_functions', { params: { max: LIMITS.functionsPerScene } });
      await checkSource(f.sourceCode);
      const at = nowIso();
      const row: PipelineFunctionRow = {
        id: randomId(12),
        pool_id: poolId,
        name: f.funcName,
        description: f.funcDescription ?? null,
        scene: f.scene,
        source: f.sourceCode,
        version: 1,
        is_async: f.isAsynchronous ? 1 : 0,
        timeout,
        // Gatehouse fails closed by default: a rule that cannot finish refuses the sign-in (the vendor defaults to false).
        terminate_on_timeout: f.terminateOnTimeout === false ? 0 : 1,
        enabled: f.enabled === false ? 0 : 1,
        position: count,
        fetch_allow_list: JSON.stringify(allow),
        app_ids: apps ? JSON.stringify(apps) : null,
        last_status: null,
        created_at: at,
        updated_at: at,
      };
      await repo.insert(row);
      await deps.changed(poolId);
      return toFunctionView(row);
    },

    get: async (poolId: string, funcId: unknown): Promise<FunctionView> => toFunctionView(await mustFind(poolId, funcId)),

    async update(poolId: string, funcId: unknown, f: FunctionFields): Promise<{ view: FunctionView; fields: string[] }> {
      const cur = await mustFind(poolId, funcId);
      const patch: Partial<PipelineFunctionRow> = {};
      if (f.timeout !== undefined) patch.timeout = checkTimeout(f.timeout);
      if (f.fetchAllowList !== undefined) patch.fetch_allow_list = JSON.stringify(checkAllowList(f.fetchAllowList));
      if (f.appIds !== undefined) {
        const apps = await checkApps(poolId, f.appIds);
        patch.app_ids = apps ? JSON.stringify(apps) : null;
      }
      if (f.sourceCode !== undefined && f.sourceCode !== cur.source) {
        await checkSource(f.sourceCode);
        patch.source = f.sourceCode;
        patch.version = cur.version + 1;
      }
      if (f.funcName !== undefined) patch.name = f.funcName;
      if (f.funcDescription !== undefined) patch.description = f.funcDescription;
      if (f.isAsynchronous !== undefined) patch.is_async = f.isAsynchronous ? 1 : 0;
      if (f.terminateOnTimeout !== undefined) patch.terminate_on_timeout = f.terminateOnTimeout ? 1 : 0;
      if (f.enabled !== undefined) patch.enabled = f.enabled ? 1 : 0;
      const fields = Object.keys(f).filter((k) => k !== 'funcId' && (f as Record<string, unknown>)[k] !== undefined);
      if (Object.keys(patch).length) await repo.update(poolId, cur.id, { ...patch, updated_at: nowIso() });
      await deps.changed(poolId);
      return { view: toFunctionView((await repo.findById(poolId, cur.id))!), fields };
    },

    /** Vendor `reupload-pipeline-function` (for a failed cloud upload): here the source is compiled again. */
    async reupload(poolId: string, funcId: unknown): Promise<FunctionView> {
      const cur = await mustFind(poolId, funcId);
      await checkSource(cur.source);
      return toFunctionView(cur);
    },

    async reorder(poolId: string, scene: unknown, order: unknown): Promise<void> {
      if (!isScene(scene)) throw new AppError('pipeline.invalid_scene', { params: { allowed: SCENES.join(', ') } });
      const ids = (await repo.list(poolId, scene)).map((r) => r.id);
      const given = Array.isArray(order) ? order : [];
      if (given.length !== ids.length || new Set(given).size !== given.length || !given.every((id) => typeof id === 'string' && ids.includes(id))) throw new AppError('pipeline.order_mismatch');
      await repo.reorder(poolId, scene, given as string[], nowIso());
      await deps.changed(poolId);
    },

    async remove(poolId: string, funcId: unknown): Promise<void> {
      const cur = await mustFind(poolId, funcId);
      await repo.delete(poolId, cur.id);
      await deps.changed(poolId);
    },

    async list(poolId: string, scene?: unknown): Promise<{ totalCount: number; list: FunctionView[] }> {
      if (scene !== undefined && !isScene(scene)) throw new AppError('pipeline.invalid_scene', { params: { allowed: SCENES.join(', ') } });
      const rows = await repo.list(poolId, scene);
      return { totalCount: rows.length, list: rows.map(toFunctionView) };
    },

    /**
     * A test run (Gatehouse extension): a stored function (`funcId`) or a draft (`sourceCode`,
     * `scene`, `timeout`, `fetchAllowList`, compiled first) runs once in the sandbox with a sample
     * `user` (an object, or null as before authentication) and `context` (merged over a default
     * one for the scene), under the function's own limits. Nothing is written.
     */
    async test(poolId: string, input: TrialInput): Promise<TrialResult & { scene: Scene }> {
      const user = input.user ?? null;
      const sample = input.context ?? {};
      if ((user !== null && !isPlainObject(user)) || !isPlainObject(sample)) throw new AppError('pipeline.invalid_sample');
      if (JSON.stringify({ user, sample }).length > LIMITS.sampleChars) throw new AppError('pipeline.invalid_sample');
      let fn: Runnable;
      let scene: Scene;
      if (input.funcId !== undefined) {
        const row = await mustFind(poolId, input.funcId);
        fn = row;
        scene = row.scene as Scene;
      } else {
        if (!isScene(input.scene)) throw new AppError('pipeline.invalid_scene', { params: { allowed: SCENES.join(', ') } });
        scene = input.scene;
        const timeout = checkTimeout(input.timeout ?? LIMITS.defaultTimeout);
        const allow = checkAllowList(input.fetchAllowList ?? []);
        if (typeof input.sourceCode !== 'string' || !input.sourceCode) throw new AppError('pipeline.source_invalid', { params: { detail: 'sourceCode (or funcId) is required' } });
        await checkSource(input.sourceCode);
        // Drafts are cached in the pool's isolate by their content, like a function's version.
        fn = { id: `draft-${createHash('sha256').update(input.sourceCode).digest('hex').slice(0, 24)}`, version: 1, source: input.sourceCode, timeout, fetch_allow_list: JSON.stringify(allow) };
      }
      const request = { body: {}, ip: null, userAgent: null, ...(isPlainObject(sample.request) ? sample.request : {}) };
      const context = { scene, app: null, connection: null, protocol: 'test', context: {}, ...sample, request, pool: { id: poolId } };
      return { scene, ...(await deps.trial(poolId, fn, { user, context })) };
    },

    /** Vendor `get-pipeline-logs`: newest first. */
    async logs(poolId: string, q: { funcId?: string | undefined; page: number; limit: number }) {
      if (q.funcId) await mustFind(poolId, q.funcId);
      const { rows, total } = await repo.listLogs(poolId, q.funcId, q.page, q.limit);
      return {
        totalCount: total,
        list: rows.map((r) => ({
          id: r.id,
          funcId: r.func_id,
          scene: r.scene,
          result: r.result,
          success: r.result === 'success',
          durationMs: r.duration_ms,
          message: r.message,
          logs: r.output ? (JSON.parse(r.output) as string[]) : [],
          userId: r.user_id,
          createdAt: r.created_at,
        })),
      };
    },
  };
}
export type PipelineFunctions = ReturnType<typeof createPipelineFunctions>;
