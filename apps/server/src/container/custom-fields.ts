import type { DbHandle } from '../storage/db/connect.js';
import { createCustomFieldsRepo } from '../storage/repositories/custom-fields.js';
import { createGroupsRepo } from '../storage/repositories/groups.js';
import { createOrganizationsRepo } from '../storage/repositories/organizations.js';
import type { RolesRepo } from '../storage/repositories/roles.js';
import type { UsersRepo } from '../storage/repositories/users.js';
import { createCustomFieldsService } from '../services/custom-fields/service.js';
import type { SecretBox } from '../utils/crypto.js';

/** Custom fields (docs/custom-fields.md): definitions and data of users, roles, groups and departments. */
export function createCustomFields(deps: {
  db: DbHandle['db'];
  box: SecretBox;
  users: Pick<UsersRepo, 'findById'>;
  roles: Pick<RolesRepo, 'findByCode'>;
  /** After custom data was written to a user: the extended_fields claim may have changed (oidc/account-cache.ts). */
  userDataChanged?: (poolId: string, userId: string) => Promise<void>;
}) {
  const groups = createGroupsRepo(deps.db);
  const tree = createOrganizationsRepo(deps.db);
  const repo = createCustomFieldsRepo(deps.db);
  const writeData = repo.writeData.bind(repo);
  repo.writeData = async (poolId, targetType, targetId, ...rest) => {
    try {
      return await writeData(poolId, targetType, targetId, ...rest);
    } finally {
      if (targetType === 'USER') await deps.userDataChanged?.(poolId, targetId);
    }
  };
  return createCustomFieldsService({
    repo,
    // Values of `encrypted` fields are sealed with the master key, bound to their target.
    sealer: { seal: (plain, context) => deps.box.seal(plain, context), open: (sealed, context) => deps.box.open(sealed, context) },
    targets: {
      user: async (poolId, userId) => {
        const u = await deps.users.findById(poolId, userId);
        return u ? { id: u.id, customData: u.custom_data } : undefined;
      },
      role: async (poolId, code, namespace) => {
        const r = await deps.roles.findByCode(poolId, namespace, code);
        return r ? { id: r.id } : undefined;
      },
      group: async (poolId, code) => {
        const g = await groups.findByCode(poolId, code);
        return g ? { id: g.id, customData: g.custom_data } : undefined;
      },
      department: async (poolId, departmentId) => {
        const d = await tree.findDepartmentById(poolId, departmentId);
        return d ? { id: d.id, customData: d.custom_data } : undefined;
      },
    },
  });
}
