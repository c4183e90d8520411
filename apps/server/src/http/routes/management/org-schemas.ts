import { Type, type TSchema } from '@sinclair/typebox';
import { CODE_PATTERN, DEPARTMENT_ID_TYPES, MAX_TREE_PAGE } from '../../../services/organizations/organizations.js';
import { VENDOR_USER_ID_TYPES } from '../../../services/roles.js';
import { USER_STATUSES } from '../../../services/users.js';

/** Schema pieces the organisation, department and group routes share (vendor DTO field names). */
export const strict = <T extends Record<string, TSchema>>(props: T) => Type.Object(props, { additionalProperties: false });
export const opt = Type.Optional;
export const OrNull = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
export const Code = (description = 'Letters, digits, _ : . - (at most 64).') => Type.String({ pattern: CODE_PATTERN, description });
export const Name = Type.String({ minLength: 1, maxLength: 255 });
export const Text = Type.String({ maxLength: 2000 });
export const UserIds = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 100 });
/** Vendor fields this server does not model; refused by the service when set. */
export const NotYet = (what: string) => Type.Optional(Type.Unknown({ description: `${what}. Not supported: refused with request.unsupported_field when set.` }));
export const AnyJson = Type.Unknown();
export const DepartmentIdType = Type.Union(DEPARTMENT_ID_TYPES.map((v) => Type.Literal(v)), { description: 'department_id (default), open_department_id or code; `root` as the id names the root department.' });
export const UserIdType = Type.Union(VENDOR_USER_ID_TYPES.map((v) => Type.Literal(v)), { description: 'user_id (default), username, email, phone or external_id.' });
export const BoolQ = Type.Optional(Type.Boolean());
/** Tree listings: the vendor sends no page, so the first page is large. */
export const TreePage = {
  page: Type.Integer({ minimum: 1, default: 1 }),
  limit: Type.Integer({ minimum: 1, maximum: MAX_TREE_PAGE, default: MAX_TREE_PAGE }),
};

export const DepartmentOut = Type.Object(
  {
    organizationCode: Type.String(),
    departmentId: Type.String(),
    name: Type.String(),
    parentDepartmentId: Type.String(),
    membersCount: Type.Integer(),
    hasChildren: Type.Boolean(),
    leaderUserIds: Type.Array(Type.String()),
  },
  { additionalProperties: true, description: 'Vendor DepartmentDto.' },
);
export const DepartmentPaging = Type.Object({ totalCount: Type.Integer(), list: Type.Array(DepartmentOut) });
export const OrganizationOut = Type.Object({ organizationCode: Type.String(), organizationName: Type.String(), description: opt(Type.String()), departmentId: Type.String() }, { additionalProperties: true, description: 'Vendor OrganizationDto.' });
// The fields the console lists are named (so its generated client types them); the rest of the
// vendor DTO passes through as additional properties. Absent identifiers are left out, never null.
export const UserOut = Type.Object(
  {
    userId: Type.String(),
    status: Type.Union(USER_STATUSES.map((s) => Type.Literal(s)), { description: 'Account status' }),
    email: opt(Type.String()),
    phone: opt(Type.String()),
    username: opt(Type.String()),
    name: opt(Type.String()),
    externalId: opt(Type.String()),
    createdAt: Type.String(),
  },
  { additionalProperties: true, description: 'Vendor UserDto.' },
);
export const UserPaging = Type.Object({ totalCount: Type.Integer(), list: Type.Array(UserOut) });
export const GroupOut = Type.Object({ id: Type.String(), code: Type.String(), name: Type.String(), description: opt(Type.String()), type: Type.String() }, { additionalProperties: true, description: 'Vendor GroupDto (rule: Gatehouse DYNAMIC groups).' });
export const GroupPaging = Type.Object({ totalCount: Type.Integer(), list: Type.Array(GroupOut) });
