import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { connectDb, type DbHandle } from '../../src/storage/db/connect.js';
import { migrateToLatest } from '../../src/storage/db/migrate.js';
import { createMemoryKv } from '../../src/storage/kv/memory-kv.js';
import { createRedisKv } from '../../src/storage/kv/redis-kv.js';
import { createSqlKv } from '../../src/storage/kv/sql-kv.js';
import type { KvStore } from '../../src/storage/kv/types.js';
import { createPgDatabase, postgresAvailable, REDIS_URL, redisAvailable } from './services.js';

/**
 * The KV backends every contract suite runs on (design §6): memory, the SQL `kv` table on
 * SQLite and PostgreSQL, and Redis — each opened fresh and torn down completely.
 */
export interface KvSubject {
  kv: KvStore;
  teardown: () => Promise<void>;
}

export interface KvBackendCase {
  name: string;
  /** True when the backend's server is not reachable (the suite is skipped loudly, or fails under GATEHOUSE_TEST_REQUIRE_SERVICES). */
  skip: boolean;
  open: () => Promise<KvSubject>;
}

export function tempSqliteUrl(): { url: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'gh-kv-'));
  return { url: `sqlite:${join(dir, 'kv.db')}`, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A migrated database with a SQL KV on it; `adapt` may change the handle the KV sees. */
export async function openSqlKv(url: string, cleanup: () => Promise<void> | void, adapt: (h: DbHandle) => DbHandle = (h) => h): Promise<KvSubject> {
  const handle = await connectDb(url);
  await migrateToLatest(handle);
  const kv = createSqlKv(adapt(handle));
  return {
    kv,
    teardown: async () => {
      await kv.close();
      await handle.close();
      await cleanup();
    },
  };
}

/** Removes everything written under one test prefix (the keys would expire anyway). */
export async function purgeRedisPrefix(prefix: string): Promise<void> {
  const r = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await r.del(...keys);
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}

export async function kvBackends(): Promise<KvBackendCase[]> {
  const hasPg = await postgresAvailable();
  const hasRedis = await redisAvailable();
  return [
    {
      name: 'memory',
      skip: false,
      open: async () => {
        const kv = createMemoryKv();
        return { kv, teardown: () => kv.close() };
      },
    },
    {
      name: 'sql (SQLite)',
      skip: false,
      open: async () => {
        const { url, cleanup } = tempSqliteUrl();
        return openSqlKv(url, cleanup);
      },
    },
    {
      name: 'sql (PostgreSQL)',
      skip: !hasPg,
      open: async () => {
        const pg = await createPgDatabase();
        return openSqlKv(pg.url, pg.drop);
      },
    },
    {
      name: 'redis',
      skip: !hasRedis,
      open: async () => {
        const keyPrefix = `gh-test:${randomBytes(6).toString('hex')}:`;
        const kv = await createRedisKv(REDIS_URL, { keyPrefix });
        return {
          kv,
          teardown: async () => {
            await kv.close();
            await purgeRedisPrefix(keyPrefix);
          },
        };
      },
    },
  ];
}
