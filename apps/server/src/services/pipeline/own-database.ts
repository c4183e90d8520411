import { AppError } from '../../errors/app-error.js';
import type { PipelineRepo } from '../../storage/repositories/pipeline.js';
import type { UserRow } from '../../storage/repositories/users.js';
import type { Logger } from '../../utils/logger.js';
import { nowIso } from '../../utils/time.js';
import { profileOf, type CustomDbScripts, type ScriptProfile } from './custom-database-script.js';

/** The registration a script's `create` receives (never stored by Gatehouse with the password). */
export interface OwnRegistration {
  email?: string | undefined;
  username?: string | undefined;
  phone?: string | undefined;
  password: string;
  nickname?: string | undefined;
  name?: string | undefined;
}

/** Profile fields refreshed on the Gatehouse account from the script's answer at every sign-in. */
const SYNCED = ['nickname', 'name'] as const;

/**
 * A pool's custom database in "own database" mode (docs/pipeline.md): the users live in the
 * pool's own store, reached only through its script. Gatehouse keeps an account for each (the
 * sign-in engine needs one: MFA, sessions, tokens, history) linked to the store's id, with no
 * password: every password check asks `login`, a registration `getUser` then `create`, a new
 * password `changePassword`, and a verified email and a deletion are passed on (`verify`,
 * `remove`: `delete` is a reserved word in JavaScript). Accounts created in Gatehouse before the mode was on keep their own password.
 */
export function createOwnDatabase(deps: {
  repo: PipelineRepo;
  scripts: CustomDbScripts;
  users: {
    findById(poolId: string, userId: string): Promise<UserRow | undefined>;
    /** Creates the account without a password; returns its id. */
    create(poolId: string, p: ScriptProfile): Promise<string>;
    update(poolId: string, userId: string, fields: Partial<Record<(typeof SYNCED)[number], string>>): Promise<unknown>;
    remove(poolId: string, userId: string): Promise<unknown>;
  };
  log: Logger;
}) {
  const { repo } = deps;
  const own = async (poolId: string) => {
    const cfg = await repo.findCustomDatabase(poolId);
    return cfg && cfg.enabled === 1 && cfg.mode === 'own' ? cfg : null;
  };
  const refusal = (message: string) => new AppError('pipeline.denied', { params: { message: message.slice(0, 200) || 'Refused.' } });
  const identity = (u: UserRow, externalId: string) => ({ id: externalId, email: u.email, username: u.username, phone: u.phone });

  /** The Gatehouse account of a store user: found by its link, or created and linked now. */
  async function accountFor(poolId: string, p: ScriptProfile & { id: string }): Promise<UserRow> {
    const link = await repo.findOwnUserByExternal(poolId, p.id);
    const existing = link ? await deps.users.findById(poolId, link.user_id) : undefined;
    if (existing) {
      const patch: Partial<Record<(typeof SYNCED)[number], string>> = {};
      for (const k of SYNCED) if (p[k] !== undefined && p[k] !== existing[k]) patch[k] = p[k];
      if (Object.keys(patch).length) await deps.users.update(poolId, existing.id, patch);
      return (await deps.users.findById(poolId, existing.id)) ?? existing;
    }
    if (link) await repo.deleteOwnUser(poolId, link.user_id); // the account was deleted in Gatehouse only
    const userId = await deps.users.create(poolId, p);
    await repo.insertOwnUser({ pool_id: poolId, user_id: userId, external_id: p.id, created_at: nowIso() });
    return (await deps.users.findById(poolId, userId))!;
  }

  const withId = (v: unknown): (ScriptProfile & { id: string }) | null => {
    const p = profileOf(v);
    if (!p) return null;
    // Without an id the store's user cannot be recognised at the next sign-in: a script fault.
    if (!p.id) throw new AppError('pipeline.script_failed');
    return p as ScriptProfile & { id: string };
  };

  return {
    isOwn: async (poolId: string) => (await own(poolId)) !== null,

    /**
     * A password sign-in: null when the store is not asked (not own mode, or an account with a
     * Gatehouse password); else the account the script's `login` vouched for, or false.
     */
    async verifyPassword(poolId: string, account: string, password: string, identified: UserRow | null): Promise<UserRow | false | null> {
      const cfg = await own(poolId);
      if (!cfg) return null;
      if (identified && !(await repo.findOwnUser(poolId, identified.id)) && identified.password_hash) return null;
      const r = await deps.scripts.call(poolId, cfg, 'login', [account, password], { secrets: [password], userId: identified?.id ?? null });
      if (r.kind === 'refused') return false;
      const p = withId(r.value);
      return p ? accountFor(poolId, p) : false;
    },

    /**
     * A registration with a password: the store must not hold the identifiers yet (`getUser`),
     * then `create` makes the user there. Called after Gatehouse created the account (its
     * allow-list and uniqueness checks first); a refusal removes that account again.
     */
    async register(poolId: string, userId: string, r: OwnRegistration): Promise<void> {
      const cfg = await own(poolId);
      if (!cfg) return;
      try {
        const query = { ...(r.email ? { email: r.email } : {}), ...(r.username ? { username: r.username } : {}), ...(r.phone ? { phone: r.phone } : {}) };
        const found = await deps.scripts.call(poolId, cfg, 'getUser', [query], { secrets: [r.password], userId });
        if (found.kind === 'value' && profileOf(found.value)) throw new AppError('user.already_exists');
        const made = await deps.scripts.call(poolId, cfg, 'create', [{ ...query, ...(r.nickname ? { nickname: r.nickname } : {}), ...(r.name ? { name: r.name } : {}), password: r.password }], { secrets: [r.password], userId });
        if (made.kind === 'refused') throw refusal(made.message);
        const p = withId(made.value);
        if (!p) throw new AppError('pipeline.script_failed');
        await repo.insertOwnUser({ pool_id: poolId, user_id: userId, external_id: p.id, created_at: nowIso() });
      } catch (err) {
        await deps.users.remove(poolId, userId).catch((e: unknown) => deps.log.error({ err: e, userId }, 'custom database: could not remove the refused account'));
        throw err;
      }
    },

    /** A new password for a linked account goes to the store (`changePassword`); true when it did (nothing is stored here). */
    async changePassword(poolId: string, user: UserRow, password: string): Promise<boolean> {
      const cfg = await own(poolId);
      const link = cfg ? await repo.findOwnUser(poolId, user.id) : undefined;
      if (!cfg || !link) return false;
      const r = await deps.scripts.call(poolId, cfg, 'changePassword', [identity(user, link.external_id), password], { secrets: [password], userId: user.id });
      if (r.kind === 'refused') throw refusal(r.message);
      return true;
    },

    /** The current password of a linked account (a signed-in user changing it): asks `login`; null when not linked. */
    async checkCurrent(poolId: string, user: UserRow, password: string): Promise<boolean | null> {
      const cfg = await own(poolId);
      const link = cfg ? await repo.findOwnUser(poolId, user.id) : undefined;
      const account = user.email ?? user.username ?? user.phone;
      if (!cfg || !link || !account) return null;
      const r = await deps.scripts.call(poolId, cfg, 'login', [account, password], { secrets: [password], userId: user.id });
      return r.kind === 'value' && profileOf(r.value)?.id === link.external_id;
    },

    /** After the fact (events): a verified email (`verify`) and a deleted account (`delete`); failures are logged. */
    async emailVerified(poolId: string, userId: string): Promise<void> {
      const cfg = await own(poolId);
      const link = cfg ? await repo.findOwnUser(poolId, userId) : undefined;
      const user = link ? await deps.users.findById(poolId, userId) : undefined;
      if (cfg && link && user?.email_verified === 1) await deps.scripts.call(poolId, cfg, 'verify', [identity(user, link.external_id)], { userId });
    },
    async deleted(poolId: string, userId: string): Promise<void> {
      const link = await repo.findOwnUser(poolId, userId);
      if (!link) return;
      const cfg = await own(poolId);
      if (cfg) await deps.scripts.call(poolId, cfg, 'remove', [{ id: link.external_id }], { userId });
      await repo.deleteOwnUser(poolId, userId);
    },
  };
}
export type OwnDatabase = ReturnType<typeof createOwnDatabase>;

