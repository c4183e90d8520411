import type { UserRow } from '../../storage/repositories/users.js';
import { PROFILE_COLUMNS, type Gender, type UserDto, type UserStatus, type UserViewOptions } from './types.js';

export const parseCustomData = (text: string): Record<string, unknown> => {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

/** Row → vendor `UserDto`. Absent values are left out (the vendor marks them optional); never the password hash. */
export function toUserDto(r: UserRow, view: UserViewOptions = {}): UserDto {
  const dto: UserDto = {
    userId: r.id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    status: r.status as UserStatus,
    workStatus: 'Active',
    gender: (r.gender as Gender) ?? 'U',
    emailVerified: r.email_verified === 1,
    phoneVerified: r.phone_verified === 1,
    loginsCount: r.logins_count,
    userSourceType: 'adminCreated',
    resetPasswordOnNextLogin: r.reset_password_on_next_login === 1,
  };
  const optional: Record<string, string | null> = {
    externalId: r.external_id,
    email: r.email,
    phone: r.phone,
    username: r.username,
    lastLogin: r.last_login,
    lastIp: r.last_ip,
    signedUp: r.signed_up,
    passwordLastSetAt: r.password_last_set_at,
  };
  for (const [field, column] of Object.entries(PROFILE_COLUMNS)) optional[field] = r[column];
  for (const [k, v] of Object.entries(optional)) if (v !== null && v !== undefined) dto[k] = v;

  if (view.withCustomData || view.flatCustomData) {
    const custom = parseCustomData(r.custom_data);
    if (view.withCustomData) dto.customData = custom;
    // flatCustomData: custom fields also at the top level, never over a standard field.
    if (view.flatCustomData) for (const [k, v] of Object.entries(custom)) if (!(k in dto)) dto[k] = v;
  }
  // Gatehouse has no external identities, departments or posts yet: a user has none of them.
  if (view.withIdentities) dto.identities = [];
  if (view.withDepartmentIds) dto.departmentIds = [];
  if (view.withPost) dto.postIdList = [];
  return dto;
}
