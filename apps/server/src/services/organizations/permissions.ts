import { AppError } from '../../errors/app-error.js';
import { isUniqueViolation } from '../../errors/to-app-error.js';
import type { GrantView, PermissionsRepo, ResourceRow, TargetType } from '../../storage/repositories/permissions.js';
import type { RolesRepo } from '../../storage/repositories/roles.js';
import type { GroupsRepo } from '../../storage/repositories/groups.js';
import type { OrganizationsRepo } from '../../storage/repositories/organizations.js';
import { sortableId } from '../../utils/ids.js';
import { nowIso } from '../../utils/time.js';
import type { PermissionCache } from './permission-cache.js';
import type { UserRefs } from './users.js';

/*
 * Resources and permissions as the vendor's general model has them (create-resource,
 * authorize-resources, get-user-authorized-resources, is-action-allowed …). A user's permissions
 * are the union of the grants to the user, to their roles, to their groups, to their departments,
 * and to the ancestors of their departments where that grant includes sub-departments
 * (docs/permissions.md). Checks answer from a per-user cache invalidated across nodes.
 */

export const DEFAULT_NAMESPACE = 'default';
export const RESOURCE_TYPES = ['DATA', 'API', 'MENU', 'BUTTON', 'UI'] as const;
export const RESOURCE_CODE_PATTERN = '^[^\\s]{1,128}$';
export const ACTION_PATTERN = '^[A-Za-z0-9_:.*-]{1,64}$';
/** The most "code:action" entries a `permissions` claim carries; more are left out (the claim says so). */
export const MAX_PERMISSION_CLAIMS = 200;

export interface ResourceAction {
  name: string;
  description?: string | undefined;
}

const parseActions = (text: string): ResourceAction[] => {
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? (v as ResourceAction[]) : [];
  } catch {
    return [];
  }
};

export const toResourceDto = (r: ResourceRow) => ({
  code: r.code,
  name: r.name ?? r.code,
  description: r.description ?? '',
  type: r.type,
  actions: parseActions(r.actions).map((a) => ({ name: a.name, description: a.description ?? '' })),
  apiIdentifier: r.api_identifier ?? '',
  namespace: r.namespace,
  linkedToTenant: false,
});

/** Grant rows → vendor `AuthorizedResourceDto`s (one per resource, its actions together). */
function toAuthorized(rows: GrantView[]) {
  const byCode = new Map<string, { resourceCode: string; description: string; resourceType: string; apiIdentifier: string; actions: string[]; effect: 'ALLOW' }>();
  for (const r of rows) {
    let e = byCode.get(r.code);
    if (!e) byCode.set(r.code, (e = { resourceCode: r.code, description: r.description ?? '', resourceType: r.type, apiIdentifier: r.api_identifier ?? '', actions: [], effect: 'ALLOW' }));
    if (!e.actions.includes(r.action)) e.actions.push(r.action);
  }
  return [...byCode.values()];
}

function checkActions(actions: ResourceAction[] | undefined): string {
  const list = actions ?? [];
  const names = new Set<string>();
  for (const a of list) {
    if (names.has(a.name)) throw new AppError('request.invalid_input', { details: [{ path: 'actions', message: `action ${a.name} is listed twice` }] });
    names.add(a.name);
  }
  return JSON.stringify(list.map((a) => ({ name: a.name, description: a.description ?? '' })));
}

export interface AuthorizeItem {
  targetType: TargetType;
  targetIdentifiers: string[];
  resources: Array<{ code: string; actions: string[]; resourceType?: string | undefined }>;
  includeChildrenDepartments?: boolean | undefined;
}

