import type { DepartmentMembersRepo } from '../../storage/repositories/department-members.js';
import type { GroupsRepo } from '../../storage/repositories/groups.js';
import type { PermissionsService } from './permissions.js';

/** The most groups and departments a claim lists; more are left out and `*_truncated` says so. */
export const MAX_MEMBERSHIP_CLAIMS = 100;

/**
 * The `groups`, `departments` and `permissions` claims of ID tokens and userinfo
 * (docs/organizations.md "Claims"). Each is computed only when its scope was granted, so a token
 * that does not ask costs no query. Bounded: a user in thousands of groups must not produce a
 * token too large for a cookie or a header.
 */
export function createOrganizationClaims(deps: { groups: Pick<GroupsRepo, 'ofUser'>; members: Pick<DepartmentMembersRepo, 'ofUser'>; permissions: Pick<PermissionsService, 'claimList'> }) {
  return {
    async claimsFor(poolId: string, userId: string, scopes: string[]): Promise<Record<string, unknown>> {
      const out: Record<string, unknown> = {};
      if (scopes.includes('groups')) {
        const rows = await deps.groups.ofUser(poolId, userId);
        out.groups = rows.slice(0, MAX_MEMBERSHIP_CLAIMS).map((g) => ({ code: g.code, name: g.name }));
        if (rows.length > MAX_MEMBERSHIP_CLAIMS) out.groups_truncated = true;
      }
      if (scopes.includes('departments')) {
        const { rows, totalCount } = await deps.members.ofUser(poolId, userId, { page: 1, limit: MAX_MEMBERSHIP_CLAIMS, sort: 'joined', desc: false });
        out.departments = rows.map((d) => ({
          id: d.department_id,
          code: d.code ?? null,
          name: d.name,
          organizationCode: d.organization_code,
          isMainDepartment: d.is_main === 1,
          isLeader: d.is_leader === 1,
        }));
        if (totalCount > MAX_MEMBERSHIP_CLAIMS) out.departments_truncated = true;
      }
      if (scopes.includes('permissions')) {
        const { permissions, truncated } = await deps.permissions.claimList(poolId, userId);
        out.permissions = permissions;
        if (truncated) out.permissions_truncated = true;
      }
      return out;
    },
  };
}
export type OrganizationClaimsService = ReturnType<typeof createOrganizationClaims>;
