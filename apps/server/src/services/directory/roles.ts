import type { RolesRepo } from '../../storage/repositories/roles.js';
import { nowIso } from '../../utils/time.js';
import { DEFAULT_NAMESPACE } from '../roles.js';
import type { DirectoryRoles } from './types.js';

/**
 * Role grants driven by directory groups (`roleMap`), in the default namespace (the one whose
 * codes appear in tokens). A code the pool has no role for is reported, not created: roles are the
 * administrator's to define.
 */
export function createDirectoryRoles(repo: Pick<RolesRepo, 'findByCode' | 'assign' | 'unassign'>): DirectoryRoles {
  return {
    async sync(poolId, userId, granted, removed) {
      const unknown: string[] = [];
      const idsOf = async (codes: readonly string[]) => {
        const ids: string[] = [];
        for (const code of codes) {
          const role = await repo.findByCode(poolId, DEFAULT_NAMESPACE, code);
          if (role) ids.push(role.id);
          else unknown.push(code);
        }
        return ids;
      };
      const at = nowIso();
      for (const id of await idsOf(granted)) await repo.assign(poolId, id, [userId], at);
      await repo.unassign(poolId, userId, await idsOf(removed));
      return { unknown };
    },
  };
}
