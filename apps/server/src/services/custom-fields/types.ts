/** Custom fields as the vendor's ManagementClient sends them (SetCustomFieldDto, CustomFieldDto). */
export const TARGET_TYPES = ['USER', 'ROLE', 'GROUP', 'DEPARTMENT'] as const;
export type TargetType = (typeof TARGET_TYPES)[number];
export const DATA_TYPES = ['STRING', 'NUMBER', 'DATETIME', 'BOOLEAN', 'ENUM', 'OBJECT'] as const;
export type DataType = (typeof DATA_TYPES)[number];
/** Display-name languages (the vendor's LangObject). */
export const LANGS = ['zh-CN', 'en-US', 'zh-TW', 'ja-JP'] as const;

export interface ValidateRules {
  minLength?: number;
  maxLength?: number;
  min?: number;
  max?: number;
  required?: boolean;
}

export interface CustomFieldInput {
  targetType: TargetType;
  key: string;
  dataType?: DataType;
  label?: string;
  description?: string;
  encrypted?: boolean;
  isUnique?: boolean;
  userEditable?: boolean;
  visibleInAdminConsole?: boolean;
  visibleInUserCenter?: boolean;
  validateRules?: ValidateRules;
  options?: Array<{ value: string; label: string }>;
  i18n?: { label?: Partial<Record<(typeof LANGS)[number], { enabled?: boolean; value: string }>> };
}

export interface CustomFieldDto {
  targetType: TargetType;
  key: string;
  dataType: DataType;
  label: string;
  description?: string;
  encrypted: boolean;
  isUnique: boolean;
  userEditable: boolean;
  visibleInAdminConsole: boolean;
  visibleInUserCenter: boolean;
  validateRules?: ValidateRules;
  options?: Array<{ value: string; label: string }>;
  i18n?: CustomFieldInput['i18n'];
  createdAt: string;
}

/** Keys of built-in fields per target: a custom field may not shadow one. */
export const BUILT_IN_KEYS: Record<TargetType, readonly string[]> = {
  USER: [
    'id', 'userId', 'userPoolId', 'status', 'email', 'phone', 'phoneCountryCode', 'username', 'externalId', 'password', 'passwordHash', 'name', 'nickname', 'givenName', 'familyName', 'middleName', 'preferredUsername', 'profile', 'website', 'photo', 'birthdate', 'zoneinfo', 'locale', 'address', 'streetAddress', 'city', 'province', 'region', 'formatted', 'postalCode', 'country', 'company', 'browser', 'device', 'identityNumber', 'gender', 'emailVerified', 'phoneVerified', 'customData', 'createdAt', 'updatedAt', 'loginsCount', 'lastLogin', 'lastIp', 'signedUp', 'blocked', 'isDeleted', 'roles', 'groups', 'departments', 'identities', 'tenantId', 'sub',
  ],
  ROLE: ['id', 'code', 'name', 'namespace', 'namespaceName', 'description', 'status', 'disableTime', 'createdAt', 'updatedAt'],
  GROUP: ['id', 'code', 'name', 'description', 'type', 'createdAt', 'updatedAt'],
  DEPARTMENT: ['id', 'departmentId', 'code', 'name', 'description', 'parentDepartmentId', 'leaderUserIds', 'createdAt', 'updatedAt'],
};
