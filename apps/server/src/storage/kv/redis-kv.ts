import { Redis, type RedisOptions } from 'ioredis';
import type { KvStore } from './types.js';

/** Default prefix of every Gatehouse key (and of the invalidation channel) in Redis. */
export const DEFAULT_REDIS_KEY_PREFIX = 'gh:';

export interface RedisKvOptions {
  /** Prepended to every key so a shared Redis is not polluted; default `gh:`. */
  keyPrefix?: string;
  /**
   * Connection-level errors (reconnects etc.). Commands still reject on their own; without a
   * listener ioredis would print every such error to the console.
   */
  onError?: (err: Error) => void;
  /** A command unanswered after this many ms fails (default 1000): a hung Redis must not hang requests. */
  commandTimeoutMs?: number;
}

/** A Redis URL without its password, for messages. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return 'the configured Redis URL';
  }
}

/** Starting against a Redis that does not answer: one clear sentence instead of a reconnect loop. */
export class RedisUnreachableError extends Error {
  constructor(url: string, cause: unknown) {
    const code = (cause as { code?: string })?.code ?? (cause as Error)?.message ?? 'no answer';
    super(`Redis at ${redactRedisUrl(url)} is unreachable (${code}). Start it, fix GATEHOUSE_REDIS_URL, or leave GATEHOUSE_REDIS_URL empty to keep short-lived state in the database.`, { cause });
    this.name = 'RedisUnreachableError';
  }
}

/** Reconnect delays once running: 100 ms growing to 2 s, for ever (the circuit breaker answers meanwhile). */
export const reconnectDelay = (times: number) => Math.min(100 * times, 2000);

/**
 * Connects, failing at once when Redis does not answer (no retry loop at start), then switches
 * to reconnecting for ever. Commands never wait in an offline queue: while the connection is
 * down they fail immediately, and the circuit breaker (breaker.ts) turns that into a 503.
 */
export async function connectRedis(url: string, options: RedisOptions, onError: (err: Error) => void): Promise<Redis> {
  const client = new Redis(url, { ...options, lazyConnect: true, enableOfflineQueue: false, connectTimeout: 2000, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  client.on('error', onError);
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    client.disconnect();
    throw new RedisUnreachableError(url, err);
  }
  client.options.retryStrategy = reconnectDelay;
  return client;
}

/**
 * INCRBY and PEXPIRE must be one step: as two round trips, a crash or a racing caller in
 * between could leave a counter without expiry (a rate limit that never resets). The
 * expiry is set when the key has none after the increment, i.e. INCRBY just created it.
 * That is stricter than comparing the result with `by` (which would also re-arm the
 * expiry of an existing counter that happened to be back at 0 + by) and repairs a key
 * that somehow lost its TTL, since nothing in this store may live forever.
 */
const INCR_LUA = `
local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) == -1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return v
`;

type RedisWithIncr = Redis & {
  ghIncrEx(key: string, by: number, ttlMs: number): Promise<number>;
};

/** Redis PX takes whole milliseconds. */
const px = (ttlMs: number) => Math.max(1, Math.ceil(ttlMs));

/**
 * The KV store on Redis, for scaled-out deployments. Each operation is a single Redis
 * command (or one Lua script), so it is atomic across all nodes. Resolves once the server
 * answered a PING, so a wrong URL fails at startup (RedisUnreachableError) rather than on the
 * first login.
 */
export async function createRedisKv(url: string, opts: RedisKvOptions = {}): Promise<KvStore> {
  const client = (await connectRedis(
    url,
    {
      keyPrefix: opts.keyPrefix ?? DEFAULT_REDIS_KEY_PREFIX,
      // A login request must get an answer, not hang, while Redis is down or hung.
      commandTimeout: opts.commandTimeoutMs ?? 1000,
    },
    opts.onError ?? (() => undefined),
  )) as RedisWithIncr;
  client.defineCommand('ghIncrEx', { numberOfKeys: 1, lua: INCR_LUA });

  return {
    get: (key) => client.get(key),
    // One MGET instead of parallel GETs: the token paths read a record and its tombstones together.
    getMany: (keys) => (keys.length === 0 ? Promise.resolve([]) : client.mget(...keys)),
    async set(key, value, ttlMs) {
      await client.set(key, value, 'PX', px(ttlMs));
    },
    async setIfAbsent(key, value, ttlMs) {
      return (await client.set(key, value, 'PX', px(ttlMs), 'NX')) === 'OK';
    },
    async incr(key, ttlMs, by = 1) {
      if (!Number.isSafeInteger(by)) throw new Error('KV incr: `by` must be an integer');
      return Number(await client.ghIncrEx(key, by, px(ttlMs)));
    },
    take: (key) => client.getdel(key), // Redis ≥ 6.2
    async del(key) {
      return (await client.del(key)) > 0;
    },
    async delMany(keys) {
      if (keys.length > 0) await client.del(...keys);
    },
    async ttl(key) {
      const ms = await client.pttl(key);
      // -2: no such key. -1: a key without expiry, which this store never creates; it has
      // no remaining lifetime to report. Otherwise a live key, so at least 1 ms.
      return ms < 0 ? null : Math.max(1, ms);
    },
    async ping() {
      await client.ping();
    },
    async close() {
      // quit() lets pending replies arrive; if the connection is already gone it rejects.
      await client.quit().catch(() => client.disconnect());
    },
  };
}