/** The password writers and the current-password check, as the passwords service has them. */
export interface PasswordWriters {
  prepare(poolId: string, user: UserRow, password: string, opts?: Record<string, unknown>): Promise<{ hash: string; previousHash: string | null }>;
  store(poolId: string, userId: string, prepared: { hash: string; previousHash: string | null }): Promise<void>;
  set(poolId: string, user: UserRow, password: string, opts?: Record<string, unknown>): Promise<void>;
  verifyCurrent(user: UserRow, password: string): Promise<boolean>;
}

/**
 * Routes new passwords of linked accounts to the store: every writer of a password (reset by
 * code, the administrator's update, a signed-in user's change, binding) goes through `prepare`
 * or `set`. The pool's policy and history checks run first; then `changePassword` runs and
 * Gatehouse stores no hash (null). The current-password check of such an account asks `login`.
 */
export function routeOwnPasswords(passwords: PasswordWriters, own: OwnDatabase): void {
  const { prepare, verifyCurrent } = passwords;
  passwords.prepare = async (poolId, user, password, opts) => {
    const prepared = await prepare(poolId, user, password, opts);
    // No password is kept here for an account of the pool's own store (a null hash).
    return (await own.changePassword(poolId, user, password)) ? { hash: null as unknown as string, previousHash: null } : prepared;
  };
  passwords.set = async (poolId, user, password, opts) => passwords.store(poolId, user.id, await passwords.prepare(poolId, user, password, opts));
  passwords.verifyCurrent = async (user, password) => (await own.checkCurrent(user.pool_id, user, password)) ?? verifyCurrent(user, password);
}
