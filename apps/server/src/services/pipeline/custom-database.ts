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

/** The profile a `login` script returns for an account it verified. */
export interface LegacyProfile {
  id?: string;
  email?: string;
  username?: string;
  phone?: string;
  nickname?: string;
  name?: string;
}

export interface CustomDatabaseView {
  enabled: boolean;
  mode: 'lazy';
  loginScript: string;
  dbUrlEnv: string;
  timeout: number;
  updatedAt: string | null;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const FUNC_ID = 'custom-database:login';
const str = (v: unknown) => (typeof v === 'string' && v.length > 0 && v.length <= 320 ? v : undefined);

/**
 * A pool's custom database, lazy-migration mode (docs/pipeline.md): when a password sign-in
 * names an account the pool does not have, the pool's `login(account, password)` script looks
 * it up in the pool's own database (`db.query`, reached through the outbound guard) and verifies
 * the password there. A profile it returns is imported with the password hashed by Gatehouse;
 * from then on the account signs in against Gatehouse and the script is not called for it.
 */
export function createCustomDatabase(deps: {
  repo: PipelineRepo;
  env: PipelineEnv;
  sandbox: Sandbox;
  legacy: LegacyDatabases;
  outbound: Pick<OutboundGuard, 'assertHostAllowed'>;
  importUser: (poolId: string, profile: LegacyProfile, password: string) => Promise<void>;
  log: Logger;
}) {
  const view = (r: CustomDatabaseRow | undefined): CustomDatabaseView =>
    r
      ? { enabled: r.enabled === 1, mode: 'lazy', loginScript: r.login_source, dbUrlEnv: r.db_url_env, timeout: r.timeout, updatedAt: r.updated_at }
      : { enabled: false, mode: 'lazy', loginScript: '', dbUrlEnv: '', timeout: LIMITS.defaultTimeout, updatedAt: null };

  async function query(poolId: string, cfg: CustomDatabaseRow, env: Record<string, string>, args: unknown[]): Promise<unknown> {
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
    const rows = await deps.legacy.query(url, address, sql, Array.isArray(params) ? params : [], cfg.timeout * 1000);
    deps.log.debug({ poolId }, 'custom database query');
    return rows;
  }

  return {
    get: async (poolId: string) => view(await deps.repo.findCustomDatabase(poolId)),

    async set(poolId: string, input: { enabled: boolean; loginScript: string; dbUrlEnv: string; timeout?: number | undefined; mode?: string | undefined }): Promise<CustomDatabaseView> {
      if (input.mode !== undefined && input.mode !== 'lazy') throw new AppError('pipeline.invalid_scene', { params: { allowed: 'lazy' } });
      const timeout = input.timeout ?? LIMITS.defaultTimeout;
      if (!Number.isInteger(timeout) || timeout < LIMITS.minTimeout || timeout > LIMITS.maxTimeout) throw new AppError('pipeline.invalid_timeout');
      if (!ENV_NAME.test(input.dbUrlEnv)) throw new AppError('pipeline.invalid_env');
      const problem = await deps.sandbox.compile(input.loginScript, 'login');
      if (problem) throw new AppError('pipeline.source_invalid', { params: { detail: problem } });
      const cur = await deps.repo.findCustomDatabase(poolId);
      const row: CustomDatabaseRow = { pool_id: poolId, enabled: input.enabled ? 1 : 0, mode: 'lazy', login_source: input.loginScript, db_url_env: input.dbUrlEnv, timeout, version: (cur?.version ?? 0) + 1, updated_at: nowIso() };
      await deps.repo.putCustomDatabase(row);
      return view(row);
    },

    /** Lazy migration: true when the account was found in the pool's database and imported. */
    async tryImport(poolId: string, account: string, password: string): Promise<boolean> {
      const cfg = await deps.repo.findCustomDatabase(poolId);
      if (!cfg || cfg.enabled !== 1) return false;
      const env = await deps.env.values(poolId);
      const started = Date.now();
      const { outcome, logs } = await deps.sandbox.run(
        { poolId, cacheKey: `${FUNC_ID}:${cfg.version}`, source: cfg.login_source, entry: 'login', mode: 'call', input: { args: [account, password], env }, timeoutMs: cfg.timeout * 1000, memoryMb: LIMITS.memoryMb },
        async (op, args) => {
          if (op !== 'db.query') throw new Error(`${op} is not available to custom database scripts`);
          return query(poolId, cfg, env, args);
        },
      );
      // Never the password nor a secret in the log.
      const secrets = [password, ...Object.values(env)].filter((v) => v.length >= 4);
      const clean = logs.map((l) => secrets.reduce((acc, sct) => acc.split(sct).join('[redacted]'), l));
      const message = outcome.kind === 'denied' || outcome.kind === 'error' ? outcome.message.slice(0, 500) : outcome.kind === 'ok' ? null : outcome.kind;
      const profile = outcome.kind === 'ok' && outcome.value && typeof outcome.value === 'object' ? (outcome.value as Record<string, unknown>) : null;
      const result = outcome.kind === 'ok' ? (profile ? 'success' : 'not_found') : outcome.kind;
      await deps.repo
        .insertLog({ id: sortableId(), pool_id: poolId, func_id: FUNC_ID, scene: 'CUSTOM_DATABASE', result, duration_ms: Date.now() - started, message: message ? secrets.reduce((acc, sct) => acc.split(sct).join('[redacted]'), message) : null, output: JSON.stringify(clean), user_id: null, created_at: nowIso() })
        .catch((err: unknown) => deps.log.error({ err }, 'pipeline log write failed'));
      if (outcome.kind === 'timeout') throw new AppError('pipeline.timed_out');
      if (outcome.kind === 'unavailable') throw new AppError('pipeline.sandbox_unavailable');
      if (outcome.kind === 'error' || outcome.kind === 'memory') throw new AppError('pipeline.script_failed');
      // A refusal (an Error thrown) or no profile: the account is not there; the sign-in fails as for any unknown account.
      if (!profile) return false;
      const p: LegacyProfile = {};
      for (const k of ['id', 'email', 'username', 'phone', 'nickname', 'name'] as const) {
        const v = str(typeof profile[k] === 'number' ? String(profile[k]) : profile[k]);
        if (v) p[k] = v;
      }
      if (!p.email && !p.username && !p.phone) return false;
      await deps.importUser(poolId, p, password);
      return true;
    },
  };
}
export type CustomDatabase = ReturnType<typeof createCustomDatabase>;
