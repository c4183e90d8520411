import type { DepartmentView, OrganizationRow } from '../../storage/repositories/organizations.js';
import type { MembershipView } from '../../storage/repositories/department-members.js';
import type { GroupRow } from '../../storage/repositories/groups.js';
import type { UserDto } from '../users/types.js';
import { parseCustomData } from '../users/dto.js';

/*
 * Rows → the vendor DTOs (authing-node-sdk `OrganizationDto`, `DepartmentDto`,
 * `UserDepartmentRespDto`, `GroupDto`). Fields Gatehouse has no data for (posts, tenants) are
 * empty, never invented.
 */

const parseJson = (text: string | null): unknown => {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

export interface DepartmentDto {
  organizationCode: string;
  departmentId: string;
  createdAt: string;
  updatedAt: string;
  openDepartmentId?: string;
  name: string;
  leaderUserIds: string[];
  description: string;
  parentDepartmentId: string;
  code?: string;
  parentDepartmentCode: string;
  membersCount: number;
  hasChildren: boolean;
  isVirtualNode: boolean;
  i18n?: unknown;
  customData?: Record<string, unknown>;
  postIdList: string[];
  status: boolean;
}

export function toDepartmentDto(d: DepartmentView, leaders: string[], withCustomData = false): DepartmentDto {
  const dto: DepartmentDto = {
    organizationCode: d.organization_code,
    departmentId: d.id,
    createdAt: d.created_at,
    updatedAt: d.updated_at,
    name: d.name,
    leaderUserIds: leaders,
    description: d.description ?? '',
    // The root department has no parent; the vendor shows '' there.
    parentDepartmentId: d.parent_id ?? '',
    parentDepartmentCode: d.parent_code ?? '',
    membersCount: d.members_count,
    hasChildren: d.has_children,
    isVirtualNode: d.is_virtual === 1,
    postIdList: [],
    status: d.status === 1,
  };
  if (d.open_department_id !== null) dto.openDepartmentId = d.open_department_id;
  if (d.code !== null) dto.code = d.code;
  const i18n = parseJson(d.i18n);
  if (i18n !== undefined) dto.i18n = i18n;
  if (withCustomData) dto.customData = parseCustomData(d.custom_data);
  return dto;
}

export function toOrganizationDto(org: OrganizationRow, root: DepartmentView, leaders: string[]) {
  const dto: Record<string, unknown> = {
    organizationCode: org.code,
    organizationName: org.name,
    description: org.description ?? '',
    createdAt: org.created_at,
    updatedAt: org.updated_at,
    departmentId: root.id,
    hasChildren: root.has_children,
    leaderUserIds: leaders,
    membersCount: root.members_count,
    isVirtualNode: false,
    postIdList: [],
    status: org.status === 1 ? 'Activated' : 'Deactivated',
  };
  if (root.open_department_id !== null) dto.openDepartmentId = root.open_department_id;
  const i18n = parseJson(root.i18n);
  if (i18n !== undefined) dto.i18n = i18n;
  return dto;
}

export function toUserDepartmentDto(m: MembershipView, path?: Array<{ id: string; code: string | null; name: string }>, withCustomData = false) {
  const dto: Record<string, unknown> = {
    organizationCode: m.organization_code,
    departmentId: m.department_id,
    isRoot: m.parent_id === null,
    createdAt: m.created_at,
    name: m.name,
    description: m.description ?? '',
    isLeader: m.is_leader === 1,
    code: m.code ?? '',
    isMainDepartment: m.is_main === 1,
    joinedAt: m.joined_at,
    isVirtualNode: m.is_virtual === 1,
  };
  if (m.open_department_id !== null) dto.openDepartmentId = m.open_department_id;
  const i18n = parseJson(m.i18n);
  if (i18n !== undefined) dto.i18n = i18n;
  if (withCustomData) dto.customData = parseCustomData(m.custom_data);
  if (path) {
    dto.departmentIdPath = path.map((p) => p.id);
    dto.departmentCodePath = path.map((p) => p.code ?? '');
    dto.departmentNamePath = path.map((p) => p.name);
  }
  return dto;
}

export interface GroupDto {
  id: string;
  code: string;
  name: string;
  description: string;
  type: string;
  metadataSource: string[];
  members: UserDto[];
  /** Gatehouse: the rule of a DYNAMIC group (docs/organizations.md). */
  rule?: unknown;
  customData?: Record<string, unknown>;
}

export function toGroupDto(g: GroupRow, members: UserDto[] = [], withCustomData = false): GroupDto {
  const dto: GroupDto = { id: g.id, code: g.code, name: g.name, description: g.description ?? '', type: g.type, metadataSource: [], members };
  const rule = parseJson(g.rule);
  if (rule !== undefined) dto.rule = rule;
  if (withCustomData) dto.customData = parseCustomData(g.custom_data);
  return dto;
}
