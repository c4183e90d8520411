import { AppError } from '../../errors/app-error.js';

/**
 * Console roles (docs/console.md "Administrators"):
 *  - owner: every pool, every action (like the root access key of the default pool);
 *  - pool-admin: every action in the pools listed for them (like an access key of each);
 *  - auditor: reads only, in the listed pools or, with none listed, in every pool.
 */
export const ADMIN_ROLES = ['owner', 'pool-admin', 'auditor'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

export const isAdminRole = (v: unknown): v is AdminRole => typeof v === 'string' && (ADMIN_ROLES as readonly string[]).includes(v);

export interface Administrator {
  userId: string;
  email: string | null;
  role: AdminRole;
  poolIds: string[];
  createdAt: string;
}

/** May this administrator act on `poolId` at all (read)? */
export function canSeePool(admin: Pick<Administrator, 'role' | 'poolIds'>, poolId: string): boolean {
  if (admin.role === 'owner') return true;
  if (admin.role === 'auditor' && admin.poolIds.length === 0) return true;
  return admin.poolIds.includes(poolId);
}

/**
 * The one authorisation check of the console's bearer scheme: the pool first (a pool the
 * administrator may not see is refused the same way for reads and writes), then writes for
 * auditors. Throws the catalogued error; returns nothing when allowed.
 */
export function authorize(admin: Pick<Administrator, 'role' | 'poolIds'>, poolId: string, write: boolean): void {
  if (!canSeePool(admin, poolId)) throw new AppError('console.pool_not_allowed', { params: { poolId } });
  if (write && admin.role === 'auditor') throw new AppError('console.read_only');
}
