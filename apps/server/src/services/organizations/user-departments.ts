import type { UserDto } from '../users/types.js';
import type { UsersService } from '../users/service.js';

type DepartmentIdsOf = (userIds: string[]) => Promise<Map<string, string[]>>;

/**
 * The vendor's `withDepartmentIds` on every user read of the management API (getUser,
 * getUserBatch, listUsers, the legacy list): each user's department ids from the memberships,
 * one query per answer. The users service itself knows no departments; reads of rows by other
 * services (role members, getProfile) use the organisation services' `userDtos`.
 */
export function withDepartmentIds<T extends Pick<UsersService, 'get' | 'getBatch' | 'list' | 'listLegacy'>>(users: T, departmentIdsOf: DepartmentIdsOf): T {
  const fill = async <D extends UserDto>(list: D[], wanted: boolean | undefined): Promise<D[]> => {
    if (!wanted || list.length === 0) return list;
    const ids = await departmentIdsOf(list.map((u) => u.userId));
    for (const u of list) u.departmentIds = ids.get(u.userId) ?? [];
    return list;
  };
  return {
    ...users,
    get: (async (poolId, q) => (await fill([await users.get(poolId, q)], q.withDepartmentIds))[0]!) as T['get'],
    getBatch: (async (poolId, q) => fill(await users.getBatch(poolId, q), q.withDepartmentIds)) as T['getBatch'],
    list: (async (poolId, input) => {
      const page = await users.list(poolId, input);
      return { ...page, list: await fill(page.list, input.options?.withDepartmentIds) };
    }) as T['list'],
    listLegacy: (async (poolId, q) => {
      const page = await users.listLegacy(poolId, q);
      return { ...page, list: await fill(page.list, q.withDepartmentIds) };
    }) as T['listLegacy'],
  };
}
