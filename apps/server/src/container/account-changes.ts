import { accountKey } from '../oidc/account-cache.js';
import { TOPICS, type InvalidationBus } from '../storage/kv/invalidation-bus.js';
import type { CredentialsRepo } from '../storage/repositories/credentials.js';
import type { RolesRepo } from '../storage/repositories/roles.js';
import type { UsersRepo } from '../storage/repositories/users.js';

/**
 * Every repository write that can change a user's claims publishes `account` on the
 * invalidation bus after it returns (oidc/account-cache.ts), so the claims cache of every node
 * drops the user before the write's response is sent. Done here, on the repositories the whole
 * graph shares, so no service path can forget it. The methods are replaced in place: whoever
 * holds the repository object sees the publishing version.
 *
 * Not published: `recordLogin` (login count, last login, last IP are not claims) and
 * `markAllForRefresh` (a flag on the hash, not a claim).
 */
export function publishAccountChanges(bus: InvalidationBus, repos: { users?: UsersRepo; roles?: RolesRepo; credentials?: CredentialsRepo }): void {
  const after = <T extends object>(obj: T, method: keyof T & string, key: (a: unknown[]) => string) => {
    const original = (obj[method] as (...a: unknown[]) => Promise<unknown>).bind(obj);
    (obj as Record<string, unknown>)[method] = async (...a: unknown[]) => {
      try {
        return await original(...a);
      } finally {
        // Also after a failure: a write that failed late may still have changed something.
        await bus.publish(TOPICS.account, key(a));
      }
    };
  };
  const user = (a: unknown[]) => accountKey(a[0] as string, a[1] as string);
  const pool = (a: unknown[]) => accountKey(a[0] as string);
  if (repos.users) {
    after(repos.users, 'update', user);
    after(repos.users, 'deleteAllOrNothing', pool);
  }
  if (repos.roles) {
    // Assignments name several users, a renamed or deleted role concerns all its holders: the pool.
    for (const m of ['assign', 'revoke', 'deleteMany', 'update'] as const) after(repos.roles, m, pool);
    after(repos.roles, 'unassign', user);
  }
  if (repos.credentials) after(repos.credentials, 'setPasswordHash', user);
}

/** For custom data written to a user (extended_fields claim). */
export const publishUserDataChange = (bus: InvalidationBus) => (poolId: string, userId: string) => bus.publish(TOPICS.account, accountKey(poolId, userId));
