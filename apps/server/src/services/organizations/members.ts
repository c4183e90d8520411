import { AppError } from '../../errors/app-error.js';
import type { DepartmentMembersRepo, MemberSort } from '../../storage/repositories/department-members.js';
import type { OrganizationsRepo } from '../../storage/repositories/organizations.js';
import { nowIso } from '../../utils/time.js';
import type { UserViewOptions } from '../users/types.js';
import { toUserDepartmentDto } from './dto.js';
import type { DepartmentRef, OrganizationsService } from './organizations.js';
import type { UserRefs } from './users.js';

/** The most member ids list-department-member-ids returns (the vendor endpoint has no paging). */
export const MAX_MEMBER_IDS = 10_000;

const SORTS: Record<string, MemberSort> = { Default: 'joined', JoinDepartmentAt: 'joined', userId: 'user_id', createAt: 'user_created', updatedAt: 'user_updated' };
const DEPT_SORTS = { DepartmentCreatedAt: 'created', JoinDepartmentAt: 'joined', DepartmentName: 'name', DepartmemtCode: 'code' } as const;

/**
 * Department memberships: members, leaders, a user's main department. A change notifies
 * `onChange(poolId)` after it is committed (the permission cache listens).
 */
export function createDepartmentMembersService(deps: { repo: DepartmentMembersRepo; tree: OrganizationsRepo; organizations: OrganizationsService; users: UserRefs; onChange?: (poolId: string) => Promise<void> }) {
  const { repo, tree, organizations, users } = deps;
  const changed = async (poolId: string) => deps.onChange?.(poolId);

  return {
    async add(poolId: string, ref: DepartmentRef & { userIds: string[] }) {
      const { dept } = await organizations.resolve(poolId, ref);
      const ids = await users.allExist(poolId, ref.userIds);
      await repo.add(poolId, dept.id, ids, nowIso());
      await changed(poolId);
      return { departmentId: dept.id, userIds: ids };
    },

    async remove(poolId: string, ref: DepartmentRef & { userIds: string[] }) {
      const { dept } = await organizations.resolve(poolId, ref);
      const ids = await users.allExist(poolId, ref.userIds);
      await repo.remove(poolId, dept.id, ids);
      await changed(poolId);
      return { departmentId: dept.id, userIds: ids };
    },

    async list(poolId: string, ref: DepartmentRef, q: { page: number; limit: number; sortBy?: string | undefined; orderBy?: string | undefined; includeChildrenDepartments?: boolean | undefined } & UserViewOptions) {
      const { dept } = await organizations.resolve(poolId, ref);
      const { rows, totalCount } = await repo.listUsers(poolId, dept.id, { page: q.page, limit: q.limit, deep: q.includeChildrenDepartments === true, sort: SORTS[q.sortBy ?? 'JoinDepartmentAt'] ?? 'joined', desc: (q.orderBy ?? 'Desc') === 'Desc' });
      return { totalCount, list: await users.dtos(rows, q) };
    },

    async ids(poolId: string, ref: DepartmentRef) {
      const { dept } = await organizations.resolve(poolId, ref);
      return repo.ids(dept.id, MAX_MEMBER_IDS);
    },

    async isIn(poolId: string, ref: DepartmentRef & { userId: string; includeChildrenDepartments?: boolean | undefined }) {
      const { dept } = await organizations.resolve(poolId, ref);
      const user = await users.one(poolId, ref.userId);
      return { inDepartment: await repo.isMember(user.id, dept.id, ref.includeChildrenDepartments === true) };
    },

    async ofUser(poolId: string, q: { userId: string; userIdType?: string | undefined; page: number; limit: number; withCustomData?: boolean | undefined; withDepartmentPaths?: boolean | undefined; sortBy?: string | undefined; orderBy?: string | undefined }) {
      const user = await users.one(poolId, q.userId, q.userIdType);
      const sort = DEPT_SORTS[(q.sortBy ?? 'JoinDepartmentAt') as keyof typeof DEPT_SORTS] ?? 'joined';
      const { rows, totalCount } = await repo.ofUser(poolId, user.id, { page: q.page, limit: q.limit, sort, desc: (q.orderBy ?? 'Desc') === 'Desc' });
      const paths = q.withDepartmentPaths ? await tree.paths(rows.map((r) => r.department_id)) : undefined;
      return { totalCount, list: rows.map((r) => toUserDepartmentDto(r, paths?.get(r.department_id), q.withCustomData === true)) };
    },

    /**
     * Replaces the user's memberships with `departments` (vendor set-user-departments). Every
     * department must be of this pool; at most one may be the main department.
     */
    async setForUser(poolId: string, input: { userId: string; userIdType?: string | undefined; departments: Array<{ departmentId: string; isLeader?: boolean | undefined; isMainDepartment?: boolean | undefined }> }) {
      const user = await users.one(poolId, input.userId, input.userIdType);
      if (input.departments.filter((d) => d.isMainDepartment).length > 1) throw new AppError('request.invalid_input', { details: [{ path: 'departments', message: 'at most one main department' }] });
      const seen = new Set<string>();
      for (const d of input.departments) {
        if (seen.has(d.departmentId)) throw new AppError('request.invalid_input', { details: [{ path: 'departments', message: `department ${d.departmentId} is listed twice` }] });
        seen.add(d.departmentId);
        if (!(await tree.findDepartmentById(poolId, d.departmentId))) throw new AppError('department.not_found');
      }
      const before = await repo.replaceForUser(poolId, user.id, input.departments.map((d) => ({ departmentId: d.departmentId, isLeader: d.isLeader === true, isMain: d.isMainDepartment === true })), nowIso());
      await changed(poolId);
      return { userId: user.id, before, after: input.departments.map((d) => d.departmentId) };
    },
  };
}
export type DepartmentMembersService = ReturnType<typeof createDepartmentMembersService>;
