import { AppError, unsupportedField } from '../../errors/app-error.js';
import { isUniqueViolation } from '../../errors/to-app-error.js';
import type { DepartmentKey, DepartmentPatch, DepartmentRow, DepartmentView, OrganizationRow, OrganizationsRepo } from '../../storage/repositories/organizations.js';
import type { DepartmentMembersRepo } from '../../storage/repositories/department-members.js';
import { sortableId } from '../../utils/ids.js';
import { nowIso } from '../../utils/time.js';
import { toDepartmentDto, toOrganizationDto } from './dto.js';
import type { UserRefs } from './users.js';

/*
 * Organisations and their department trees, as the vendor's ManagementClient drives them
 * (create-organization … get-parent-department). Every organisation has one root department,
 * created with it; its id is the organisation's `departmentId`, and `root` names it wherever
 * the vendor takes a department id.
 */

/** Vendor `departmentIdType` values and the column each reads. */
const ID_TYPES: Record<string, DepartmentKey> = { department_id: 'id', open_department_id: 'open_department_id', code: 'code' };
export const DEPARTMENT_ID_TYPES = ['department_id', 'open_department_id', 'sync_relation', 'custom_field', 'code'] as const;

export const CODE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_:.-]{0,63}$';
const MAX_CUSTOM_DATA = 32 * 1024;
/** The most departments one tree listing returns (vendor list endpoints without paging get the first page). */
export const MAX_TREE_PAGE = 1000;

const present = (v: unknown) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);

function jsonText(value: unknown, path: string): string {
  const text = JSON.stringify(value ?? {});
  if (text.length > MAX_CUSTOM_DATA) throw new AppError('request.invalid_input', { details: [{ path, message: `at most ${MAX_CUSTOM_DATA} bytes` }] });
  return text;
}

/** Vendor fields Gatehouse does not model (tenants, posts): refused when set, never silently ignored. */
function refuseUnsupported(input: { tenantId?: unknown; postIdList?: unknown }) {
  if (present(input.tenantId)) throw unsupportedField('tenantId');
  if (present(input.postIdList)) throw unsupportedField('postIdList');
}

export interface DepartmentRef {
  organizationCode: string;
  departmentId: string;
  departmentIdType?: string | undefined;
}

export interface DepartmentFields {
  name?: string;
  code?: string;
  description?: string;
  openDepartmentId?: string;
  isVirtualNode?: boolean;
  i18n?: unknown;
  customData?: unknown;
  status?: boolean;
}

