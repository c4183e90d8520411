import { AppError } from '../errors/app-error.js';
import { isUniqueViolation } from '../errors/to-app-error.js';
import type { UserCondition, UserLookupColumn, UserPatch, UserQueryColumn, UserRow, UsersRepo } from '../storage/repositories/users.js';
import { sortableId } from '../utils/ids.js';
import { nowIso } from '../utils/time.js';

/**
 * Users of a pool, managed through the vendor's management API (authing-node-sdk
 * `ManagementClient.createUser`, `createUsersBatch`, `getUser`, `getUserBatch`, `listUsers`,
 * `updateUser`, `deleteUsersBatch`, `isUserExists`; shapes from `src/models/*.ts`).
 *
 * Passwords: this service never sees a plain password. The vendor's `password` (and
 * `options.keepPassword` / `passwordEncryptType`) are handled by the credentials layer
 * (services/credentials/user-passwords.ts: decrypt, policy, argon2id), which passes the
 * finished hash in `passwordHash`; a plain `password` reaching this service is refused.
 */

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
const LOOKUP_BY_ID_TYPE: Partial<Record<UserIdType, UserLookupColumn>> = {
  user_id: 'id',
  external_id: 'external_id',
  phone: 'phone',
  email: 'email',
  username: 'username',
};

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
type ProfileField = keyof typeof PROFILE_COLUMNS;

/** Vendor field names that map onto a column, for keyword search, advanced filters and sorting. */
const QUERY_COLUMNS: Record<string, UserQueryColumn> = {
  ...PROFILE_COLUMNS,
  id: 'id',
  userId: 'id',
  username: 'username',
  email: 'email',
  phone: 'phone',
  externalId: 'external_id',
  status: 'status',
  gender: 'gender',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  signedUp: 'signed_up',
  lastLogin: 'last_login',
  lastIp: 'last_ip',
  loginsCount: 'logins_count',
  passwordLastSetAt: 'password_last_set_at',
};
/** Fields whose filter values are points in time (the vendor sends epoch milliseconds). */
const TIME_COLUMNS = new Set<UserQueryColumn>(['created_at', 'updated_at', 'signed_up', 'last_login', 'password_last_set_at']);

/** Vendor default for `keywords` (`ListUsersOptionsDto.fuzzySearchOn`: "默认包含" phone, email, name, username, nickname). */
const DEFAULT_KEYWORD_COLUMNS: UserQueryColumn[] = ['phone', 'email', 'name', 'username', 'nickname'];

type Profile = Partial<Record<ProfileField, string>>;

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

