import type { DbHandle } from '../db/connect.js';
import { createMemoryKv } from './memory-kv.js';
import { createRedisKv, type RedisKvOptions } from './redis-kv.js';
import { withCircuitBreaker, type BreakerOptions, type KvBreaker } from './breaker.js';
import { createSqlKv } from './sql-kv.js';
import type { KvBackend, KvStore } from './types.js';

export interface CreateKvOptions {
  redisUrl?: string;
  db?: DbHandle;
  /** Forces a backend; otherwise Redis when a URL is set, else SQL when a database is given, else memory. */
  backend?: KvBackend;
  redis?: RedisKvOptions;
  /** Redis only: the circuit breaker's settings (breaker.ts). */
  breaker?: BreakerOptions;
}

/**
 * Picks the KV backend. The default order follows the design: Redis once the deployment is
 * scaled out, the shared SQL database otherwise (so several nodes on one database still
 * share codes and counters), memory only for tests and throwaway development.
 */
export async function createKv(opts: CreateKvOptions): Promise<{ kv: KvStore; backend: KvBackend; breaker?: KvBreaker }> {
  const backend: KvBackend = opts.backend ?? (opts.redisUrl ? 'redis' : opts.db ? 'sql' : 'memory');
  switch (backend) {
    case 'redis':
      if (!opts.redisUrl) throw new Error('KV backend "redis" needs a Redis URL');
    {
      // Redis is a separate service that can go away: fail closed and fast while it does.
      const kv = withCircuitBreaker(await createRedisKv(opts.redisUrl, opts.redis), opts.breaker);
      return { kv, backend, breaker: kv.breaker };
    }
    case 'sql':
      if (!opts.db) throw new Error('KV backend "sql" needs a database handle');
      return { kv: createSqlKv(opts.db), backend };
    case 'memory':
      return { kv: createMemoryKv(), backend };
  }
}
