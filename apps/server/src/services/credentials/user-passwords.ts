import { AppError, isAppError } from '../../errors/app-error.js';
import type { TokenService } from '../tokens/types.js';
import { MAX_BATCH, type CreateUserOptions, type UpdateUserOptions, type UserDto, type UserFields, type UsersService } from '../users.js';
import type { PasswordHasher } from '../passwords/hasher.js';
import type { EncryptionService } from './encryption.js';
import type { PasswordsService } from './passwords.js';

/**
 * Passwords in the management API (vendor `ManagementClient.createUser`, `createUsersBatch`,
 * `updateUser`): the users service never sees a plain password; this layer turns the vendor's
 * `password` into a hash and hands it on, and revokes sessions when a user is blocked.
 *
 * - `options.passwordEncryptType` `rsa | sm2`: decrypted with the pool's key first (as on /signin).
 * - Plain passwords pass the pool's policy (each broken rule named, `user.invalid_password`)
 *   and, on update, the no-reuse history; then argon2id.
 * - `options.keepPassword` (vendor: "password is written as is, not hashed again", for
 *   migrations): `password` must be a hash in a format the hasher verifies (bcrypt, scrypt,
 *   pbkdf2, argon2, salted digests — docs/authentication.md); it is replaced by argon2id at the
 *   owner's next sign-in. Anything else is `auth.invalid_password_hash`, never stored as text.
 * - Batches stay all-or-nothing: every password is checked before anything is hashed or written.
 * - Setting `status` to Suspended/Deactivated/Archived revokes every session and refresh token
 *   of the user (ASVS 7.4.2: disabling an account terminates its sessions).
 */
const DISABLED = new Set(['Suspended', 'Deactivated', 'Archived']);

/** One user of an import file: the create-user fields plus a plain `password` or an existing `passwordHash`. */
export type ImportUser = Omit<UserFields, 'passwordHash'> & { passwordHash?: string };

/** Most users one import may carry (one transaction). */
/** Imports at least this large refresh the users table's planner statistics afterwards. */
const IMPORT_ANALYZE_THRESHOLD = 1000;

export const MAX_IMPORT = 10_000;

/** Moves an error's detail paths under `prefix` (e.g. `list/3/`), so a batch names the item. */
function under(err: unknown, prefix: string): unknown {
  if (!isAppError(err)) return err;
  const details = err.details?.length ? err.details.map((d) => ({ ...d, path: `${prefix}${d.path}` })) : [{ path: `${prefix}password`, message: err.message }];
  return new AppError(err.code, { ...(err.params ? { params: err.params } : {}), details, cause: err });
}

