import type { UserRow } from '../storage/repositories/users.js';

/**
 * The user row and role codes that every ID token, userinfo answer and token issue re-reads for
 * the claims (findAccount in provider.ts). Kept in this process per (pool, user):
 *  - Every write that can change them — the users repository's update/delete, a password set
 *    (updated_at), custom data (extended_fields), any role write — publishes the topic
 *    `account` on the invalidation bus (container/index.ts): with Redis every node drops the
 *    entry before the write's response is sent, so the next request anywhere reads the change.
 *  - `ttlMs` bounds what a lost pub/sub message, or several nodes without Redis, can leave behind
 *    (the same bound as the client cache, oidc/clients.ts).
 *  - A lookup that an invalidation overtook does not store what it read (generation counter).
 *  - Only found users are kept (a miss is read again), at most `maxEntries` (oldest first out).
 *  - Login counts, last login and last IP are written on every sign-in but are not claims: those
 *    writes publish nothing (credentials repo `recordLogin`), so sign-ins do not empty the cache.
 */
export interface AccountCacheOptions {
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  at: number;
  user?: Promise<UserRow | undefined>;
  roles?: Promise<string[]>;
}

/** Bus key: `<poolId>` (every user of the pool) or `<poolId>/<userId>`. */
export const accountKey = (poolId: string, userId?: string) => (userId === undefined ? poolId : `${poolId}/${userId}`);

export function createAccountCache(
  load: { user: (poolId: string, userId: string) => Promise<UserRow | undefined>; roles: (poolId: string, userId: string) => Promise<string[]> },
  opts: AccountCacheOptions = {},
) {
  const ttl = opts.ttlMs ?? 10_000;
  const max = opts.maxEntries ?? 50_000;
  const now = opts.now ?? Date.now;
  // Insertion order = age (a refreshed entry is deleted and set again), so the first key is the oldest.
  const entries = new Map<string, Entry>();
  let generation = 0;

  const entryFor = (key: string): Entry => {
    const e = entries.get(key);
    if (e && now() - e.at < ttl) return e;
    if (e) entries.delete(key);
    const fresh: Entry = { at: now() };
    entries.set(key, fresh);
    while (entries.size > max) entries.delete(entries.keys().next().value!);
    return fresh;
  };

  /** Reads through the cache; concurrent requests for the same user share one read. */
  const through = <T>(poolId: string, userId: string, field: 'user' | 'roles', read: () => Promise<T>, keep: (v: T) => boolean): Promise<T> => {
    const key = accountKey(poolId, userId);
    const e = entryFor(key);
    const hit = e[field] as Promise<T> | undefined;
    if (hit) return hit;
    const gen = generation;
    const p = read();
    (e as unknown as Record<string, unknown>)[field] = p;
    const forget = () => {
      if (entries.get(key) === e) delete e[field];
    };
    p.then(
      (v) => {
        // Overtaken by an invalidation, or nothing worth keeping: the next request reads again.
        if (gen !== generation || !keep(v)) forget();
      },
      forget,
    );
    return p;
  };

  return {
    user: (poolId: string, userId: string) => through(poolId, userId, 'user', () => load.user(poolId, userId), (u) => u !== undefined),
    roles: (poolId: string, userId: string) => through(poolId, userId, 'roles', () => load.roles(poolId, userId), () => true),
    /** Drops one user (`<poolId>/<userId>`), a whole pool (`<poolId>`), or everything (undefined). */
    invalidate(key: string | undefined) {
      generation++;
      if (key === undefined) return entries.clear();
      if (key.includes('/')) return void entries.delete(key);
      const prefix = `${key}/`;
      for (const k of entries.keys()) if (k.startsWith(prefix)) entries.delete(k);
    },
    get size() {
      return entries.size;
    },
  };
}
export type AccountCache = ReturnType<typeof createAccountCache>;
