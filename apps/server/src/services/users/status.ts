import type { UserRow } from '../../storage/repositories/users.js';

/** Statuses in which an account may not sign in (the vendor's `status` values). */
const DISABLED_STATUSES = new Set(['Suspended', 'Deactivated', 'Archived']);

/** Blocked, or in a status that forbids signing in: every way in refuses such an account after its proof. */
export const isUserDisabled = (u: Pick<UserRow, 'blocked' | 'status'>) => u.blocked === 1 || DISABLED_STATUSES.has(u.status);
