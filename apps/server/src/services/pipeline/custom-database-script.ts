import { AppError } from '../../errors/app-error.js';
import type { OutboundGuard } from '../outbound/index.js';
import type { CustomDatabaseRow, PipelineRepo } from '../../storage/repositories/pipeline.js';
import type { LegacyDatabases } from '../../storage/repositories/legacy-databases.js';
import type { Logger } from '../../utils/logger.js';
import { sortableId } from '../../utils/ids.js';
import { nowIso } from '../../utils/time.js';
import type { PipelineEnv } from './env.js';
import type { Sandbox } from './sandbox/pool.js';
import { LIMITS } from './scenes.js';

/** The script functions of a custom database (docs/pipeline.md, "Custom database"). */
/** (`remove` deletes: `delete` is a reserved word in JavaScript.) */
export type CustomDbEntry = 'login' | 'getUser' | 'create' | 'changePassword' | 'verify' | 'remove';

/** What a call gave back: a value (null when the script returned nothing), or a refusal (an Error it threw on purpose). */
export type CustomDbAnswer = { kind: 'value'; value: unknown } | { kind: 'refused'; message: string };

/** The profile fields Gatehouse reads from a script's answer. */
export interface ScriptProfile {
  id?: string;
  email?: string;
  username?: string;
  phone?: string;
  nickname?: string;
  name?: string;
}

const str = (v: unknown) => (typeof v === 'string' && v.length > 0 && v.length <= 320 ? v : undefined);

/** A script's answer as a profile: string fields only (a numeric id becomes a string); null when it names no identifier. */
export function profileOf(v: unknown): ScriptProfile | null {
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  const p: ScriptProfile = {};
  for (const k of ['id', 'email', 'username', 'phone', 'nickname', 'name'] as const) {
    const x = str(typeof o[k] === 'number' ? String(o[k]) : o[k]);
    if (x) p[k] = x;
  }
  return p.email || p.username || p.phone ? p : null;
}

/**
 * Runs one function of a pool's custom-database script in the sandbox (mode `call`), with
 * `db.query` answered by the server: PostgreSQL at the URL in the pool's env, checked by the
 * outbound guard, bound parameters, each query bounded by the timeout. Every call is logged
 * under `custom-database:<function>`, with the password and the env values redacted. A fault,
 * a timeout or an unavailable sandbox throws the catalogued error (fail closed).
 */
export function createCustomDbScripts(deps: { repo: PipelineRepo; env: PipelineEnv; sandbox: Sandbox; legacy: LegacyDatabases; outbound: Pick<OutboundGuard, 'assertHostAllowed'>; log: Logger }) {
  async function query(cfg: CustomDatabaseRow, env: Record<string, string>, args: unknown[]): Promise<unknown> {
    const url = env[cfg.db_url_env];
    if (!url) throw new Error(`db.query: the environment variable ${cfg.db_url_env} is not set`);
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new Error('db.query: the database URL is invalid');
    }
    if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw new Error('db.query: only postgres:// databases are supported');
    const { address } = await deps.outbound.assertHostAllowed(u.hostname, Number(u.port || 5432));
    const [sql, params] = args as [string, unknown[]];
    return deps.legacy.query(url, address, sql, Array.isArray(params) ? params : [], cfg.timeout * 1000);
  }

  return {
    /** `secrets`: values to redact from the log besides the env's (the password). `userId`: for the log. */
    async call(poolId: string, cfg: CustomDatabaseRow, entry: CustomDbEntry, args: unknown[], o: { secrets?: string[]; userId?: string | null } = {}): Promise<CustomDbAnswer> {
      const env = await deps.env.values(poolId);
      const started = Date.now();
      const { outcome, logs } = await deps.sandbox.run(
        { poolId, cacheKey: `custom-database:${cfg.version}`, source: cfg.login_source, entry, mode: 'call', input: { args, env }, timeoutMs: cfg.timeout * 1000, memoryMb: LIMITS.memoryMb },
        async (op, a) => {
          if (op !== 'db.query') throw new Error(`${op} is not available to custom database scripts`);
          return query(cfg, env, a);
        },
      );
      const secrets = [...(o.secrets ?? []), ...Object.values(env)].filter((v) => v.length >= 4);
      const clean = (l: string) => secrets.reduce((acc, sct) => acc.split(sct).join('[redacted]'), l);
      const message = outcome.kind === 'denied' || outcome.kind === 'error' ? clean(outcome.message.slice(0, 500)) : outcome.kind === 'ok' ? null : outcome.kind;
      const result = outcome.kind === 'ok' ? (outcome.value === null ? 'not_found' : 'success') : outcome.kind;
      await deps.repo
        .insertLog({ id: sortableId(), pool_id: poolId, func_id: `custom-database:${entry}`, scene: 'CUSTOM_DATABASE', result, duration_ms: Date.now() - started, message, output: JSON.stringify(logs.map(clean)), user_id: o.userId ?? null, created_at: nowIso() })
        .catch((err: unknown) => deps.log.error({ err }, 'pipeline log write failed'));
      if (outcome.kind === 'timeout') throw new AppError('pipeline.timed_out');
      if (outcome.kind === 'unavailable') throw new AppError('pipeline.sandbox_unavailable');
      if (outcome.kind === 'error' || outcome.kind === 'memory') throw new AppError('pipeline.script_failed');
      if (outcome.kind === 'denied') return { kind: 'refused', message: outcome.message };
      return { kind: 'value', value: outcome.value };
    },
  };
}
export type CustomDbScripts = ReturnType<typeof createCustomDbScripts>;