export function withPasswords(
  users: UsersService,
  deps: { passwords: PasswordsService; encryption: EncryptionService; hasher: PasswordHasher; tokens: () => TokenService | undefined },
): UsersService & { importUsers(poolId: string, list: ImportUser[]): Promise<UserDto[]> } {
  const who = (f: UserFields) => ({ username: f.username ?? null, email: f.email ?? null, phone: f.phone ?? null });

  /** Checks one password without hashing: returns the plain text to hash, or the imported hash to keep. */
  async function check(poolId: string, f: UserFields, o: CreateUserOptions | UpdateUserOptions | undefined): Promise<{ plain?: string; keep?: string }> {
    const password = f.password!;
    if (o && 'keepPassword' in o && o.keepPassword) {
      deps.hasher.assertImportable(password);
      return { keep: password };
    }
    const plain = await deps.encryption.decrypt(poolId, o?.passwordEncryptType as 'none' | 'rsa' | 'sm2' | undefined, password);
    await deps.passwords.assertAcceptable(poolId, plain, who(f));
    return { plain };
  }
  const finish = async (c: { plain?: string; keep?: string }) => c.keep ?? (await deps.passwords.hash(c.plain!));

  async function revokeIfDisabled(poolId: string, user: UserDto, status: string | undefined) {
    if (status === undefined || !DISABLED.has(status)) return;
    const tokens = deps.tokens();
    if (tokens) await tokens.revokeUserSessions(poolId, user.userId);
  }

  return {
    ...users,

    async create(poolId, input) {
      const { password, ...rest } = input;
      if (!password) return users.create(poolId, rest);
      const passwordHash = await finish(await check(poolId, input, input.options));
      return users.create(poolId, { ...rest, passwordHash });
    },

    async createBatch(poolId, input, opts) {
      if (input.list.length > (opts?.maxBatch ?? MAX_BATCH)) return users.createBatch(poolId, input, opts); // the users service names the limit
      const checked: Array<{ plain?: string; keep?: string } | null> = [];
      for (const [i, item] of input.list.entries()) {
        try {
          checked.push(item.password ? await check(poolId, item, input.options) : null);
        } catch (err) {
          throw under(err, `list/${i}/`);
        }
      }
      const list: UserFields[] = [];
      for (const [i, item] of input.list.entries()) {
        const { password: _omit, ...rest } = item;
        const c = checked[i];
        list.push(c ? { ...rest, passwordHash: await finish(c) } : rest);
      }
      return users.createBatch(poolId, { ...input, list }, opts);
    },

    async update(poolId, input) {
      const { password, ...rest } = input;
      if (!password) {
        const user = await users.update(poolId, rest);
        await revokeIfDisabled(poolId, user, input.status);
        return user;
      }
      const current = await users.findRow(poolId, input.userId, input.options?.userIdType);
      const plain = await deps.encryption.decrypt(poolId, input.options?.passwordEncryptType as 'none' | 'rsa' | 'sm2' | undefined, password);
      // The policy sees the identifiers the user will have after this update.
      const after = { username: input.username ?? current.username, email: input.email ?? current.email, phone: input.phone ?? current.phone };
      const prepared = await deps.passwords.prepare(poolId, current, plain, { who: after });
      const user = await users.update(poolId, { ...rest, passwordHash: prepared.hash });
      await deps.passwords.recordPrevious(poolId, current.id, prepared);
      await revokeIfDisabled(poolId, user, input.status);
      return user;
    },

    /**
     * Import (CLI `gatehouse user import`): up to MAX_IMPORT users in one transaction, each with
     * a plain `password` (policy, argon2id) or an existing `passwordHash` (kept, upgraded at the
     * next sign-in), or neither. Everything is checked before anything is written.
     */
    async importUsers(poolId, list) {
      if (list.length > MAX_IMPORT) throw new AppError('user.batch_too_large', { params: { max: MAX_IMPORT } });
      const checked: Array<{ plain?: string; keep?: string } | null> = [];
      for (const [i, item] of list.entries()) {
        try {
          if (item.password && item.passwordHash) throw new AppError('request.invalid_input', { details: [{ path: 'passwordHash', message: 'give password or passwordHash, not both' }] });
          if (item.passwordHash) {
            deps.hasher.assertImportable(item.passwordHash);
            checked.push({ keep: item.passwordHash });
          } else if (item.password) {
            await deps.passwords.assertAcceptable(poolId, item.password, who(item));
            checked.push({ plain: item.password });
          } else checked.push(null);
        } catch (err) {
          throw under(err, `list/${i}/`);
        }
      }
      const rows: UserFields[] = [];
      for (const [i, item] of list.entries()) {
        const { password: _p, passwordHash: _h, ...rest } = item;
        const c = checked[i];
        rows.push(c ? { ...rest, passwordHash: await finish(c) } : rest);
      }
      const created = await users.createBatch(poolId, { list: rows }, { maxBatch: MAX_IMPORT });
      // A bulk load changes the table's shape for the query planner; refresh its statistics now
      // rather than plan sign-ins with stale ones until autovacuum runs.
      if (created.length >= IMPORT_ANALYZE_THRESHOLD) await users.refreshStatistics();
      return created;
    },
  };
}
