import type { UserCondition, UserListQuery, UserQueryColumn } from '../../storage/repositories/users.js';
import { PROFILE_COLUMNS, type ListUsersInput, type ListUsersLegacyInput } from './types.js';
import { invalidInput as invalid, unsupportedField as unsupported } from '../../errors/app-error.js';
import { nonEmpty } from './validation.js';

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

/** Vendor `POST /api/v3/list-users` input → the repository query (refusing fields that are not columns). */
export function listQueryOf(input: ListUsersInput): UserListQuery {
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
  return {
    offset: (page - 1) * limit,
    limit,
    keyword: input.keywords,
    keywordColumns,
    conditions: toConditions(input.advancedFilter ?? []),
    sort,
  };
}

/** Vendor `GET /api/v3/list-users` (deprecated `listUsersLegacy`) input → the repository query. */
export function legacyListQueryOf(q: ListUsersLegacyInput): UserListQuery {
  const page = q.page ?? 1;
  const limit = q.limit ?? 10;
  const conditions: UserCondition[] = [];
  if (q.status) conditions.push({ column: 'status', op: 'eq', value: q.status });
  if (q.updatedAtStart !== undefined) conditions.push({ column: 'updated_at', op: 'gte', value: new Date(q.updatedAtStart * 1000).toISOString() });
  if (q.updatedAtEnd !== undefined) conditions.push({ column: 'updated_at', op: 'lte', value: new Date(q.updatedAtEnd * 1000).toISOString() });
  return { offset: (page - 1) * limit, limit, conditions };
}
