import type { Kysely } from 'kysely';
import type { Database } from '../storage/db/schema.js';
import type { UsersRepo } from '../storage/repositories/users.js';
import type { RolesRepo } from '../storage/repositories/roles.js';
import { TOPICS, type InvalidationBus } from '../storage/kv/invalidation-bus.js';
import { createOrganizationsRepo } from '../storage/repositories/organizations.js';
import { createDepartmentMembersRepo } from '../storage/repositories/department-members.js';
import { createGroupsRepo } from '../storage/repositories/groups.js';
import { createPermissionsRepo } from '../storage/repositories/permissions.js';
import { createOrganizationsService } from '../services/organizations/organizations.js';
import { createDepartmentMembersService } from '../services/organizations/members.js';
import { createGroupsService } from '../services/organizations/groups.js';
import { createUserRefs } from '../services/organizations/users.js';
import { createPermissionCache } from '../services/organizations/permission-cache.js';
import { cachedDynamicGroups } from '../services/organizations/dynamic-groups.js';
import { createPermissionsService } from '../services/organizations/permissions.js';
import { createOrganizationClaims } from '../services/organizations/claims.js';
import type { EventService } from '../services/events/service.js';

/**
 * Organisations, departments, groups, resources and permissions (docs/organizations.md,
 * docs/permissions.md). Every change that can alter a permission publishes the pool on the
 * invalidation bus; each node's permission cache drops that pool's entries when it hears it.
 */
export function createOrganizationServices(deps: { db: Kysely<Database>; usersRepo: UsersRepo; rolesRepo: RolesRepo; bus: InvalidationBus; events: EventService }) {
  const tree = createOrganizationsRepo(deps.db);
  const membersRepo = createDepartmentMembersRepo(deps.db);
  // The pool's dynamic groups, asked at every sign-in: per node, dropped with the permission cache.
  const storedGroups = createGroupsRepo(deps.db);
  const dynamicGroups = cachedDynamicGroups(storedGroups, { ttlMs: 30_000 });
  deps.bus.subscribe(TOPICS.permissions, (poolId) => dynamicGroups.drop(poolId));
  const groupsRepo = { ...storedGroups, dynamic: dynamicGroups.dynamic };
  // The user's row as stored, read without flushing the batched login counts first (the users
  // repository is given read-your-writes later, container/authentication.ts): a dynamic rule
  // reads profile fields only (group-rules.ts RULE_FIELDS), never the login count, last login or
  // last IP, so the flush — one write transaction per sign-in — would buy nothing here. Bound
  // now, before createAuthentication wraps the repository's methods in place.
  const findUser = deps.usersRepo.findById.bind(deps.usersRepo);
  const users = createUserRefs(deps.usersRepo, membersRepo);
  // Entries live 30 s at most: the bound on what a lost pub/sub message can leave (docs/permissions.md).
  const cache = createPermissionCache({ ttlMs: 30_000, maxEntries: 200_000 });
  deps.bus.subscribe(TOPICS.permissions, (poolId) => cache.drop(poolId));
  const onChange = (poolId: string) => deps.bus.publish(TOPICS.permissions, poolId);
  const organizations = createOrganizationsService({ repo: tree, members: membersRepo, users, onChange });
  const permissions = createPermissionsService({ repo: createPermissionsRepo(deps.db), roles: deps.rolesRepo, groups: groupsRepo, tree, users, cache, onChange });
  const groups = createGroupsService({ repo: groupsRepo, users, onChange, grantsOf: permissions.grantsOfGroups });
  // Dynamic groups follow their rule at every sign-in, right after it (the `login` event).
  deps.events.subscribe(async (event) => {
    if (event.name !== 'login') return;
    const userId = (event.data as { userId?: string }).userId;
    // Most pools have no dynamic group: then the sign-in costs no read at all here.
    if (!userId || (await dynamicGroups.dynamic(event.poolId)).length === 0) return;
    const user = await findUser(event.poolId, userId);
    if (user) await groups.evaluateDynamic(event.poolId, user);
  });
  return {
    organizations,
    departmentMembers: createDepartmentMembersService({ repo: membersRepo, tree, organizations, users, onChange }),
    groups,
    permissions,
    // The groups, departments and permissions claims of ID tokens and userinfo (oidc/claims.ts).
    organizationClaims: createOrganizationClaims({ groups: groupsRepo, members: membersRepo, permissions }),
    /** Each user's department ids (the users service's `withDepartmentIds`). */
    departmentIdsOf: membersRepo.departmentIdsOf,
    /** Vendor `UserDto`s of user rows other services read (role members, getProfile), `withDepartmentIds` filled. */
    userDtos: users.dtos,
  };
}
