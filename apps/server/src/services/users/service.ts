import type { EventService } from '../events/service.js';
import { AppError, invalidInput as invalid } from '../../errors/app-error.js';
import type { UserPatch, UserRow, UsersRepo } from '../../storage/repositories/users.js';
import { nowIso } from '../../utils/time.js';
import { parseCustomData, toUserDto } from './dto.js';
import { conflictField, IDENTIFIER_FIELDS, identifiersOf, lookupColumn, lookupValue } from './identifiers.js';
import { legacyListQueryOf, listQueryOf } from './list-query.js';
import { newRow } from './new-row.js';
import { MAX_BATCH, PROFILE_COLUMNS, type CreateUserOptions, type ListUsersInput, type ListUsersLegacyInput, type ProfileField, type UpdateUserOptions, type UserDto, type UserFields, type UserIdType, type UserViewOptions } from './types.js';
import { assertIdentifierCharacters, lookupForm, profileEmail, profileUsername } from './identifier-profile.js';
import { customDataText, refuseUnsupported, refuseUnsupportedCreateOptions, refuseUnsupportedUpdateOptions } from './validation.js';

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

export function createUsersService(repo: UsersRepo, events?: Pick<EventService, 'emit'>) {
  const ref = (r: UserRow) => ({ userId: r.id, email: r.email, phone: r.phone, username: r.username });

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
      // The event is emitted inside the insert's transaction: its webhook deliveries are written
      // with the user (no delivery lost after the commit, none for a rolled-back insert).
      const created = (trx: unknown) => events?.emit('user:created', { poolId, subject: row.id, data: { ...ref(row), source: 'api' } }, { trx }).then(() => undefined) ?? Promise.resolve();
      try {
        await repo.insertWithin(row, created);
      } catch (err) {
        rethrowConflict(err);
      }
      return toUserDto(row, { withCustomData: true });
    },

    /** All or nothing: every item is checked first, then all are inserted in one transaction. */
    /** After large imports: the planner must know the table's new size (see the repository). */
    refreshStatistics: () => repo.refreshStatistics(),

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

    /** The stored user by id (flows and request contexts); undefined when there is none. */
    row: (poolId: string, userId: string): Promise<UserRow | undefined> => repo.findById(poolId, userId),

    /** The stored user named by any unique identifier (vendor `userIdType`), or user.not_found. */
    resolve: (poolId: string, userId: string, type?: UserIdType) => find(poolId, userId, type),

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
      const { rows, total } = await repo.list(poolId, listQueryOf(input));
      return { totalCount: total, list: rows.map((r) => toUserDto(r, input.options ?? {})) };
    },

    /** Vendor `GET /api/v3/list-users` (deprecated `listUsersLegacy`). */
    async listLegacy(poolId: string, q: ListUsersLegacyInput): Promise<{ totalCount: number; list: UserDto[] }> {
      const { rows, total } = await repo.list(poolId, legacyListQueryOf(q));
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
      // The identifier profile, as on create; an empty string clears the identifier.
      if (input.username !== undefined) patch.username = input.username ? profileUsername(input.username) : null;
      if (input.email !== undefined) patch.email = input.email ? profileEmail(input.email) : null;
      if (input.phone !== undefined) {
        if (input.phone) assertIdentifierCharacters(input.phone, 'phone');
        patch.phone = input.phone || null;
      }
      if (input.externalId !== undefined) {
        if (input.externalId) assertIdentifierCharacters(input.externalId, 'externalId');
        patch.external_id = input.externalId || null;
      }
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
      const fields = Object.keys(input).filter((k) => k !== 'userId' && k !== 'options' && k !== 'password' && k !== 'passwordHash');
      await events?.emit('user:updated', { poolId, subject: row.id, data: { ...ref(row), fields } });
      if (patch.status !== undefined && patch.status !== current.status) {
        if (patch.status === 'Suspended') await events?.emit('user:blocked', { poolId, subject: row.id, data: ref(row) });
        else if (current.status === 'Suspended') await events?.emit('user:unblocked', { poolId, subject: row.id, data: ref(row) });
        if (patch.status === 'Archived') await events?.emit('user:archived', { poolId, subject: row.id, data: ref(row) });
        else if (current.status === 'Archived') await events?.emit('user:unarchived', { poolId, subject: row.id, data: ref(row) });
      }
      return toUserDto(row, { withCustomData: true });
    },

    /**
     * Deletes all the users or none: if any id is not a user of the caller's pool the request
     * fails with `user.not_found` naming the missing ids, and nothing is deleted. The vendor
     * documents no rule for unknown ids; refusing catches typos and stale ids, and a user of
     * another pool is indistinguishable from one that does not exist.
     */
    /** Returns the ids of the deleted users (so their sessions can be ended). */
    async deleteBatch(poolId: string, input: { userIds: string[]; options?: { userIdType?: UserIdType } }): Promise<string[]> {
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
      for (const id of ids) await events?.emit('user:deleted', { poolId, subject: id, data: { userId: id } });
      return ids;
    },

    /**
     * Vendor `isUserExists`: true when some user of the pool holds any of the given
     * identifiers — the question a caller asks before creating a user with them.
     */
    async exists(poolId: string, q: { username?: string; email?: string; phone?: string; externalId?: string }): Promise<boolean> {
      const ids = { username: q.username === undefined ? undefined : lookupForm(q.username), email: q.email === undefined ? undefined : lookupForm(q.email), phone: q.phone, external_id: q.externalId };
      if (Object.values(ids).every((v) => v === undefined)) throw invalid('body', 'needs one of username, email, phone or externalId');
      return (await repo.findHoldersOfAny(poolId, ids)).length > 0;
    },
  };
}
export type UsersService = ReturnType<typeof createUsersService>;
