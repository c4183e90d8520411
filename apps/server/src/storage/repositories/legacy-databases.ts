import pg from 'pg';

/**
 * Connections to a pool's own legacy user store, for its custom-database scripts (`db.query`,
 * docs/pipeline.md). The SQL is the pool's (its scripts'), always with bound parameters; each
 * query is bounded by a statement timeout. The caller has checked the address with the outbound
 * guard and passes the address to connect to.
 */
export function createLegacyDatabases(opts: { maxPools?: number } = {}) {
  const pools = new Map<string, pg.Pool>();
  const max = opts.maxPools ?? 100;
  return {
    async query(url: string, address: string, sql: string, params: unknown[], timeoutMs: number): Promise<Record<string, unknown>[]> {
      const key = `${address}|${url}`;
      let pool = pools.get(key);
      if (!pool) {
        if (pools.size >= max) {
          const [oldestKey, oldest] = pools.entries().next().value as [string, pg.Pool];
          pools.delete(oldestKey);
          void oldest.end().catch(() => undefined);
        }
        pool = new pg.Pool({ connectionString: url, host: address, max: 2, idleTimeoutMillis: 10_000, connectionTimeoutMillis: timeoutMs, statement_timeout: timeoutMs });
        pool.on('error', () => undefined);
        pools.set(key, pool);
      }
      const r = await pool.query(sql, params);
      return r.rows as Record<string, unknown>[];
    },
    async close(): Promise<void> {
      await Promise.all([...pools.values()].map((p) => p.end().catch(() => undefined)));
      pools.clear();
    },
  };
}
export type LegacyDatabases = ReturnType<typeof createLegacyDatabases>;
