import type { GroupRow, GroupsRepo } from '../../storage/repositories/groups.js';

/**
 * The DYNAMIC groups of each pool, kept per node: every sign-in asks for them (the `login`
 * listener in container/organizations.ts), and most pools have none, so the question should not
 * cost a query each time. Dropped for a pool when the invalidation bus carries its
 * `permissions` topic — which every group create, update and delete of a dynamic group publishes
 * (services/organizations/groups.ts) — on every node; `ttlMs` bounds what a lost pub/sub
 * message can leave, as for the permission cache (docs/permissions.md). Bounded: at most
 * `maxPools` pools are kept (the oldest entry goes first).
 */
export function cachedDynamicGroups(repo: Pick<GroupsRepo, 'dynamic'>, opts: { ttlMs: number; maxPools?: number }) {
  const max = opts.maxPools ?? 10_000;
  const entries = new Map<string, { at: number; groups: Promise<GroupRow[]> }>();
  return {
    dynamic(poolId: string): Promise<GroupRow[]> {
      const e = entries.get(poolId);
      if (e && Date.now() - e.at < opts.ttlMs) return e.groups;
      const groups = repo.dynamic(poolId);
      entries.delete(poolId);
      if (entries.size >= max) entries.delete(entries.keys().next().value!);
      entries.set(poolId, { at: Date.now(), groups });
      // A failed read is not remembered.
      groups.catch(() => entries.get(poolId)?.groups === groups && entries.delete(poolId));
      return groups;
    },
    /** `poolId` undefined: every pool. */
    drop(poolId: string | undefined): void {
      if (poolId === undefined) entries.clear();
      else entries.delete(poolId);
    },
  };
}
