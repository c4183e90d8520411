import { AppError } from '../../errors/app-error.js';
import type { CredentialsRepo } from '../../storage/repositories/credentials.js';
import type { UserRow, UsersRepo } from '../../storage/repositories/users.js';
import { sortableId } from '../../utils/ids.js';
import { nowIso } from '../../utils/time.js';
import type { PasswordHasher } from '../passwords/hasher.js';
import { assertPassword, type PasswordPolicy } from '../passwords/policy.js';
import type { AuthSettingsService } from './settings.js';

/** A checked, hashed new password that is not stored yet. */
export interface PreparedPassword {
  hash: string;
  /** The hash it replaces, kept in the history when the policy has `historyCount`. */
  previousHash: string | null;
}

/**
 * Setting and changing passwords: policy (per pool, or a JitAi instance's limits), optional
 * no-reuse history, argon2id storage. Used by registration, update-password, reset, the
 * management API and the JitAi element.
 */
export function createPasswordsService(deps: {
  users: UsersRepo;
  credentials: CredentialsRepo;
  hasher: PasswordHasher;
  settings: AuthSettingsService;
  poolName: (poolId: string) => Promise<string | null>;
}) {
  async function policyFor(poolId: string, override?: PasswordPolicy) {
    return override ?? (await deps.settings.get(poolId)).passwordPolicy;
  }

  async function recordPrevious(poolId: string, userId: string, prepared: PreparedPassword, at: string) {
    if (prepared.previousHash) await deps.credentials.addHistory({ id: sortableId(), pool_id: poolId, user_id: userId, hash: prepared.previousHash, created_at: at });
  }

  /**
   * Policy and history checks for a new password of an existing user, then the argon2id hash —
   * without writing, so callers that also change other fields can check everything first and
   * write once (no partial writes). Store the result with `store`.
   */
  async function prepare(poolId: string, user: UserRow, password: string, opts: { policy?: PasswordPolicy; skipPolicy?: boolean; who?: { username?: string | null; email?: string | null; phone?: string | null } } = {}): Promise<PreparedPassword> {
    const policy = await policyFor(poolId, opts.policy);
    const who = opts.who ?? { username: user.username, email: user.email, phone: user.phone };
    if (!opts.skipPolicy) assertPassword(password, policy, { ...who, poolName: await deps.poolName(poolId) });
    if (policy.historyCount > 0) {
      const previous = [user.password_hash, ...(await deps.credentials.recentHistory(poolId, user.id, policy.historyCount)).map((r) => r.hash)].filter(
        (h): h is string => !!h,
      );
      for (const h of previous.slice(0, policy.historyCount)) {
        if ((await deps.hasher.verify(h, password)).ok) throw new AppError('auth.password_reuse');
      }
    }
    return { hash: await deps.hasher.hash(password), previousHash: policy.historyCount > 0 ? user.password_hash : null };
  }

  /** Writes a prepared password (and keeps the replaced hash for the no-reuse rule). */
  async function store(poolId: string, userId: string, prepared: PreparedPassword): Promise<void> {
    const at = nowIso();
    if (!(await deps.credentials.setPasswordHash(poolId, userId, prepared.hash, at))) throw new AppError('user.not_found');
    await recordPrevious(poolId, userId, prepared, at);
  }

  return {
    policyFor,
    /** Checks a candidate password for a (new or existing) user; throws user.invalid_password naming each rule. */
    async assertAcceptable(poolId: string, password: string, who: { username?: string | null; email?: string | null; phone?: string | null }, policy?: PasswordPolicy) {
      assertPassword(password, await policyFor(poolId, policy), { ...who, poolName: await deps.poolName(poolId) });
    },

    /** Hashes without storing (to hash before a user row exists). */
    hash: (password: string) => deps.hasher.hash(password),

    prepare,
    store,

    /** Keeps the replaced hash when the caller wrote the new one itself (e.g. with other profile fields). */
    recordPrevious: (poolId: string, userId: string, prepared: PreparedPassword) => recordPrevious(poolId, userId, prepared, nowIso()),

    /** Sets a user's password after the policy and history checks. */
    async set(poolId: string, user: UserRow, password: string, opts: { policy?: PasswordPolicy; skipPolicy?: boolean } = {}): Promise<void> {
      await store(poolId, user.id, await prepare(poolId, user, password, opts));
    },

    /** Stores an imported hash as is (legacy formats are upgraded at the next sign-in). */
    async importHash(poolId: string, userId: string, hash: string): Promise<void> {
      deps.hasher.assertImportable(hash);
      if (!(await deps.credentials.setPasswordHash(poolId, userId, hash, nowIso()))) throw new AppError('user.not_found');
    },

    /** Removes the password credential (JitAi `unbind`). */
    async clear(poolId: string, userId: string): Promise<void> {
      if (!(await deps.credentials.setPasswordHash(poolId, userId, null, nowIso()))) throw new AppError('user.not_found');
    },

    /** Verifies a user's current password (no brute-force accounting: callers are signed in). */
    async verifyCurrent(user: UserRow, password: string): Promise<boolean> {
      return (await deps.hasher.verify(user.password_hash, password)).ok;
    },

    /** Marks every stored hash of the pool for replacement at its next successful sign-in. */
    markAllForRefresh: (poolId: string) => deps.credentials.markAllForRefresh(poolId),
  };
}
export type PasswordsService = ReturnType<typeof createPasswordsService>;
