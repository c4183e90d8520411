import { AppError } from '../../errors/app-error.js';
import { isUniqueViolation } from '../../errors/to-app-error.js';
import type { GroupPatch, GroupRow, GroupsRepo } from '../../storage/repositories/groups.js';
import type { UserRow } from '../../storage/repositories/users.js';
import { sortableId } from '../../utils/ids.js';
import { nowIso } from '../../utils/time.js';
import type { UserViewOptions } from '../users/types.js';
import { toGroupDto } from './dto.js';
import { matches, parseRule } from './group-rules.js';
import type { UserRefs } from './users.js';

/** get-all-groups has no paging: at most this many groups, and members per group with fetchMembers. */
export const MAX_ALL_GROUPS = 1000;
export const MAX_MEMBERS_PER_GROUP = 100;

export interface GroupInput {
  code: string;
  name: string;
  description?: string | undefined;
  type?: string | undefined;
  customData?: unknown;
  rule?: unknown;
}

/** The vendor's `type` is free text; Gatehouse knows STATIC (the default) and DYNAMIC. */
function typeOf(type: string | undefined): 'STATIC' | 'DYNAMIC' {
  const t = (type || 'STATIC').toUpperCase();
  if (t !== 'STATIC' && t !== 'DYNAMIC') throw new AppError('request.invalid_input', { details: [{ path: 'type', message: 'STATIC or DYNAMIC' }] });
  return t;
}

function ruleText(type: 'STATIC' | 'DYNAMIC', rule: unknown): string | null {
  if (type === 'STATIC') {
    if (rule !== undefined && rule !== null) throw new AppError('group.invalid_rule', { params: { reason: 'only a DYNAMIC group has a rule' } });
    return null;
  }
  if (rule === undefined || rule === null) throw new AppError('group.invalid_rule', { params: { reason: 'a DYNAMIC group needs a rule' } });
  return JSON.stringify(parseRule(rule));
}

/**
 * User groups (vendor create-group … get-user-groups). `onChange(poolId)` runs after any
 * membership or group change is committed (the permission cache listens). A deleted group's
 * permission grants go with it (foreign key); `grantsOf` counts them first, for the audit record.
 */
