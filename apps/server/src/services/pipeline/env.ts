import { AppError } from '../../errors/app-error.js';
import type { PipelineRepo } from '../../storage/repositories/pipeline.js';
import type { SecretBox } from '../../utils/crypto.js';
import { nowIso } from '../../utils/time.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const MAX_VALUE = 4096;
const MAX_VARS = 100;

/**
 * The script environment of a pool (`env` inside a function): secrets such as API keys or a
 * custom database's URL, sealed at rest with the server's SecretBox and bound to pool and name,
 * opened only to hand them to that pool's runs. The API lists names, never values.
 */
export function createPipelineEnv(repo: PipelineRepo, box: SecretBox) {
  const context = (poolId: string, name: string) => `pipeline-env:${poolId}:${name}`;
  return {
    async set(poolId: string, name: string, value: string): Promise<{ created: boolean }> {
      if (!NAME.test(name) || typeof value !== 'string' || value.length > MAX_VALUE) throw new AppError('pipeline.invalid_env');
      const existing = await repo.findEnv(poolId, name);
      if (!existing && (await repo.listEnv(poolId)).length >= MAX_VARS) throw new AppError('pipeline.invalid_env');
      const at = nowIso();
      await repo.putEnv({ pool_id: poolId, name, value_enc: box.seal(value, context(poolId, name)), created_at: existing?.created_at ?? at, updated_at: at });
      return { created: !existing };
    },
    async list(poolId: string): Promise<Array<{ key: string; createdAt: string; updatedAt: string }>> {
      return (await repo.listEnv(poolId)).map((r) => ({ key: r.name, createdAt: r.created_at, updatedAt: r.updated_at }));
    },
    async remove(poolId: string, name: string): Promise<boolean> {
      return repo.deleteEnv(poolId, name);
    },
    /** The opened values of one pool, for its runs only. */
    async values(poolId: string): Promise<Record<string, string>> {
      const out: Record<string, string> = {};
      for (const r of await repo.listEnv(poolId)) out[r.name] = box.open(r.value_enc, context(poolId, r.name));
      return out;
    },
  };
}
export type PipelineEnv = ReturnType<typeof createPipelineEnv>;
