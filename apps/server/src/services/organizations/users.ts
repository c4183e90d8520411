import { AppError } from '../../errors/app-error.js';
import type { UserRow, UsersRepo } from '../../storage/repositories/users.js';
import { lookupColumn, lookupValue } from '../users/identifiers.js';
import type { UserIdType } from '../users/types.js';
import { toUserDto } from '../users/dto.js';
import type { UserViewOptions } from '../users/types.js';
import type { DepartmentMembersRepo } from '../../storage/repositories/department-members.js';

/** Users as the organisation services need them: resolved by a vendor `userIdType`, checked to exist in the pool. */
export function createUserRefs(users: UsersRepo, members: DepartmentMembersRepo) {
  return {
    /** The user named by `userId` of `userIdType`, or user.not_found. */
    async one(poolId: string, userId: string, userIdType?: string): Promise<UserRow> {
      const column = lookupColumn(userIdType as UserIdType | undefined, 'userIdType');
      const user = await users.findBy(poolId, column, lookupValue(column, userId));
      if (!user) throw new AppError('user.not_found');
      return user;
    },

    /** Every id must be a user of this pool; otherwise nothing is written (user.not_found). */
    async allExist(poolId: string, ids: string[]): Promise<string[]> {
      const unique = [...new Set(ids)];
      const found = await users.findManyBy(poolId, 'id', unique);
      if (found.length !== unique.length) throw new AppError('user.not_found');
      return unique;
    },

    /** Vendor `UserDto`s; `withDepartmentIds` is filled from the memberships. */
    async dtos(rows: UserRow[], view: UserViewOptions = {}) {
      const deptIds = view.withDepartmentIds ? await members.departmentIdsOf(rows.map((r) => r.id)) : undefined;
      return rows.map((r) => {
        const dto = toUserDto(r, view);
        if (deptIds) dto.departmentIds = deptIds.get(r.id) ?? [];
        return dto;
      });
    },
  };
}
export type UserRefs = ReturnType<typeof createUserRefs>;