export function createGroupsService(deps: { repo: GroupsRepo; users: UserRefs; onChange?: (poolId: string) => Promise<void>; grantsOf?: (groupIds: string[]) => Promise<number> }) {
  const { repo, users } = deps;
  const changed = async (poolId: string) => deps.onChange?.(poolId);

  const find = async (poolId: string, code: string): Promise<GroupRow> => {
    const g = await repo.findByCode(poolId, code);
    if (!g) throw new AppError('group.not_found');
    return g;
  };

  const rowOf = (poolId: string, g: GroupInput, at: string, id = sortableId()): GroupRow => {
    const type = typeOf(g.type);
    return { id, pool_id: poolId, code: g.code, name: g.name, description: g.description ?? null, type, rule: ruleText(type, g.rule), custom_data: JSON.stringify(g.customData ?? {}), created_at: at, updated_at: at };
  };

  const insert = async (rows: GroupRow[]) => {
    const seen = new Set<string>();
    for (const r of rows) {
      if (seen.has(r.code)) throw new AppError('group.already_exists', { params: { code: r.code } });
      seen.add(r.code);
    }
    try {
      await repo.insertMany(rows);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const taken = await repo.findByCodes(rows[0]!.pool_id, rows.map((r) => r.code));
      throw new AppError('group.already_exists', { params: { code: taken[0]?.code ?? rows[0]!.code }, cause: err });
    }
  };

  const service = {
    find,

    async create(poolId: string, input: GroupInput) {
      const row = rowOf(poolId, input, nowIso());
      await insert([row]);
      // A new dynamic group changes what every sign-in evaluates (the per-node list of dynamic groups listens).
      if (row.type === 'DYNAMIC') await changed(poolId);
      return toGroupDto(row);
    },

    /** All or nothing. */
    async createBatch(poolId: string, list: GroupInput[]) {
      const at = nowIso();
      // Ids in list order, so listings (ordered by creation time, then id) keep the batch's order.
      const ids = list.map(() => sortableId()).sort();
      const rows = list.map((g, i) => rowOf(poolId, g, at, ids[i]));
      await insert(rows);
      if (rows.some((r) => r.type === 'DYNAMIC')) await changed(poolId);
      return rows.map((r) => toGroupDto(r));
    },

    async update(poolId: string, input: { code: string; newCode?: string | undefined; name?: string | undefined; description?: string | undefined; customData?: unknown; type?: string | undefined; rule?: unknown }) {
      const g = await find(poolId, input.code);
      const type = input.type !== undefined ? typeOf(input.type) : (g.type as 'STATIC' | 'DYNAMIC');
      const patch: GroupPatch = { updated_at: nowIso() };
      if (input.newCode !== undefined) patch.code = input.newCode;
      if (input.name !== undefined) patch.name = input.name;
      if (input.description !== undefined) patch.description = input.description;
      if (input.customData !== undefined) patch.custom_data = JSON.stringify(input.customData);
      if (input.type !== undefined || input.rule !== undefined) {
        patch.type = type;
        patch.rule = ruleText(type, input.rule !== undefined ? input.rule : g.rule ? JSON.parse(g.rule) : undefined);
      }
      try {
        await repo.update(poolId, g.id, patch);
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('group.already_exists', { params: { code: input.newCode ?? input.code }, cause: err });
        throw err;
      }
      await changed(poolId);
      return toGroupDto({ ...g, ...patch } as GroupRow);
    },

    /** Every code must exist, else nothing is deleted. Members and the groups' grants go with them. */
    async deleteBatch(poolId: string, codes: string[]) {
      const unique = [...new Set(codes)];
      const groups = await repo.findByCodes(poolId, unique);
      if (groups.length !== unique.length) throw new AppError('group.not_found');
      const ids = groups.map((g) => g.id);
      const grants = (await deps.grantsOf?.(ids)) ?? 0;
      await repo.deleteMany(poolId, ids);
      await changed(poolId);
      return { groups, grants };
    },

    async get(poolId: string, code: string, withCustomData = false) {
      return toGroupDto(await find(poolId, code), [], withCustomData);
    },

    async list(poolId: string, q: { page: number; limit: number; keywords?: string | undefined; withCustomData?: boolean | undefined }) {
      const { rows, totalCount } = await repo.list(poolId, { page: q.page, limit: q.limit, ...(q.keywords ? { keywords: q.keywords } : {}) });
      return { totalCount, list: rows.map((g) => toGroupDto(g, [], q.withCustomData)) };
    },

    async all(poolId: string, q: { fetchMembers?: boolean | undefined; withCustomData?: boolean | undefined }) {
      const groups = await repo.all(poolId, MAX_ALL_GROUPS);
      const members = q.fetchMembers ? await repo.membersOf(groups.map((g) => g.id), MAX_MEMBERS_PER_GROUP) : undefined;
      return Promise.all(groups.map(async (g) => toGroupDto(g, members ? await users.dtos(members.get(g.id) ?? []) : [], q.withCustomData)));
    },

    async addMembers(poolId: string, input: { code: string; userIds: string[] }) {
      const g = await find(poolId, input.code);
      if (g.type === 'DYNAMIC') throw new AppError('group.dynamic_members');
      const ids = await users.allExist(poolId, input.userIds);
      await repo.addMembers(poolId, g.id, ids, nowIso());
      await changed(poolId);
      return { group: g, userIds: ids };
    },

    async removeMembers(poolId: string, input: { code: string; userIds: string[] }) {
      const g = await find(poolId, input.code);
      if (g.type === 'DYNAMIC') throw new AppError('group.dynamic_members');
      const ids = await users.allExist(poolId, input.userIds);
      await repo.removeMembers(poolId, g.id, ids);
      await changed(poolId);
      return { group: g, userIds: ids };
    },

    async listMembers(poolId: string, q: { code: string; page: number; limit: number } & UserViewOptions) {
      const g = await find(poolId, q.code);
      const { rows, totalCount } = await repo.listMembers(poolId, g.id, q);
      return { totalCount, list: await users.dtos(rows, q) };
    },

    async ofUser(poolId: string, q: { userId: string; userIdType?: string | undefined }) {
      const user = await users.one(poolId, q.userId, q.userIdType);
      const rows = await repo.ofUser(poolId, user.id);
      return { totalCount: rows.length, list: rows.map((g) => toGroupDto(g)) };
    },

    /**
     * Re-evaluates every DYNAMIC group of the pool for this user and stores the result (called at
     * sign-in). Returns the codes joined and left.
     */
    async evaluateDynamic(poolId: string, user: UserRow) {
      const groups = await repo.dynamic(poolId);
      if (groups.length === 0) return { added: [], removed: [] };
      const inGroups = new Set(groups.filter((g) => g.rule && matches(JSON.parse(g.rule), user)).map((g) => g.id));
      const r = await repo.syncUser(poolId, user.id, groups.map((g) => g.id), inGroups, nowIso());
      if (r.added.length > 0 || r.removed.length > 0) await changed(poolId);
      const code = new Map(groups.map((g) => [g.id, g.code]));
      return { added: r.added.map((id) => code.get(id)!), removed: r.removed.map((id) => code.get(id)!) };
    },
  };
  return service;
}
export type GroupsService = ReturnType<typeof createGroupsService>;
