import { defineErrors } from '../define.js';

/** 730xxxx — organisations, departments, groups, resources and permissions (docs/organizations.md, docs/permissions.md). */
export const organizationErrors = defineErrors({
  'organization.not_found': { apiCode: 7300001, status: 404, en: 'Organisation not found.', zh: '组织不存在。' },
  'organization.already_exists': { apiCode: 7300002, status: 409, en: 'An organisation with this code already exists.', zh: '已存在相同 code 的组织。' },
  'department.not_found': { apiCode: 7300101, status: 404, en: 'Department not found.', zh: '部门不存在。' },
  'department.code_taken': { apiCode: 7300102, status: 409, en: 'Another department of this organisation has the code {code}.', zh: '该组织中已有部门使用 code {code}。' },
  'department.open_id_taken': { apiCode: 7300103, status: 409, en: 'Another department of this organisation has this openDepartmentId.', zh: '该组织中已有部门使用此 openDepartmentId。' },
  'department.cycle': { apiCode: 7300104, status: 400, en: 'A department cannot be moved under itself or one of its own sub-departments.', zh: '不能把部门移动到它自身或其子部门之下。' },
  'department.not_empty': { apiCode: 7300105, status: 409, en: 'The department still has sub-departments or members; remove them first or delete with force.', zh: '部门下仍有子部门或成员，请先移除，或强制删除。' },
  'department.root': { apiCode: 7300106, status: 400, en: 'The root department of an organisation cannot be moved or deleted on its own; update or delete the organisation.', zh: '组织的根部门不能单独移动或删除，请修改或删除组织。' },
  'department.id_type_unsupported': { apiCode: 7300107, status: 400, en: 'departmentIdType {type} is not supported by this server; use department_id, open_department_id or code.', zh: '本服务不支持 departmentIdType {type}，请使用 department_id、open_department_id 或 code。' },
  'group.not_found': { apiCode: 7300201, status: 404, en: 'Group not found.', zh: '分组不存在。' },
  'group.already_exists': { apiCode: 7300202, status: 409, en: 'A group with the code {code} already exists.', zh: '已存在 code 为 {code} 的分组。' },
  'group.invalid_rule': { apiCode: 7300203, status: 400, en: 'The dynamic group rule is invalid: {reason}.', zh: '动态分组规则无效：{reason}。' },
  'group.dynamic_members': { apiCode: 7300204, status: 400, en: 'Members of a dynamic group follow its rule and cannot be added or removed by hand.', zh: '动态分组的成员由规则决定，不能手动添加或移除。' },
  'resource.not_found': { apiCode: 7300301, status: 404, en: 'Resource not found.', zh: '资源不存在。' },
  'resource.already_exists': { apiCode: 7300302, status: 409, en: 'A resource with the code {code} already exists in the namespace.', zh: '该权限空间中已存在 code 为 {code} 的资源。' },
  'resource.unknown_action': { apiCode: 7300303, status: 400, en: 'The resource {resource} has no action {action}.', zh: '资源 {resource} 没有操作 {action}。' },
  'permission.target_not_found': { apiCode: 7300304, status: 404, en: 'The authorisation target {targetType} {target} was not found.', zh: '授权主体 {targetType} {target} 不存在。' },
});
