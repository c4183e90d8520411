import { AppError } from '../../errors/app-error.js';
import type { CustomDatabaseRow, PipelineRepo } from '../../storage/repositories/pipeline.js';
import { nowIso } from '../../utils/time.js';
import { profileOf, type CustomDbScripts } from './custom-database-script.js';
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
  /** `lazy`: import at the first sign-in; `own`: the users stay in the pool's store. */
  mode: 'lazy' | 'own';
  loginScript: string;
  dbUrlEnv: string;
  timeout: number;
  updatedAt: string | null;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const MODES = ['lazy', 'own'] as const;

/**
 * A pool's custom database, lazy-migration mode (docs/pipeline.md): when a password sign-in
 * names an account the pool does not have, the pool's `login(account, password)` script looks
 * it up in the pool's own database (`db.query`, reached through the outbound guard) and verifies
 * the password there. A profile it returns is imported with the password hashed by Gatehouse;
 * from then on the account signs in against Gatehouse and the script is not called for it.
 */
export function createCustomDatabase(deps: {
  repo: PipelineRepo;
  sandbox: Sandbox;
  scripts: CustomDbScripts;
  importUser: (poolId: string, profile: LegacyProfile, password: string) => Promise<void>;
}) {
  const view = (r: CustomDatabaseRow | undefined): CustomDatabaseView =>
    r
      ? { enabled: r.enabled === 1, mode: r.mode === 'own' ? 'own' : 'lazy', loginScript: r.login_source, dbUrlEnv: r.db_url_env, timeout: r.timeout, updatedAt: r.updated_at }
      : { enabled: false, mode: 'lazy', loginScript: '', dbUrlEnv: '', timeout: LIMITS.defaultTimeout, updatedAt: null };

  return {
    get: async (poolId: string) => view(await deps.repo.findCustomDatabase(poolId)),

    async set(poolId: string, input: { enabled: boolean; loginScript: string; dbUrlEnv: string; timeout?: number | undefined; mode?: string | undefined }): Promise<CustomDatabaseView> {
      const mode = input.mode ?? 'lazy';
      if (!(MODES as readonly string[]).includes(mode)) throw new AppError('pipeline.invalid_scene', { params: { allowed: MODES.join(', ') } });
      const timeout = input.timeout ?? LIMITS.defaultTimeout;
      if (!Number.isInteger(timeout) || timeout < LIMITS.minTimeout || timeout > LIMITS.maxTimeout) throw new AppError('pipeline.invalid_timeout');
      if (!ENV_NAME.test(input.dbUrlEnv)) throw new AppError('pipeline.invalid_env');
      const problem = await deps.sandbox.compile(input.loginScript, 'login');
      if (problem) throw new AppError('pipeline.source_invalid', { params: { detail: problem } });
      const cur = await deps.repo.findCustomDatabase(poolId);
      const row: CustomDatabaseRow = { pool_id: poolId, enabled: input.enabled ? 1 : 0, mode, login_source: input.loginScript, db_url_env: input.dbUrlEnv, timeout, version: (cur?.version ?? 0) + 1, updated_at: nowIso() };
      await deps.repo.putCustomDatabase(row);
      return view(row);
    },

    /** Lazy migration: true when the account was found in the pool's database and imported. */
    async tryImport(poolId: string, account: string, password: string): Promise<boolean> {
      const cfg = await deps.repo.findCustomDatabase(poolId);
      if (!cfg || cfg.enabled !== 1 || cfg.mode !== 'lazy') return false;
      const r = await deps.scripts.call(poolId, cfg, 'login', [account, password], { secrets: [password] });
      // A refusal (an Error thrown) or no profile: the account is not there; the sign-in fails as for any unknown account.
      const p = r.kind === 'value' ? profileOf(r.value) : null;
      if (!p) return false;
      await deps.importUser(poolId, p, password);
      return true;
    },
  };
}
export type CustomDatabase = ReturnType<typeof createCustomDatabase>;
