import type { DbHandle } from '../storage/db/connect.js';
import { createCustomFieldsRepo } from '../storage/repositories/custom-fields.js';
import type { RolesRepo } from '../storage/repositories/roles.js';
import type { UsersRepo } from '../storage/repositories/users.js';
import { createCustomFieldsService } from '../services/custom-fields/service.js';

/** Custom fields (docs/custom-fields.md): definitions and data, users and roles as targets. */
export function createCustomFields(deps: {
  db: DbHandle['db'];
  users: Pick<UsersRepo, 'findById'>;
  roles: Pick<RolesRepo, 'findByCode'>;
  /** After custom data was written to a user: the extended_fields claim may have changed (oidc/account-cache.ts). */
  userDataChanged?: (poolId: string, userId: string) => Promise<void>;
}) {
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
    targets: {
      user: async (poolId, userId) => {
        const u = await deps.users.findById(poolId, userId);
        return u ? { id: u.id, customData: u.custom_data } : undefined;
      },
      role: async (poolId, code, namespace) => {
        const r = await deps.roles.findByCode(poolId, namespace, code);
        return r ? { id: r.id } : undefined;
      },
    },
  });
}