export function createPermissionsService(deps: { repo: PermissionsRepo; roles: RolesRepo; groups: GroupsRepo; tree: OrganizationsRepo; users: UserRefs; cache: PermissionCache; onChange?: (poolId: string) => Promise<void> }) {
  const { repo, users, cache } = deps;
  const changed = async (poolId: string) => {
    cache.drop(poolId);
    await deps.onChange?.(poolId);
  };

  const findResource = async (poolId: string, namespace: string, code: string) => {
    const r = await repo.findResource(poolId, namespace, code);
    if (!r) throw new AppError('resource.not_found');
    return r;
  };

  /** The stored id of a target named the vendor's way: user id, role code, group code, department id. */
  const targetId = async (poolId: string, namespace: string, type: TargetType, identifier: string): Promise<string> => {
    const notFound = () => new AppError('permission.target_not_found', { params: { targetType: type, target: identifier } });
    switch (type) {
      case 'USER':
        return (await users.allExist(poolId, [identifier]))[0]!;
      case 'ROLE': {
        const role = await deps.roles.findByCode(poolId, namespace, identifier);
        if (!role) throw notFound();
        return role.id;
      }
      case 'GROUP': {
        const g = await deps.groups.findByCode(poolId, identifier);
        if (!g) throw notFound();
        return g.id;
      }
      case 'DEPARTMENT': {
        const d = await deps.tree.findDepartmentById(poolId, identifier);
        if (!d) throw notFound();
        return d.id;
      }
    }
  };

  /** The user's effective "code:action" set in a namespace, from the cache or one query. */
  const effective = async (poolId: string, userId: string, namespace: string): Promise<Set<string>> => {
    const key = `${userId}\u0000${namespace}`;
    const hit = cache.get(poolId, key);
    if (hit) return hit;
    const rows = await repo.effectiveGrants(poolId, userId, namespace);
    const set = new Set(rows.map((r) => `${r.code}:${r.action}`));
    cache.set(poolId, key, set);
    return set;
  };

  const allowed = (set: Set<string>, resource: string, action: string) => set.has(`${resource}:${action}`) || set.has(`${resource}:*`);

  const service = {
    invalidate: (poolId: string | undefined) => cache.drop(poolId),

    async createResource(poolId: string, input: { code: string; type: string; name?: string | undefined; description?: string | undefined; actions?: ResourceAction[] | undefined; apiIdentifier?: string | undefined; namespace?: string | undefined }) {
      const at = nowIso();
      const row: ResourceRow = { id: sortableId(), pool_id: poolId, namespace: input.namespace ?? DEFAULT_NAMESPACE, code: input.code, name: input.name ?? null, description: input.description ?? null, type: input.type, actions: checkActions(input.actions), api_identifier: input.apiIdentifier ?? null, created_at: at, updated_at: at };
      try {
        await repo.insertResource(row);
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('resource.already_exists', { params: { code: input.code }, cause: err });
        throw err;
      }
      return toResourceDto(row);
    },

    async getResource(poolId: string, code: string, namespace = DEFAULT_NAMESPACE) {
      return toResourceDto(await findResource(poolId, namespace, code));
    },

    /** Vendor create-resources-batch: all or none, in one namespace. */
    async createResources(poolId: string, input: { namespace?: string | undefined; list: Array<{ code: string; type: string; name?: string | undefined; description?: string | undefined; actions?: ResourceAction[] | undefined; apiIdentifier?: string | undefined }> }) {
      const at = nowIso();
      const namespace = input.namespace ?? DEFAULT_NAMESPACE;
      const seen = new Set<string>();
      const rows: ResourceRow[] = input.list.map((r, i) => {
        if (seen.has(r.code)) throw new AppError('resource.already_exists', { params: { code: r.code }, details: [{ path: `list/${i}/code`, message: 'listed twice' }] });
        seen.add(r.code);
        return { id: sortableId(), pool_id: poolId, namespace, code: r.code, name: r.name ?? null, description: r.description ?? null, type: r.type, actions: checkActions(r.actions), api_identifier: r.apiIdentifier ?? null, created_at: at, updated_at: at };
      });
      const taken = await repo.findResources(poolId, namespace, [...seen]);
      if (taken.length > 0) throw new AppError('resource.already_exists', { params: { code: taken[0]!.code } });
      try {
        await repo.insertResources(rows);
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('resource.already_exists', { params: { code: rows[0]!.code }, cause: err });
        throw err;
      }
      return rows.map(toResourceDto);
    },

    /** Vendor get-resources-batch: the resources named, in the order asked; unknown codes are left out. */
    async getResources(poolId: string, codes: string[], namespace = DEFAULT_NAMESPACE) {
      const wanted = [...new Set(codes)];
      const byCode = new Map((await repo.findResources(poolId, namespace, wanted)).map((r) => [r.code, r]));
      return wanted.flatMap((c) => (byCode.has(c) ? [toResourceDto(byCode.get(c)!)] : []));
    },

    /** Vendor list-resources: one namespace (default when absent), optionally one type. */
    async listResources(poolId: string, q: { namespace?: string | undefined; type?: string | undefined; page: number; limit: number }) {
      const { rows, totalCount } = await repo.listResources(poolId, { namespaces: [q.namespace || DEFAULT_NAMESPACE], type: q.type, page: q.page, limit: q.limit });
      return { totalCount, list: rows.map(toResourceDto) };
    },

    /**
     * Vendor list-common-resource: across namespaces (the ones listed, else every one of the
     * pool), matched by `keyword` in code, name or description; `CommonResourceDto`s.
     */
    async listCommonResources(poolId: string, q: { keyword?: string | undefined; namespaces?: string[] | undefined; page: number; limit: number }) {
      const { rows, totalCount } = await repo.listResources(poolId, { namespaces: q.namespaces, keyword: q.keyword, page: q.page, limit: q.limit });
      return {
        totalCount,
        list: rows.map((r) => ({
          ...toResourceDto(r),
          id: r.id,
          // Namespaces are codes here, with no numeric id of their own.
          namespaceId: 0,
          namespaceName: r.namespace,
          userPoolId: poolId,
          createdAt: r.created_at,
          updatedAt: r.updated_at,
        })),
      };
    },

    /**
     * Vendor delete-resources-batch, by codes (in `namespace`) and/or ids: every one must exist or
     * nothing is deleted. Their grants go with them (returned: how many, and the codes).
     */
    async deleteResources(poolId: string, input: { namespace?: string | undefined; codeList?: string[] | undefined; ids?: string[] | undefined }) {
      const namespace = input.namespace ?? DEFAULT_NAMESPACE;
      const codes = [...new Set(input.codeList ?? [])];
      const ids = [...new Set(input.ids ?? [])];
      if (codes.length === 0 && ids.length === 0) throw new AppError('request.invalid_input', { details: [{ path: 'codeList', message: 'needs codeList or ids' }] });
      const byCode = await repo.findResources(poolId, namespace, codes);
      const byId = await repo.findResourcesByIds(poolId, ids);
      const missing = [...codes.filter((c) => !byCode.some((r) => r.code === c)), ...ids.filter((id) => !byId.some((r) => r.id === id))];
      if (missing.length > 0) throw new AppError('resource.not_found', { details: missing.slice(0, 10).map((m) => ({ path: 'codeList', message: `no resource '${m}'` })) });
      const found = new Map([...byCode, ...byId].map((r) => [r.id, r]));
      const grants = await repo.deleteResources(poolId, [...found.keys()]);
      await changed(poolId);
      return { resources: [...found.values()].map(toResourceDto), grants };
    },

    /** Removing an action a grant uses is refused: revoke the grant first. */
    async updateResource(poolId: string, input: { code: string; namespace?: string | undefined; name?: string | undefined; description?: string | undefined; type?: string | undefined; actions?: ResourceAction[] | undefined; apiIdentifier?: string | undefined }) {
      const r = await findResource(poolId, input.namespace ?? DEFAULT_NAMESPACE, input.code);
      const patch: Parameters<PermissionsRepo['updateResource']>[2] = { updated_at: nowIso() };
      if (input.name !== undefined) patch.name = input.name;
      if (input.description !== undefined) patch.description = input.description;
      if (input.type !== undefined) patch.type = input.type;
      if (input.apiIdentifier !== undefined) patch.api_identifier = input.apiIdentifier;
      if (input.actions !== undefined) patch.actions = checkActions(input.actions);
      await repo.updateResource(poolId, r.id, patch);
      await changed(poolId);
      return toResourceDto({ ...r, ...patch } as ResourceRow);
    },

    /** Its grants go with it; returns how many there were (they are revocations). */
    async deleteResource(poolId: string, code: string, namespace = DEFAULT_NAMESPACE) {
      const r = await findResource(poolId, namespace, code);
      const grants = await repo.deleteResource(poolId, r.id);
      await changed(poolId);
      return { resource: toResourceDto(r), grants };
    },

    /**
     * Sets what each target may do on each listed resource: the given actions replace the ones the
     * target had on that resource (an empty list revokes them). Every target, resource and action
     * is checked before anything is written.
     */
    async authorize(poolId: string, input: { namespace?: string | undefined; list: AuthorizeItem[] }) {
      const namespace = input.namespace ?? DEFAULT_NAMESPACE;
      const items: Parameters<PermissionsRepo['setGrants']>[1] = [];
      const codes = new Map<string, string>();
      for (const item of input.list) {
        if (item.includeChildrenDepartments && item.targetType !== 'DEPARTMENT') throw new AppError('request.invalid_input', { details: [{ path: 'list.includeChildrenDepartments', message: 'only for DEPARTMENT targets' }] });
        const resources = [];
        for (const res of item.resources) {
          const r = await findResource(poolId, namespace, res.code);
          if (res.resourceType !== undefined && res.resourceType !== r.type) throw new AppError('request.invalid_input', { details: [{ path: 'list.resources.resourceType', message: `${res.code} is a ${r.type} resource` }] });
          const declared = new Set(parseActions(r.actions).map((a) => a.name));
          for (const a of res.actions) if (a !== '*' && !declared.has(a)) throw new AppError('resource.unknown_action', { params: { resource: r.code, action: a } });
          codes.set(r.id, r.code);
          resources.push({ id: r.id, actions: [...new Set(res.actions)] });
        }
        for (const identifier of item.targetIdentifiers) {
          const id = await targetId(poolId, namespace, item.targetType, identifier);
          for (const res of resources) items.push({ targetType: item.targetType, targetId: id, resourceId: res.id, actions: res.actions, includeChildren: item.includeChildrenDepartments === true });
        }
      }
      const result = await repo.setGrants(poolId, items, sortableId, nowIso());
      await changed(poolId);
      const named = (l: typeof result.added) => l.map((g) => ({ targetType: g.targetType, targetId: g.targetId, resource: codes.get(g.resourceId)!, action: g.action }));
      return { namespace, added: named(result.added), removed: named(result.removed) };
    },

    /** What was granted directly to one target (no inheritance). */
    async authorizedTo(poolId: string, q: { targetType: TargetType; targetIdentifier: string; namespace?: string | undefined; resourceType?: string | undefined; resourceList?: string[] | undefined }) {
      const namespace = q.namespace ?? DEFAULT_NAMESPACE;
      const id = await targetId(poolId, namespace, q.targetType, q.targetIdentifier);
      const list = toAuthorized(await repo.grantsOf(poolId, q.targetType, id, { namespace, type: q.resourceType, codes: q.resourceList }));
      return { totalCount: list.length, list };
    },

    /** Everything that reaches the user (own ∪ roles ∪ groups ∪ departments ∪ inherited). */
    async authorizedToUser(poolId: string, q: { userId: string; userIdType?: string | undefined; namespace?: string | undefined; resourceType?: string | undefined }) {
      const user = await users.one(poolId, q.userId, q.userIdType);
      const list = toAuthorized(await repo.effectiveGrants(poolId, user.id, q.namespace ?? DEFAULT_NAMESPACE, q.resourceType));
      return { totalCount: list.length, list };
    },

    async isActionAllowed(poolId: string, q: { userId: string; resource: string; action: string; namespace?: string | undefined }): Promise<boolean> {
      const namespace = q.namespace ?? DEFAULT_NAMESPACE;
      const key = `${q.userId}\u0000${namespace}`;
      const hit = cache.get(poolId, key);
      if (hit) return allowed(hit, q.resource, q.action);
      await users.allExist(poolId, [q.userId]);
      return allowed(await effective(poolId, q.userId, namespace), q.resource, q.action);
    },

    /** End-user check of several resources for one action (vendor check-permission-string-resource). */
    async checkResources(poolId: string, userId: string, q: { resources: string[]; action: string; namespace?: string | undefined }) {
      const namespace = q.namespace ?? DEFAULT_NAMESPACE;
      const set = await effective(poolId, userId, namespace);
      return { checkResultList: q.resources.map((resource) => ({ namespaceCode: namespace, action: q.action, resource, enabled: allowed(set, resource, q.action) })) };
    },

    /** "code:action" strings for the `permissions` claim, sorted, at most MAX_PERMISSION_CLAIMS. */
    async claimList(poolId: string, userId: string): Promise<{ permissions: string[]; truncated: boolean }> {
      const all = [...(await effective(poolId, userId, DEFAULT_NAMESPACE))].sort();
      return { permissions: all.slice(0, MAX_PERMISSION_CLAIMS), truncated: all.length > MAX_PERMISSION_CLAIMS };
    },

    /** How many grants the groups hold (they go with the groups: revocations to record). */
    grantsOfGroups: (groupIds: string[]) => repo.countGrantsOfTargets('GROUP', groupIds),
    grantsOfRoles: (roleIds: string[]) => repo.countGrantsOfTargets('ROLE', roleIds),
  };
  return service;
}
export type PermissionsService = ReturnType<typeof createPermissionsService>;
