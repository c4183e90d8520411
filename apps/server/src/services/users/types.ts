import type { UserRow } from '../../storage/repositories/users.js';

/** Most items one batch request may carry (create, get, delete). */
export const MAX_BATCH = 50;
/** Serialized `customData` above this is refused: it is profile data, not a document store. */
export const MAX_CUSTOM_DATA_BYTES = 32 * 1024;

export const USER_STATUSES = ['Suspended', 'Resigned', 'Activated', 'Archived', 'Deactivated'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];
export type Gender = 'M' | 'F' | 'U';

/** Vendor `userIdType` values (`GetUserDto`, `UpdateUserOptionsDto`, `DeleteUsersBatchOptionsDto`). */
export const USER_ID_TYPES = ['user_id', 'external_id', 'phone', 'email', 'username', 'identity', 'sync_relation', 'custom_field'] as const;
export type UserIdType = (typeof USER_ID_TYPES)[number];

/** Plain profile fields: vendor camelCase name → column. Identifiers and flags are handled apart. */
export const PROFILE_COLUMNS = {
  phoneCountryCode: 'phone_country_code',
  name: 'name',
  nickname: 'nickname',
  givenName: 'given_name',
  familyName: 'family_name',
  middleName: 'middle_name',
  preferredUsername: 'preferred_username',
  profile: 'profile',
  website: 'website',
  photo: 'photo',
  birthdate: 'birthdate',
  zoneinfo: 'zoneinfo',
  locale: 'locale',
  address: 'address',
  streetAddress: 'street_address',
  city: 'city',
  province: 'province',
  region: 'region',
  formatted: 'formatted',
  postalCode: 'postal_code',
  country: 'country',
  company: 'company',
  browser: 'browser',
  device: 'device',
  identityNumber: 'identity_number',
} as const satisfies Record<string, keyof UserRow>;
export type ProfileField = keyof typeof PROFILE_COLUMNS;

export type Profile = Partial<Record<ProfileField, string>>;

/** The writable part of the vendor `CreateUserReqDto` / `CreateUserInfoDto` / `UpdateUserReqDto`. */
export interface UserFields extends Profile {
  status?: UserStatus;
  email?: string;
  phone?: string;
  username?: string;
  externalId?: string;
  gender?: Gender;
  emailVerified?: boolean;
  phoneVerified?: boolean;
  customData?: Record<string, unknown>;
  password?: string;
  /** Set only by the credentials layer (a finished hash), never taken from a request. */
  passwordHash?: string;
  salt?: string;
  /** Accepted for compatibility, refused when non-empty (not implemented by Gatehouse yet). */
  tenantIds?: string[];
  departmentIds?: string[];
  otp?: unknown;
  identities?: unknown[];
  metadataSource?: unknown;
  metadata?: unknown;
}

/** Vendor `CreateUserOptionsDto`. */
export interface CreateUserOptions {
  keepPassword?: boolean;
  autoGeneratePassword?: boolean;
  resetPasswordOnFirstLogin?: boolean;
  departmentIdType?: string;
  sendNotification?: { sendEmailNotification?: boolean; sendPhoneNotification?: boolean; appId?: string };
  passwordEncryptType?: string;
}

/** Vendor `UpdateUserOptionsDto`. */
export interface UpdateUserOptions {
  userIdType?: UserIdType;
  resetPasswordOnFirstLogin?: boolean;
  resetPasswordOnNextLogin?: boolean;
  passwordEncryptType?: string;
  autoGeneratePassword?: boolean;
  sendPasswordResetedNotification?: {
    sendDefaultEmailNotification?: boolean;
    sendDefaultPhoneNotification?: boolean;
    inputSendEmailNotification?: string;
    inputSendPhoneNotification?: string;
    appId?: string;
  };
}

/** What to include in a returned user (the vendor's `with*` / `flatCustomData` switches). */
export interface UserViewOptions {
  withCustomData?: boolean;
  flatCustomData?: boolean;
  withIdentities?: boolean;
  withDepartmentIds?: boolean;
  withPost?: boolean;
}

/** The vendor `UserDto` (authing-node-sdk `src/models/UserDto.ts`), as far as Gatehouse has the data. */
export interface UserDto {
  userId: string;
  createdAt: string;
  updatedAt: string;
  status: UserStatus;
  workStatus: 'Active' | 'Closed';
  externalId?: string;
  email?: string;
  phone?: string;
  phoneCountryCode?: string;
  username?: string;
  name?: string;
  nickname?: string;
  photo?: string;
  loginsCount: number;
  lastLogin?: string;
  lastIp?: string;
  gender: Gender;
  emailVerified: boolean;
  phoneVerified: boolean;
  passwordLastSetAt?: string;
  birthdate?: string;
  country?: string;
  province?: string;
  city?: string;
  address?: string;
  streetAddress?: string;
  postalCode?: string;
  company?: string;
  browser?: string;
  device?: string;
  givenName?: string;
  familyName?: string;
  middleName?: string;
  profile?: string;
  preferredUsername?: string;
  website?: string;
  zoneinfo?: string;
  locale?: string;
  formatted?: string;
  region?: string;
  /** Always `adminCreated` for now: the only way in is the management API (vendor enum `UserDto.userSourceType`). */
  userSourceType: 'excel' | 'register' | 'adminCreated' | 'sync';
  resetPasswordOnNextLogin: boolean;
  identityNumber?: string;
  signedUp?: string;
  customData?: Record<string, unknown>;
  identities?: unknown[];
  departmentIds?: string[];
  postIdList?: string[];
  [flattened: string]: unknown;
}

export interface ListUsersInput {
  keywords?: string;
  advancedFilter?: Array<{ field: string; operator: string; value?: unknown }>;
  searchQuery?: unknown;
  options?: UserViewOptions & {
    pagination?: { page?: number; limit?: number };
    sort?: Array<{ field: string; order: 'asc' | 'desc' }>;
    fuzzySearchOn?: string[];
  };
}

/** The deprecated `GET /api/v3/list-users` (`ManagementClient.listUsersLegacy`). */
export interface ListUsersLegacyInput extends UserViewOptions {
  page?: number;
  limit?: number;
  status?: UserStatus;
  /** UNIX seconds. */
  updatedAtStart?: number;
  updatedAtEnd?: number;
  withUserPasswordExpireTime?: boolean;
}