export function createOrganizationsService(deps: { repo: OrganizationsRepo; members: DepartmentMembersRepo; users: UserRefs; onChange?: (poolId: string) => Promise<void> }) {
  const { repo, members, users } = deps;
  /** After a change that can alter permissions (moves, deletes, leaders): the permission caches listen. */
  const changed = async (poolId: string) => deps.onChange?.(poolId);

  const findOrg = async (poolId: string, code: string): Promise<OrganizationRow> => {
    const org = await repo.findOrganization(poolId, code);
    if (!org) throw new AppError('organization.not_found');
    return org;
  };

  /** A department of the organisation, named the vendor's way; `root` is the root department. */
  const findDept = async (poolId: string, org: OrganizationRow, id: string, idType?: string): Promise<DepartmentView> => {
    let dept: DepartmentView | undefined;
    if (id === 'root') dept = await repo.findDepartment(poolId, org.id, 'id', org.root_department_id);
    else {
      const key = ID_TYPES[idType ?? 'department_id'];
      if (!key) throw new AppError('department.id_type_unsupported', { params: { type: String(idType) } });
      dept = await repo.findDepartment(poolId, org.id, key, id);
    }
    if (!dept) throw new AppError('department.not_found');
    return dept;
  };

  const resolve = async (poolId: string, ref: DepartmentRef) => {
    const org = await findOrg(poolId, ref.organizationCode);
    return { org, dept: await findDept(poolId, org, ref.departmentId, ref.departmentIdType) };
  };

  const deptDtos = async (views: DepartmentView[], withCustomData = false) => {
    const leaders = await repo.leaders(views.map((v) => v.id));
    return views.map((v) => toDepartmentDto(v, leaders.get(v.id) ?? [], withCustomData));
  };

  const orgDto = async (poolId: string, org: OrganizationRow) => {
    const root = await repo.findDepartment(poolId, org.id, 'id', org.root_department_id);
    if (!root) throw new AppError('organization.not_found');
    const leaders = await repo.leaders([root.id]);
    return toOrganizationDto(org, root, leaders.get(root.id) ?? []);
  };

  /** Unique violations of the department indexes → the catalogued error naming what collided. */
  const mapDeptConflict = (err: unknown, code: string | undefined): never => {
    const v = isUniqueViolation(err);
    if (v && /open_department_id|open_id/.test(v.constraint)) throw new AppError('department.open_id_taken', { cause: err });
    if (v) throw new AppError('department.code_taken', { params: { code: code ?? '' }, cause: err });
    throw err;
  };

  const patchOf = (f: DepartmentFields): DepartmentPatch => {
    const p: DepartmentPatch = {};
    if (f.name !== undefined) p.name = f.name;
    if (f.code !== undefined) p.code = f.code === '' ? null : f.code;
    if (f.description !== undefined) p.description = f.description;
    if (f.openDepartmentId !== undefined) p.open_department_id = f.openDepartmentId === '' ? null : f.openDepartmentId;
    if (f.isVirtualNode !== undefined) p.is_virtual = f.isVirtualNode ? 1 : 0;
    if (f.status !== undefined) p.status = f.status ? 1 : 0;
    if (f.i18n !== undefined) p.i18n = jsonText(f.i18n, 'i18n');
    if (f.customData !== undefined) p.custom_data = jsonText(f.customData, 'customData');
    return p;
  };

  const service = {
    findOrg,
    resolve,
    deptDtos,

    async createOrganization(poolId: string, input: { organizationCode: string; organizationName: string; description?: string; openDepartmentId?: string; i18n?: unknown; tenantId?: string; postIdList?: string[] }) {
      refuseUnsupported(input);
      const at = nowIso();
      const org: OrganizationRow = { id: sortableId(), pool_id: poolId, code: input.organizationCode, name: input.organizationName, description: input.description ?? null, root_department_id: sortableId(), status: 1, created_at: at, updated_at: at };
      const root: DepartmentRow = {
        id: org.root_department_id,
        pool_id: poolId,
        organization_id: org.id,
        parent_id: null,
        code: input.organizationCode,
        open_department_id: input.openDepartmentId || null,
        name: input.organizationName,
        description: input.description ?? null,
        is_virtual: 0,
        status: 1,
        i18n: input.i18n === undefined ? null : jsonText(input.i18n, 'i18n'),
        custom_data: '{}',
        created_at: at,
        updated_at: at,
      };
      try {
        await repo.insertOrganization(org, root);
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('organization.already_exists', { cause: err });
        throw err;
      }
      return orgDto(poolId, org);
    },

    async getOrganization(poolId: string, code: string) {
      return orgDto(poolId, await findOrg(poolId, code));
    },

    /** The organisations named, in the order asked, each once; unknown codes are left out (a plain list, as the vendor's). */
    async getOrganizations(poolId: string, codes: string[]) {
      const wanted = [...new Set(codes)];
      const byCode = new Map((await repo.findOrganizations(poolId, wanted)).map((o) => [o.code, o]));
      return Promise.all(wanted.flatMap((c) => (byCode.has(c) ? [orgDto(poolId, byCode.get(c)!)] : [])));
    },

    async listOrganizations(poolId: string, q: { page: number; limit: number; keywords?: string }) {
      const { rows, totalCount } = await repo.listOrganizations(poolId, q);
      return { totalCount, list: await Promise.all(rows.map((o) => orgDto(poolId, o))) };
    },

    async updateOrganization(poolId: string, input: { organizationCode: string; organizationNewCode?: string; organizationName?: string; description?: string; openDepartmentId?: string; leaderUserIds?: string[]; i18n?: unknown; tenantId?: string; postIdList?: string[] }) {
      refuseUnsupported(input);
      const org = await findOrg(poolId, input.organizationCode);
      const leaders = input.leaderUserIds ? await users.allExist(poolId, input.leaderUserIds) : undefined;
      const at = nowIso();
      const patch = {
        updated_at: at,
        ...(input.organizationNewCode !== undefined ? { code: input.organizationNewCode } : {}),
        ...(input.organizationName !== undefined ? { name: input.organizationName } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
      };
      // The root department mirrors the organisation's name and code.
      const rootPatch = patchOf({
        ...(input.organizationName !== undefined ? { name: input.organizationName } : {}),
        ...(input.organizationNewCode !== undefined ? { code: input.organizationNewCode } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.openDepartmentId !== undefined ? { openDepartmentId: input.openDepartmentId } : {}),
        ...(input.i18n !== undefined ? { i18n: input.i18n } : {}),
      });
      let updated: OrganizationRow;
      try {
        updated = await repo.updateOrganization(poolId, org.id, patch, rootPatch);
      } catch (err) {
        if (isUniqueViolation(err) && /organizations/.test(isUniqueViolation(err)!.constraint)) throw new AppError('organization.already_exists', { cause: err });
        return mapDeptConflict(err, input.organizationNewCode);
      }
      if (leaders) await members.setLeaders(poolId, org.root_department_id, leaders, at);
      if (leaders) await changed(poolId);
      return orgDto(poolId, updated);
    },

    /** Its departments and memberships go with it. */
    async deleteOrganization(poolId: string, code: string) {
      const org = await findOrg(poolId, code);
      await repo.deleteOrganization(poolId, org.id);
      await changed(poolId);
      return org;
    },

    async getDepartment(poolId: string, ref: DepartmentRef, withCustomData = false) {
      const { dept } = await resolve(poolId, ref);
      return (await deptDtos([dept], withCustomData))[0]!;
    },

    async getDepartmentById(poolId: string, id: string, withCustomData = false) {
      const dept = await repo.findDepartmentById(poolId, id);
      if (!dept) throw new AppError('department.not_found');
      return (await deptDtos([dept], withCustomData))[0]!;
    },

    async createDepartment(poolId: string, input: DepartmentFields & { organizationCode: string; parentDepartmentId: string; departmentIdType?: string; name: string; tenantId?: string; postIdList?: string[] }) {
      refuseUnsupported(input);
      const { org, dept: parent } = await resolve(poolId, { organizationCode: input.organizationCode, departmentId: input.parentDepartmentId, departmentIdType: input.departmentIdType });
      const at = nowIso();
      const p = patchOf(input);
      const row: DepartmentRow = {
        id: sortableId(),
        pool_id: poolId,
        organization_id: org.id,
        parent_id: parent.id,
        code: p.code ?? null,
        open_department_id: p.open_department_id ?? null,
        name: input.name,
        description: p.description ?? null,
        is_virtual: p.is_virtual ?? 0,
        status: p.status ?? 1,
        i18n: p.i18n ?? null,
        custom_data: p.custom_data ?? '{}',
        created_at: at,
        updated_at: at,
      };
      try {
        if (!(await repo.insertDepartment(row))) throw new AppError('department.not_found');
      } catch (err) {
        return mapDeptConflict(err, input.code);
      }
      return service.getDepartment(poolId, { organizationCode: org.code, departmentId: row.id }, true);
    },

    /**
     * Updates fields, leaders and (with `parentDepartmentId`) the place in the tree. A move under
     * the department itself or one of its descendants is refused (department.cycle), as is moving
     * the root; nothing is written then.
     */
    async updateDepartment(poolId: string, input: DepartmentFields & DepartmentRef & { parentDepartmentId?: string; leaderUserIds?: string[]; tenantId?: string; postIdList?: string[] }) {
      refuseUnsupported(input);
      const { org, dept } = await resolve(poolId, input);
      const leaders = input.leaderUserIds ? await users.allExist(poolId, input.leaderUserIds) : undefined;
      let newParent: DepartmentView | undefined;
      if (input.parentDepartmentId !== undefined) {
        newParent = await findDept(poolId, org, input.parentDepartmentId, input.departmentIdType);
        if (newParent.id !== dept.parent_id && dept.parent_id === null) throw new AppError('department.root');
      }
      const at = nowIso();
      const patch = patchOf(input);
      if (Object.keys(patch).length > 0) {
        try {
          await repo.updateDepartment(poolId, dept.id, { ...patch, updated_at: at });
        } catch (err) {
          return mapDeptConflict(err, input.code);
        }
      }
      const moved = newParent !== undefined && newParent.id !== dept.parent_id;
      if (moved) {
        const result = await repo.moveDepartment(org.id, dept.id, newParent!.id, at);
        if (result === 'cycle') throw new AppError('department.cycle');
        if (result === 'missing') throw new AppError('department.not_found');
      }
      if (leaders) await members.setLeaders(poolId, dept.id, leaders, at);
      if (moved || leaders) await changed(poolId);
      return { department: await service.getDepartment(poolId, { organizationCode: org.code, departmentId: dept.id }, true), moved, from: dept.parent_id };
    },

    /** Refused while sub-departments or members remain, unless `force` (then the whole subtree goes). */
    async deleteDepartment(poolId: string, ref: DepartmentRef & { force?: boolean | undefined; tenantId?: unknown }) {
      refuseUnsupported(ref);
      const { org, dept } = await resolve(poolId, ref);
      if (dept.parent_id === null) throw new AppError('department.root');
      const result = await repo.deleteDepartment(org.id, dept.id, ref.force === true, nowIso());
      if (result === 'not_empty') throw new AppError('department.not_empty');
      if (result === 'missing') throw new AppError('department.not_found');
      await changed(poolId);
      return dept;
    },

    async listChildren(poolId: string, ref: DepartmentRef, q: { page: number; limit: number; status?: boolean | undefined; excludeVirtualNode?: boolean | undefined; onlyVirtualNode?: boolean | undefined; withCustomData?: boolean | undefined }) {
      const { dept } = await resolve(poolId, ref);
      const virtual = q.onlyVirtualNode ? 'only' : q.excludeVirtualNode ? 'exclude' : undefined;
      const { rows, totalCount } = await repo.children(poolId, dept.id, { page: q.page, limit: q.limit, ...(q.status !== undefined ? { status: q.status } : {}), ...(virtual ? { virtual } : {}) });
      return { totalCount, list: await deptDtos(rows, q.withCustomData) };
    },

    /** Every department below the given one (the whole organisation below `root`), shallowest first. */
    async listAll(poolId: string, ref: DepartmentRef, q: { page: number; limit: number; withCustomData?: boolean | undefined }) {
      const { dept } = await resolve(poolId, ref);
      const { rows, totalCount } = await repo.subtree(poolId, dept.id, q);
      return { totalCount, list: await deptDtos(rows, q.withCustomData) };
    },

    async search(poolId: string, input: { organizationCode: string; keywords: string; withCustomData?: boolean | undefined }) {
      const org = await findOrg(poolId, input.organizationCode);
      return deptDtos(await repo.search(poolId, org.id, input.keywords, MAX_TREE_PAGE), input.withCustomData);
    },

    /** The parent department; the root has none (department.not_found, as the vendor answers). */
    async getParent(poolId: string, ref: DepartmentRef, withCustomData = false) {
      const { org, dept } = await resolve(poolId, ref);
      if (dept.parent_id === null) throw new AppError('department.not_found');
      return service.getDepartment(poolId, { organizationCode: org.code, departmentId: dept.parent_id }, withCustomData);
    },

    /**
     * Idempotent create-or-update of a department by its external id (`openDepartmentId`), for
     * directory synchronisation (DingTalk, WeCom …; docs/architecture.md). The parent is named by
     * its external id too (`parentOpenDepartmentId`; absent or null = the organisation's root).
     * Creates when missing, otherwise updates the given fields and moves it when the parent
     * changed. A parent that does not exist yet is department.not_found: sync parents first
     * (a DingTalk/WeCom department list is breadth-first already).
     */
    async upsertByExternalId(poolId: string, input: { organizationCode: string; openDepartmentId: string; parentOpenDepartmentId?: string | null; name: string; code?: string; description?: string; isVirtualNode?: boolean; customData?: unknown }) {
      const org = await findOrg(poolId, input.organizationCode);
      const parentRef = input.parentOpenDepartmentId ? { id: input.parentOpenDepartmentId, type: 'open_department_id' } : { id: 'root', type: 'department_id' };
      const existing = await repo.findDepartment(poolId, org.id, 'open_department_id', input.openDepartmentId);
      const fields: DepartmentFields = { name: input.name, ...(input.code !== undefined ? { code: input.code } : {}), ...(input.description !== undefined ? { description: input.description } : {}), ...(input.isVirtualNode !== undefined ? { isVirtualNode: input.isVirtualNode } : {}), ...(input.customData !== undefined ? { customData: input.customData } : {}) };
      if (!existing) {
        const created = await service.createDepartment(poolId, { ...fields, name: input.name, organizationCode: org.code, parentDepartmentId: parentRef.id, departmentIdType: parentRef.type, openDepartmentId: input.openDepartmentId });
        return { created: true, moved: false, department: created };
      }
      const parent = await findDept(poolId, org, parentRef.id, parentRef.type);
      const r = await service.updateDepartment(poolId, { ...fields, organizationCode: org.code, departmentId: existing.id, parentDepartmentId: parent.id });
      return { created: false, moved: r.moved, department: r.department };
    },
  };
  return service;
}
export type OrganizationsService = ReturnType<typeof createOrganizationsService>;
