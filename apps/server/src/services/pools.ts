import { AppError } from '../errors/app-error.js';
import type { PoolRow, PoolsRepo } from '../storage/repositories/pools.js';
import { isUniqueViolation } from '../errors/to-app-error.js';
import { randomId } from '../utils/ids.js';
import { nowIso } from '../utils/time.js';

/** Pool ids appear in KV key prefixes and issuer URLs: restricted alphabet, no ':' or '/'. */
export const POOL_ID_PATTERN = '^[a-zA-Z0-9][a-zA-Z0-9_-]{1,62}$';
const poolIdRe = new RegExp(POOL_ID_PATTERN);

export interface PoolDto {
  userPoolId: string;
  name: string;
  description?: string;
  isDefault: boolean;
  createdAt: string;
  updatedAt: string;
}

export const toPoolDto = (r: PoolRow): PoolDto => ({
  userPoolId: r.id,
  name: r.name,
  ...(r.description ? { description: r.description } : {}),
  isDefault: r.is_default === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function createPoolsService(repo: PoolsRepo) {
  return {
    async create(input: { id?: string; name: string; description?: string; isDefault?: boolean }): Promise<PoolRow> {
      const id = input.id ?? randomId(12);
      if (!poolIdRe.test(id)) throw new AppError('request.invalid_input', { details: [{ path: 'userPoolId', message: `must match ${POOL_ID_PATTERN}` }] });
      const now = nowIso();
      const row: PoolRow = {
        id,
        name: input.name,
        description: input.description ?? null,
        is_default: input.isDefault ? 1 : 0,
        settings: '{}',
        created_at: now,
        updated_at: now,
      };
      try {
        await repo.insert(row);
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('pool.already_exists', { cause: err });
        throw err;
      }
      return row;
    },
    async get(id: string): Promise<PoolRow> {
      const row = await repo.findById(id);
      if (!row) throw new AppError('pool.not_found');
      return row;
    },
    findDefault: () => repo.findDefault(),
    list: () => repo.list(),
    count: () => repo.count(),
  };
}
export type PoolsService = ReturnType<typeof createPoolsService>;
