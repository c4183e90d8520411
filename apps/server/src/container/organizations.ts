import type { Kysely } from 'kysely';
import type { Database } from '../storage/db/schema.js';
import type { UsersRepo } from '../storage/repositories/users.js';
import { createOrganizationsRepo } from '../storage/repositories/organizations.js';
import { createDepartmentMembersRepo } from '../storage/repositories/department-members.js';
import { createGroupsRepo } from '../storage/repositories/groups.js';
import { createOrganizationsService } from '../services/organizations/organizations.js';
import { createDepartmentMembersService } from '../services/organizations/members.js';
import { createGroupsService } from '../services/organizations/groups.js';
import { createUserRefs } from '../services/organizations/users.js';

/** Organisations, departments and groups (docs/organizations.md). */
export function createOrganizationServices(deps: { db: Kysely<Database>; usersRepo: UsersRepo; onMembershipChange?: (poolId: string) => Promise<void> }) {
  const tree = createOrganizationsRepo(deps.db);
  const membersRepo = createDepartmentMembersRepo(deps.db);
  const groupsRepo = createGroupsRepo(deps.db);
  const users = createUserRefs(deps.usersRepo, membersRepo);
  const organizations = createOrganizationsService({ repo: tree, members: membersRepo, users });
  const onChange = (poolId: string) => deps.onMembershipChange?.(poolId) ?? Promise.resolve();
  return {
    organizations,
    departmentMembers: createDepartmentMembersService({ repo: membersRepo, tree, organizations, users, onChange }),
    groups: createGroupsService({ repo: groupsRepo, users, onChange }),
  };
}
