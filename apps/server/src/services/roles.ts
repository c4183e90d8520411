import { randomBytes } from 'node:crypto';
import { AppError, unsupportedField as unsupported } from '../errors/app-error.js';
import { isUniqueViolation } from '../errors/to-app-error.js';
import type { RoleRow, RolesRepo, UserLookupColumn } from '../storage/repositories/roles.js';
import { nowIso } from '../utils/time.js';

/*
 * Roles as the vendor's RBAC API has them (authing-node-sdk `CreateRoleDto`, `AssignRoleDto`,
 * `RoleDto`): a role is a `code` unique inside a namespace ("permission space") of a pool. Any
 * namespace code is accepted and exists implicitly; `default` is used when none is given.
 */

export const DEFAULT_NAMESPACE = 'default';
/** Role and namespace codes appear in tokens and URLs: a conservative alphabet. */
export const ROLE_CODE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_:.-]{0,63}$';
const codeRe = new RegExp(ROLE_CODE_PATTERN);

/** Vendor `RoleDto`. */
export interface RoleDto {
  id: string;
  code: string;
  name: string;
  description: string;
  namespace: string;
  namespaceName: string;
  status: 'ENABLE';
}

export const toRoleDto = (r: RoleRow): RoleDto => ({
  id: r.id,
  code: r.code,
  name: r.name ?? r.code,
  description: r.description ?? '',
  namespace: r.namespace,
  namespaceName: r.namespace,
  status: 'ENABLE',
});

export interface TargetInput {
  targetType: string;
  targetIdentifier: string;
}

/** Vendor `userIdType` values this server can resolve, and the column each one reads. */
const USER_ID_TYPES: Record<string, UserLookupColumn> = {
  user_id: 'id',
  username: 'username',
  email: 'email',
  phone: 'phone',
  external_id: 'external_id',
};
export const VENDOR_USER_ID_TYPES = ['user_id', 'external_id', 'phone', 'email', 'username', 'identity', 'sync_relation', 'custom_field'] as const;

const present = (v: unknown) => v !== undefined && v !== null;

function checkCode(value: string, path: string): void {
  if (!codeRe.test(value)) throw new AppError('request.invalid_input', { details: [{ path, message: `must match ${ROLE_CODE_PATTERN}` }] });
}

/**
 * `_users` is the users repository the container passes; user existence is checked with the
 * roles repository's own query instead, so this service does not depend on that repository's shape.
 */