const parseCustomData = (text: string): Record<string, unknown> => {
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

// ---------- input rules ----------

const unsupported = (field: string) => new AppError('request.unsupported_field', { params: { field } });
const invalid = (path: string, message: string) => new AppError('request.invalid_input', { details: [{ path, message }] });

const nonEmpty = (v: unknown): boolean => {
  if (v === undefined || v === null || v === false || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
};

/** Fields of the vendor DTOs that Gatehouse does not implement yet: accepted when empty, refused otherwise. */
function refuseUnsupported(f: UserFields, prefix: string): void {
  if (nonEmpty(f.password)) throw unsupported(`${prefix}password`); // plain passwords go through the credentials layer
  for (const k of ['salt', 'tenantIds', 'departmentIds', 'otp', 'identities', 'metadataSource', 'metadata'] as const) {
    if (nonEmpty(f[k])) throw unsupported(`${prefix}${k}`);
  }
}

function refuseUnsupportedCreateOptions(o: CreateUserOptions | undefined): void {
  if (!o) return;
  // A generated password needs a channel to reach the user (notifications are not built yet).
  if (o.autoGeneratePassword) throw unsupported('options.autoGeneratePassword');
  const n = o.sendNotification;
  if (n && (n.sendEmailNotification || n.sendPhoneNotification)) throw unsupported('options.sendNotification');
}

function refuseUnsupportedUpdateOptions(o: UpdateUserOptions | undefined): void {
  if (!o) return;
  // A generated password needs a channel to reach the user (notifications are not built yet).
  if (o.autoGeneratePassword) throw unsupported('options.autoGeneratePassword');
  const n = o.sendPasswordResetedNotification;
  if (n && (n.sendDefaultEmailNotification || n.sendDefaultPhoneNotification || n.inputSendEmailNotification || n.inputSendPhoneNotification)) {
    throw unsupported('options.sendPasswordResetedNotification');
  }
}

/** The vendor says emails are case-insensitive; storing them lowercased makes the unique index say so too. */
const normEmail = (e: string | undefined) => (e === undefined ? undefined : e.trim().toLowerCase());

function customDataText(data: Record<string, unknown>, path: string): string {
  const text = JSON.stringify(data);
  if (Buffer.byteLength(text, 'utf8') > MAX_CUSTOM_DATA_BYTES) throw invalid(path, `must be at most ${MAX_CUSTOM_DATA_BYTES} bytes as JSON`);
  return text;
}

function lookupColumn(type: UserIdType | undefined, path: string): UserLookupColumn {
  const col = LOOKUP_BY_ID_TYPE[type ?? 'user_id'];
  if (!col) throw invalid(path, `userIdType '${type}' is not supported by this server; use user_id, email, phone, username or external_id`);
  return col;
}

const lookupValue = (col: UserLookupColumn, v: string) => (col === 'email' ? v.trim().toLowerCase() : v);

const IDENTIFIER_FIELDS = [
  ['username', 'username'],
  ['email', 'email'],
  ['phone', 'phone'],
  ['externalId', 'external_id'],
] as const;

/** The unique index a violation came from, as the vendor field name (PostgreSQL names the index, SQLite the columns). */
function conflictField(err: unknown): string | null {
  const v = isUniqueViolation(err);
  if (!v) return null;
  const text = v.constraint;
  for (const [field, column] of IDENTIFIER_FIELDS) {
    if (text === `users_pool_${column}` || text.endsWith(`users.${column}`)) return field;
  }
  return 'id';
}

function newRow(poolId: string, f: UserFields, o: CreateUserOptions | undefined, path: string, now: string): UserRow {
  const email = normEmail(f.email);
  if (!email && !f.phone && !f.username) throw new AppError('user.identifier_required', { details: path ? [{ path, message: 'needs email, phone or username' }] : undefined });
  const row: UserRow = {
    id: sortableId(),
    pool_id: poolId,
    username: f.username ?? null,
    email: email ?? null,
    phone: f.phone ?? null,
    external_id: f.externalId ?? null,
    phone_country_code: null,
    name: null,
    nickname: null,
    given_name: null,
    family_name: null,
    middle_name: null,
    preferred_username: null,
    profile: null,
    website: null,
    photo: null,
    gender: f.gender ?? 'U',
    birthdate: null,
    zoneinfo: null,
    locale: null,
    address: null,
    street_address: null,
    city: null,
    province: null,
    region: null,
    formatted: null,
    postal_code: null,
    country: null,
    company: null,
    browser: null,
    device: null,
    identity_number: null,
    email_verified: f.emailVerified ? 1 : 0,
    phone_verified: f.phoneVerified ? 1 : 0,
    status: f.status ?? 'Activated',
    blocked: 0,
    logins_count: 0,
    last_login: null,
    last_ip: null,
    signed_up: now,
    password_hash: f.passwordHash ?? null,
    password_last_set_at: f.passwordHash ? now : null,
    reset_password_on_next_login: o?.resetPasswordOnFirstLogin ? 1 : 0,
    password_refresh: 0,
    custom_data: customDataText(f.customData ?? {}, `${path}customData`),
    created_at: now,
    updated_at: now,
  };
  for (const [field, column] of Object.entries(PROFILE_COLUMNS) as Array<[ProfileField, (typeof PROFILE_COLUMNS)[ProfileField]]>) {
    const v = f[field];
    if (v !== undefined) row[column] = v;
  }
  return row;
}

const identifiersOf = (r: UserRow) => ({ username: r.username, email: r.email, phone: r.phone, external_id: r.external_id });

// ---------- list queries ----------

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

const OPERATORS: Record<string, UserCondition['op']> = {
  EQUAL: 'eq',
  NOT_EQUAL: 'ne',
  CONTAINS: 'contains',
  NOT_CONTAINS: 'not_contains',
  IS_NULL: 'is_null',
  NOT_NULL: 'not_null',
  IN: 'in',
  GREATER: 'gte', // the vendor documents GREATER/LESSER as "or equal"
  LESSER: 'lte',
  BETWEEN: 'between',
};

function filterValue(column: UserQueryColumn, v: unknown, path: string): string | number {
  if (TIME_COLUMNS.has(column)) {
    const t = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : NaN;
    if (!Number.isFinite(t)) throw invalid(path, 'must be a timestamp in milliseconds or an ISO date');
    return new Date(t).toISOString();
  }
  if (column === 'logins_count') {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw invalid(path, 'must be a number');
    return v;
  }
  if (typeof v !== 'string' && typeof v !== 'number') throw invalid(path, 'must be a string');
  const s = String(v);
  return column === 'email' ? s.toLowerCase() : s;
}

/** Vendor `ListUsersAdvancedFilterItemDto[]` → repository conditions, for the fields that are columns. */
function toConditions(items: NonNullable<ListUsersInput['advancedFilter']>): UserCondition[] {
  return items.map((item, i) => {
    const path = `advancedFilter/${i}`;
    const column = QUERY_COLUMNS[item.field];
    if (!column) throw unsupported(`advancedFilter.field=${item.field}`);
    const op = OPERATORS[item.operator];
    if (!op) throw invalid(`${path}/operator`, `unknown operator '${item.operator}'`);
    if (op === 'is_null' || op === 'not_null') return { column, op };
    if (op === 'in') {
      if (!Array.isArray(item.value)) throw invalid(`${path}/value`, 'must be an array');
      if (item.value.length > 1000) throw invalid(`${path}/value`, 'must have at most 1000 items');
      return { column, op, value: item.value.map((v, j) => filterValue(column, v, `${path}/value/${j}`)) };
    }
    if (op === 'between') {
      if (!Array.isArray(item.value) || item.value.length !== 2) throw invalid(`${path}/value`, 'must be an array of two values');
      return { column, op, value: item.value.map((v, j) => filterValue(column, v, `${path}/value/${j}`)) };
    }
    return { column, op, value: filterValue(column, item.value, `${path}/value`) };
  });
}

// ---------- the service ----------

export function createUsersService(repo: UsersRepo) {
  /** Names the first identifier already held by another user of the pool. */
  async function assertFree(poolId: string, ids: { username?: string | null; email?: string | null; phone?: string | null; external_id?: string | null }, exceptId?: string) {
    const wanted = Object.fromEntries(Object.entries(ids).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
    const holders = await repo.findHoldersOfAny(poolId, wanted, exceptId);
    for (const [field, column] of IDENTIFIER_FIELDS) {
      const v = wanted[column];
      if (v !== undefined && holders.some((h) => h[column] === v)) throw new AppError('user.already_exists', { params: { field } });
    }
  }

  /** A write lost a race to a concurrent one: still a clear 409, never a 500. */
  function rethrowConflict(err: unknown): never {
    const field = conflictField(err);
    if (field) throw new AppError('user.already_exists', { params: { field }, cause: err });
    throw err;
  }

  async function find(poolId: string, userId: string, type: UserIdType | undefined, path = 'userIdType'): Promise<UserRow> {
    const col = lookupColumn(type, path);
    const row = await repo.findBy(poolId, col, lookupValue(col, userId));
    if (!row) throw new AppError('user.not_found');
    return row;
  }

  function checkBatchSize(n: number) {
    if (n > MAX_BATCH) throw new AppError('user.batch_too_large', { params: { max: MAX_BATCH } });
  }

  return {
    async create(poolId: string, input: UserFields & { options?: CreateUserOptions }): Promise<UserDto> {
      refuseUnsupported(input, '');
      refuseUnsupportedCreateOptions(input.options);
      const row = newRow(poolId, input, input.options, '', nowIso());
      await assertFree(poolId, identifiersOf(row));
      try {
        await repo.insert(row);
      } catch (err) {
        rethrowConflict(err);
      }
      return toUserDto(row, { withCustomData: true });
    },

    /** All or nothing: every item is checked first, then all are inserted in one transaction. */
    async createBatch(poolId: string, input: { list: UserFields[]; options?: CreateUserOptions }, opts: { maxBatch?: number } = {}): Promise<UserDto[]> {
      // `maxBatch`: the import (CLI, one transaction) may take more than an API request.
      if (input.list.length > (opts.maxBatch ?? MAX_BATCH)) throw new AppError('user.batch_too_large', { params: { max: opts.maxBatch ?? MAX_BATCH } });
      refuseUnsupportedCreateOptions(input.options);
      const now = nowIso();
      const rows = input.list.map((item, i) => {
        refuseUnsupported(item, `list[${i}].`);
        return newRow(poolId, item, input.options, `list/${i}/`, now);
      });
      // Two items of the same batch claiming one identifier.
      for (const [field, column] of IDENTIFIER_FIELDS) {
        const seen = new Map<string, number>();
        rows.forEach((r, i) => {
          const v = r[column];
          if (v === null) return;
          const first = seen.get(v);
          if (first !== undefined) {
            throw new AppError('user.already_exists', { params: { field }, details: [{ path: `list/${i}/${field}`, message: `same as list/${first}/${field}` }] });
          }
          seen.set(v, i);
        });
      }
      for (const [i, row] of rows.entries()) {
        try {
          await assertFree(poolId, identifiersOf(row));
        } catch (err) {
          if (err instanceof AppError && err.code === 'user.already_exists') {
            throw new AppError('user.already_exists', { params: err.params, details: [{ path: `list/${i}`, message: `${String(err.params?.field)} is taken` }] });
          }
          throw err;
        }
      }
      try {
        await repo.insertMany(rows);
      } catch (err) {
        rethrowConflict(err);
      }
      return rows.map((r) => toUserDto(r, { withCustomData: true }));
    },

    async get(poolId: string, q: { userId: string; userIdType?: UserIdType } & UserViewOptions): Promise<UserDto> {
      return toUserDto(await find(poolId, q.userId, q.userIdType), q);
    },

    /** Finds the row itself, for other services (roles, sign-in) that work on users. */
    findRow: (poolId: string, userId: string, userIdType?: UserIdType) => find(poolId, userId, userIdType),

    /** Users that exist, in the order asked; unknown ids are left out (vendor `UserListRespDto` is a plain list). */
    async getBatch(poolId: string, q: { userIds: string[]; userIdType?: UserIdType } & UserViewOptions): Promise<UserDto[]> {
      checkBatchSize(q.userIds.length);
      const col = lookupColumn(q.userIdType, 'userIdType');
      const wanted = [...new Set(q.userIds.map((v) => lookupValue(col, v)))];
      const rows = await repo.findManyBy(poolId, col, wanted);
      const byKey = new Map(rows.map((r) => [r[col] as string, r]));
      return wanted.flatMap((k) => {
        const r = byKey.get(k);
        return r ? [toUserDto(r, q)] : [];
      });
    },

    /** Vendor `POST /api/v3/list-users`: offset pages, keyword search, advanced filters, sorting. */
    async list(poolId: string, input: ListUsersInput): Promise<{ totalCount: number; list: UserDto[] }> {
      if (nonEmpty(input.searchQuery)) throw unsupported('searchQuery');
      const o = input.options ?? {};
      const page = o.pagination?.page ?? 1;
      const limit = o.pagination?.limit ?? 10;
      const keywordColumns = o.fuzzySearchOn?.length
        ? [...new Set(o.fuzzySearchOn.map((f) => {
            const c = QUERY_COLUMNS[f];
            if (!c) throw unsupported(`options.fuzzySearchOn=${f}`);
            return c;
          }))]
        : DEFAULT_KEYWORD_COLUMNS;
      const sort = (o.sort ?? []).map((s) => {
        const column = QUERY_COLUMNS[s.field];
        if (!column) throw unsupported(`options.sort.field=${s.field}`);
        return { column, direction: s.order };
      });
      const { rows, total } = await repo.list(poolId, {
        offset: (page - 1) * limit,
        limit,
        keyword: input.keywords,
        keywordColumns,
        conditions: toConditions(input.advancedFilter ?? []),
        sort,
      });
      return { totalCount: total, list: rows.map((r) => toUserDto(r, o)) };
    },

    /** Vendor `GET /api/v3/list-users` (deprecated `listUsersLegacy`). */
    async listLegacy(poolId: string, q: ListUsersLegacyInput): Promise<{ totalCount: number; list: UserDto[] }> {
      const page = q.page ?? 1;
      const limit = q.limit ?? 10;
      const conditions: UserCondition[] = [];
      if (q.status) conditions.push({ column: 'status', op: 'eq', value: q.status });
      if (q.updatedAtStart !== undefined) conditions.push({ column: 'updated_at', op: 'gte', value: new Date(q.updatedAtStart * 1000).toISOString() });
      if (q.updatedAtEnd !== undefined) conditions.push({ column: 'updated_at', op: 'lte', value: new Date(q.updatedAtEnd * 1000).toISOString() });
      const { rows, total } = await repo.list(poolId, { offset: (page - 1) * limit, limit, conditions });
      return { totalCount: total, list: rows.map((r) => toUserDto(r, q)) };
    },

    /**
     * Partial update (vendor `UpdateUserReqDto`): absent fields stay as they are. `customData`
     * is merged key by key (a key set to null is removed), as the vendor treats custom fields
     * one by one.
     */
    async update(poolId: string, input: UserFields & { userId: string; options?: UpdateUserOptions }): Promise<UserDto> {
      refuseUnsupported(input, '');
      refuseUnsupportedUpdateOptions(input.options);
      const current = await find(poolId, input.userId, input.options?.userIdType, 'options/userIdType');
      const patch: UserPatch = { updated_at: nowIso() };
      if (input.username !== undefined) patch.username = input.username;
      if (input.email !== undefined) patch.email = normEmail(input.email);
      if (input.phone !== undefined) patch.phone = input.phone;
      if (input.externalId !== undefined) patch.external_id = input.externalId;
      if (input.status !== undefined) patch.status = input.status;
      if (input.gender !== undefined) patch.gender = input.gender;
      if (input.emailVerified !== undefined) patch.email_verified = input.emailVerified ? 1 : 0;
      if (input.phoneVerified !== undefined) patch.phone_verified = input.phoneVerified ? 1 : 0;
      for (const [field, column] of Object.entries(PROFILE_COLUMNS) as Array<[ProfileField, (typeof PROFILE_COLUMNS)[ProfileField]]>) {
        const v = input[field];
        if (v !== undefined) patch[column] = v;
      }
      if (input.passwordHash !== undefined) {
        patch.password_hash = input.passwordHash;
        patch.password_last_set_at = patch.updated_at;
        patch.password_refresh = 0;
      }
      const reset = input.options?.resetPasswordOnNextLogin ?? input.options?.resetPasswordOnFirstLogin;
      if (reset !== undefined) patch.reset_password_on_next_login = reset ? 1 : 0;
      if (input.customData !== undefined) {
        const merged = parseCustomData(current.custom_data);
        for (const [k, v] of Object.entries(input.customData)) {
          if (v === null) delete merged[k];
          else merged[k] = v;
        }
        patch.custom_data = customDataText(merged, 'customData');
      }
      await assertFree(poolId, { username: patch.username, email: patch.email, phone: patch.phone, external_id: patch.external_id }, current.id);
      let row: UserRow | undefined;
      try {
        row = await repo.update(poolId, current.id, patch);
      } catch (err) {
        rethrowConflict(err);
      }
      if (!row) throw new AppError('user.not_found'); // deleted concurrently
      return toUserDto(row, { withCustomData: true });
    },

    /**
     * Deletes all the users or none: if any id is not a user of the caller's pool the request
     * fails with `user.not_found` naming the missing ids, and nothing is deleted. The vendor
     * documents no rule for unknown ids; refusing catches typos and stale ids, and a user of
     * another pool is indistinguishable from one that does not exist.
     */
    async deleteBatch(poolId: string, input: { userIds: string[]; options?: { userIdType?: UserIdType } }): Promise<void> {
      checkBatchSize(input.userIds.length);
      const col = lookupColumn(input.options?.userIdType, 'options/userIdType');
      const keys = [...new Set(input.userIds.map((v) => lookupValue(col, v)))];
      let ids = keys;
      const missingKeys: string[] = [];
      if (col !== 'id') {
        const rows = await repo.findManyBy(poolId, col, keys);
        const found = new Map(rows.map((r) => [r[col] as string, r.id]));
        for (const k of keys) if (!found.has(k)) missingKeys.push(k);
        ids = [...found.values()];
      }
      if (missingKeys.length === 0) {
        const res = await repo.deleteAllOrNothing(poolId, ids);
        missingKeys.push(...res.missing);
      }
      if (missingKeys.length > 0) {
        throw new AppError('user.not_found', { details: missingKeys.slice(0, 10).map((k) => ({ path: 'userIds', message: `no user '${k}' in this user pool` })) });
      }
    },

    /**
     * Vendor `isUserExists`: true when some user of the pool holds any of the given
     * identifiers — the question a caller asks before creating a user with them.
     */
    async exists(poolId: string, q: { username?: string; email?: string; phone?: string; externalId?: string }): Promise<boolean> {
      const ids = { username: q.username, email: normEmail(q.email), phone: q.phone, external_id: q.externalId };
      if (Object.values(ids).every((v) => v === undefined)) throw invalid('body', 'needs one of username, email, phone or externalId');
      return (await repo.findHoldersOfAny(poolId, ids)).length > 0;
    },
  };
}
export type UsersService = ReturnType<typeof createUsersService>;