export function createRolesService(repo: RolesRepo, _users?: unknown) {
  const findRole = async (poolId: string, namespace: string, code: string): Promise<RoleRow> => {
    const role = await repo.findByCode(poolId, namespace, code);
    if (!role) throw new AppError('role.not_found');
    return role;
  };

  return {
    async create(poolId: string, input: { code: string; name?: string; namespace?: string; description?: string; disableTime?: unknown }): Promise<RoleDto> {
      // Timed roles need a scheduler this server does not have yet; refusing beats ignoring.
      if (present(input.disableTime)) throw unsupported('disableTime');
      const namespace = input.namespace ?? DEFAULT_NAMESPACE;
      checkCode(input.code, 'code');
      checkCode(namespace, 'namespace');
      const row: RoleRow = {
        id: randomBytes(12).toString('hex'),
        pool_id: poolId,
        namespace,
        code: input.code,
        name: input.name ?? null,
        description: input.description ?? null,
        created_at: nowIso(),
      };
      try {
        await repo.insert(row);
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('role.already_exists', { cause: err });
        throw err;
      }
      return toRoleDto(row);
    },

    async get(poolId: string, code: string, namespace = DEFAULT_NAMESPACE): Promise<RoleDto> {
      return toRoleDto(await findRole(poolId, namespace, code));
    },

    async list(poolId: string, q: { page: number; limit: number; keywords?: string; namespace?: string }): Promise<{ list: RoleDto[]; totalCount: number }> {
      const { rows, totalCount } = await repo.list(poolId, { namespace: q.namespace ?? DEFAULT_NAMESPACE, page: q.page, limit: q.limit, keywords: q.keywords });
      return { list: rows.map(toRoleDto), totalCount };
    },

    /**
     * Assigns a role to users. Everything is checked before anything is written (no partial
     * assignment): the role, then every target. Assigning twice changes nothing.
     */
    async assign(poolId: string, input: { code: string; namespace?: string; targets: TargetInput[]; endTime?: unknown; enableTime?: unknown }): Promise<RoleDto> {
      if (present(input.endTime)) throw unsupported('endTime');
      if (present(input.enableTime)) throw unsupported('enableTime');
      const role = await findRole(poolId, input.namespace ?? DEFAULT_NAMESPACE, input.code);
      for (const t of input.targets) if (t.targetType !== 'USER') throw unsupported(`targetType=${t.targetType}`);
      const userIds = [...new Set(input.targets.map((t) => t.targetIdentifier))];
      const known = await repo.existingUserIds(poolId, userIds);
      if (userIds.some((id) => !known.has(id))) throw new AppError('user.not_found');
      await repo.assign(poolId, role.id, userIds, nowIso());
      return toRoleDto(role);
    },

    /** Removes the role from users (vendor revoke-role); every target is checked first. */
    async revoke(poolId: string, input: { code: string; namespace?: string | undefined; targets: TargetInput[] }): Promise<RoleDto> {
      const role = await findRole(poolId, input.namespace ?? DEFAULT_NAMESPACE, input.code);
      for (const t of input.targets) if (t.targetType !== 'USER') throw unsupported(`targetType=${t.targetType}`);
      const userIds = [...new Set(input.targets.map((t) => t.targetIdentifier))];
      const known = await repo.existingUserIds(poolId, userIds);
      if (userIds.some((id) => !known.has(id))) throw new AppError('user.not_found');
      await repo.revoke(poolId, role.id, userIds);
      return toRoleDto(role);
    },

    /** Deletes the roles (all must exist, else none is deleted); assignments and grants go with them. */
    async deleteBatch(poolId: string, input: { codeList: string[]; namespace?: string | undefined }): Promise<RoleDto[]> {
      const namespace = input.namespace ?? DEFAULT_NAMESPACE;
      const codes = [...new Set(input.codeList)];
      const roles = await repo.findByCodes(poolId, namespace, codes);
      if (roles.length !== codes.length) throw new AppError('role.not_found');
      await repo.deleteMany(poolId, roles.map((r) => r.id));
      return roles.map(toRoleDto);
    },

    async update(poolId: string, input: { code: string; newCode?: string | undefined; name?: string | undefined; description?: string | undefined; namespace?: string | undefined; status?: unknown; disableTime?: unknown; enablePermissionApply?: unknown }): Promise<RoleDto> {
      if (present(input.disableTime)) throw unsupported('disableTime');
      if (present(input.status) && input.status !== 'ENABLE') throw unsupported('status');
      if (present(input.enablePermissionApply)) throw unsupported('enablePermissionApply');
      const role = await findRole(poolId, input.namespace ?? DEFAULT_NAMESPACE, input.code);
      const patch: { code?: string; name?: string; description?: string } = {};
      if (input.newCode !== undefined && input.newCode !== '') {
        checkCode(input.newCode, 'newCode');
        patch.code = input.newCode;
      }
      if (input.name !== undefined) patch.name = input.name;
      if (input.description !== undefined) patch.description = input.description;
      try {
        await repo.update(poolId, role.id, patch);
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('role.already_exists', { cause: err });
        throw err;
      }
      return toRoleDto({ ...role, ...patch });
    },

    /** One page of the role's members as user rows (the route turns them into vendor UserDtos). */
    async members(poolId: string, q: { code: string; namespace?: string | undefined; page: number; limit: number }) {
      const role = await findRole(poolId, q.namespace ?? DEFAULT_NAMESPACE, q.code);
      return repo.members(poolId, role.id, q);
    },

    /**
     * Codes of the user's roles in the default namespace, for token claims: one query, for a
     * user the caller has just read (no existence check; an unknown id simply has no roles).
     */
    async roleCodesOfUser(poolId: string, userId: string): Promise<string[]> {
      return (await repo.rolesOfUser(poolId, userId, DEFAULT_NAMESPACE)).map((r) => r.code);
    },

    /** The user's roles in one namespace (the default one when none is given, as the vendor does). */
    async getUserRoles(poolId: string, q: { userId: string; userIdType?: string; namespace?: string }): Promise<{ list: RoleDto[]; totalCount: number }> {
      const type = q.userIdType ?? 'user_id';
      const column = USER_ID_TYPES[type];
      if (!column) throw unsupported(`userIdType=${type}`);
      // Emails are stored lowercased (they are case-insensitive to the vendor too).
      const userId = await repo.findUserId(poolId, column, column === 'email' ? q.userId.toLowerCase() : q.userId);
      if (!userId) throw new AppError('user.not_found');
      const rows = await repo.rolesOfUser(poolId, userId, q.namespace ?? DEFAULT_NAMESPACE);
      return { list: rows.map(toRoleDto), totalCount: rows.length };
    },
  };
}
export type RolesService = ReturnType<typeof createRolesService>;
